"""학생 노트북을 별도 프로세스에서 실행합니다 (parent side: process control).

채점기 프로세스는 노트북을 직접 실행하지 않습니다. 노트북마다 실행 프로세스(``autograder.worker.runner``)를
포크 서버(``autograder.worker.forkserver``)에서 갈라 내고, 그 안에서 nbgrader의 ``Execute`` 전처리기가 격리된 커널을
돌립니다(채점이면 정리와 점수 셈도 그 안에서: :func:`grade`).
이 모듈은 그 프로세스를 띄우고, 시간 제한을 지키고, 끝나면 커널과 그 자손까지 모두 거두고, 결과를 읽습니다.
무한 루프는 셀 시간 제한과 노트북 전체 시간 제한으로, 커널이 죽는 경우는 상태 값으로 돌아옵니다.
어떤 제출물도 채점기 자체를 멈추거나 다른 학생의 채점에 끼어들 수 없습니다.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath

import nbformat
from nbformat import NotebookNode

from .. import course, notebooks
from ..limits import Limits
from ..status import Status
from ..workdir import remove_kernel_rundirs
from . import forkserver

log = logging.getLogger(__name__)

@dataclass
class ExecResult:
    nb: NotebookNode
    status: Status  # OK, TIMEOUT, KERNEL_DIED 또는 GRADER_ERROR (실행 단계에서 생길 수 있는 것)
    detail: str = ""
    seconds: float = 0.0
    #: 그중 커널이 셀을 실행하는 데 쓴 시간(셀마다 busy → idle의 합). 나머지는 채점기의 몫입니다.
    kernel_seconds: float = 0.0
    isolation: str = ""
    #: 커널이 죽었을 때 커널 프로세스의 stdout/stderr 끝부분. 학생 코드가 쓴 것이 섞이므로 강사에게만 보입니다.
    kernel_log: str = ""


def run(nb: NotebookNode, workdir: Path, limits: Limits, slots: threading.Semaphore | None = None,
        fork_server: bool = True, kernel_imports: tuple[str, ...] = ()) -> ExecResult:
    """노트북을 실행 프로세스에서 실행하고 결과를 돌려줍니다(학생의 자가 점검과 테스트가 씁니다).

    실행 중의 문제(시간 초과, 커널 종료, 실행 프로세스가 결과 없이 끝남)는 예외가 아니라 ``ExecResult.status``
    로 돌아옵니다. 임시 폴더를 만들 수 없는 것처럼 채점기 쪽의 문제만 예외가 됩니다.

    ``slots`` (동시에 실행할 노트북 수만큼의 세마포어)를 주면, 자식 프로세스와 커널은 바로 띄우되 셀 실행은
    칸 하나를 얻은 뒤에 시작합니다. 그래서 커널이 뜨는 시간이 앞 노트북의 실행과 겹칩니다. 노트북 전체 시간
    제한과 ``seconds`` 는 칸을 얻은 때부터 셉니다.

    ``fork_server`` 가 거짓이면 포크 서버 대신 새 파이썬으로 실행합니다: 노트북 하나만 실행하는 자가 점검에서는 포크
    서버가 미리 불러 두는 모듈(채점에만 쓰는 것 포함)을 기다릴 까닭이 없습니다. ``kernel_imports``: 커널이 뜨면서 바로
    불러 둘 모듈(``runner.execute_notebook``).
    """
    with tempfile.TemporaryDirectory(prefix="exec-") as tmp:
        tmp = Path(tmp)
        nbformat.write(nb, str(tmp / "in.ipynb"))
        request = {"notebook": str(tmp / "in.ipynb"), "workdir": str(workdir), "limits": asdict(limits),
                   "kernel_imports": list(kernel_imports)}
        seconds, timed_out, tail = _run_child(request, tmp, limits, slots, fork_server=fork_server)
        if timed_out:
            return ExecResult(nb, Status.TIMEOUT, _notebook_timeout(limits), seconds)
        info = _read_result(tmp / "result.json")
        if info is None or "notebook" not in info:
            return ExecResult(nb, Status.GRADER_ERROR, _no_result(tail), seconds)
        out = nbformat.reads(info["notebook"], as_version=4)
        return ExecResult(out, Status(info["status"]), info["detail"], seconds, notebooks.kernel_seconds(out),
                          info["isolation"], info.get("kernel_log", ""))


def grade(task: dict, context: Path, limits: Limits, slots: threading.Semaphore | None = None) -> dict:
    """제출물 하나를 실행 프로세스에서 정리·실행·점수 셈까지 하고(``autograder.worker.submission``) 결과 dict를 돌려줍니다.

    ``task``: ``student_id``, ``assignment_id``, ``notebook``, ``submission`` (제출한 노트북의 경로), ``notes``.
    ``context``: 과제 노트북의 정리·채점 자료(JSON 파일, ``submission`` 모듈 설명). 결과의 ``graded`` 는 채점된 노트북의
    텍스트(없으면 None)이고, ``seconds`` 는 실행에 든 시간입니다. 노트북 시간 초과나 실행 프로세스가 결과 없이 끝난
    경우에는 실행 프로세스가 실행 전에 써 둔 결과(실행되지 않은 노트북의 채점)에 그 상태를 붙여 돌려줍니다.
    """
    from .submission import unexecuted

    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        tmp = Path(tmp)
        request = {"task": task, "context": str(context), "workdir": str(tmp / "work"), "limits": asdict(limits)}
        seconds, timed_out, tail = _run_child(request, tmp, limits, slots, tuple(task.get("preload", ())))
        # 시간 초과는 결과 파일을 읽기 전에 정합니다: 시간을 넘긴 실행이 남긴 result.json은 쓰지 않습니다.
        result = None if timed_out else _read_result(tmp / "result.json")
        if result is None:
            result = _read_result(tmp / "fallback.json")
            status = Status.TIMEOUT if timed_out else Status.GRADER_ERROR
            detail = _notebook_timeout(limits) if timed_out else _no_result(tail)
            if result is None:
                result = unexecuted(status, detail, task) | {"graded": None}
            else:
                result.update(status=str(status), detail=detail)
        result["seconds"] = seconds
        return result


def _read_result(path: Path) -> dict | None:
    """실행 프로세스가 남긴 결과(JSON, 원자적으로 쓰임). 없거나 읽을 수 없으면 None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _notebook_timeout(limits: Limits) -> str:
    return f"노트북 전체가 {limits.notebook_timeout}초 안에 끝나지 않았습니다."


