"""샌드박스의 명령줄은 격리 설명(:class:`autograder.worker.sandbox.Box`)만의 순수 함수입니다: 커널을 띄우지 않고 읽어 봅니다."""
from __future__ import annotations

import dataclasses

import pytest

from autograder.limits import Limits
from autograder.worker.sandbox import BUBBLEWRAP, SETRLIMIT, UNSHARE, Box, command

pytestmark = pytest.mark.unit

KERNEL = ["/opt/venv/bin/python", "-c", "start-kernel", "-f", "/tmp/ag-kernel-x/run/kernel.json"]
BOX = Box(
    mechanism=BUBBLEWRAP, workdir="/scratch/work-1", rundir="/tmp/ag-kernel-x",
    limits=Limits(cpu_seconds=7, memory_mb=512, max_processes=9, file_size_mb=3, tmp_mb=16),
    deny=(("/opt/venv/course/solutions", True), ("/grading/gradebook.db", False)),
    visible=("/opt/venv",), env=(("MPLBACKEND", "Agg"),), uid=40001, gid=40001, as_root=True,
    system_top=(("/bin", "usr/bin"), ("/lib64", None)),
    bwrap="/usr/bin/bwrap", unshare="/usr/bin/unshare", setpriv="/usr/bin/setpriv",
)


def _after(cmd: list[str], flag: str, n: int) -> list[tuple[str, ...]]:
    """``flag`` 다음의 인자 ``n`` 개를, flag가 나올 때마다."""
    return [tuple(cmd[i + 1:i + 1 + n]) for i, arg in enumerate(cmd) if arg == flag]


def _launcher(cmd: list[str]) -> dict[str, str]:
    """런처 인자 가운데 값 하나짜리 것들(--cpu 7 → {"--cpu": "7"}; 같은 플래그는 뒤의 것이 런처의 것)과 --env 목록."""
    found = {flag: values[-1][0] for flag in ("--cpu", "--data-mb", "--nproc", "--fsize-mb", "--chdir", "--uid")
             if (values := _after(cmd, flag, 1))}
    found["env"] = dict(v[0].split("=", 1) for v in _after(cmd, "--env", 1))
    return found


def test_bubblewrap_command_binds_only_what_the_kernel_needs():
    cmd = command(BOX, KERNEL)
    assert cmd[0] == "/usr/bin/bwrap" and cmd[-len(KERNEL):] == KERNEL
    assert {"--unshare-net", "--unshare-pid", "--clearenv", "--die-with-parent"} <= set(cmd)
    assert ("ALL",) in _after(cmd, "--cap-drop", 1)  # root로 채점: uid를 바꿀 권한만 남깁니다
    assert ("/scratch/work-1", "/scratch/work-1") in _after(cmd, "--bind", 2)
    assert ("/tmp/ag-kernel-x/run", "/tmp/ag-kernel-x/run") in _after(cmd, "--bind", 2)
    ro = _after(cmd, "--ro-bind", 2)
    assert ("/opt/venv", "/opt/venv") in ro and ("/lib64", "/lib64") in ro
    assert ("usr/bin", "/bin") in _after(cmd, "--symlink", 2)
    # 보이는 곳 안의 가릴 경로는 가림막으로 덮고, 그 덮기는 바깥 폴더를 붙인 뒤에 옵니다.
    mask = ("/tmp/ag-kernel-x/deny-dir", "/opt/venv/course/solutions")
    assert mask in ro and ro.index(mask) > ro.index(("/opt/venv", "/opt/venv"))
    # 보이지 않는 곳의 경로(성적부)는 아예 붙이지 않습니다.
    assert not any("/grading" in arg for arg in cmd)
    launcher = _launcher(cmd)
    assert launcher["--cpu"] == "7" and launcher["--data-mb"] == "512" and launcher["--nproc"] == "9"
    assert launcher["--uid"] == "40001" and launcher["--chdir"] == "/scratch/work-1"
    assert launcher["env"]["HOME"] == "/tmp" and launcher["env"]["OMP_NUM_THREADS"] == "1"
    assert launcher["env"]["MPLBACKEND"] == "Agg"
    # 커널의 PYTHONPATH는 채점기 패키지가 있는 곳 하나뿐입니다(탐침을 같은 사본에서 찾도록; 샌드박스에는 그 안의
    # autograder/__init__.py와 autograder/kernel만 보입니다).
    from autograder.worker import sandbox

    assert launcher["env"]["PYTHONPATH"] == str(sandbox._KERNEL_CODE[0].parent.parent)


def test_unshare_command_masks_every_denied_path_and_covers_tmp_and_homes():
    box = dataclasses.replace(BOX, mechanism=UNSHARE, as_root=False, uid=None, gid=None)
    cmd = command(box, KERNEL)
    assert cmd[:4] == ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] and cmd[4] == "/usr/bin/unshare"
    assert "--net" in cmd and "--user" in cmd  # 일반 사용자: 사용자 이름공간에서 root로 보입니다
    masks = _after(cmd, "--mask", 2)
    assert ("/tmp/ag-kernel-x/deny-dir", "/opt/venv/course/solutions") in masks
    assert ("/tmp/ag-kernel-x/deny-file", "/grading/gradebook.db") in masks
    covers = {c[0] for c in _after(cmd, "--cover", 3)}
    assert {"/tmp", "/dev/shm", "/root", "/home"} <= covers
    assert ("/opt/venv",) in _after(cmd, "--keep-ro", 1) and ("/scratch/work-1",) in _after(cmd, "--keep", 1)
    assert "--uid" not in cmd


def test_setrlimit_command_only_sets_limits_and_counts_running_tasks():
    box = dataclasses.replace(BOX, mechanism=SETRLIMIT, as_root=False, uid=None, gid=None, running_tasks=40)
    cmd = command(box, KERNEL)
    assert cmd[0] == KERNEL[0] and "/usr/bin/bwrap" not in cmd and "/usr/bin/unshare" not in cmd
    launcher = _launcher(cmd)
    assert launcher["--nproc"] == "49"  # 이미 도는 40개 + 한도 9개
    assert launcher["env"]["HOME"] == "/tmp/ag-kernel-x/run/home"


def test_kernel_spec_env_is_kept_but_the_graders_env_is_not(monkeypatch):
    monkeypatch.setenv("DATABASE_PASSWORD", "secret")
    env = _launcher(command(BOX, KERNEL, spec_env={"SPEC_VAR": "1"}))["env"]
    assert env["SPEC_VAR"] == "1" and "DATABASE_PASSWORD" not in env
