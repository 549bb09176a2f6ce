"""서술형 답(nbgrader의 수동 채점 답): 채점 대기로 표시되고, 강사가 formgrader에서 적은 점수와 의견이 모든 결과에 나옵니다.

실제 채점기로 ch01 제출물 둘(서술형 답을 쓴 학생, 빈 학생본)을 채점하고, README의 명령 그대로 결과 폴더에서 JupyterLab을
띄워 nbgrader의 formgrader(서버 확장, 가상 환경에 설치된 설정 그대로)의 REST API로 과제와 제출물을 보고 서술형 답에 수동
점수와 의견을 적습니다. 서버를 끈 뒤 이어 채점하기와 ``--force`` 로 다시 채점합니다.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

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


class Formgrader:
    """결과 폴더에서 README의 명령(``jupyter lab``)으로 띄운 실제 서버의 formgrader REST API(``/formgrader/api/...``)."""

    TOKEN = "course-formgrader-test"

    def __init__(self, out: Path, tmp: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        # 사용자의 Jupyter·nbgrader 설정이 섞이지 않게 집과 설정 폴더를 임시로. 서버 확장 설정은 가상 환경에 설치된 그대로.
        home = tmp / "home"
        env = course.env_with_venv_bin({
            **os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")})
        env.pop("JUPYTER_CONFIG_PATH", None)
        self.log = tmp / "formgrader.log"
        with self.log.open("w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [str(course.venv_bin() / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                 f"--IdentityProvider.token={self.TOKEN}", *(["--allow-root"] if os.geteuid() == 0 else [])],
                cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            assert self.proc.poll() is None, self.log.read_text(encoding="utf-8")
            try:
                if self.request("GET", "/formgrader/api/status")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"formgrader가 {seconds}초 안에 답하지 않았습니다"
            time.sleep(0.5)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base + path, method=method, data=data,
                                     headers={"Authorization": f"token {self.TOKEN}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def api(self, method: str, path: str, body: dict | None = None):
        status, text = self.request(method, "/formgrader/api/" + path, body)
        assert status == 200, (method, path, status, text[:2000])
        return json.loads(text)

    def stop(self) -> None:
        # 서버와 그 자식을 이 테스트가 만든 프로세스 그룹째 끝냅니다.
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _grade_in_formgrader(out: Path, tmp: Path) -> dict:
    """강사가 하듯 formgrader에서 answered의 서술형 답에 1.5점과 의견을 적고, 그 전에 본 것을 돌려줍니다."""
    fg = Formgrader(out, tmp)
    try:
        fg.wait()
        seen = {"log": fg.log.read_text(encoding="utf-8")}
        # 수동 채점 쪽(Manual Grading)이 처음 읽는 목록: 과제는 원본(solutions/)에서, 점수는 성적부에서
        seen["assignments"] = {a["name"]: a for a in fg.api("GET", "assignments")}
        seen["submissions"] = {s["student"]: s for s in fg.api("GET", f"submissions/{AID}")}
        notebooks_ = {nb["student"]: nb for nb in fg.api("GET", f"submitted_notebooks/{AID}/{AID}")}
        seen["page"] = fg.request("GET", f"/formgrader/submissions/{notebooks_['answered']['id']}/")
        written = {}
        for student, nb in notebooks_.items():
            grades = {g["name"]: g for g in fg.api("GET", f"grades?submission_id={nb['id']}")}
            comments = {c["name"]: c for c in fg.api("GET", f"comments?submission_id={nb['id']}")}
            written[student] = grades[WRITTEN], comments[WRITTEN]
        seen["written"] = written
        grade, comment = written["answered"]
        seen["put"] = (fg.api("PUT", f"grade/{grade['id']}", {"manual_score": 1.5}),
                       fg.api("PUT", f"comment/{comment['id']}", {"manual_comment": COMMENT}))
        seen["after"] = {s["student"]: s for s in fg.api("GET", f"submissions/{AID}")}
    finally:
        fg.stop()
    return seen


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
    assert f"{out}에서 jupyter lab을 띄워 nbgrader formgrader로 채점한 뒤" in first.stdout
    before = _tables(out)
    seen = _grade_in_formgrader(out, tmp)
    resumed = autograder("grade", str(subs), "--out", str(out), "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    after_resume = _tables(out)
    forced = autograder("grade", str(subs), "--out", str(out), "--jobs", "2", "--force")
    assert forced.returncode == 0, forced.stderr
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course.COURSE_ID) as gb:
        kept = gb.find_grade(WRITTEN, AID, AID, "answered").manual_score
    return before, (after_resume, resumed), (_tables(out), kept), seen


def test_formgrader_opens_the_results_folder_and_lists_what_awaits_a_grade(graded):
    seen = graded[3]
    assert "nbgrader.server_extensions.formgrader | extension was successfully loaded" in seen["log"]
    assert "course directory root is not a subdirectory" not in seen["log"]
    # README가 강사에게 주는 명령이 이 테스트가 띄운 것(결과 폴더에서 jupyter lab)입니다
    assert "cd results/ && ../.venv/bin/jupyter lab" in (course.REPO / "README.md").read_text(encoding="utf-8")
    assignment = seen["assignments"][AID]
    assert (assignment["max_score"], assignment["max_written_score"]) == (22.0, 2.0)
    subs = seen["submissions"]
    assert set(subs) == {"answered", "blank"}
    # 답을 쓴 학생은 수동 채점 대기, 빈 학생본은 nbgrader의 규칙대로 0점이고 대기가 아님
    assert (subs["answered"]["score"], subs["answered"]["needs_manual_grade"]) == (20.0, True)
    assert (subs["blank"]["score"], subs["blank"]["needs_manual_grade"]) == (0.0, False)
    grade, _ = seen["written"]["answered"]
    assert (grade["auto_score"], grade["manual_score"], grade["needs_manual_grade"]) == (None, None, True)
    blank, _ = seen["written"]["blank"]
    assert (blank["auto_score"], blank["needs_manual_grade"]) == (0.0, False)
    # 채점하는 쪽: autograded/의 노트북을 학생이 쓴 답과 함께 그립니다
    status, page = seen["page"]
    assert status == 200 and "단위가 크게 다른 특성이 섞여 있으면" in page


def test_formgrader_stores_the_manual_score_and_comment(graded):
    seen = graded[3]
    grade, comment = seen["put"]
    assert (grade["manual_score"], grade["needs_manual_grade"]) == (1.5, False)
    assert comment["manual_comment"] == COMMENT
    after = seen["after"]["answered"]
    assert (after["score"], after["written_score"], after["needs_manual_grade"]) == (21.5, 1.5, False)


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


@pytest.mark.unit
def test_results_folder_config_roots_the_course_there_and_names_another_gradebook(tmp_path):
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.coordinator import formgrader

    def coursedir() -> CourseDirectory:
        return CourseDirectory(config=PyFileConfigLoader(formgrader.CONFIG_NAME, str(tmp_path)).load_config())

    own = f"sqlite:///{tmp_path / 'gradebook.db'}"
    formgrader.write_config(tmp_path, own, own)
    cd = coursedir()
    # 기본 성적부는 적지 않아도 nbgrader의 기본값(<과정 폴더>/gradebook.db)이 바로 그것입니다
    assert (cd.root, cd.db_url, cd.course_id) == (str(tmp_path), own, course.COURSE_ID)
    assert cd.format_path(cd.autograded_directory, "s", AID) == str(tmp_path / "autograded" / "s" / AID)
    assert os.path.normpath(cd.format_path(cd.source_directory, ".", AID)) == str(course.SOLUTIONS / AID)
    assert cd.feedback_directory != "feedback"  # nbgrader의 피드백 단추가 과정의 피드백을 덮어쓰지 않게
    formgrader.write_config(tmp_path, "postgresql://grader@db/ml", own)
    assert coursedir().db_url == "postgresql://grader@db/ml"
