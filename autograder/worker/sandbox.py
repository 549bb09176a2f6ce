"""학생 노트북 하나를 격리된 커널에서 실행하기 위한 커널 관리자.

채점기는 ``make_kernel_manager`` 가 돌려준 관리자를 nbclient(또는 nbgrader 의
Execute 전처리기)에 ``km=`` 으로 넘깁니다. 커널은 다음 셋 중 쓸 수 있는 가장 강한
방식으로 격리됩니다.

``bubblewrap``
    새 마운트·PID·네트워크·IPC·UTS 이름공간. 시스템(/usr, 파이썬 환경, /etc 일부)은
    읽기 전용으로만 보이고, 쓸 수 있는 곳은 작업 폴더와 개인 /tmp 뿐입니다. 그 밖의
    경로(과제 정답, 성적부, 다른 학생의 제출물)는 아예 보이지 않습니다.
``unshare``
    bubblewrap 이 없을 때. 네트워크·PID·마운트 이름공간, 개인 /tmp, 가린 경로, 숨긴
    홈 폴더는 같지만 나머지 파일 시스템은 파일 권한이 허락하는 만큼 보입니다.
``setrlimit``
    이름공간을 만들 수 없을 때. 자원 한도(와 root 일 때 학생 전용 uid)만 걸립니다.

``make_kernel_manager`` 가 돌려주는 설명 문장은 실제로 걸린 격리만 말합니다. 채점
결과에 그대로 적어 두면 됩니다.

어느 방식이든 커널 프로세스에는 ``_kernel_launcher.py`` 가 setrlimit 로 CPU 시간,
메모리, 프로세스 수, 파일 크기 한도를 겁니다. 네트워크 이름공간을 넘어서는 TCP
루프백이 통하지 않으므로 커널과는 유닉스 도메인 소켓(ZMQ ``ipc``)으로 이야기합니다.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import glob
import itertools
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

from .. import workdir as _workdir
from ..limits import BUBBLEWRAP, MECHANISMS, SETRLIMIT, UNSHARE, Limits
from ..workdir import kernel_rundir

__all__ = ["Box", "SandboxedKernelManager", "bwrap_args", "command", "detect_isolation", "make_kernel_manager"]


_LAUNCHER = Path(__file__).resolve().parents[1] / "kernel" / "launcher.py"
#: 커널에 보여 주는 채점기 코드: 패키지의 ``__init__.py`` 와 ``kernel/`` 뿐입니다(탐침과 라이브러리 껍데기).
_KERNEL_CODE = (Path(__file__).resolve().parents[1] / "__init__.py", Path(__file__).resolve().parents[1] / "kernel")
# bubblewrap 안에서 런처가 놓이는 자리. 샌드박스의 루트 tmpfs 에만 존재합니다.
_LAUNCHER_IN_BOX = "/.autograder/kernel_launcher.py"

# 커널이 동작하는 데 필요한 /etc 항목만 보여 줍니다. /etc 전체에는 DB 접속 정보 같은
# 설정이 있을 수 있습니다.
_ETC_ALLOWED = (
    "alternatives", "ca-certificates", "fonts", "group", "host.conf", "hosts",
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "locale.alias", "localtime",
    "mime.types", "nsswitch.conf", "os-release", "passwd", "ssl", "timezone",
)
_HOME_DIRS = ("/root", "/home")
_SYSTEM_TOP = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")

# root 로 채점할 때 커널마다 따로 쓰는 uid 의 범위. RLIMIT_NPROC 는 uid 마다 세므로
# 병렬로 도는 커널끼리 한도를 나눠 쓰지 않도록 커널마다 다른 uid 를 줍니다.
_UID_BASE = 0x40000000
_uid_counter = itertools.count()

# RLIMIT_DATA 에 잡히지 않는 공유 메모리 매핑까지 막으려고 RLIMIT_AS 도 겁니다. torch 를
# import 한 커널은 라이브러리 매핑과 예약 영역만으로 주소 공간을 약 1 GB 더 씁니다.
_ADDRESS_SPACE_HEADROOM_MB = 4096


def _is_root() -> bool:
    return os.geteuid() == 0


def _probe(cmd: list[str]) -> bool:
    try:
        done = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _bwrap_namespace_args(as_root: bool) -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if as_root:
        # root 가 만든 사용자 이름공간 안의 uid 는 바깥에서 여전히 root 라 RLIMIT_NPROC 가
        # 먹히지 않습니다. 그래서 사용자 이름공간 없이 띄우고, 런처가 uid 를 바꿀
        # 권한만 남깁니다. 런처는 uid 를 바꾸는 순간 이 권한을 모두 잃습니다.
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user", "--disable-userns"]
    return args


def _unshare_args(as_root: bool) -> list[str]:
    args = ["--net", "--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child",
            "--mount-proc", "--propagation", "private"]
    if not as_root:
        args = ["--user", "--map-root-user"] + args
    return args


@functools.cache
def detect_isolation() -> str:
    """이 기계에서 쓸 수 있는 가장 강한 격리 방식의 이름.

    Returns
    -------
    str
        ``"bubblewrap"``, ``"unshare"``, ``"setrlimit"`` 중 하나. 실제로 이름공간을 만들어
        보고 정하므로 설치만 되어 있고 권한이 막힌 경우는 다음 방식으로 내려갑니다.
    """
    bwrap = shutil.which("bwrap")
    if bwrap and _probe([bwrap, *_bwrap_namespace_args(_is_root()), "--ro-bind", "/", "/",
                         "--proc", "/proc", "--dev", "/dev", "true"]):
        return BUBBLEWRAP
    unshare = shutil.which("unshare")
    if unshare and _probe([unshare, *_unshare_args(_is_root()), "true"]):
        return UNSHARE
    return SETRLIMIT


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts
    return [str(Path(*parts[:i])) for i in range(2, len(parts))]


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _both_spellings(paths) -> list[str]:
    """경로마다 적힌 그대로(절대 경로)와 링크를 푼 실제 경로(순서대로, 겹침 없이). 샌드박스에는 두 경로가 따로 붙으므로
    링크로 닿는 폴더(``~/course/.venv`` -> 다른 디스크)는 둘 다 다뤄야 합니다."""
    return list(dict.fromkeys(path for p in paths for path in (os.path.abspath(p), os.path.realpath(p))))


def _python_roots(executable: str) -> list[str]:
    """커널 파이썬을 돌리는 데 필요한 폴더들(가상 환경과 그 바탕 설치)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    exe = Path(executable)
    for candidate in (exe.absolute(), exe.resolve()):
        if candidate.parent.name == "bin":
            roots.add(str(candidate.parent.parent))
    # /usr 아래는 시스템 바인드에 이미 들어 있고, 겹치는 폴더는 바깥쪽 하나면 됩니다.
    kept = sorted(r for r in _both_spellings(roots) if not _under(r, "/usr") and r != "/")
    return [r for r in kept if not any(r != o and _under(r, o) for o in kept)]


