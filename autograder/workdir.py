"""작업 폴더와 파일: 노트북 옆의 파일을 커널이 쓸 임시 폴더로 가져오고(채점과 자가 점검이 같은 규칙을 씁니다),
결과 파일을 원자적으로 씁니다. 채점기, 작업자가 함께 쓰는 공통 어휘입니다."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .status import Status


def _copied(path: Path) -> bool:
    """작업 폴더로 복사하는 것: 노트북(정리한 것을 따로 실행), 체크포인트, 심볼릭 링크가 아닌 파일과 폴더."""
    return not path.is_symlink() and path.suffix != ".ipynb" and path.name != ".ipynb_checkpoints"


def _walk_copied(path: Path):
    """``path`` 아래에서 복사될 파일들(링크를 따라가지 않음)."""
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if _copied(Path(root, d)))
        yield from (Path(root, n) for n in sorted(names) if _copied(Path(root, n)))


def copied_files(folder: Path) -> Iterator[Path]:
    """:func:`copy` 가 ``folder`` 에서 작업 폴더로 가져갈 파일들, 정해진 순서로(이어 채점하기의 지문도 이것을 봅니다)."""
    for path in sorted(Path(folder).iterdir()):
        if _copied(path):
            yield from _walk_copied(path)


def copy(folder: Path, workdir: Path, max_mb: int, only: Iterable[str] | None = None) -> None:
    """노트북 옆의 파일을 실행용 작업 폴더로 복사합니다. 노트북과 심볼릭 링크는 빼고, ``only``가 있으면 그 이름만.

    링크를 따라 복사하면 링크가 가리키는 채점기 쪽 파일(정답 등)의 내용이 샌드박스 안으로 들어옵니다.
    채점(grade)과 학생의 자가 점검(validate)이 같은 규칙으로 작업 폴더를 만들도록 둘 다 이것을 씁니다.
    복사할 파일의 크기 합이 ``max_mb``를 넘거나 작업 폴더가 복사할 폴더 안에 있으면(자기 안으로의 복사)
    아무것도 복사하지 않고 ``SubmissionError(Status.TOO_LARGE)``를 냅니다.
    """
    from .notebooks import SubmissionError

    folder, workdir = Path(folder).resolve(), Path(workdir)
    names = sorted(p.name for p in folder.iterdir()) if only is None else list(only)
    entries = [folder / n for n in names if (folder / n).exists() and _copied(folder / n)]
    target = workdir.resolve()
    if any(target.is_relative_to(p) for p in entries if p.is_dir()):
        raise SubmissionError(Status.TOO_LARGE, f"작업 폴더 {target}이(가) 복사할 폴더 안에 있어 복사하지 않았습니다.")
    _check_size(entries, max_mb)
    workdir.mkdir(parents=True, exist_ok=True)  # 먼저 띄운 커널(runner.start_first_kernel)이 빈 폴더를 쥐고 있을 수 있음
    for path in entries:
        if path.is_dir():
            shutil.copytree(path, workdir / path.name,
                            ignore=lambda parent, names: {n for n in names if not _copied(Path(parent, n))})
        else:
            shutil.copy2(path, workdir / path.name)


def check_size(folder: Path, max_mb: int) -> None:
    """``folder`` 에서 작업 폴더로 갈 파일의 크기 합이 ``max_mb`` 를 넘으면 ``SubmissionError(Status.TOO_LARGE)``."""
    _check_size([p for p in sorted(Path(folder).iterdir()) if _copied(p)], max_mb)


def _check_size(entries: list[Path], max_mb: int) -> None:
    from .notebooks import SubmissionError

    limit, total = max_mb * 2**20, 0
    for path in entries:
        for f in _walk_copied(path):
            try:
                total += f.lstat().st_size
            except OSError:
                continue
            if total > limit:
                raise SubmissionError(
                    Status.TOO_LARGE, f"노트북 옆의 파일이 {total / 2**20:,.0f} MB를 넘어 한도 {max_mb} MB보다 큽니다. "
                                 "노트북과 과제에 필요한 파일만 제출하세요.")


@contextlib.contextmanager
def replaced_atomically(path: Path, binary: bool = False):
    """임시 파일에 다 쓴 뒤 한 번에 바꿔 넣습니다. 읽는 쪽(과 도중에 죽은 채점기)은 이전 것이나 새것 하나만 봅니다.
    표, 이어 채점하기 기록(state.py), 실행 프로세스의 결과(submission.py), 개요의 그림(charts.py)이 모두 이것으로
    씁니다. ``binary`` 면 바이트로 씁니다."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with (tmp.open("wb") if binary else tmp.open("w", newline="", encoding="utf-8")) as f:
        yield f
    os.replace(tmp, path)


def user_cache_dir() -> Path:
    """이 사용자의 캐시 폴더(``$XDG_CACHE_HOME`` 또는 ``~/.cache`` 아래): 다시 만들 수 있는 것만 둡니다(채점기 쪽 글꼴,
    성적부 등록본). 없거나 쓸 수 없어도 채점기는 동작하고, 만드는 데 시간이 더 들 뿐입니다."""
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "ml-restart-course"


