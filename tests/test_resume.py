"""이어 채점하기: 같은 --out으로 다시 돌리면 바뀐 것만 채점하고, 도중에 죽은 채점기는 남은 것만 마저 채점합니다."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from autograder import course, notebooks
from autograder.coordinator.report import read_csv
from tests.conftest import REPO, autograder, grade, put

AID = "ch01_modeling"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.asarray(z, dtype=float) * 0 + 0.5\n"


def _class(subs, n: int) -> None:
    solution = notebooks.solution_submission(AID)
    for i in range(n):
        nb = solution if i % 3 == 0 else notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID}) \
            if i % 3 == 1 else notebooks.release_notebook(AID)
        put(nb, subs, f"학생{i:02d}", AID)


def _scores(out) -> dict[str, tuple[float, bool]]:
    """성적부의 제출물마다 (점수, 모든 테스트 셀에 자동 점수가 적혔는지). 서술형 답(마크다운 점수 셀)은 자동 점수 없이
    강사를 기다리는 것이 정상이라 세지 않습니다."""
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course.COURSE_ID) as gb:
        return {s.student.id: (float(s.score), all(g.auto_score is not None for nb in s.notebooks for g in nb.grades
                                                   if g.cell.cell_type == "code"))
                for s in gb.assignment_submissions(AID)}


def _rows(out) -> dict[str, dict]:
    return {r["student_id"]: r for r in read_csv(out / "grades.csv")}


def by_test(rows) -> list[dict]:
    return sorted(rows, key=lambda t: (t["student_id"], t["grade_id"]))


def test_a_killed_batch_leaves_only_whole_results_and_the_rerun_finishes_the_rest(tmp_path):
    subs = tmp_path / "subs"
    _class(subs, 8)
    clean, clean_tests = grade(subs, tmp_path / "clean", "--jobs", "1")

    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--jobs", "1"],
                            cwd=REPO, env=course.env_with_venv_bin(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((out / "feedback").rglob("*.html"))) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, "채점기가 세 명을 기록하기 전에 끝났습니다"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    # 죽은 자리: 성적부에는 점수가 다 적힌 제출물만 있고, grades.csv는 그것들을 (많아야 막 기록한 하나를 빼고) 담습니다.
    recorded = _scores(out)
    assert 3 <= len(recorded) < 8, recorded
    assert all(whole for _, whole in recorded.values()), recorded
    rows = _rows(out)
    assert set(rows) <= set(recorded) and len(recorded) - len(rows) <= 1, (sorted(rows), sorted(recorded))
    assert all(float(rows[s]["score"]) == recorded[s][0] for s in rows)
    # 두 표는 잇달아 바꿔 넣습니다(tests.csv 먼저). 그 사이에 죽었으면 tests.csv만 막 기록한 하나를 더 담습니다.
    # 어느 쪽이든 담은 학생의 테스트 줄은 모두, 깨끗한 채점과 같게 있습니다.
    tested = read_csv(out / "tests.csv")
    students = {t["student_id"] for t in tested}
    assert set(rows) <= students <= set(recorded) and len(students) - len(rows) <= 1, (sorted(rows), sorted(students))
    assert by_test(tested) == by_test(t for t in clean_tests if t["student_id"] in students)

    # 다시 돌리면 기록을 마친 것은 건너뛰고 나머지만 채점해, 처음부터 깨끗하게 채점한 것과 같아집니다.
    rerun = autograder("grade", str(subs), "--out", str(out), "--jobs", "1")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    skipped = [n for n in range(len(recorded) - 1, len(recorded) + 1) if f"지난 결과를 그대로 쓴 제출물 {n}개" in rerun.stdout]
    assert skipped, rerun.stdout
    assert _rows(out) == {s: r for (s, _), r in clean.items()}
    assert by_test(read_csv(out / "tests.csv")) == by_test(clean_tests)
    assert all(whole for _, whole in _scores(out).values()) and len(_scores(out)) == 8


def test_an_unchanged_rerun_skips_everything_and_a_changed_notebook_is_regraded(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    _class(subs, 3)
    first, _ = grade(subs, out, "--jobs", "1")

    again = autograder("grade", str(subs), "--out", str(out), "--jobs", "1")
    assert again.returncode == 0 and "지난 결과를 그대로 쓴 제출물 3개" in again.stdout, again.stdout + again.stderr
    assert {k: r for k, r in _rows(out).items()} == {s: r for (s, _), r in first.items()}

    put(notebooks.with_solutions(notebooks.solution_submission(AID), {"sigmoid": WRONG_SIGMOID}), subs, "학생00", AID)
    changed = autograder("grade", str(subs), "--out", str(out), "--jobs", "1")
    assert "지난 결과를 그대로 쓴 제출물 2개" in changed.stdout, changed.stdout
    assert float(_rows(out)["학생00"]["score"]) == 16 and float(first[("학생00", AID)]["score"]) == 20

    forced = autograder("grade", str(subs), "--out", str(out), "--jobs", "1", "--force")
    assert "지난 결과를" not in forced.stdout and _rows(out)["학생00"]["score"] == "16"


@pytest.mark.unit
def test_fingerprint_sees_what_the_working_folder_gets_and_ignores_links(tmp_path):
    """지문은 작업 폴더로 가는 파일만 봅니다: 데이터 파일을 바꾸면 달라지고,
    링크(자기 자신을 가리키는 것도)는 따라가지 않습니다."""
    from autograder.coordinator import state
    from autograder.coordinator.grade import Job

    folder = tmp_path / "kim" / AID
    folder.mkdir(parents=True)
    notebook = folder / f"{AID}.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    (folder / "data.csv").write_text("1\n", encoding="utf-8")
    (folder / "loop").symlink_to(folder)
    job = Job("kim", AID, AID, notebook, folder=folder)
    before = state.fingerprint(job, {})
    assert state.fingerprint(job, {}) == before
    (folder / "data.csv").write_text("2\n", encoding="utf-8")
    assert state.fingerprint(job, {}) != before
    assert state.fingerprint(job, {"limits": "other"}) != state.fingerprint(job, {})
