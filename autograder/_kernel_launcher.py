"""샌드박스 안에서 커널을 띄우기 직전의 마지막 단계.

``autograder.sandbox`` 가 이 파일을 ``python -I -S 경로`` 로 실행한다. 패키지로
import 하지 않는 까닭은 샌드박스 안에 채점기 코드 전체를 보여 주지 않기 위해서다.
그래서 표준 라이브러리만 쓴다.

순서가 중요하다.

1. (unshare 방식일 때만) 새 마운트 이름공간 안에서 /tmp 를 개인 tmpfs 로 덮고,
   작업 폴더와 실행 폴더를 그 위에 다시 붙이고, 읽으면 안 되는 경로를 가린다.
2. 작업 폴더로 이동한다. 권한을 내려놓기 전에 해야 상위 폴더를 지나갈 권한이
   없어도 들어갈 수 있다.
3. setrlimit 로 자원 한도를 건다. root 일 때 걸어야 학생 코드가 되돌리지 못한다.
4. root 라면 학생 전용 uid 로 내려간다. RLIMIT_NPROC 는 root 에게 적용되지 않으므로
   이 단계가 없으면 프로세스 수 제한이 무의미하다.
5. 깨끗한 환경 변수로 ipykernel 을 exec 한다.
"""

import argparse
import ctypes
import errno
import os
import resource
import sys

_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_REMOUNT = 32
_MS_BIND = 4096
_MS_REC = 16384

_libc = None


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
        # 바인드 마운트의 읽기 전용 속성은 다시 마운트해야 붙는다.
        _mount(None, target, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def _private_tmp(tmp_dirs, size_mb, keep):
    """/tmp 같은 공용 쓰기 폴더를 개인 tmpfs 로 덮되, keep 경로는 그대로 보이게 한다."""
    # tmpfs 로 덮으면 원래 경로가 사라지므로 덮기 전에 O_PATH 로 붙잡아 둔다.
    held = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in keep]
    for tmp in tmp_dirs:
        if os.path.isdir(tmp):
            _mount("tmpfs", tmp, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size_mb}m,mode=1777")
    for path, fd in held:
        if any(path == t or path.startswith(t.rstrip("/") + "/") for t in tmp_dirs):
            os.makedirs(path, mode=0o755, exist_ok=True)
            _bind(f"/proc/self/fd/{fd}", path, readonly=False)
        os.close(fd)


def _set_limit(kind, soft, hard=None):
    hard = soft if hard is None else hard
    resource.setrlimit(kind, (soft, hard))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="_kernel_launcher")
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
    parser.add_argument("--private-tmp", action="append", default=[], metavar="DIR")
    parser.add_argument("--tmp-mb", type=int, default=512)
    parser.add_argument("--keep", action="append", default=[], metavar="DIR")
    parser.add_argument("--mask", nargs=2, action="append", default=[], metavar=("SRC", "DST"))
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("실행할 커널 명령이 없습니다")

    if args.private_tmp:
        _private_tmp(args.private_tmp, args.tmp_mb, args.keep)
    for source, target in args.mask:
        if os.path.lexists(target):
            _bind(source, target, readonly=True)

    os.chdir(args.chdir)

    _set_limit(resource.RLIMIT_CORE, 0)
    if args.cpu is not None:
        # 소프트 한도에서 SIGXCPU 로 끝나고, 그 신호를 무시하면 1초 뒤 SIGKILL 이다.
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
        # setuid 가 조용히 실패하면 root 로 학생 코드를 돌리게 되므로 반드시 확인한다.
        if os.getuid() != args.uid or os.geteuid() != args.uid:
            raise SystemExit("uid 를 바꾸지 못했습니다")
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            raise SystemExit("root 권한을 되찾을 수 있어 커널을 시작하지 않습니다")

    env = dict(item.split("=", 1) for item in args.env)
    try:
        os.execve(cmd[0], cmd, env)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.EACCES):
            raise SystemExit(f"커널을 실행하지 못했습니다: {cmd[0]}: {exc.strerror}")
        raise


if __name__ == "__main__":
    sys.exit(main())