def _count_tasks_of(uid: int) -> int:
    count = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


def ensure_matplotlib_font_cache() -> None:
    """커널에 복사해 줄 matplotlib 글꼴 캐시가 없으면 한 번 만듭니다(있으면 matplotlib을 불러오지도 않습니다)."""
    if not glob.glob(str(_matplotlib_cache_dir() / "fontlist-*.json")):
        import matplotlib.font_manager  # noqa: F401 (불러올 때 캐시를 만듭니다)


def _matplotlib_cache_dir() -> Path:
    if os.environ.get("MPLCONFIGDIR"):
        return Path(os.environ["MPLCONFIGDIR"])
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(xdg) / "matplotlib"


@dataclass(frozen=True)
class Box:
    """격리된 커널 하나의 설명. :func:`command` 가 이것만 보고 커널 명령줄을 만듭니다(파일 시스템을 묻지 않음).

    파일 시스템에 물어야 하는 것(가릴 경로가 폴더인지, /bin이 링크인지, 파이썬이 어디 있는지)은
    :func:`make_kernel_manager` 가 미리 알아 와 여기에 적습니다. 그래서 명령줄은 커널을 띄우지 않고 시험할 수 있습니다.
    """

    mechanism: str
    workdir: str
    #: 채점기 소유(0711)의 실행 폴더. 커널은 그 안의 ``run/`` 에만 씁니다(연결 파일, ipc 소켓, HOME).
    rundir: str
    limits: Limits
    #: 가릴 경로와 그것이 폴더인지. 없는 경로는 빠져 있습니다.
    deny: tuple[tuple[str, bool], ...] = ()
    #: 읽기 전용으로 보여 줄 경로: 파이썬 환경과 ``ro_paths``.
    visible: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    uid: int | None = None
    gid: int | None = None
    as_root: bool = False
    #: setrlimit 방식에서 일반 사용자로 돌 때, 그 사용자가 이미 돌리고 있는 프로세스·스레드 수(RLIMIT_NPROC에 더함).
    running_tasks: int = 0
    #: /bin, /lib처럼 시스템 최상위 항목: (경로, 링크이면 그 대상, 아니면 None). 없는 것은 빠져 있습니다.
    system_top: tuple[tuple[str, str | None], ...] = ()
    #: 가릴 라이브러리: (커널에서의 패키지 폴더, 그 자리에 붙일 껍데기 폴더 이름). 껍데기는 실행 폴더의 ``forbidden/`` 에.
    forbid: tuple[tuple[str, str], ...] = ()
    #: 쓰는 프로그램들의 경로
    bwrap: str | None = None
    unshare: str | None = None
    setpriv: str | None = None

    @property
    def run(self) -> str:
        return os.path.join(self.rundir, "run")

    def stub(self, top: str) -> str:
        """가린 라이브러리 ``top`` 자리에 붙이는 껍데기 폴더(``autograder.kernel.forbidden``)."""
        return os.path.join(self.rundir, "forbidden", top)

    def mask(self, is_dir: bool) -> str:
        """가림막: 아무도 읽을 수 없는 빈 폴더나 빈 파일."""
        return os.path.join(self.rundir, "deny-dir" if is_dir else "deny-file")