def _no_result(stderr_tail: str) -> str:
    return "실행 프로세스가 결과 없이 끝났습니다: " + stderr_tail


def _run_child(request: dict, tmp: Path, limits: Limits, slots: threading.Semaphore | None,
               preload: tuple[str, ...] = (), fork_server: bool = True) -> tuple[float, bool, str]:
    """실행 프로세스를 띄워 ``request`` (``tmp/request.json``)를 맡기고 끝날 때까지 기다립니다. 결과 파일은 ``tmp`` 에
    남습니다. ``preload``: 포크 서버가 갈라 내기 전에 불러 둘 모듈(테스트 셀이 쓰는 것). 돌려주는 값: (칸을 얻은 때부터
    든 시간, 노트북 시간 제한에 걸려 끝냈는지, 실행 프로세스 stderr의 끝 세 줄)."""
    generation, start = _stops, time.monotonic()
    request["out"] = str(tmp)
    (tmp / "request.json").write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    argv = [str(tmp / "request.json")]
    go_fd = None
    if slots is not None:
        # 출발 신호를 보낼 FIFO. 쓰는 쪽을 이 프로세스가 쥐고 있으므로, 채점기가 신호 없이 끝나면 자식은
        # EOF를 읽고 실행 없이 끝납니다.
        os.mkfifo(tmp / "go", 0o600)
        go_fd = os.open(tmp / "go", os.O_RDWR)
        argv += ["--go", str(tmp / "go")]
    proc = _start_child(argv, tmp / "stderr.txt", preload, fork_server)
    with _live_lock:
        _live.add(proc)
        stopped = _stops != generation  # 띄우는 동안 stop_all이 지나갔습니다: 이것도 곧바로 끝냅니다
    if stopped:
        _kill(proc)
    held, timed_out = False, False
    try:
        if slots is not None:
            slots.acquire()
            held = True
            start = time.monotonic()
            os.write(go_fd, b"1")
        proc.wait(timeout=limits.notebook_timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        with _live_lock:
            _live.discard(proc)
        _kill_group(proc)
        if held:
            slots.release()
        if go_fd is not None:
            os.close(go_fd)
    err = (tmp / "stderr.txt").read_bytes() if (tmp / "stderr.txt").exists() else b""
    tail = " | ".join(err.decode("utf-8", "replace").strip().splitlines()[-3:])
    return time.monotonic() - start, timed_out, tail


def grade_packed(task: dict, files: dict[str, bytes], context: str, limits: dict) -> dict:
    """Dask 작업자에서 부르는 입구: 기본 자료형(과제 dict, 제출 폴더의 파일 내용, 정리·채점 자료 JSON, 제한 dict)만
    받습니다. 스케줄러는 작업의 인자를 역직렬화하므로, 과정이 없는 스케줄러도 읽을 수 있는 모양으로만 받습니다.

    제출 폴더(노트북과 옆의 파일)는 이 프로세스의 임시 폴더에 되살리고, 끝나면 지웁니다. ``limits.deny_paths`` 는
    채점기 쪽 경로이므로, 이 컴퓨터에 있는 저장소의 정답 폴더와 기록(.git)도 함께 가립니다.
    """
    from .submission import unexecuted

    start = time.monotonic()
    here = tuple(map(str, course.private_paths()))
    limits = Limits.from_dict(limits)
    limits = replace(limits, deny_paths=tuple(dict.fromkeys([*limits.deny_paths, *here])))
    bad = [name for name in files if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts]
    if bad:
        return unexecuted(Status.GRADER_ERROR, f"작업 폴더 밖을 가리키는 파일 이름: {bad[0]!r}", task) | {"graded": None}
    with tempfile.TemporaryDirectory(prefix="submitted-") as tmp:
        folder = Path(tmp) / "submission"
        for name, data in files.items():
            path = folder.joinpath(*PurePosixPath(name).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (Path(tmp) / "context.json").write_text(context, encoding="utf-8")
        task = {**task, "submission": str(folder / PurePosixPath(task["submission"]).name)}
        result = grade(task, Path(tmp) / "context.json", limits)
    result["seconds"] = time.monotonic() - start
    return result


def _start_child(argv: list[str], stderr_path: Path, preload: tuple[str, ...] = (), fork_server: bool = True):
    """실행 프로세스를 띄웁니다. ``pid`` 와 ``wait(timeout)`` 이 있는 객체를 돌려줍니다.

    노트북마다 새 프로세스, 새 세션인 것은 같지만, 모듈을 미리 불러 둔 포크 서버에서 갈라 내므로
    파이썬을 새로 띄우는 비용이 없습니다. 그것이 안 되면 새 파이썬을 띄우고, 그 사실을 한 번 알립니다.
    """
    if fork_server:
        try:
            return forkserver.ForkServer.shared().spawn(argv, stderr_path, preload)
        except OSError as exc:
            _say_once("fork", "포크 서버를 쓸 수 없어 노트북마다 새 파이썬으로 실행합니다(노트북마다 1–2초 더 듭니다): %s", exc)
    with open(stderr_path, "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "autograder.worker.runner", *argv], stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True, cwd=str(course.REPO),
        )


_said: set[str] = set()
_said_lock = threading.Lock()


def _say_once(key: str, message: str, *args) -> None:
    """대신하는 길로 내려갔다는 것을 채점 한 번에 한 번만 알립니다(노트북마다 같은 경고를 되풀이하지 않음)."""
    with _said_lock:
        if key in _said:
            return
        _said.add(key)
    log.warning(message, *args)




def _kill_group(proc) -> None:
    """실행 프로세스를 끝냅니다: pidfd로 신호를 보내므로 다시 쓰인 pid에 닿는 일이 없습니다.

    그 아래의 커널은 부모가 죽으면 함께 끝납니다(실행 프로세스만 쓰는 쪽을 쥔 파이프의 EOF: sandbox._KERNEL_MAIN,
    그리고 bubblewrap의 --die-with-parent, unshare를 감싼 setpriv의 --pdeathsig, 런처가 거는 PR_SET_PDEATHSIG).
    그래서 pid로 자손을 찾아 신호를 보내지 않습니다.
    """
    if isinstance(proc, forkserver._Child):
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        remove_kernel_rundirs(proc.pid)  # 끝냈으면 제 커널의 실행 폴더를 지우지 못했습니다. 거두기 전이라 pid가 안전합니다
        proc.release()
        return
    if proc.poll() is None:  # 이 프로세스의 자식이고 아직 거두지 않았으므로 pid가 안전합니다
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    remove_kernel_rundirs(proc.pid)


#: 지금 실행 중인 실행 프로세스들(Ctrl-C나 SIGTERM에 :func:`stop_all` 로 끝냅니다)
_live: set = set()
_live_lock = threading.Lock()


#: :func:`stop_all` 을 부른 횟수. 실행 프로세스를 띄우는 도중에 stop_all이 지나가면(아직 ``_live`` 에 없어서 놓침),
#: 띄운 스레드가 이 값이 바뀐 것을 보고 스스로 끝냅니다. 그러지 않으면 멈춘 채점기가 그 노트북이 다 돌 때까지 기다립니다.
_stops = 0


def stop_all() -> None:
    """실행 중인 실행 프로세스를 모두 끝냅니다(채점기가 멈출 때). 기다리던 스레드는 곧바로 돌아옵니다."""
    global _stops
    with _live_lock:
        _stops += 1
        procs = list(_live)
    for proc in procs:
        _kill(proc)


def _kill(proc) -> None:
    if isinstance(proc, forkserver._Child):
        proc.kill()
    else:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
