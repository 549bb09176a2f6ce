"""샌드박스 안에서 커널을 띄우기 직전의 마지막 단계.

``autograder.worker.sandbox`` 가 이 파일을 ``python -I -S 경로`` 로 실행합니다. 패키지로
import 하지 않는 까닭은 샌드박스 안에 채점기 코드 전체를 보여 주지 않기 위해서입니다.
그래서 표준 라이브러리만 씁니다.

순서가 중요합니다.

1. (unshare 방식일 때만) 새 마운트 이름공간 안에서 읽으면 안 되는 경로를 가리고,
   /tmp 와 홈 폴더들을 빈 tmpfs 로 덮은 뒤 작업 폴더, 실행 폴더, 파이썬 환경처럼
   커널에 필요한 경로만 그 위에 다시 붙입니다.
2. 작업 폴더로 이동합니다. 되도록 권한을 내려놓기 전에 해야 상위 폴더를 지나갈
   권한이 없어도 들어갈 수 있습니다.
3. setrlimit 로 자원 한도를 겁니다. root 일 때 걸어야 학생 코드가 되돌리지 못합니다.
4. root 라면 학생 전용 uid 로 내려갑니다. RLIMIT_NPROC 는 root 에게 적용되지 않으므로
   이 단계가 없으면 프로세스 수 제한이 무의미합니다.
5. 깨끗한 환경 변수로 ipykernel 을 exec 합니다.
"""

import argparse
import ctypes
import errno
import os
import resource
import signal
import sys

_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_REMOUNT = 32
_MS_BIND = 4096
_MS_REC = 16384

_PR_SET_PDEATHSIG = 1

_libc = None


def _prctl(option, value):
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0)


def _mount(source, target, fstype, flags, data=None):
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    rc = _libc.mount(
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} -> {target}: {os.strerror(err)}")


def _bind(source, target, readonly):
    _mount(source, target, None, _MS_BIND | _MS_REC)
    if readonly:
        # 바인드 마운트의 읽기 전용 속성은 다시 마운트해야 붙습니다.
        _mount(None, target, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def _cover(covers, keep):
    """폴더들을 새 tmpfs 로 덮되, keep 경로는 같은 자리에 다시 보이게 합니다.

    Parameters
    ----------
    covers : list of (str, str, str)
        (폴더, 8진수 권한, 크기 MB).
    keep : list of (str, bool)
        (경로, 읽기 전용 여부).
    """
    # tmpfs 로 덮으면 원래 경로가 사라지므로 덮기 전에 O_PATH 로 붙잡아 둡니다.
    held = [(path, ro, os.open(path, os.O_PATH)) for path, ro in keep if os.path.exists(path)]
    covered = []
    for folder, mode, size_mb in covers:
        if os.path.isdir(folder):
            _mount("tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size_mb}m,mode={mode}")
            covered.append(folder)
    for path, readonly, fd in held:
        if any(path == c or path.startswith(c.rstrip("/") + "/") for c in covered):
            parent = os.path.dirname(path)
            os.makedirs(parent, mode=0o755, exist_ok=True)
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, mode=0o755, exist_ok=True)
            else:
                open(path, "a").close()
            _bind(f"/proc/self/fd/{fd}", path, readonly=readonly)
        os.close(fd)


_CLONE_NEWUSER = 0x10000000


def _lock_mounts():
    """(unshare 방식) 마운트를 마친 뒤 새 사용자 이름공간으로 들어갑니다.

    ``unshare --user --map-root-user`` 안의 커널은 그 이름공간의 root라 CAP_SYS_ADMIN이 있어, 그대로 두면
    ``umount2`` 로 가림막과 개인 /tmp를 걷어 낼 수 있습니다. 새 사용자 이름공간의 프로세스는 부모 이름공간이
    가진 마운트 이름공간에서 아무 권한도 없고, 거기서 마운트 이름공간을 또 만들어도 물려받은 마운트는 한 덩어리로
    잠겨(MNT_LOCKED) 떼어 낼 수 없습니다.
    """
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(_CLONE_NEWUSER) != 0:
        err = ctypes.get_errno()
        raise SystemExit(f"마운트를 잠그지 못해 커널을 시작하지 않습니다: unshare(CLONE_NEWUSER): {os.strerror(err)}")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


def _set_limit(kind, soft, hard=None):
    hard = soft if hard is None else hard
    resource.setrlimit(kind, (soft, hard))


