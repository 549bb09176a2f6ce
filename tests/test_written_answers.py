"""서술형 답(nbgrader의 수동 채점 답): 채점 대기로 표시되고, 강사가 성적부에 적은 점수와 의견이 모든 결과에 나옵니다.

실제 채점기로 ch01 제출물 둘(서술형 답을 쓴 학생, 빈 학생본)을 채점하고, nbgrader의 ``Gradebook`` 으로 formgrader가
하듯 수동 점수와 의견을 적은 뒤, 이어 채점하기와 ``--force`` 로 다시 채점합니다.
"""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from autograder import course, notebooks
from autograder.coordinator.report import read_csv
from tests.conftest import autograder, put
from tools import export_public

AID = "ch01_modeling"
WRITTEN = "written_feature_scaling"
ANSWER = ("스케일링을 해도 표현할 수 있는 가설은 같지만, 단위가 크게 다른 특성이 섞여 있으면 경사 하강법이 한쪽으로만 "
          "크게 흔들려 느려집니다. 새 데이터는 훈련 때와 같은 변환을 써야 θ와 맞습니다.")
COMMENT = "가설 공간과 수렴을 잘 구분했습니다. 정보 누설도 한 줄 적었으면 만점입니다."


def _secret_lines() -> set[str]:
    """원본의 서술형 답 셀(모범 답안과 채점 기준)에만 있는 줄."""
    source = notebooks.source_notebook(AID)
    return {ln.strip() for c in source.cells if notebooks.is_written(c)
            for ln in notebooks.solution_code(c).splitlines() if len(ln.strip()) >= 8}


def _tables(out):
    grades = {r["student_id"]: r for r in read_csv(out / "grades.csv")}
    klass = {r["student_id"]: r for r in read_csv(out / "class.csv")}
    wide = {r["student_id"]: r for r in read_csv(out / "grades_wide.csv")}
    overview = export_public.html_text((out / "overview.html").read_text(encoding="utf-8"))
    page = (out / "feedback" / "answered" / AID / f"{AID}.html").read_text(encoding="utf-8")
    return grades, klass, wide, overview, page


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("written")
    subs, out = tmp / "subs", tmp / "out"
    answered = notebooks.with_solutions(notebooks.solution_submission(AID), {WRITTEN: ANSWER})
    put(answered, subs, "answered", AID)
    put(notebooks.release_notebook(AID), subs, "blank", AID)
    first = autograder("grade", str(subs), "--out", str(out), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    assert "서술형 답을 아직 채점하지 않은 제출물 1개" in first.stdout
    before = _tables(out)
    # 강사가 formgrader에서 채점한 것과 같이: 서술형 답 셀의 Grade.manual_score와 Comment.manual_comment
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course.COURSE_ID) as gb:
        grade = gb.find_grade(WRITTEN, AID, AID, "answered")
        assert grade.auto_score is None and grade.manual_score is None  # nbgrader: 고친 답은 자동 점수 없음
        grade.manual_score = 1.5
        gb.find_comment(WRITTEN, AID, AID, "answered").manual_comment = COMMENT
        gb.db.commit()
    resumed = autograder("grade", str(subs), "--out", str(out), "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    after_resume = _tables(out)
    forced = autograder("grade", str(subs), "--out", str(out), "--jobs", "2", "--force")
    assert forced.returncode == 0, forced.stderr
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course.COURSE_ID) as gb:
        kept = gb.find_grade(WRITTEN, AID, AID, "answered").manual_score
    return before, (after_resume, resumed), (_tables(out), kept)


def test_an_ungraded_written_answer_is_pending_not_zero(graded):
    grades, klass, wide, overview, page = graded[0]
    row = grades["answered"]
    # 자동 채점 20점은 모두 받았고, 서술형 2점은 0으로 세지 않고 '채점 대기'로 따로 적힙니다
    assert (row["score"], row["max_score"], row["status"], row["manual_pending"]) == ("20", "22", "ok", "2")
    assert (klass["answered"]["total"], klass["answered"]["max_total"], klass["answered"]["manual_pending"]) == \
        ("20", "22", "2")
    assert (wide["answered"][AID], wide["answered"]["manual_pending"]) == ("20", "2")
    assert "서술형 2점 채점 대기" in overview and "서술형 채점 대기 1개" in overview
    assert "채점 대기" in page and "서술형 답 2점은 아직 채점하지 않았습니다" in page
    assert "written_feature_scaling" in page and "단위가 크게 다른 특성이 섞여 있으면" in page  # 학생이 쓴 답


def test_an_empty_written_answer_scores_zero_and_is_not_pending(graded):
    grades, klass, wide, _, _ = graded[0]
    assert (grades["blank"]["score"], grades["blank"]["max_score"], grades["blank"]["manual_pending"]) == ("0", "22", "0")
    assert klass["blank"]["manual_pending"] == "0" and wide["blank"]["manual_pending"] == "0"


def test_feedback_never_shows_the_model_answer_or_rubric(graded):
    secret = _secret_lines()
    assert secret
    for tables in (graded[0], graded[1][0], graded[2][0]):
        text = export_public.html_text(tables[4])
        assert not {ln for ln in secret if ln in text}
        assert "채점 기준(조교용" not in text and "모범 답안." not in text


def test_a_stored_manual_score_and_comment_reach_every_output_on_resume(graded):
    (grades, klass, wide, overview, page), proc = graded[1]
    row = grades["answered"]
    assert (row["score"], row["max_score"], row["manual_pending"]) == ("21.5", "22", "0")
    assert (klass["answered"]["total"], klass["answered"]["manual_pending"]) == ("21.5", "0")
    assert (wide["answered"][AID], wide["answered"]["total"], wide["answered"]["manual_pending"]) == ("21.5", "21.5", "0")
    assert "21.5 / 22" in overview and "점 채점 대기" not in overview and "채점을 기다리는 제출물 0개" in overview
    text = export_public.html_text(page)
    assert "1.5 / 2점 (강사가 채점)" in text and COMMENT in text and "채점 대기" not in text
    # 성적부가 바뀐 제출물만 다시 기록하고, 바뀌지 않은 빈 학생본은 남겨 둔 결과를 씁니다
    assert "지난 결과를 그대로 쓴 제출물 1개, 새로 채점한 제출물 1개" in proc.stdout
    assert grades["blank"]["score"] == "0"


def test_force_regrade_keeps_the_manual_score(graded):
    (grades, klass, wide, overview, page), kept = graded[2]
    assert kept == 1.5
    assert (grades["answered"]["score"], grades["answered"]["manual_pending"]) == ("21.5", "0")
    assert klass["answered"]["total"] == "21.5" and wide["answered"][AID] == "21.5"
    assert "21.5 / 22" in overview
    assert COMMENT in export_public.html_text(page)


def test_check_gives_solutions_full_auto_points_and_leaves_written_answers_pending():
    proc = autograder("check", AID, "--jobs", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"통과 {AID:24} 정답 20/22 (ok, 서술형 2점은 강사가 채점(대기))" in proc.stdout
    assert f"통과 {AID:24} 학생본 0/22 (ok)" in proc.stdout
