"""grade --scheduler: 노트북 실행을 Dask 클러스터(이 컴퓨터의 루프백에 띄운 작업자 2개)로 보내도,
성적은 --jobs 로 이 컴퓨터에서 채점한 것과 한 줄도 다르지 않습니다. 작업 폴더는 경로가 아니라 내용으로 갑니다."""
from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time

import pytest

from autograder import course, notebooks
from autograder.coordinator import _remote
from tests.conftest import REPO, autograder, grade, put

distributed = pytest.importorskip("distributed")

AID = "ch01_modeling"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.asarray(z, dtype=float) * 0 + 0.5\n"
#: 제출 폴더의 데이터 파일을 읽는 학생 셀. 파일이 작업자에게 닿지 않으면 이 셀이 오류를 내 상태가 달라집니다.
READS_DATA = (
    "with open('data/측정값.csv', encoding='utf-8') as f:\n"
    "    assert f.read() == '1,2,3\\n'\n"
)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None, memory_limit=None) as c:
        yield c


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    subs = tmp_path_factory.mktemp("dist") / "subs"
    solution = notebooks.solution_submission(AID)
    put(solution, subs, "solution", AID)
    put(notebooks.release_notebook(AID), subs, "stub", AID)
    put(notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID}), subs, "wrong_sigmoid", AID)
    (subs / "invalid_json" / AID).mkdir(parents=True)
    (subs / "invalid_json" / AID / f"{AID}.ipynb").write_text('{"cells": [', encoding="utf-8")
    with_data = copy.deepcopy(solution)
    with_data.cells.insert(1, _code_cell(READS_DATA))
    put(with_data, subs, "extra_files", AID)
    reads_solutions = copy.deepcopy(solution)
    answer = course.SOLUTIONS / AID / f"{AID}.ipynb"
    reads_solutions.cells.insert(1, _code_cell(f"print(open({str(answer)!r}, encoding='utf-8').read()[:100])\n"))
    put(reads_solutions, subs, "reads_solutions", AID)
    # 제출 폴더 안의 심볼릭 링크는 작업 폴더로 따라가 복사되지 않습니다 (링크가 정답을 가리켜도).
    via_link = copy.deepcopy(solution)
    via_link.cells.insert(1, _code_cell("print(open('answers.txt', encoding='utf-8').read()[:100])\n"))
    put(via_link, subs, "symlink_to_solutions", AID)
    (subs / "symlink_to_solutions" / AID / "answers.txt").symlink_to(answer)
    # 한도(--max-folder-mb 기본 200)보다 큰 폴더: 이 컴퓨터에서는 실행 프로세스가, Dask로는 채점기가 크기만 보고
    # 노트북만 보내므로 300 MB를 읽지도 보내지도 않습니다(성긴 파일이라 디스크도 쓰지 않음).
    put(solution, subs, "too_large", AID)
    with (subs / "too_large" / AID / "big.bin").open("wb") as f:
        f.truncate(300 * 2**20)
    (subs / "extra_files" / AID / "data").mkdir()
    (subs / "extra_files" / AID / "data" / "측정값.csv").write_text("1,2,3\n", encoding="utf-8")
    return subs


#: 두 클러스터 테스트가 같은 한도로 채점합니다.
LIMITS = ("--cell-timeout", "60", "--notebook-timeout", "300")


@pytest.fixture(scope="module")
def local(subs, tmp_path_factory):
    """이 컴퓨터에서 ``--jobs`` 로 채점한 성적(표의 행, 테스트별 점수). 클러스터로 채점한 것을 이것과 견줍니다."""
    return grade(subs, tmp_path_factory.mktemp("local") / "out", "--jobs", "2", *LIMITS)


def _code_cell(source):
    cell = notebooks.nbformat.v4.new_code_cell(source)
    del cell["id"]  # 과제 노트북은 nbformat 4.4 (셀 id 없음)
    return cell


def _without_timings(tests):
    return sorted(tuple(sorted(t.items())) for t in tests)


