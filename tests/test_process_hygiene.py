"""채점기가 어떻게 끝나든 자식(포크 서버, 실행 프로세스, 샌드박스의 커널)이 남지 않고, 숨은 테스트가 든 임시 자료가
지워지는지 (issue 22의 5번). 실제 ``python -m autograder grade`` 를 띄우고, 커널이 셀을 실행하는 도중에 신호를 보냅니다."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil
import pytest

from autograder import course, notebooks
from tests.conftest import REPO, put, require

AID = "ch01_modeling"


def _slow_class(subs, n: int = 3) -> None:
    solution = notebooks.solution_submission(AID)
    code = {notebooks.grade_id(c): notebooks.solution_code(c) for c in notebooks.source_notebook(AID).cells
            if notebooks.grade_id(c) == "add_intercept"}
    code["add_intercept"] += "\nimport time\ntime.sleep(60)\n"
    for i in range(n):
        put(notebooks.with_solutions(solution, code), subs, f"student{i}", AID)


def _descendants_once_a_kernel_runs(proc: subprocess.Popen, timeout: float = 120) -> list[psutil.Process]:
    """채점기의 자손 가운데 커널(ipykernel)이 보일 때까지 기다렸다가, 그때의 자손 전부를 돌려줍니다."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "채점기가 먼저 끝났습니다"
        kids = psutil.Process(proc.pid).children(recursive=True)
        if any("ipykernel" in " ".join(_cmdline(k)) for k in kids):
            time.sleep(1.0)  # 커널이 셀을 실행하기 시작하도록
            return psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.1)
    raise AssertionError("커널이 뜨지 않았습니다")


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def _alive(procs: list[psutil.Process]) -> list[str]:
    """아직 살아 있는 것(같은 pid의 다른 프로세스는 create_time으로 가려 냅니다)."""
    left = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{p.pid} {' '.join(_cmdline(p))[:120]}")
        except psutil.Error:
            continue
    return left


def _wait_gone(procs: list[psutil.Process], seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := _alive(procs)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _start(subs, out) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--jobs", "2"],
                            cwd=REPO, env=course.env_with_venv_bin(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_stop_children_and_remove_hidden_tests(tmp_path, how):
    require("bubblewrap")
    _slow_class(tmp_path / "subs")
    out = tmp_path / "out"
    proc = _start(tmp_path / "subs", out)
    family = _descendants_once_a_kernel_runs(proc)
    assert (out / ".grading-tmp").is_dir() and any((out / ".grading-tmp").iterdir()), "정리·채점 자료가 있어야 합니다"
    start = time.monotonic()
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - start < 30, "기다리던 노트북까지 다 실행하고 끝나면 안 됩니다"
    assert proc.returncode == 130, err
    assert "중단했습니다" in err
    assert not (out / ".grading-tmp").exists(), "숨은 테스트가 든 자료가 남았습니다"
    assert _wait_gone(family) == []


def test_a_sigkilled_grader_takes_its_children_with_it(tmp_path):
    require("bubblewrap")
    _slow_class(tmp_path / "subs")
    out = tmp_path / "out"
    proc = _start(tmp_path / "subs", out)
    family = _descendants_once_a_kernel_runs(proc)
    assert any("autograder.worker.forkserver" in " ".join(_cmdline(p)) for p in family)
    proc.kill()
    proc.communicate(timeout=30)
    assert _wait_gone(family) == [], "채점기가 SIGKILL로 죽은 뒤에도 자식이 남았습니다"
    # SIGKILL은 막을 수 없어 정리·채점 자료는 남지만(결과 폴더 안, 커널에게는 가려짐), 다음 실행이 지웁니다.
    rerun = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "subs"), "--out", str(out),
                            "--jobs", "2", "--cell-timeout", "5"],
                           cwd=REPO, env=course.env_with_venv_bin(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode in (0, 1), rerun.stderr
    assert not (out / ".grading-tmp").exists()
