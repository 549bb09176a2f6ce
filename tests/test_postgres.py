"""--db postgresql://...: 성적부를 PostgreSQL에 두면 여러 채점기가 한 성적부에 함께 씁니다.

테스트가 Debian의 postgresql 패키지로 제 서버를 임시 폴더에 띄우고(루프백, 빈 포트), 실제 채점기 명령으로
채점한 뒤 nbgrader의 Gradebook API로 점수를 읽어 확인합니다. 서버를 띄울 수 없을 때만 이유를 밝히고 건너뜁니다.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import course, notebooks
from tests.conftest import REPO, grade, put, require

AID = "ch01_modeling"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.asarray(z, dtype=float) * 0 + 0.5\n"


def _pg_bindir() -> Path:
    """PostgreSQL 서버 프로그램 폴더 (Debian 패키지 postgresql; tools/system_deps.py가 설치합니다)."""
    require("postgresql")
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else Path(shutil.which("initdb")).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_server():
    """임시 PostgreSQL 서버 하나. 주소 'postgresql://postgres@127.0.0.1:PORT' 를 돌려줍니다."""
    bindir = _pg_bindir()
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:  # postgres 는 root 로 돌지 않습니다
        if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
            pytest.fail("root 로 실행 중인데 postgres 사용자가 없어 서버를 띄울 수 없습니다 (postgresql 패키지가 만듭니다).")
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def pg(*cmd: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, str(bindir / cmd[0]), *cmd[1:]], capture_output=True, text=True,
                              timeout=120, **kw)

    steps = [
        ("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"),
        ("pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60", "-o",
         f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start"),
    ]
    for step in steps:
        proc = pg(*step)
        if proc.returncode != 0:
            log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
            shutil.rmtree(base, ignore_errors=True)
            pytest.fail(f"PostgreSQL 서버를 띄울 수 없습니다 ({step[0]}): {proc.stderr.strip()[-300:]} {log[-300:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}", lambda name: pg("createdb", "-h", "127.0.0.1",
                                                                            "-p", str(port), "-U", "postgres", name)
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def _database(pg_server, name: str) -> str:
    url, createdb = pg_server
    proc = createdb(name)
    assert proc.returncode == 0, proc.stderr
    return f"{url}/{name}"


def _scores(db_url: str) -> dict[str, float]:
    with Gradebook(db_url, course.COURSE_ID) as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(AID)}


def test_grades_are_recorded_in_postgresql(pg_server, tmp_path):
    db_url = _database(pg_server, "one_grader")
    subs = tmp_path / "subs"
    solution = notebooks.solution_submission(AID)
    put(solution, subs, "solution", AID)
    put(notebooks.release_notebook(AID), subs, "stub", AID)
    put(notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID}), subs, "wrong_sigmoid", AID)
    rows, _ = grade(subs, tmp_path / "out", "--jobs", "2", "--db", db_url)

    assert _scores(db_url) == {"solution": 20.0, "stub": 0.0, "wrong_sigmoid": 16.0}
    assert {s: float(r["score"]) for (s, _), r in rows.items()} == _scores(db_url)
    with Gradebook(db_url, course.COURSE_ID) as gb:
        assert gb.find_assignment(AID).max_score == 22  # 자동 채점 20점 + 서술형 답 2점
        hidden = gb.find_grade("hidden_sigmoid", AID, AID, "wrong_sigmoid")
        assert hidden.score == 0 and hidden.max_score > 0
    assert not (tmp_path / "out" / "gradebook.db").exists()


def test_two_graders_write_to_one_gradebook_at_once(pg_server, tmp_path):
    """새 성적부에 채점기 둘이 동시에 씁니다 (과제 등록과 표 만들기까지 겹치는 가장 나쁜 경우)."""
    db_url = _database(pg_server, "two_graders")
    solution = notebooks.solution_submission(AID)
    put(solution, tmp_path / "a", "left_solution", AID)
    put(notebooks.release_notebook(AID), tmp_path / "b", "right_stub", AID)
    env = course.env_with_venv_bin()
    procs = [
        subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(tmp_path / part), "--out",
                          str(tmp_path / f"out-{part}"), "--jobs", "1", "--db", db_url],
                         cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for part in ("a", "b")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"{out}\n{err}"

    assert _scores(db_url) == {"left_solution": 20.0, "right_stub": 0.0}


def test_graders_that_start_at_the_same_moment_all_set_up_the_gradebook(pg_server):
    """여럿이 같은 순간에 시작해도(빈 데이터베이스, 그다음 새 과제) 성적부 준비가 모두 성공합니다.

    별도 프로세스보다 시작 시각을 맞추기 쉬우므로, 스레드마다 제 연결로 Book.prepare를 장벽(barrier)에서 함께 부릅니다."""
    import threading

    from autograder.coordinator.gradebook import Book

    db_url = _database(pg_server, "same_moment")
    for aid in (AID, "ch02_learning"):  # 처음엔 표도 없는 데이터베이스, 다음엔 표는 있고 과제만 새것
        barrier, errors = threading.Barrier(4), []

        def prepare(aid=aid, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                Book(db_url).prepare(aid)
            except Exception as exc:  # 실패를 모아 아래에서 보입니다
                errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")

        threads = [threading.Thread(target=prepare) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        assert errors == [], errors
        with Gradebook(db_url, course.COURSE_ID) as gb:
            assert gb.find_assignment(aid).max_score > 0