def parse(argv=None):
    """런처의 인자. 커널 씨앗(:mod:`.zygote`)도 같은 인자로 한도와 uid를 겁니다."""
    parser = argparse.ArgumentParser(prog="autograder.kernel.launcher")
    parser.add_argument("--cpu", type=int, help="CPU 시간 한도(초)")
    parser.add_argument("--data-mb", type=int, help="RLIMIT_DATA (MB)")
    parser.add_argument("--as-mb", type=int, help="RLIMIT_AS (MB)")
    parser.add_argument("--nproc", type=int, help="RLIMIT_NPROC")
    parser.add_argument("--fsize-mb", type=int, help="RLIMIT_FSIZE (MB)")
    parser.add_argument("--nofile", type=int, help="RLIMIT_NOFILE")
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--chdir", required=True)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--cover", nargs=3, action="append", default=[],
                        metavar=("DIR", "MODE", "SIZE_MB"))
    parser.add_argument("--keep", action="append", default=[], metavar="PATH")
    parser.add_argument("--keep-ro", action="append", default=[], metavar="PATH")
    parser.add_argument("--mask", nargs=2, action="append", default=[], metavar=("SRC", "DST"))
    parser.add_argument("--lock-mounts", action="store_true",
                        help="마운트를 마친 뒤 새 사용자 이름공간으로 들어가 마운트를 되돌릴 권한을 버립니다")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    args.cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not args.cmd:
        parser.error("실행할 커널 명령이 없습니다")
    return args


def drop(args):
    """작업 폴더로 옮기고, 자원 한도를 걸고, root이면 학생 uid로 내려갑니다(모든 권한을 잃음). 위의 2–4단계."""
    try:
        os.chdir(args.chdir)
        moved = True
    except PermissionError:
        # bubblewrap 안의 root 는 DAC 권한이 없어 학생 uid 소유의 폴더에 못 들어갑니다.
        # 그 경우 상위 폴더가 열려 있으므로 uid 를 바꾼 뒤에 들어갑니다.
        moved = False

    _set_limit(resource.RLIMIT_CORE, 0)
    if args.cpu is not None:
        # 소프트 한도에서 SIGXCPU 로 끝나고, 그 신호를 무시하면 1초 뒤 SIGKILL 입니다.
        _set_limit(resource.RLIMIT_CPU, args.cpu, args.cpu + 1)
    if args.data_mb is not None:
        _set_limit(resource.RLIMIT_DATA, args.data_mb * 2**20)
    if args.as_mb is not None:
        _set_limit(resource.RLIMIT_AS, args.as_mb * 2**20)
    if args.fsize_mb is not None:
        _set_limit(resource.RLIMIT_FSIZE, args.fsize_mb * 2**20)
    if args.nofile is not None:
        _set_limit(resource.RLIMIT_NOFILE, args.nofile)
    if args.nproc is not None:
        _set_limit(resource.RLIMIT_NPROC, args.nproc)

    if args.uid is not None:
        gid = args.gid if args.gid is not None else args.uid
        os.setgroups([])
        os.setgid(gid)
        os.setuid(args.uid)
        # setuid 가 조용히 실패하면 root 로 학생 코드를 돌리게 되므로 반드시 확인합니다.
        if os.getuid() != args.uid or os.geteuid() != args.uid:
            raise SystemExit("uid 를 바꾸지 못했습니다")
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            raise SystemExit("root 권한을 되찾을 수 있어 커널을 시작하지 않습니다")

    if not moved:
        os.chdir(args.chdir)


def main(argv=None):
    args = parse(argv)
    cmd = args.cmd

    # 가림막의 원본은 /tmp 아래에 있으므로 /tmp 를 덮기 전에 붙입니다.
    for source, target in args.mask:
        if os.path.lexists(target):
            _bind(source, target, readonly=True)
    if args.cover:
        keep = [(p, False) for p in args.keep] + [(p, True) for p in args.keep_ro]
        _cover(args.cover, keep)

    if args.lock_mounts:
        _lock_mounts()

    drop(args)

    # uid 를 바꾸면 커널이 부모 사망 신호 설정을 잃습니다. 다시 걸어 두어야 채점기가
    # 갑자기 끝나도 커널이 남지 않습니다.
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    env = dict(item.split("=", 1) for item in args.env)
    try:
        os.execve(cmd[0], cmd, env)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.EACCES):
            raise SystemExit(f"커널을 실행하지 못했습니다: {cmd[0]}: {exc.strerror}") from None
        raise


if __name__ == "__main__":
    sys.exit(main())