def kernel_env(box: Box, python: str, home: str, spec_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """커널에 주는 환경 변수 전부. 채점기의 환경 변수는 넘어가지 않습니다."""
    env = {
        "PATH": f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": os.path.join(box.run, "mpl"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # 탐침(autograder.kernel)을 채점기와 같은 사본에서 찾게 합니다. 샌드박스에는 그 폴더만 보입니다(_KERNEL_CODE).
        "PYTHONPATH": str(_KERNEL_CODE[0].parent.parent),
        # ipykernel 의 부모 감시는 바깥의 PID 를 쓰므로 PID 이름공간 안에서는 커널을 바로 끝냅니다.
        # 1 은 ipykernel 에게 "감시하지 말라"는 뜻이고, 부모가 죽으면 커널은 파이프의 EOF 로 압니다(_KERNEL_MAIN).
        "JPY_PARENT_PID": "1",
        **box.limits.thread_env(),
    }
    env.update(spec_env or {})
    env.update(dict(box.env))
    return env


def launcher_args(box: Box, env: Mapping[str, str]) -> list[str]:
    """_kernel_launcher.py 에 주는 인자: 자원 한도, 작업 폴더, uid, 환경 변수."""
    limits = box.limits
    args = [
        "--cpu", str(limits.cpu_seconds),
        "--data-mb", str(limits.memory_mb),
        "--as-mb", str(limits.memory_mb + _ADDRESS_SPACE_HEADROOM_MB),
        # 이름공간 없이 일반 사용자로 돌면 RLIMIT_NPROC 가 그 사용자의 모든 프로세스를 셉니다.
        "--nproc", str(limits.max_processes + box.running_tasks),
        "--fsize-mb", str(limits.file_size_mb),
        "--nofile", str(limits.open_files),
        "--chdir", box.workdir,
    ]
    if box.uid is not None:
        args += ["--uid", str(box.uid), "--gid", str(box.gid)]
    for key, value in env.items():
        args += ["--env", f"{key}={value}"]
    return args


def command(box: Box, kernel_cmd: list[str], spec_env: Mapping[str, str] | None = None) -> list[str]:
    """격리된 커널을 띄우는 명령줄: ``kernel_cmd`` (jupyter_client가 만든 커널 명령)를 방식에 맞게 감쌉니다."""
    python = kernel_cmd[0]
    if box.mechanism == BUBBLEWRAP:
        env = kernel_env(box, python, "/tmp", spec_env)
        return [box.bwrap, *bwrap_args(box), "--",
                python, "-I", "-S", _LAUNCHER_IN_BOX, *launcher_args(box, env), "--", *kernel_cmd]
    if box.mechanism == UNSHARE:
        env = kernel_env(box, python, "/tmp", spec_env)
        mount_args = []
        for path, is_dir in box.deny:
            mount_args += ["--mask", box.mask(is_dir), path]
        for path, top in box.forbid:
            mount_args += ["--mask", box.stub(top), path]
        for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
            mount_args += ["--cover", tmp, "1777", str(box.limits.tmp_mb)]
        # 홈 폴더에는 채점자의 비밀이 있을 수 있고, pyenv 처럼 파이썬이 그 아래에 있으면
        # 학생 uid 가 지나갈 수 없습니다. 덮은 뒤 파이썬만 다시 보이게 합니다.
        for home in _HOME_DIRS:
            mount_args += ["--cover", home, "0755", "1"]
        mount_args += ["--keep", box.workdir, "--keep", box.run]
        for root in box.visible:
            mount_args += ["--keep-ro", root]
        # unshare 에는 bwrap 의 --die-with-parent 가 없어 setpriv 로 대신합니다.
        guard = [box.setpriv, "--pdeathsig", "KILL", "--"] if box.setpriv else []
        if not box.as_root:
            mount_args.append("--lock-mounts")
        return [*guard, box.unshare, *_unshare_args(box.as_root), "--",
                python, "-I", "-S", str(_LAUNCHER), *mount_args, *launcher_args(box, env), "--", *kernel_cmd]
    env = kernel_env(box, python, os.path.join(box.run, "home"), spec_env)
    return [python, "-I", "-S", str(_LAUNCHER), *launcher_args(box, env), "--", *kernel_cmd]


def _not_through_links(mounts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """붙일 자리 가운데, 이미 붙인 다른 폴더 안의 심볼릭 링크를 지나는 것을 뺍니다.

    씨앗은 /tmp를 통째로 붙이므로, 가상 환경에 ``/tmp/x/.venv -> /data/venv`` 처럼 링크로 닿으면 그 링크가 샌드박스
    안에 그대로 있습니다. bwrap은 그 자리를 새 루트로 옮기기 전에 만들어서 절대 경로 링크를 따라가지 못하고 멈춥니다.
    링크의 대상은 실제 경로로 따로 붙으므로(보이는 경로, 가림막, 막은 라이브러리 모두 실제 경로도 함께 적힘) 뺀 자리는
    링크를 거쳐 같은 것을 봅니다."""
    points = {path for path, _, _ in mounts}

    def through_link(path: str) -> bool:
        return any(os.path.islink(step) and any(_under(step, other) and step != other for other in points)
                   for step in [*_ancestors(path), path])

    return [m for m in mounts if not through_link(m[0])]


def bwrap_args(box: Box) -> list[str]:
    """bubblewrap 의 인자: 이름공간, 읽기 전용 시스템, 작업 폴더와 실행 폴더, 가린 경로, 런처."""
    limits = box.limits
    args = [*_bwrap_namespace_args(box.as_root), "--hostname", "sandbox", "--clearenv"]
    made = {"/"}

    def parents(path: str) -> None:
        # bwrap 이 스스로 만드는 중간 폴더는 0700 이라 uid 를 바꾼 커널이 지나가지 못합니다.
        for parent in _ancestors(path):
            if parent not in made:
                args.extend(["--perms", "0755", "--dir", parent])
                made.add(parent)

    args += ["--ro-bind", "/usr", "/usr"]
    made.add("/usr")
    for path, target in box.system_top:
        args += ["--symlink", target, path] if target is not None else ["--ro-bind", path, path]
        made.add(path)
    for name in _ETC_ALLOWED:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    made.add("/etc")
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/dev/shm"]
    made.update({"/proc", "/dev", "/tmp", "/dev/shm"})

    # 바깥 폴더가 먼저 붙어야 그 안을 가리거나 다시 여는 마운트가 의미가 있으므로
    # 깊이 순서로 적용합니다. 가린 폴더 안의 작업 폴더는 그 뒤에 다시 보입니다.
    mounts: list[tuple[str, str, str]] = [(root, "ro", root) for root in box.visible]
    mounts += [(box.workdir, "rw", box.workdir), (box.run, "rw", box.run)]
    shown = [m[0] for m in mounts] + ["/usr", "/etc"]
    for path, is_dir in box.deny:
        if any(_under(path, v) for v in shown):
            mounts.append((path, "mask", box.mask(is_dir)))
    for path, top in box.forbid:
        mounts.append((path, "mask", box.stub(top)))
    mounts = _not_through_links(mounts)
    mounts.sort(key=lambda m: (m[0].count("/"), m[1] == "mask"))
    for path, kind, source in mounts:
        parents(path)
        args += ["--bind" if kind == "rw" else "--ro-bind", source, path]
        made.add(path)

    parents(_LAUNCHER_IN_BOX)
    args += ["--ro-bind", str(_LAUNCHER), _LAUNCHER_IN_BOX, "--chdir", "/"]
    return args


class PromptClient(AsyncKernelClient):
    """커널이 준비되었다고 답하면 곧 돌아오는 클라이언트.

    jupyter_client의 ``wait_for_ready`` 는 ``kernel_info`` 에 답이 오고 IOPub으로도 메시지가 온 뒤에, IOPub이 0.2초 동안
    조용해질 때까지 남은 메시지를 버리며 기다립니다. 커널마다 적어도 0.2초가 그냥 흐릅니다(자가 점검 한 번, 채점할
    노트북마다). 남은 메시지는 ``kernel_info`` 의 상태 알림뿐이고, nbclient와 채점기(``checker``)는 IOPub 메시지를 요청의
    ``msg_id`` 로 가려 받으므로 버리지 않아도 섞이지 않습니다.

    그 0.2초는 다른 일도 했습니다. 커널의 소켓은 IPC 파일이라, 커널이 뜨기 전에 잇기 시작한 채널은 ZeroMQ가 다시 잇기를
    되풀이하며(기본 0.1초 간격) 저마다 따로 이어집니다. stdin 채널이 아직 이어지지 않았을 때 커널이 보낸 input_request는
    커널의 ROUTER 소켓이 버리므로, 채점기의 첫 요청이 답 없이 셀 시간 제한까지 기다립니다. 그래서 이 클라이언트는 다시
    잇기 간격을 :data:`RECONNECT_MS` 로 줄이고(모든 채널이 커널이 뜬 뒤 그만큼 안에 이어짐), 답과 IOPub을 확인한 뒤
    :data:`SETTLE_S` 만 더 기다립니다."""

    #: 채널 소켓이 커널에 다시 잇기를 되풀이하는 간격(ms). ZeroMQ의 기본은 100.
    RECONNECT_MS = 5
    #: 커널이 답한 뒤 모든 채널이 이어지기를 기다리는 시간(초): 다시 잇기 간격의 열 배
    SETTLE_S = 0.05

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.context.setsockopt(zmq.RECONNECT_IVL, self.RECONNECT_MS)  # 이 뒤에 만드는 채널 소켓의 기본값

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub이 이어졌는지(아니면 다시 물음)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        await asyncio.sleep(self.SETTLE_S)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if deadline is not None and time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class SandboxedKernelManager(AsyncKernelManager):
    """격리된 커널을 띄우는 ``AsyncKernelManager``: jupyter_client 에 끼어드는 지점만 있습니다.

    직접 만들지 말고 ``make_kernel_manager`` 를 씁니다. 시작은 nbclient 가 합니다. 명령줄은 :func:`command` 가,
    실행 폴더는 :meth:`_prepare_rundir` 가 만듭니다.
    """

    box: Box | None = None
    client_factory = Type(default_value=PromptClient, klass=AsyncKernelClient)
    _log_file = None
    #: 커널이 끝난 뒤 남는 커널 stdout/stderr 의 끝부분(시작 실패 원인 등). 없으면 "".
    log_tail: str = ""

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        # SIGINT 로 중단하면 신호가 커널이 아니라 bwrap/unshare 에게 가서 커널이 죽습니다.
        # 제어 채널의 interrupt_request 는 샌드박스 안의 커널에 그대로 닿습니다.
        if spec is not None and spec.interrupt_mode != "message":
            spec.interrupt_mode = "message"
        return spec

    async def _async_pre_start_kernel(self, **kw):
        self._prepare_rundir()
        # 커널의 작업 폴더는 런처가 정합니다. Popen 의 cwd 는 채점기 쪽에서 존재하기만 하면 됩니다.
        kw["cwd"] = self.box.workdir
        kw.pop("env", None)
        # 커널의 stdout/stderr 가 채점기의 것을 물려받으면 학생 코드가 채점기 로그에 마음껏
        # 쓸 수 있습니다. 파일로 돌리면 RLIMIT_FSIZE 가 크기를 막습니다.
        # 커널을 띄운 뒤 _async_launch_kernel 이 닫으므로 with 로 감쌀 수 없습니다.
        self._log_file = open(os.path.join(self.box.rundir, "kernel.log"), "ab")  # noqa: SIM115
        kw["stdout"] = kw["stderr"] = self._log_file
        # 부모 감시 파이프(_KERNEL_MAIN): 읽는 쪽만 커널 명령에 넘기고, 쓰는 쪽은 커널이 끝날 때까지 이 프로세스가 쥡니다.
        self._close_parent_pipe()
        self._parent_read, self._parent_write = os.pipe()
        kw["pass_fds"] = (self._parent_read,)
        return await super()._async_pre_start_kernel(**kw)

    #: 커널 씨앗(:class:`Zygote`)의 소켓. 있으면 커널을 거기서 갈라 냅니다(:meth:`_from_zygote`).
    zygote: str | None = None
    #: 씨앗에 보낼 요청(:meth:`format_kernel_cmd` 가 만듦)
    _zygote_request: dict | None = None
    #: 커널을 씨앗에서 갈라 냈는지
    from_zygote = False

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        try:
            if not await self._from_zygote(kw["stdout"].fileno()):
                await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
            if self._parent_read is not None:
                os.close(self._parent_read)
                self._parent_read = None

    #: 부모 감시 파이프의 읽는 쪽(커널 명령에 넘긴 뒤 닫음)과 쓰는 쪽(커널이 끝날 때 닫음)
    _parent_read: int | None = None
    _parent_write: int | None = None

    def _close_parent_pipe(self) -> None:
        for fd in (self._parent_read, self._parent_write):
            if fd is not None:
                os.close(fd)
        self._parent_read = self._parent_write = None

    def format_kernel_cmd(self, extra_arguments=None):
        kernel_cmd = _without_debugger(super().format_kernel_cmd(extra_arguments))
        box = self.box
        if box.uid is not None:
            # 연결 파일은 이 메서드 직전에 쓰이므로 소유자를 여기서 바꿉니다.
            _chown_tree(Path(box.run), box.uid, box.gid)
            _chown_tree(Path(box.workdir), box.uid, box.gid)
        spec = self.kernel_spec
        env = dict(spec.env if spec is not None else {})
        if self.zygote and kernel_cmd[1:3] == ["-c", _KERNEL_MAIN]:
            # 씨앗의 자식은 같은 환경 변수와 인자로 ipykernel을 띄웁니다. 부모 감시 파이프는 기술자째 건넵니다.
            self._zygote_request = {
                "argv": kernel_cmd[3:], "env": kernel_env(box, kernel_cmd[0], "/tmp", env),
                "launcher": launcher_args(box, {}), "workdir": box.workdir, "run": box.run,
                "visible": list(box.visible), "cover": zygote_covers(), "tmp_mb": box.limits.tmp_mb}
        if self._parent_read is not None:
            env[PARENT_FD_ENV] = str(self._parent_read)
        return command(box, kernel_cmd, env)

    async def _from_zygote(self, log_fd: int) -> bool:
        """씨앗에 커널 하나를 청해 받으면 True. 씨앗이 없거나 뜨다 죽었거나 답하지 않으면 False(보통처럼 띄움)."""
        if not self.zygote or self._zygote_request is None:
            return False
        from ..kernel import zygote

        deadline = time.monotonic() + Zygote.WAIT_S
        while not os.path.exists(self.zygote):  # 씨앗이 아직 모듈을 불러오는 중
            if (os.path.exists(self.zygote + ".gone") or not os.path.isdir(os.path.dirname(self.zygote))
                    or time.monotonic() > deadline):
                return False
            await asyncio.sleep(0.01)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(Zygote.WAIT_S)
        try:
            sock.connect(self.zygote)
            zygote.send_message(sock, json.dumps(self._zygote_request).encode(), [log_fd, self._parent_read])
            answer, fds = zygote.receive_message(sock, max_fds=1)
        except (OSError, ValueError, EOFError):
            return False
        finally:
            sock.close()
        if answer != b"ok" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            return False
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = ForkedKernel(fds[0]), None, None
        provisioner.cwd = self.box.workdir
        self._reconcile_connection_info(provisioner.connection_info)
        self.from_zygote = True
        return True

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # 끌 때는 SIGKILL 이라 커널은 곧바로 끝납니다. jupyter_client 의 0.1초 간격으로 물으면
        # 노트북마다 0.1초를 그냥 기다립니다.
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart:
            return
        self._close_parent_pipe()
        box = self.box
        if box.mechanism == SETRLIMIT and box.uid is not None:
            # PID 이름공간이 없으면 학생 코드가 남긴 자식 프로세스가 커널보다 오래 삽니다.
            # 그 uid 로 kill(-1) 을 보내면 같은 uid 의 프로세스만 모두 끝납니다.
            subprocess.run(
                [sys.executable, "-I", "-S", "-c",
                 "import os, sys; u = int(sys.argv[1]); os.setgroups([]); os.setgid(u);"
                 " os.setuid(u); os.kill(-1, 9)", str(box.uid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )
        self.remove_rundir()

    def remove_rundir(self) -> None:
        """커널 로그의 끝부분을 ``log_tail`` 에 남기고 실행 폴더를 지웁니다. 여러 번 불러도 됩니다.

        보통은 커널을 끌 때 jupyter_client 가 부르지만, 커널이 뜨다가 죽으면 끄기가 중간에 실패해 불리지 않으므로
        실행하는 쪽(autograder.worker.runner)이 끈 뒤에 한 번 더 부릅니다.
        """
        rundir = Path(self.box.rundir)
        if not rundir.exists():
            return
        try:
            with open(rundir / "kernel.log", "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - 4096))
                self.log_tail = log.read().decode("utf-8", "replace")
        except OSError:
            self.log_tail = ""
        shutil.rmtree(rundir, ignore_errors=True)

    def _prepare_rundir(self) -> None:
        """연결 파일, ipc 소켓, 커널의 HOME 을 둘 폴더를 만듭니다(:func:`prepare_rundir`)."""
        run = prepare_rundir(self.box)
        self.connection_file = str(run / "kernel.json")
        self.transport = "ipc"
        self.ip = str(run / "ipc")


def prepare_rundir(box: Box) -> Path:
    """커널(이나 커널 씨앗)의 실행 폴더를 만들고 그 안의 ``run/`` 을 돌려줍니다. 이미 있으면 그대로.

    ``rundir`` 자체는 채점기 소유(0711)이고, 커널은 그 안의 ``run/`` 에만 씁니다.
    ``deny-file``, ``deny-dir`` 은 아무도 읽을 수 없는 가림막입니다.
    """
    rundir, run = Path(box.rundir), Path(box.run)
    if run.exists():
        return run
    rundir.mkdir(mode=0o711, exist_ok=True)
    rundir.chmod(0o711)
    (run / "home").mkdir(parents=True)
    (run / "mpl").mkdir()
    # 폰트 캐시를 새로 만들면 matplotlib import 가 몇 초씩 걸립니다. 채점기의 캐시를
    # 복사해 주되, 커널이 바꾼 캐시를 되가져오지는 않습니다.
    for cached in glob.glob(str(_matplotlib_cache_dir() / "fontlist-*.json")):
        shutil.copy(cached, run / "mpl")
    deny_file = Path(box.mask(False))
    deny_file.touch()
    deny_file.chmod(0)
    deny_dir = Path(box.mask(True))
    deny_dir.mkdir()
    deny_dir.chmod(0)
    for top in dict.fromkeys(top for _, top in box.forbid):  # 한 라이브러리가 여러 경로로 가려져도 껍데기는 하나
        from ..kernel import forbidden

        stub = Path(box.stub(top))
        stub.mkdir(parents=True)
        (stub / "__init__.py").write_text(forbidden.STUB, encoding="utf-8")
        stub.chmod(0o755)
        stub.parent.chmod(0o755)
    return run


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _allocate_uid() -> int:
    # 프로세스 번호와 순번으로 만들면 병렬 작업자끼리 겹치지 않습니다.
    return _UID_BASE + ((os.getpid() & 0x3FFFFF) << 8) + next(_uid_counter) % 256


def _describe(mechanism: str, limits: Limits, deny: list[str], uid: int | None, root_reason: str = "",
              forbid: tuple[str, ...] = ()) -> str:
    """실제로 걸린 격리를 강사가 읽을 한국어 한 문장으로. 커널마다 달라지는 것(작업 폴더, uid 번호)은 넣지 않으므로
    배치 하나에서 같은 방식이면 같은 문장이 됩니다."""
    denied = ", ".join(deny) if deny else "없음"
    if uid is not None:
        who = "커널마다 전용 uid"
    elif _is_root():
        who = "root"
    else:
        who = f"채점기와 같은 uid {os.getuid()}"
    process_limit = f"프로세스 {limits.max_processes}개"
    if who == "root":
        process_limit = "프로세스 수 한도는 root에게 걸리지 않음"
    limit_text = (f"한도: CPU {limits.cpu_seconds}초, 메모리 {limits.memory_mb} MB, "
                  f"{process_limit}, 파일 하나 {limits.file_size_mb} MB")
    if mechanism == BUBBLEWRAP:
        head = (f"bubblewrap (네트워크 차단, 시스템은 읽기 전용, 쓸 수 있는 곳은 작업 폴더와 개인 /tmp뿐, "
                f"가린 경로: {denied}; 실행: {who}")
    elif mechanism == UNSHARE:
        head = (f"unshare+setrlimit (네트워크 차단, 개인 /tmp, 홈 폴더 가림, 가린 경로: {denied}; 실행: {who}; "
                f"나머지 파일 시스템은 {who}의 권한만큼 보이고 쓸 수 있음")
    else:
        head = (f"setrlimit만 (네트워크 격리 없음, 파일 격리 없음: 커널이 {who}의 권한으로 {denied}까지 "
                f"읽고 쓸 수 있음; 실행: {who}")
        if root_reason:
            head += f"; 이유: {root_reason}"
    if forbid:
        libs = ", ".join(forbid)
        head += (f"; 라이브러리 규칙: 커널에서 {libs}을(를) 가림" if mechanism != SETRLIMIT
                 else f"; 라이브러리 규칙을 강제하지 못함({libs}이(가) 커널에 보임)")
    return f"{head}; {limit_text})"


def _reachable_by_others(paths: Iterable[str]) -> bool:
    """다른 uid 가 이 경로들까지 내려갈 수 있는지 (모든 상위 폴더에 o+x 가 있는지)."""
    for path in paths:
        for folder in [*_ancestors(path), path]:
            try:
                if not os.stat(folder).st_mode & stat.S_IXOTH:
                    return False
            except OSError:
                return False
    return True


#: 커널에 넘기는 파이프(읽는 쪽)의 번호를 담은 환경 변수. 쓰는 쪽은 커널을 띄운 실행 프로세스만 쥡니다.
PARENT_FD_ENV = "AUTOGRADER_PARENT_FD"

#: ``python -m ipykernel_launcher`` 와 같되 디버거(debugpy)를 불러오지 않는 커널 시작 코드.
#: 채점 커널에는 디버거가 쓸모없고, debugpy 를 불러오는 데만 커널 시작 시간의 3분의 1(약 0.2초)이 듭니다.
#: ipykernel 은 debugpy 를 import 할 수 없으면 디버거 없이 뜹니다.
#: 부모 감시(:func:`autograder.kernel.parent.watch`): 커널을 띄운 실행 프로세스가 죽으면 커널도 끝납니다.
#: 출력 상한(:func:`autograder.kernel.output_cap.install`): 셀 하나의 넘치는 출력을 커널에서 보내지 않습니다.
_KERNEL_MAIN = (
    "import sys; sys.modules['debugpy'] = None\n"
    "if sys.path and sys.path[0] == '': del sys.path[0]\n"
    "import os\n"
    "from autograder.kernel import output_cap; output_cap.install()\n"
    f"if os.environ.get('{PARENT_FD_ENV}', '').isdigit():\n"
    "    from autograder.kernel import parent\n"
    f"    parent.watch(int(os.environ.pop('{PARENT_FD_ENV}')))\n"
    "from ipykernel import kernelapp; kernelapp.launch_new_instance()"
)


def _without_debugger(kernel_cmd: list[str]) -> list[str]:
    """파이썬 커널 명령(``python -m ipykernel_launcher ...``)이면 디버거 없이 뜨게 바꿉니다."""
    if kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]:
        return [kernel_cmd[0], "-c", _KERNEL_MAIN, *kernel_cmd[3:]]
    return kernel_cmd


def _kernel_python(km: AsyncKernelManager) -> str:
    spec = km.kernel_spec
    argv0 = spec.argv[0] if spec is not None and spec.argv else "python"
    if argv0 in {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        return sys.executable
    return shutil.which(argv0) or argv0


def make_kernel_manager(
    workdir: Path,
    limits: Limits,
    *,
    deny_paths: Iterable[Path] = (),
    kernel_name: str = "python3",
    isolation: str | None = None,
    ro_paths: Iterable[Path] = (),
    env: Mapping[str, str] | None = None,
    forbid: Iterable[str] = (),
    zygote: str | None = None,
) -> tuple[AsyncKernelManager, str]:
    """격리된 커널을 띄울 (아직 시작하지 않은) 커널 관리자를 만듭니다.

    Parameters
    ----------
    workdir : Path
        커널의 작업 폴더. 학생 과제 폴더의 임시 복사본이어야 합니다. 커널이 쓸 수 있는
        유일한 영구 폴더이며, root 로 채점하면 커널 전용 uid 의 소유로 바뀝니다.
    limits : Limits
        자원 한도.
    deny_paths : iterable of Path
        커널이 읽으면 안 되는 경로(정답 폴더, 성적부, 제출물 폴더 등).
    kernel_name : str
        jupyter 커널 이름.
    isolation : str, optional
        ``"bubblewrap"``, ``"unshare"``, ``"setrlimit"`` 중 하나를 강제합니다. 없으면
        ``detect_isolation()`` 의 결과를 씁니다.
    ro_paths : iterable of Path
        읽기 전용으로 더 보여 줄 경로(과제가 import 하는 공용 모듈 등). 그 안의
        ``deny_paths`` 는 여전히 가려집니다. setrlimit 방식에서는 아무것도 가리지 않으므로
        의미가 없습니다.
    env : mapping, optional
        커널에 더 넘길 환경 변수. 채점기의 환경 변수는 넘어가지 않습니다.
    forbid : iterable of str
        커널에서 가릴 라이브러리(최상위 패키지 이름, 예: ``"sklearn"``). 그 폴더를 껍데기
        (``autograder.kernel.forbidden``)로 덮습니다. setrlimit 방식에서는 덮을 수 없습니다(설명 문장에 그렇게 적힙니다).

    Returns
    -------
    km : AsyncKernelManager
        ``NotebookClient(..., km=km)`` 에 넘길 관리자.
    description : str
        실제로 걸린 격리를 사람이 읽을 수 있게 적은 문장.

    Notes
    -----
    ``km=`` 으로 관리자를 넘겨받은 nbclient 와 nbconvert 는 실행이 끝나도 커널을 끄지
    않습니다. 호출한 쪽이 ``finally`` 에서 ``await km.shutdown_kernel(now=True)`` (동기
    코드에서는 ``jupyter_core.utils.run_sync(km.shutdown_kernel)(now=True)``) 를 불러야
    커널과 임시 실행 폴더가 정리됩니다. 커널의 stdout/stderr 는 채점기로 흘러오지 않고,
    끈 뒤 ``km.log_tail`` 에 끝부분이 남습니다.
    """
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise NotADirectoryError(workdir)
    mechanism = isolation or detect_isolation()
    if mechanism not in MECHANISMS:
        raise ValueError(f"unknown isolation {mechanism!r}; expected one of {MECHANISMS}")
    deny = sorted(_both_spellings(deny_paths))
    for path in deny:
        if _under(str(workdir), path):
            raise ValueError(f"workdir {workdir} lies inside denied path {path}")
    km = SandboxedKernelManager(kernel_name=kernel_name)
    uid = gid = None
    root_reason = ""
    python = _kernel_python(km)
    if _is_root():
        uid = gid = _allocate_uid()
        needed = [*_python_roots(python), os.path.dirname(os.path.realpath(python))]
        if mechanism == SETRLIMIT and not _reachable_by_others(needed):
            # 마운트 이름공간 없이는 다른 uid 가 파이썬에 닿게 할 방법이 없습니다.
            uid = gid = None
            root_reason = f"다른 uid가 {python}에 닿을 수 없음"
    km.box = Box(
        mechanism=mechanism,
        workdir=str(workdir),
        rundir=kernel_rundir(),
        limits=limits,
        deny=tuple((path, os.path.isdir(path)) for path in deny if os.path.lexists(path)),
        visible=tuple(dict.fromkeys([*_python_roots(python), *(str(p) for p in _KERNEL_CODE),
                                     *(os.path.realpath(p) for p in ro_paths)])),
        forbid=tuple((folder, top) for top in forbid for folder in _package_folders(top)),
        env=tuple((env or {}).items()),
        uid=uid,
        gid=gid,
        as_root=_is_root(),
        running_tasks=_count_tasks_of(os.getuid()) if mechanism == SETRLIMIT and not _is_root() else 0,
        system_top=tuple((f"/{top}", os.readlink(f"/{top}") if os.path.islink(f"/{top}") else None)
                         for top in _SYSTEM_TOP if os.path.islink(f"/{top}") or os.path.isdir(f"/{top}")),
        bwrap=shutil.which("bwrap"),
        unshare=shutil.which("unshare"),
        setpriv=shutil.which("setpriv"),
    )
    km.zygote = zygote if mechanism == BUBBLEWRAP and _is_root() else None
    return km, _describe(mechanism, limits, deny, uid, root_reason, tuple(forbid))


def _package_folders(top: str) -> list[str]:
    """최상위 패키지 ``top`` 의 폴더(커널 파이썬과 채점기는 같은 환경입니다). 설치되어 있지 않으면 빈 목록.

    적힌 경로와 실제 경로 둘 다(:func:`_both_spellings`): 가상 환경에 링크로 닿으면 커널 파이썬은 링크 쪽 경로에서
    import하므로 두 경로 모두 가립니다(가린 경로 ``deny`` 와 같음)."""
    import importlib.util

    spec = importlib.util.find_spec(top)
    return _both_spellings((spec.submodule_search_locations or []) if spec else [])


class ForkedKernel:
    """씨앗이 갈라 낸 커널(이 프로세스의 자식이 아님)을 jupyter_client가 ``Popen`` 처럼 다루게 하는 것: pidfd 하나.

    커널이 끝나면 pidfd를 읽을 수 있게 됩니다. 끝난 상태(종료 코드)는 자식이 아니라 알 수 없으므로 -9로 둡니다."""

    pid = None
    stdin = stdout = stderr = None

    def __init__(self, pidfd: int):
        self.pidfd: int | None = pidfd
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("kernel", timeout)
            self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = -signal.SIGKILL
        os.close(self.pidfd)
        self.pidfd = None

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def zygote_covers() -> list[str]:
    """씨앗이 갈라 낸 커널이 빈 tmpfs로 덮는 폴더: 개인 /tmp와 /dev/shm, 그리고 채점기의 임시 폴더(다른 제출물의 작업 폴더와
    커널 실행 폴더, 씨앗의 소켓이 있는 곳). 바깥 폴더가 먼저입니다(안쪽은 덮인 뒤 없으므로 건너뜁니다)."""
    roots = {"/tmp", "/dev/shm", os.path.realpath(tempfile.gettempdir()), os.path.realpath(_workdir.rundir_base())}
    return sorted(roots, key=lambda p: (p.count("/"), p))


class Zygote:
    """커널 씨앗(:mod:`autograder.kernel.zygote`) 하나: 한 과제 한 단계의 샌드박스 설정으로 띄운 bubblewrap과 그 소켓.

    채점기(이 컴퓨터에서 채점하는 ``dispatch.local``)가 과제의 두 번째 제출물을 맡길 때 띄우고 배치가 끝나면 끕니다.
    ``root`` 로 bubblewrap을 쓸 때만 뜹니다(:meth:`start` 가 None): 커널이 스스로 격리를 걸려면 씨앗에 CAP_SYS_ADMIN이
    있어야 하고, 커널마다 다른 uid로 내려가야 다른 커널과 씨앗에 손대지 못합니다.

    실행 프로세스는 :attr:`path` 의 소켓이 나타나기를 :data:`WAIT_S` 초까지 기다리고, 씨앗이 끝나면 생기는
    ``path + ".gone"`` 을 보면 기다리지 않고 보통처럼 커널을 띄웁니다."""

    #: 씨앗이 모듈을 불러오기를(소켓이 나타나기를) 기다리는 최대 시간(초)
    WAIT_S = 60
    #: 이 환경 변수가 ``0`` 이면 씨앗을 띄우지 않습니다(커널마다 새로 띄움: 비교 측정이나 문제를 좁힐 때)
    SWITCH = "AUTOGRADER_ZYGOTE"

    def __init__(self, proc: subprocess.Popen, box: Box, path: str):
        self.proc, self.box, self.path = proc, box, path
        self._watch = threading.Thread(target=self._mark_gone, daemon=True)
        self._watch.start()

    @classmethod
    def start(cls, limits: Limits, forbid: Iterable[str] = (), preload: Iterable[str] = (),
              ro_paths: Iterable[Path] = ()) -> Zygote | None:
        """``limits`` (가린 경로, 한도)와 막은 라이브러리 ``forbid`` 로 씨앗을 띄웁니다. ``preload`` 를 미리 불러 둡니다.
        ``ro_paths`` 는 :func:`make_kernel_manager` 의 것과 같고, 커널 관리자에게도 같은 것을 주어야 합니다.
        씨앗을 쓸 수 없는 설정이면 None."""
        tmp = os.path.realpath(tempfile.gettempdir())
        if (os.environ.get(cls.SWITCH) == "0" or not _is_root() or (limits.isolation or detect_isolation()) != BUBBLEWRAP
                or not _under(os.path.realpath(_workdir.rundir_base()), tmp)):
            return None
        deny = [p for p in limits.deny_paths if os.path.exists(p)]
        km, _ = make_kernel_manager(Path(tmp), limits, deny_paths=deny, isolation=BUBBLEWRAP, forbid=forbid,
                                    ro_paths=ro_paths)  # 실행 폴더를 만듭니다(workdir.kernel_rundir)
        box = km.box
        proc = None
        try:
            run = prepare_rundir(box)
            path = str(run / "zygote")
            python = _kernel_python(km)
            env = kernel_env(box, python, "/tmp")
            launcher = ["--chdir", "/", *(f"--env={k}={v}" for k, v in env.items())]
            # matplotlib은 불러올 때 설정 폴더(MPLCONFIGDIR: 씨앗의 실행 폴더)를 정해 버리므로 커널마다 불러오게 둡니다.
            modules = [m for m in preload if m.split(".")[0] != "matplotlib"]
            cmd = [box.bwrap, *bwrap_args(box), "--cap-add", "CAP_SYS_ADMIN", "--",
                   python, "-I", "-S", _LAUNCHER_IN_BOX, *launcher, "--",
                   python, "-m", "autograder.kernel.zygote", path, *modules]
            with open(os.path.join(box.rundir, "zygote.log"), "ab") as log:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/")
            return cls(proc, box, path)
        except BaseException:  # 띄우는 도중의 오류나 중단(Ctrl-C, SIGTERM): 아무도 끄지 않을 씨앗과 실행 폴더를 남기지 않습니다
            if proc is not None:
                with contextlib.suppress(OSError):
                    proc.kill()
                proc.wait()
            shutil.rmtree(box.rundir, ignore_errors=True)
            raise

    def _mark_gone(self) -> None:
        self.proc.wait()
        with contextlib.suppress(OSError):
            Path(self.path + ".gone").touch()

    def stop(self) -> None:
        """씨앗을 끝냅니다. 그 PID 이름공간 안의 커널도 모두 끝납니다(배치가 끝난 뒤에 부름)."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.wait()
        self._watch.join()
        shutil.rmtree(self.box.rundir, ignore_errors=True)
