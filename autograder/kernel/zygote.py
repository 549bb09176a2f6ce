"""커널 씨앗(zygote): 과제의 무거운 모듈을 한 번 불러 둔 샌드박스 안의 프로세스가 제출물마다 커널을 갈라 냅니다.

신뢰 수준: **채점기(믿음)**. 이 프로세스는 학생 코드를 한 줄도 돌리지 않습니다. 학생 코드는 갈라 낸 자식(커널)에서만
돕니다. 커널마다 새 파이썬이 ipykernel·numpy·torch를 다시 불러오면 CPU로 0.5–2초가 듭니다(torch만 1.4초). 배치에서
같은 과제의 같은 단계를 채점하는 커널들은 같은 샌드박스 설정(가린 경로, 막은 라이브러리, 한도)을 쓰므로, 씨앗 하나가
그 설정의 bubblewrap 안에서 모듈을 한 번 불러 두고 커널마다 ``fork`` 합니다. 채점기(``autograder.worker.sandbox``)가
``root`` 로 bubblewrap을 쓸 때만 씁니다.

갈라 낸 커널은 따로 띄운 커널과 같은 격리를 스스로 겁니다(:func:`_kernel`). 씨앗이 학생 코드보다 먼저 합니다.

1. 새 마운트·PID·IPC·네트워크·UTS 이름공간. 커널은 새 PID 이름공간의 1번이라 씨앗도, 다른 학생의 커널도 보지
   못합니다. 새 /proc, 새 /tmp와 /dev/shm(tmpfs).
2. 채점기의 임시 폴더들(다른 제출물의 작업 폴더와 커널 실행 폴더, 씨앗의 소켓이 있는 곳)을 빈 tmpfs로 덮고, 이 커널의
   작업 폴더와 실행 폴더만 그 위에 다시 붙입니다.
3. 자원 한도(setrlimit), 그리고 커널마다 다른 uid로 내려가며 모든 권한(CAP_SYS_ADMIN 등)을 잃습니다. 그 뒤에는 덮은
   마운트를 걷어 낼 수 없습니다.

씨앗은 요청(JSON 한 덩어리와 파일 기술자 둘: 커널 로그, 부모 감시 파이프)을 유닉스 소켓으로 받고, 커널의 pidfd를
돌려줍니다. 실행 프로세스는 그 pidfd로 커널이 살아 있는지 보고 끝냅니다. 이 파일은 표준 라이브러리만 씁니다
(샌드박스에는 ``autograder/kernel/`` 만 보입니다).
"""
import contextlib
import ctypes
import gc
import importlib
import json
import os
import socket
import sys

from . import launcher, output_cap
from .parent import watch as watch_parent

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_MS_NOEXEC, _MS_PRIVATE = 8, 1 << 18
_PR_SET_NO_NEW_PRIVS = 38
#: 요청 하나의 최대 크기(바이트)
_MAX_REQUEST = 1 << 20
#: 요청의 머리(본문 길이)
_LENGTH = 8

_libc = ctypes.CDLL(None, use_errno=True)

#: 과제와 상관없이 모든 커널이 시작하며 불러오는 모듈(ipykernel과 IPython 셸, 채점 요청을 받는 탐침)
_KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "autograder.kernel.probe")
#: ipykernel이 커널을 만들며(``IPKernelApp.initialize``) 또는 첫 실행 요청에서야 불러오는 모듈. 씨앗에서 불러 두지 않으면
#: 갈라 낸 커널마다 다시 불러옵니다(커널이 첫 셀을 받기까지의 CPU가 0.09–0.11초에서 0.08–0.09초로). 빨라지기 위한 것일
#: 뿐이라, ipykernel이 바뀌어 없어진 것은 건너뜁니다.
_KERNEL_START_MODULES = ("ipykernel.debugger", "IPython.core.completerlib", "IPython.core.logger", "IPython.core.oinspect",
                         "IPython.extensions.storemagic", "IPython.utils.wildcard", "sqlite3", "tornado.gen",
                         "tornado.locks", "tornado.queues", "tornado.platform.asyncio", "faulthandler", "resource",
                         "secrets")
