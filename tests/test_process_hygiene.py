"""채점기가 어떻게 끝나든 자식(포크 서버, 실행 프로세스, 샌드박스의 커널)이 남지 않고, 숨은 테스트가 든 임시 자료가
지워지는지 (issue 22의 5번). 실제 ``python -m autograder grade`` 를 띄우고, 커널이 셀을 실행하는 도중에 신호를 보냅니다."""
from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from autograder import course, notebooks, workdir
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
        if any(_is_kernel(k) for k in kids):
            time.sleep(1.0)  # 커널이 셀을 실행하기 시작하도록
            return psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.1)
    raise AssertionError("커널이 뜨지 않았습니다")


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def _open_files(p: psutil.Process) -> list[Path]:
    try:
        return [Path(f.path) for f in p.open_files()]
    except psutil.Error:
        return []


def _is_kernel(p: psutil.Process) -> bool:
    """새로 띄운 커널(명령줄에 ipykernel)이나 커널 씨앗에서 갈라 낸 커널(씨앗의 명령줄 그대로, 제 실행 폴더의 커널
    로그를 열어 둠)."""
    return "ipykernel" in " ".join(_cmdline(p)) or any(f.name == "kernel.log" for f in _open_files(p))


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


def _rundirs(procs: list[psutil.Process]) -> set[Path]:
    """커널 실행 폴더들(``workdir.kernel_rundir``): 새로 띄운 커널과 씨앗은 명령줄(연결 파일, 씨앗의 소켓 경로)에,
    씨앗에서 갈라 낸 커널은 열어 둔 커널 로그의 폴더로 보입니다."""
    pattern = re.compile(rf"(/\S*/{workdir.RUNDIR_PREFIX}[^/\s]+)/")
    found = {Path(m) for p in procs for m in pattern.findall(" ".join(_cmdline(p)))}
    return found | {f.parent for p in procs for f in _open_files(p)
                    if f.name == "kernel.log" and f.parent.name.startswith(workdir.RUNDIR_PREFIX)}


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
    _descendants_once_a_kernel_runs(proc)
    # 먼저 맡긴 제출물의 커널은 채점기가 자료를 쓰기 전에 뜹니다(grade.Grader._start_early): 자료도 기다립니다.
    deadline = time.monotonic() + 60
    while not list((out / ".grading-tmp").glob("context-*.json")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((out / ".grading-tmp").glob("context-*.json")), "정리·채점 자료가 있어야 합니다"
    family = psutil.Process(proc.pid).children(recursive=True)
    rundirs = _rundirs(family)
    assert rundirs and all(d.is_dir() for d in rundirs), rundirs
    start = time.monotonic()
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - start < 30, "기다리던 노트북까지 다 실행하고 끝나면 안 됩니다"
    assert proc.returncode == 130, err
    assert "중단했습니다" in err
    assert not (out / ".grading-tmp").exists(), "숨은 테스트가 든 자료가 남았습니다"
    assert _wait_gone(family) == []
    # 끝낸 실행 프로세스는 제 커널의 실행 폴더(연결 파일, 커널 로그)를 지우지 못합니다. 채점기가 대신 지웁니다.
    assert [d for d in rundirs if d.exists()] == [], "커널 실행 폴더가 /tmp에 남았습니다"


def test_a_sigkilled_grader_takes_its_children_with_it(tmp_path):
    require("bubblewrap")
    _slow_class(tmp_path / "subs")
    out = tmp_path / "out"
    proc = _start(tmp_path / "subs", out)
    family = _descendants_once_a_kernel_runs(proc)
    assert any("autograder.worker.forkserver" in " ".join(_cmdline(p)) for p in family)
    rundirs = _rundirs(family)
    assert rundirs, family
    proc.kill()
    proc.communicate(timeout=30)
    assert _wait_gone(family) == [], "채점기가 SIGKILL로 죽은 뒤에도 자식이 남았습니다"
    # SIGKILL은 막을 수 없어 정리·채점 자료는 남지만(결과 폴더 안, 커널에게는 가려짐), 다음 실행이 지웁니다.
    rerun = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "subs"), "--out", str(out),
                            "--jobs", "2", "--cell-timeout", "5"],
                           cwd=REPO, env=course.env_with_venv_bin(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode in (0, 1), rerun.stderr
    assert not (out / ".grading-tmp").exists()
    assert [d for d in rundirs if d.exists()] == [], "SIGKILL로 끝난 배치의 커널 실행 폴더를 다음 실행이 지우지 않았습니다"


#: 커널 명령(bwrap·unshare·런처)을 띄우자마자(``Popen`` 이 돌아오자마자) 죽는 실행 프로세스. 커널의 실행 폴더를 알립니다.
_DIES_RIGHT_AFTER_THE_LAUNCH = """
import dataclasses, os, subprocess, sys
from pathlib import Path
import jupyter_client.launcher
from jupyter_core.utils import run_sync
from autograder.limits import Limits
from autograder.worker import sandbox

real_popen = subprocess.Popen

def popen_then_die(*args, **kwargs):
    real_popen(*args, **kwargs)
    os._exit(0)

jupyter_client.launcher.Popen = popen_then_die
km, _ = sandbox.make_kernel_manager(Path(sys.argv[1]), Limits(), isolation=sys.argv[2])
# unshare 방식의 setpriv --pdeathsig 는 같은 틈을 가끔만 놓칩니다. 빼고 띄워, 그 틈에 빠진 경우를 매번 만듭니다.
km.box = dataclasses.replace(km.box, setpriv=None)
print(km.box.run, flush=True)
run_sync(km.start_kernel)()
"""


@pytest.mark.parametrize("mode", ["bubblewrap", "unshare", "setrlimit"])
def test_a_grader_that_dies_while_a_kernel_is_launching_leaves_no_sandbox(mode, tmp_path):
    """bubblewrap의 ``--die-with-parent`` 는 바깥 bwrap이 샌드박스 안의 첫 프로세스를 만든 뒤 그 프로세스가 신호를 걸어야
    듣습니다. 그 전에 실행 프로세스(와 바깥 bwrap)가 죽으면, 즉 채점기를 SIGKILL로 끝낸 순간 커널 하나가 뜨는 중이었으면
    샌드박스와 커널이 init 아래에 남아 끝나지 않았습니다(tests/test_resume.py의 죽인 배치 뒤에 본 일, 이 재현으로는 여섯에
    다섯; unshare 방식도 setpriv가 신호를 걸기 전이면 남습니다: 그 경우를 매번 만들려고 setpriv를 빼고 띄웁니다). 이제
    커널은 실행 프로세스만 쓰는 쪽을 쥔 파이프를 지켜보다 EOF면 제 프로세스 그룹을 끝내고 나옵니다
    (``sandbox._KERNEL_MAIN``; unshare 방식의 커널은 PID 이름공간의 1번이라 제 SIGKILL을 받지 않으므로 스스로 나옵니다).
    샌드박스 안의 첫 프로세스와 바깥 bwrap·unshare는 커널이 끝나면 따라 끝납니다."""
    if mode == "bubblewrap":
        require("bubblewrap")
    work = tmp_path / "work"
    work.mkdir()
    # 다섯 번 시도합니다. 서로 다른 실행 폴더를 쓰는 독립된 시도이므로 함께 띄우고 한 번 기다립니다.
    trials = [subprocess.Popen([sys.executable, "-c", _DIES_RIGHT_AFTER_THE_LAUNCH, str(work), mode], cwd=REPO,
                               env=course.env_with_venv_bin(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(5)]
    runs = []
    for trial in trials:
        out, err = trial.communicate(timeout=60)
        assert out.strip().startswith("/"), out + err
        runs.append(out.strip())
    time.sleep(2)  # 남는 것이 있다면 그동안 커널까지 떠서 연결을 기다립니다
    launched = [p for p in psutil.process_iter() if any(run in " ".join(_cmdline(p)) for run in runs)]
    left = _wait_gone(launched, seconds=5)
    for p in launched:  # 남은 것은 다음 테스트에 섞이지 않게 거둡니다
        with contextlib.suppress(psutil.Error):
            p.kill()
    assert not left, f"{mode}: 실행 프로세스가 죽은 뒤에도 남은 것:\n" + "\n".join(left)
    # 그 실행 폴더는 만든 프로세스가 끝났으므로 다음 포크 서버가 지웁니다(같은 함수를 여기서 부릅니다). 함께 도는
    # 다른 테스트의 포크 서버가 그사이 먼저 지웠을 수도 있습니다.
    workdir.remove_kernel_rundirs()
    kept = [run for run in runs if Path(run).parent.exists()]
    assert not kept, f"{mode}: 끝난 프로세스의 커널 실행 폴더를 지우지 않았습니다: {kept}"


def test_a_runner_started_while_the_grader_stops_everything_is_stopped_too(tmp_path, monkeypatch):
    """채점기가 멈출 때(``execute.stop_all``: Ctrl-C, SIGTERM) 막 띄우던 실행 프로세스는 아직 실행 중인 목록에 없어 놓칠
    수 있습니다. 그 프로세스를 띄운 스레드가 그것을 알아채고 끝내므로, 멈춘 채점기는 그 노트북(여기서는 60초 잠)이 다
    돌기를 기다리지 않습니다. 실제 포크 서버에서 띄운 실행 프로세스와 커널입니다."""
    import nbformat

    from autograder.limits import Limits
    from autograder.worker import execute

    real = execute._start_child

    def stop_while_starting(*args, **kwargs):
        proc = real(*args, **kwargs)
        execute.stop_all()  # 목록에 넣기 전에 지나간 stop_all
        return proc

    monkeypatch.setattr(execute, "_start_child", stop_while_starting)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
    start = time.monotonic()
    result = execute.run(nb, tmp_path, Limits(notebook_timeout=120))
    assert time.monotonic() - start < 30 and result.status != "ok", (result.status, result.detail)