def test_scheduler_gives_the_same_rows_as_local(cluster, subs, local, tmp_path):
    local_rows, local_tests = local
    dask_rows, dask_tests = grade(subs, tmp_path / "dask", "--scheduler", cluster.scheduler_address, *LIMITS)

    assert dask_rows == local_rows
    assert _without_timings(dask_tests) == _without_timings(local_tests)
    # 이 배치가 아무것이나 같다고 말하는 배치가 아님을 확인합니다.
    assert local_rows[("solution", AID)]["score"] == "20"
    assert local_rows[("stub", AID)]["score"] == "0"
    assert local_rows[("wrong_sigmoid", AID)]["score"] == "16"
    assert local_rows[("invalid_json", AID)]["status"] == "invalid_notebook"
    assert local_rows[("extra_files", AID)]["status"] == "ok", local_rows[("extra_files", AID)]
    assert local_rows[("too_large", AID)]["status"] == "too_large" and local_rows[("too_large", AID)]["score"] == "0"
    # 작업자에서도 샌드박스가 정답 폴더를 가립니다: 학생 셀은 오류, 채점은 그대로.
    assert dask_rows[("reads_solutions", AID)]["status"] == "cell_errors", dask_rows[("reads_solutions", AID)]
    assert dask_rows[("reads_solutions", AID)]["score"] == "20"
    assert "FileNotFoundError" in local_rows[("symlink_to_solutions", AID)]["detail"], local_rows[("symlink_to_solutions", AID)]
    # 채점은 정말 작업자에서 일어났습니다: 스케줄러가 제출물마다 작업 하나(8개; 읽을 수 없는 노트북도 작업자가 읽어 봄)와
    # 작업자마다의 연결 확인 1개씩을 끝냈습니다. 스케줄러가 보는 함수는 코드째 보낸 _remote.call 하나뿐입니다.
    counts = cluster.scheduler.task_prefixes[_remote.call.__name__].state_counts
    assert counts["memory"] == 8 + len(cluster.workers), dict(counts)
    assert (tmp_path / "dask" / "gradebook.db").is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: 과정을 모르는 스케줄러: 별도 프로세스에서 채점기와 그 의존성(nbformat, nbgrader)을 불러올 수 없게 막고 띄웁니다.
SCHEDULER_WITHOUT_COURSE = """
import sys
for name in ("autograder", "nbformat", "nbgrader", "tests", "tools"):
    sys.modules[name] = None  # import 하면 ImportError
from distributed.cli.dask_scheduler import main
sys.argv = ["dask-scheduler", "--host", "127.0.0.1", "--port", sys.argv[1], "--no-dashboard"]
main()
"""


@pytest.fixture(scope="module")
def foreign_cluster(tmp_path_factory):
    """강사가 가진 것이 아닌 클러스터: 과정 없이 뜬 스케줄러(다른 폴더, PYTHONPATH 없음)와 과정이 있는 작업자 하나."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    elsewhere = tmp_path_factory.mktemp("scheduler-home")
    procs = [subprocess.Popen([sys.executable, "-c", SCHEDULER_WITHOUT_COURSE, str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and procs[0].poll() is None, "스케줄러가 뜨지 않았습니다"
            time.sleep(0.2)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "2",
             "--no-dashboard", "--memory-limit", "0"], cwd=REPO, env=course.env_with_venv_bin(env),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_a_scheduler_without_the_course_grades_like_local(foreign_cluster, subs, local, tmp_path):
    local_rows, local_tests = local
    foreign_rows, foreign_tests = grade(subs, tmp_path / "foreign", "--scheduler", foreign_cluster, *LIMITS)
    assert foreign_rows == local_rows
    assert _without_timings(foreign_tests) == _without_timings(local_tests)
    assert not any(r["status"] == "grader_error" for r in foreign_rows.values()), foreign_rows
    assert local_rows[("solution", AID)]["score"] == "20"


def test_unreachable_scheduler_stops_with_a_reason(subs, tmp_path):
    proc = autograder("grade", str(subs), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 2
    assert "Dask 스케줄러 tcp://127.0.0.1:9 에 연결할 수 없습니다" in proc.stderr