#: 미리 불러 둔 모듈이 처음 쓰일 때 불러오는 하위 모듈(numpy 2는 ``numpy.random`` 을 처음 쓸 때 불러옵니다).
_FIRST_USE_IMPORTS = {"numpy": ("numpy.random",)}


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def send_message(sock, data: bytes, fds=()) -> None:
    """길이(:data:`_LENGTH` 바이트)와 본문을, 파일 기술자가 있으면 첫 조각에 실어 보냅니다. 실행 프로세스도 씁니다."""
    frame = len(data).to_bytes(_LENGTH, "big") + data
    sent = socket.send_fds(sock, [frame], list(fds)) if fds else sock.send(frame)
    if sent < len(frame):
        sock.sendall(frame[sent:])


def receive_message(sock, max_fds: int = 0) -> tuple[bytes, list[int]]:
    """:func:`send_message` 가 보낸 것 하나: (본문, 받은 파일 기술자들)."""
    data, fds, _, _ = socket.recv_fds(sock, _MAX_REQUEST + _LENGTH, max_fds) if max_fds else (
        sock.recv(_MAX_REQUEST + _LENGTH), [], 0, None)
    if len(data) < _LENGTH:
        raise EOFError("씨앗과의 연결이 끊겼습니다.")
    size = int.from_bytes(data[:_LENGTH], "big")
    if size > _MAX_REQUEST:
        raise ValueError("요청이 너무 큽니다.")
    body = bytearray(data[_LENGTH:])
    while len(body) < size:
        more = sock.recv(size - len(body))
        if not more:
            raise EOFError("씨앗과의 연결이 끊겼습니다.")
        body += more
    return bytes(body), list(fds)


def main(argv) -> None:
    """``python -m autograder.kernel.zygote 소켓 [모듈 ...]``: 모듈을 불러 둔 뒤 소켓에서 요청을 기다립니다."""
    sys.modules["debugpy"] = None  # 커널 시작 코드(sandbox._KERNEL_MAIN)처럼 디버거 없이
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    path, preload = argv[0], argv[1:]
    for name in _KERNEL_MODULES:
        importlib.import_module(name)
    output_cap.install()  # 갈라 낸 커널이 물려받습니다
    for name in [*_KERNEL_START_MODULES, *preload,
                 *(later for module in preload for later in _FIRST_USE_IMPORTS.get(module, ()))]:
        # 막힌 라이브러리(껍데기)나 없는 모듈은 건너뜁니다: 학생 커널의 준비 셀이 import할 때 같은 일이 일어납니다.
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    # 불러 둔 객체를 순환 쓰레기 수집기가 더는 훑지 않게 합니다: 훑으면 갈라 낸 커널마다 그 메모리를 복사합니다(copy-on-write).
    gc.freeze()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # 다 불러온 뒤에야 소켓이 제 이름으로 나타납니다: 실행 프로세스는 소켓이 있으면 곧 답을 받습니다.
    server.bind(path + ".new")
    server.listen(16)
    os.rename(path + ".new", path)
    while True:
        conn, _ = server.accept()
        try:
            _serve(server, conn)
        except (OSError, ValueError, EOFError):
            pass
        finally:
            conn.close()
        while True:  # 끝난 중간 자식을 거둡니다
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break


def _serve(server, conn) -> None:
    data, fds = receive_message(conn, max_fds=2)
    try:
        request = json.loads(data)
        if len(fds) != 2:
            raise ValueError("파일 기술자 둘(커널 로그, 부모 감시 파이프)이 와야 합니다.")
        if os.fork() == 0:
            code = 70
            try:
                server.close()
                _intermediate(conn, request, fds)
            finally:
                os._exit(code)
    finally:
        for fd in fds:
            os.close(fd)