def write_json(path: Path, data: dict) -> None:
    """도중에 죽어도 반쯤 쓴 파일이 남지 않게(:func:`replaced_atomically`) JSON으로 씁니다."""
    import json

    with replaced_atomically(path) as f:
        json.dump(data, f, ensure_ascii=False)



#: 커널 실행 폴더(:mod:`autograder.worker.sandbox` 의 ``rundir``)의 이름 머리. 뒤에 만든 프로세스의 PID 이름공간과 pid가
#: (36진수로) 붙습니다(:func:`kernel_rundir`).
RUNDIR_PREFIX = "ag-kernel-"
#: 유닉스 소켓 경로의 최대 길이(리눅스 ``sun_path`` 108바이트에서 끝의 NUL을 뺀 것)와, 실행 폴더 뒤에 붙는 가장 긴 소켓
#: 이름(``/run/ipc-5``, jupyter_client는 채널마다 1부터 번호를 붙입니다. 넉넉히 두 자리)
_SOCKET_PATH_MAX = 107
_SOCKET_TAIL = len("/run/ipc-99")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _pid_namespace() -> str | None:
    try:
        return _base36(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return None


def rundir_base() -> str:
    """커널 실행 폴더를 둘 곳: 시스템 임시 폴더(``TMPDIR``). 그 경로가 길어 소켓 경로가 한도를 넘으면 /tmp."""
    base = tempfile.gettempdir()
    longest = len(os.fsencode(base)) + 1 + len(RUNDIR_PREFIX) + 7 + 1 + 5 + 1 + 8 + _SOCKET_TAIL
    return "/tmp" if longest > _SOCKET_PATH_MAX and os.path.isdir("/tmp") else base


def kernel_rundir() -> str:
    """커널 하나의 실행 폴더(연결 파일, ipc 소켓, 커널의 HOME)를 시스템 임시 폴더에 만듭니다.

    유닉스 소켓 경로는 107바이트를 넘을 수 없어 결과 폴더가 아니라 짧은 임시 폴더에 둡니다(``TMPDIR`` 이 너무 길면
    /tmp). 이름에 만든 프로세스(PID 이름공간, pid)를 적어 두므로, 그 프로세스가 지우지 못하고 끝나면(시간 제한, 중단,
    SIGKILL) :func:`remove_kernel_rundirs` 가 알아보고 지웁니다."""
    owner = f"{_pid_namespace() or 0}-{_base36(os.getpid())}-"
    return tempfile.mkdtemp(prefix=RUNDIR_PREFIX + owner, dir=rundir_base())


def _gone(pid: int) -> bool:
    """그 프로세스가 끝났는지(거두지 않은 좀비도 끝난 것)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def remove_kernel_rundirs(pid: int | None = None) -> int:
    """끝난 프로세스가 남긴 커널 실행 폴더(:func:`kernel_rundir`)를 지우고 그 수를 돌려줍니다.

    ``pid`` 가 있으면 그 프로세스의 것만: 실행 프로세스를 끝내고 아직 거두기 전에(그 pid가 다시 쓰일 수 없을 때)
    부릅니다(:mod:`autograder.worker.execute`). 없으면 만든 프로세스가 이미 끝난 것 모두: 포크 서버가 뜰 때
    불러, 앞서 SIGKILL로 끝난 배치가 남긴 것을 지웁니다. 같은 PID 이름공간에서 만든 것만 봅니다(임시 폴더를 함께
    쓰는 다른 컨테이너의 pid는 여기서 살았는지 알 수 없습니다). 심볼릭 링크는 따라가지 않습니다(setrlimit 방식의
    커널은 /tmp에 쓸 수 있습니다)."""
    ns = _pid_namespace()
    if ns is None:
        return 0
    head = f"{RUNDIR_PREFIX}{ns}-" + (f"{_base36(pid)}-" if pid is not None else "")
    removed = 0
    try:
        entries = os.scandir(rundir_base())
    except OSError:
        return 0
    with entries:
        for entry in entries:
            if not entry.name.startswith(head) or not entry.is_dir(follow_symlinks=False):
                continue
            if pid is None:
                owner = entry.name[len(head):].split("-", 1)[0]
                try:
                    if not _gone(int(owner, 36)):
                        continue
                except ValueError:
                    continue
            _remove_tree(entry.path)
            removed += not os.path.lexists(entry.path)
    return removed


def _remove_tree(path: str, tries: int = 5) -> None:
    """폴더를 지웁니다. 막 끝난 커널이 아직 그 안에 파일을 쓰면(끝내는 신호가 닿기 전) 지우는 도중에 폴더가 비지 않아
    한 번에 못 지울 수 있으므로 잠깐씩 기다리며 몇 번 더 해 봅니다."""
    for attempt in range(tries):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return
        time.sleep(0.05 * (attempt + 1))
