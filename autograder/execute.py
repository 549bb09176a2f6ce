"""학생 노트북을 별도 프로세스에서 실행합니다 (execution in a child process).

채점기 프로세스는 노트북을 직접 실행하지 않습니다. 노트북마다 자식 프로세스
(``python -m autograder.execute``)를 띄우고, 그 안에서 nbgrader의 ``Execute`` 전처리기가 커널을 돌립니다.
무한 루프는 셀 시간 제한과 노트북 전체 시간 제한으로, 커널이 죽는 경우는 상태 값으로 돌아옵니다.
어떤 제출물도 채점기 자체를 멈추거나 다른 학생의 채점에 끼어들 수 없습니다.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import nbformat
import psutil
from nbformat import NotebookNode

#: 노트북이 실행되는 커널에 주는 환경 변수. 병렬 채점에서 코어를 나눠 쓰도록 스레드를 하나로 묶습니다.
KERNEL_ENV = {
    "MPLBACKEND": "Agg",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NBGRADER_EXECUTION": "autograde",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


@dataclass
class Limits:
    """실행 제한과 격리 설정.

    cell_timeout, notebook_timeout은 벽시계 초, cpu_seconds는 커널의 CPU 시간, memory_mb는 프로세스 하나의
    메모리, max_processes는 커널 안의 프로세스·스레드 수. deny_paths는 커널이 읽으면 안 되는 경로
    (정답 폴더, 성적부와 결과 폴더, 다른 학생의 제출물). isolation을 "none"으로 주면 샌드박스 없이 돕니다
    (테스트나 디버깅용; 결과에 그렇게 적힙니다).
    """

    cell_timeout: int = 120
    notebook_timeout: int = 600
    cpu_seconds: int = 900
    memory_mb: int = 4096
    max_processes: int = 256
    #: 노트북 옆의 파일(작업 폴더로 복사되는 것)의 크기 합 한도(MB). 넘으면 복사하지 않고 too_large로 채점합니다.
    folder_mb: int = 200
    deny_paths: tuple[str, ...] = ()
    isolation: str | None = None


@dataclass
class ExecResult:
    nb: NotebookNode
    status: str  # ok | timeout | kernel_died | grader_error
    detail: str = ""
    seconds: float = 0.0
    #: 그중 커널이 셀을 실행하는 데 쓴 시간(셀마다 busy → idle의 합). 나머지는 채점기의 몫입니다.
    kernel_seconds: float = 0.0
    isolation: str = ""


def _execute_here(nb: NotebookNode, workdir: Path, limits: Limits,
                  go: Callable[[], bool] | None = None) -> tuple[NotebookNode, str, str, str]:
    """이 프로세스에서 nbgrader의 Execute로 노트북을 실행합니다 (자식 프로세스 안에서 부름).

    커널은 sandbox.make_kernel_manager가 만든 격리된 커널입니다. 돌려주는 마지막 값은 실제로 걸린 격리의 설명.
    ``go`` 가 있으면 커널을 먼저 띄워 두고, ``go()`` 가 돌아온 뒤에 셀을 실행합니다(거짓이면 실행하지 않음).
    """
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbgrader.preprocessors import Execute

    from . import sandbox

    os.environ.update(KERNEL_ENV)
    km, isolation = None, "없음 (격리하지 않음)"
    if limits.isolation != "none":
        # 커널에 matplotlib 글꼴 캐시를 복사해 주므로, 없으면 여기서 한 번 만들어 둡니다.
        import matplotlib.font_manager  # noqa: F401

        km, isolation = sandbox.make_kernel_manager(
            workdir,
            sandbox.Limits(cpu_seconds=limits.cpu_seconds, memory_mb=limits.memory_mb,
                           max_processes=limits.max_processes),
            deny_paths=[Path(p) for p in limits.deny_paths if Path(p).exists()],
            isolation=limits.isolation, env=KERNEL_ENV,
        )
    ep = Execute(timeout=limits.cell_timeout, interrupt_on_timeout=False, error_on_timeout={}, allow_errors=True)
    resources = {"metadata": {"path": str(workdir)}}
    try:
        if go is not None and km is not None:
            # 커널이 뜨는 동안(0.5초 남짓) 앞 노트북이 실행 칸을 쓰고 있습니다. nbclient는 이미 뜬 커널을 그대로 쓰므로,
            # nbclient가 파이썬 커널을 띄울 때와 같은 인자를 줍니다.
            args = [*ep.extra_arguments, f"--HistoryManager.hist_file={ep.ipython_hist_file}"]
            run_sync(km.start_kernel)(extra_arguments=args, cwd=str(workdir))
        if go is not None and not go():
            return nb, "grader_error", "채점기가 실행을 취소했습니다.", isolation
        ep.preprocess(nb, resources, km=km)
    except CellTimeoutError:
        return nb, "timeout", f"한 셀이 {limits.cell_timeout}초 안에 끝나지 않았습니다 (무한 루프?).", isolation
    except DeadKernelError:
        return nb, "kernel_died", "실행 중에 커널이 죽었습니다 (프로세스 종료, 메모리·CPU 한도 초과 등).", isolation
    except RuntimeError as exc:  # nbclient: kernel died before replying, failed to start, ...
        if "kernel" in str(exc).lower():
            return nb, "kernel_died", f"커널 오류: {exc}"[:300], isolation
        raise
    finally:
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # the kernel may already be gone
                pass
    return nb, "ok", "", isolation


def run(nb: NotebookNode, workdir: Path, limits: Limits, slots: threading.Semaphore | None = None) -> ExecResult:
    """노트북을 자식 프로세스에서 실행하고 결과를 돌려줍니다. 예외를 던지지 않습니다.

    ``slots`` (동시에 실행할 노트북 수만큼의 세마포어)를 주면, 자식 프로세스와 커널은 바로 띄우되 셀 실행은
    칸 하나를 얻은 뒤에 시작합니다. 그래서 커널이 뜨는 시간이 앞 노트북의 실행과 겹칩니다. 노트북 전체 시간
    제한과 ``seconds`` 는 칸을 얻은 때부터 셉니다.
    """
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="exec-") as tmp:
        tmp = Path(tmp)
        src, dst, status_file = tmp / "in.ipynb", tmp / "out.ipynb", tmp / "status.json"
        nbformat.write(nb, str(src))
        (tmp / "limits.json").write_text(json.dumps(asdict(limits)), encoding="utf-8")
        argv = [str(src), str(dst), str(status_file), str(workdir), str(tmp / "limits.json")]
        go_fd = None
        if slots is not None:
            # 출발 신호를 보낼 FIFO. 쓰는 쪽을 이 프로세스가 쥐고 있으므로, 채점기가 신호 없이 끝나면 자식은
            # EOF를 읽고 실행 없이 끝납니다.
            os.mkfifo(tmp / "go", 0o600)
            go_fd = os.open(tmp / "go", os.O_RDWR)
            argv += ["--go", str(tmp / "go")]
        proc = _start_child(argv, tmp / "stderr.txt")
        held = False
        try:
            if slots is not None:
                slots.acquire()
                held = True
                start = time.monotonic()
                os.write(go_fd, b"1")
            proc.wait(timeout=limits.notebook_timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return ExecResult(nb, "timeout", f"노트북 전체가 {limits.notebook_timeout}초 안에 끝나지 않았습니다.",
                              time.monotonic() - start)
        finally:
            _kill_group(proc)
            if held:
                slots.release()
            if go_fd is not None:
                os.close(go_fd)
        seconds = time.monotonic() - start
        if status_file.exists() and dst.exists():
            info = json.loads(status_file.read_text(encoding="utf-8"))
            out = nbformat.read(str(dst), as_version=4)
            return ExecResult(out, info["status"], info["detail"], seconds, kernel_seconds(out), info["isolation"])
        err = (tmp / "stderr.txt").read_bytes() if (tmp / "stderr.txt").exists() else b""
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        return ExecResult(nb, "grader_error", "실행 프로세스가 결과 없이 끝났습니다: " + " | ".join(tail), seconds)


def run_files(nb: NotebookNode, files: dict[str, bytes], limits: Limits) -> ExecResult:
    """``run`` 과 같지만, 작업 폴더를 경로 대신 내용(상대 경로 → 바이트)으로 받습니다.

    Dask 작업자처럼 채점기의 디스크를 볼 수 없는 곳에서 부릅니다. 작업 폴더는 이 프로세스의
    임시 폴더에 새로 만들고, 실행이 끝나면 지웁니다. ``limits.deny_paths`` 는 채점기 쪽 경로이므로,
    이 컴퓨터에 있는 저장소의 정답 폴더와 기록(.git)도 함께 가립니다.
    """
    from . import course

    start = time.monotonic()
    here = (str(course.SOLUTIONS), str(course.REPO / ".git"))
    limits = replace(limits, deny_paths=tuple(dict.fromkeys([*limits.deny_paths, *here])))
    bad = [name for name in files if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts]
    if bad:
        return ExecResult(nb, "grader_error", f"작업 폴더 밖을 가리키는 파일 이름: {bad[0]!r}")
    with tempfile.TemporaryDirectory(prefix="work-") as tmp:
        workdir = Path(tmp)
        for name, data in files.items():
            path = workdir.joinpath(*PurePosixPath(name).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        result = run(nb, workdir, limits)
    result.seconds = time.monotonic() - start
    return result


def _copied(path: Path) -> bool:
    """작업 폴더로 복사하는 것: 노트북(정리한 것을 따로 실행), 체크포인트, 심볼릭 링크가 아닌 파일과 폴더."""
    return not path.is_symlink() and path.suffix != ".ipynb" and path.name != ".ipynb_checkpoints"


def _walk_copied(path: Path):
    """``path`` 아래에서 복사될 파일들(링크를 따라가지 않음)."""
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if _copied(Path(root, d))]
        yield from (Path(root, n) for n in names if _copied(Path(root, n)))


def copy_workdir(folder: Path, workdir: Path, max_mb: int, only: Iterable[str] | None = None) -> None:
    """노트북 옆의 파일을 실행용 작업 폴더로 복사합니다. 노트북과 심볼릭 링크는 빼고, ``only``가 있으면 그 이름만.

    링크를 따라 복사하면 링크가 가리키는 채점기 쪽 파일(정답 등)의 내용이 샌드박스 안으로 들어옵니다.
    채점(grade)과 학생의 자가 점검(validate)이 같은 규칙으로 작업 폴더를 만들도록 둘 다 이것을 씁니다.
    복사할 파일의 크기 합이 ``max_mb``를 넘거나 작업 폴더가 복사할 폴더 안에 있으면(자기 안으로의 복사)
    아무것도 복사하지 않고 ``SubmissionError("too_large")``를 냅니다.
    """
    from .notebooks import SubmissionError

    folder, workdir = Path(folder).resolve(), Path(workdir)
    names = sorted(p.name for p in folder.iterdir()) if only is None else list(only)
    entries = [folder / n for n in names if (folder / n).exists() and _copied(folder / n)]
    target = workdir.resolve()
    if any(target.is_relative_to(p) for p in entries if p.is_dir()):
        raise SubmissionError("too_large", f"작업 폴더 {target}이(가) 복사할 폴더 안에 있어 복사하지 않았습니다.")
    limit, total = max_mb * 2**20, 0
    for path in entries:
        for f in _walk_copied(path):
            try:
                total += f.lstat().st_size
            except OSError:
                continue
            if total > limit:
                raise SubmissionError(
                    "too_large", f"노트북 옆의 파일이 {total / 2**20:,.0f} MB를 넘어 한도 {max_mb} MB보다 큽니다. "
                                 "노트북과 과제에 필요한 파일만 제출하세요.")
    workdir.mkdir(parents=True)
    for path in entries:
        if path.is_dir():
            shutil.copytree(path, workdir / path.name,
                            ignore=lambda parent, names: {n for n in names if not _copied(Path(parent, n))})
        else:
            shutil.copy2(path, workdir / path.name)


def kernel_seconds(nb: NotebookNode) -> float:
    """nbclient가 셀마다 적어 두는 시각(metadata.execution)으로 커널의 실행 시간을 더합니다."""
    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        busy, idle = timing.get("iopub.status.busy"), timing.get("iopub.status.idle")
        if busy and idle:
            try:
                total += (datetime.fromisoformat(idle) - datetime.fromisoformat(busy)).total_seconds()
            except ValueError:
                pass
    return total


#: 실행 프로세스가 미리 불러 두는 모듈. 노트북마다 새 파이썬이 nbformat·nbgrader를 불러오면 CPU로 3초 넘게 듭니다
#: (jsonschema가 불러오는 rfc3987_syntax가 문법을 컴파일하는 데만 2초).
_WARM_MODULES = ("autograder.sandbox", "nbgrader.preprocessors", "nbclient.exceptions", "jupyter_core.utils",
                 "matplotlib.font_manager")


def _start_child(argv: list[str], stderr_path: Path):
    """실행 프로세스를 띄웁니다. ``pid`` 와 ``wait(timeout)`` 이 있는 객체를 돌려줍니다.

    노트북마다 새 프로세스, 새 세션인 것은 같지만, 모듈을 미리 불러 둔 프로세스(_Zygote)에서 갈라 내므로
    파이썬을 새로 띄우는 비용이 없습니다. 그것이 안 되면 새 파이썬을 띄웁니다.
    """
    try:
        return _Zygote.shared().spawn(argv, stderr_path)
    except OSError:
        pass
    with open(stderr_path, "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "autograder.execute", *argv], stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True, cwd=str(_REPO),
        )


_REPO = Path(__file__).resolve().parent.parent


def warm_up() -> None:
    """실행 프로세스를 갈라 낼 _Zygote를 미리 띄웁니다(모듈을 불러오는 3초 남짓이 첫 노트북과 겹치지 않게).

    따로 도는 프로세스라 기다리지 않고 바로 돌아옵니다. 띄울 수 없으면 첫 실행 때 다시 해 봅니다.
    """
    try:
        _Zygote.shared()
    except OSError:
        pass


class _Zygote:
    """``python -m autograder.execute --zygote``: 무거운 모듈을 한 번 불러 두고, 요청마다 fork 하는 프로세스.

    이 프로세스(채점기나 Dask 작업자)마다 하나. 여러 스레드가 함께 쓰며, 요청 하나(한 줄)에 갈라 낸 자식의 pid
    한 줄로 답합니다. 채점기가 끝나 입력이 닫히면 끝납니다.
    """

    _shared: _Zygote | None = None
    _shared_lock = threading.Lock()

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.execute", "--zygote"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=str(_REPO), text=True, start_new_session=True,
        )
        self.lock = threading.Lock()

    @classmethod
    def shared(cls) -> _Zygote:
        with cls._shared_lock:
            if cls._shared is None or cls._shared.proc.poll() is not None:
                cls._shared = cls()
            return cls._shared

    def spawn(self, argv: list[str], stderr_path: Path) -> _Child:
        with self.lock:
            try:
                self.proc.stdin.write(json.dumps({"argv": argv, "stderr": str(stderr_path)}) + "\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (OSError, ValueError) as exc:
                raise OSError(f"zygote: {exc}") from None
        if not line.strip().isdigit():
            self.proc.kill()
            raise OSError(f"zygote: {line!r}")
        return _Child(int(line))


class _Child:
    """_Zygote가 갈라 낸 실행 프로세스. 이 프로세스의 자식이 아니므로 pidfd로 끝나기를 기다립니다."""

    def __init__(self, pid: int):
        self.pid = pid
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # 벌써 끝났습니다
            self._fd = None

    def wait(self, timeout: float | None = None) -> int:
        if self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("autograder.execute", timeout)
            os.close(self._fd)
            self._fd = None
        return 0

    def __del__(self):
        if self._fd is not None:
            os.close(self._fd)


def _zygote() -> int:
    for name in _WARM_MODULES:
        importlib.import_module(name)
    # 갈라 낸 자식은 알아서 거둬지게 합니다(채점기는 pidfd로 기다립니다). 자식 안에서는 되돌립니다.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()  # 커널과 그 자손까지 한 번에 끝낼 수 있도록 제 세션을 가집니다
                null = os.open(os.devnull, os.O_RDWR)
                err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.dup2(err, 2)
                code = _main(request["argv"])
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    return 0


def _kill_group(proc) -> None:
    """자식과 그 자손(커널, 커널이 띄운 프로세스)까지 모두 끝냅니다.

    jupyter_client는 커널을 새 세션(프로세스 그룹)으로 띄우므로, 자식의 그룹만 끝내서는 커널이 남습니다.
    """
    groups = {proc.pid}
    try:
        for child in psutil.Process(proc.pid).children(recursive=True):
            try:
                groups.add(os.getpgid(child.pid))
                child.kill()
            except (psutil.Error, ProcessLookupError):
                pass
    except psutil.Error:
        pass
    for pgid in groups:
        if pgid > 1 and pgid != os.getpgid(0):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _wait_for_go(fifo: str) -> bool:
    with open(fifo, "rb") as f:
        return f.read(1) == b"1"


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.execute")
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("status")
    parser.add_argument("workdir")
    parser.add_argument("limits", help="Limits를 담은 JSON 파일")
    parser.add_argument("--go", help="커널을 띄운 뒤 셀 실행 전에 출발 신호(한 바이트)를 기다릴 FIFO")
    args = parser.parse_args(argv)
    nb = nbformat.read(args.src, as_version=4)
    raw = json.loads(Path(args.limits).read_text(encoding="utf-8"))
    limits = Limits(**{**raw, "deny_paths": tuple(raw.get("deny_paths", ()))})
    isolation = ""
    try:
        nb, status, detail, isolation = _execute_here(
            nb, Path(args.workdir), limits, go=(lambda: _wait_for_go(args.go)) if args.go else None)
    except Exception as exc:  # report, never hang the batch
        status, detail = "grader_error", f"{type(exc).__name__}: {exc}"[:500]
    nbformat.write(nb, args.dst)
    Path(args.status).write_text(
        json.dumps({"status": status, "detail": detail, "isolation": isolation}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_zygote() if sys.argv[1:] == ["--zygote"] else _main(sys.argv[1:]))