def _intermediate(conn, request, fds) -> None:
    """새 이름공간을 만들고, 그 PID 이름공간의 1번(커널)을 갈라 내 그 pidfd를 실행 프로세스에 보낸 뒤 끝납니다."""
    os.setsid()  # 새 세션: bubblewrap의 --new-session처럼 터미널에 글자를 밀어 넣지 못하게
    _check(_libc.unshare(_CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWIPC | _CLONE_NEWNET | _CLONE_NEWUTS), "unshare")
    launcher._mount(None, "/", None, launcher._MS_REC | _MS_PRIVATE)  # 이 뒤의 마운트가 씨앗 쪽으로 번지지 않게
    ready, done = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 71
        try:
            conn.close()
            os.close(ready)
            _kernel(request, fds, done)
        finally:
            os._exit(code)
    os.close(done)
    pidfd = os.pidfd_open(pid)
    # 커널이 격리를 다 걸고 권한을 버린 뒤에야 답합니다. 그 전에 실패하면 답 없이 끝나고, 실행 프로세스는 커널을
    # 보통처럼 새로 띄웁니다(학생이 커널이 죽었다는 결과를 받지 않음).
    if os.read(ready, 1) == b"1":
        send_message(conn, b"ok", [pidfd])


def _kernel(request, fds, done: int) -> None:
    """(새 PID 이름공간의 1번) 격리를 마저 걸고 권한을 버린 뒤 ipykernel을 이 프로세스에서 띄웁니다."""
    hostname = b"sandbox"
    _check(_libc.sethostname(hostname, len(hostname)), "sethostname")
    launcher._mount("proc", "/proc", "proc", launcher._MS_NOSUID | launcher._MS_NODEV | _MS_NOEXEC)
    tmp_mb = int(request["tmp_mb"])
    covers = [(folder, "1777", str(tmp_mb)) if folder in ("/tmp", "/dev/shm") else (folder, "0755", "1")
              for folder in request["cover"]]
    # 덮은 폴더 안에 있던 것 가운데 커널이 볼 것(파이썬 환경, 채점기의 kernel/ 폴더: 저장소가 /tmp 아래일 수도 있음)은
    # 읽기 전용으로, 제 작업 폴더와 실행 폴더는 쓸 수 있게 다시 붙입니다(unshare 방식의 --keep, --keep-ro와 같음).
    keep = [(request["workdir"], False), (request["run"], False), *((path, True) for path in request["visible"])]
    launcher._cover(covers, keep)
    log, parent = fds
    os.dup2(log, 1)
    os.dup2(log, 2)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    for fd in (log, null):
        os.close(fd)
    # 런처와 같은 인자(작업 폴더, 한도, uid)로 같은 순서를 밟습니다. uid를 바꾸는 순간 모든 권한을 잃습니다.
    launcher.drop(launcher.parse([*request["launcher"], "--", "-"]))
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    os.write(done, b"1")
    # 씨앗에게서 물려받은 기술자는 부모 감시 파이프 말고 모두 닫습니다(새 커널이 물려받는 것과 같게).
    os.closerange(3, parent)
    os.closerange(parent + 1, 1 << 16)
    os.environ.clear()
    os.environ.update(request["env"])
    watch_parent(parent)
    reseed_after_fork()
    sys.argv = ["-c", *request["argv"]]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def reseed_after_fork() -> None:
    """미리 불러 둔 numpy의 전역 난수 상태는 갈라 낸 모든 자식에 똑같이 복사됩니다. 새로 띄운 프로세스처럼 운영체제의
    엔트로피로 다시 심습니다(표준 라이브러리 ``random`` 은 ``os.register_at_fork`` 로 스스로 다시 심습니다). 커널 씨앗이
    갈라 낸 커널과 포크 서버가 갈라 낸 실행 프로세스가 부릅니다."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        with contextlib.suppress(Exception):
            numpy_random.seed()


if __name__ == "__main__":
    main(sys.argv[1:])
