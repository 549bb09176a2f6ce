"""JupyterHub 과정의 길 그대로: nbgrader 교환 폴더로 배포·제출·수집하고, 채점기가 채점한 피드백을 nbgrader의
``release_feedback`` / ``fetch_feedback`` 으로 학생마다 돌려받습니다. 모두 실제 명령(subprocess)입니다.

한 유닉스 사용자가 강사와 학생 둘을 흉내 냅니다(nbgrader 자신의 테스트처럼): 학생마다 HOME, 작업 폴더,
``--Exchange.cache`` 가 따로이고 ``--student`` 로 id를 줍니다. JupyterHub에서는 학생마다 제 홈과 캐시가 있고 id는
사용자 이름(``jovyan`` 컨테이너면 ``JUPYTERHUB_USER``)입니다.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, notebooks
from autograder.coordinator.exchange import keep_submission_record, place_feedback
from autograder.coordinator.report import read_csv
from tools import export_public

AID = "ch01_modeling"
COURSE_ID = "ml101"
#: 풀이를 낸 학생(한글 id, NFC)과 학생본을 그대로 낸 학생
SOLVER, STUB = "김철수", "lee"

needs_bwrap = pytest.mark.requires("bubblewrap")


def _run(args: list[str], cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess:
    """명령 하나를 실행하고 성공했는지 확인합니다. ``home`` 이 있으면 그 학생의 HOME으로(설정·캐시가 섞이지 않게)."""
    env = course.env_with_venv_bin()
    if home is not None:
        env["HOME"] = str(home)
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _nbgrader(*args: str, cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "nbgrader", *args], cwd, home)


def _as_student(command: str, student: str, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    home = tmp / "home" / student
    home.mkdir(parents=True, exist_ok=True)
    return _nbgrader(command, AID, "--course", COURSE_ID, f"--Exchange.root={tmp / 'exchange'}",
                     f"--Exchange.cache={home / 'cache'}", f"--student={student}", *extra, cwd=home, home=home)


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """배포 → 두 학생의 받기·제출 → 수집 → 채점 → 피드백 놓기 → 돌려주기 → 학생마다 받기."""
    tmp = tmp_path_factory.mktemp("hub")
    root = tmp / "course"
    (root / "release").mkdir(parents=True)
    (tmp / "exchange").mkdir(mode=0o777)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(tmp / 'exchange')!r}\n"
        "c.CollectApp.check_owner = False  # 한 유닉스 사용자가 두 학생을 흉내 냅니다\n", encoding="utf-8")
    # 배포하는 것은 저장소의 학생본(exercises/) 그대로입니다.
    notebooks.write_notebook(notebooks.release_notebook(AID), root / "release" / AID / f"{AID}.ipynb")
    _nbgrader("release_assignment", AID, cwd=root)

    for student in (SOLVER, STUB):
        _as_student("fetch_assignment", student, tmp)
    notebooks.write_notebook(notebooks.solution_submission(AID), tmp / "home" / SOLVER / AID / f"{AID}.ipynb")
    for student in (SOLVER, STUB):
        _as_student("submit", student, tmp)

    _nbgrader("collect", AID, cwd=root)
    graded = _run([sys.executable, "-m", "autograder", "grade", str(root / "submitted"), "--out", str(root / "results"),
                   "--jobs", "1"], cwd=root)
    placed = _run([sys.executable, "-m", "autograder", "nbgrader-feedback", str(root / "results"), str(root)], cwd=root)
    _nbgrader("release_feedback", AID, cwd=root)
    for student in (SOLVER, STUB):
        _as_student("fetch_feedback", student, tmp)
    rows = {r["student_id"]: r for r in read_csv(root / "results" / "grades.csv")}
    return tmp, rows, graded, placed


def _received(tmp: Path, student: str) -> list[Path]:
    """``fetch_feedback`` 이 그 학생의 작업 폴더에 놓은 피드백: ``<과제>/feedback/<제출 시각>/<노트북>.html``."""
    return sorted((tmp / "home" / student / AID / "feedback").glob("*/*.html"))


def _text(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return re.sub(r"&quot;|&#x27;", "'", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@needs_bwrap
def test_collect_puts_each_submission_where_grade_reads_it(returned):
    tmp, rows, graded, _ = returned
    assert set(rows) == {SOLVER, STUB}
    # 정답을 낸 학생: 자동 채점 점수 전부, 나머지는 강사가 채점할 서술형 답(채점 대기)
    solver = rows[SOLVER]
    assert float(solver["score"]) + float(solver["manual_pending"]) == float(solver["max_score"]) > 0
    assert float(rows[STUB]["score"]) == 0
    # nbgrader submit이 쓴 제출 시각을 채점기가 읽었습니다(읽지 못했으면 detail에 그렇게 적힙니다).
    assert all("timestamp.txt" not in r["detail"] for r in rows.values())


@needs_bwrap
def test_each_student_fetches_only_their_own_feedback_with_their_score(returned):
    tmp, rows, _, placed = returned
    assert "피드백 2개를" in placed.stdout and "놓지 못한 피드백 0개" in placed.stdout
    for student, other in ((SOLVER, STUB), (STUB, SOLVER)):
        pages = _received(tmp, student)
        assert [p.name for p in pages] == [f"{AID}.html"], pages
        # 폴더 이름은 그 학생이 낸 제출의 시각입니다(nbgrader가 제출 때 캐시에 남긴 것과 같음).
        submitted = (tmp / "course" / "submitted" / student / AID / "timestamp.txt").read_text()
        assert pages[0].parent.name == submitted
        text = _text(pages[0])
        row = rows[student]
        assert f"학생: <b>{student}</b>" in text
        assert f"{float(row['score']):g} / {float(row['max_score']):g}점" in text
        assert f"학생: <b>{other}</b>" not in text


@needs_bwrap
def test_returned_feedback_has_no_hidden_test_source(returned):
    tmp, _, _, _ = returned
    found = export_public.regions(sorted((course.SOLUTIONS / AID).glob("*.ipynb")))
    hidden = found["HIDDEN TESTS"] - found["public"]
    assert hidden
    for student in (SOLVER, STUB):
        for page in _received(tmp, student):
            text = _text(page)
            assert "BEGIN HIDDEN" not in text and "Traceback" not in text
            for line in hidden:
                assert line not in text, f"{page}: hidden test line leaked: {line}"


# ---------- 피드백 놓기의 경계 (파일만 다루는 단위 테스트)

def _graded(out: Path, student: str, secret: str | None = "s" * 128, html: str = "<p>피드백</p>") -> None:
    """``grade`` 가 남기는 모양: ``OUT/feedback/<학생>/<과제>/<노트북>.html`` 과 ``OUT/autograded/…`` 의 제출 기록."""
    page = out / "feedback" / student / AID / f"{AID}.html"
    page.parent.mkdir(parents=True)
    page.write_text(html, encoding="utf-8")
    record = out / "autograded" / student / AID
    record.mkdir(parents=True)
    if secret is not None:
        (record / "timestamp.txt").write_text("2026-03-16 05:00:00.000000 UTC")
        (record / "submission_secret.txt").write_text(secret)


@pytest.mark.unit
def test_feedback_without_an_exchange_submission_is_not_placed(tmp_path):
    """submission_secret.txt가 없는 폴더를 만나면 release_feedback이 과제 전체를 멈추므로 그 피드백은 놓지 않습니다."""
    _graded(tmp_path / "out", "kim")
    _graded(tmp_path / "out", "park", secret=None)
    placed = {p.student_id: p for p in place_feedback(tmp_path / "out", tmp_path / "course")}
    assert placed["kim"].html == tmp_path / "course" / "feedback" / "kim" / AID / f"{AID}.html"
    assert sorted(f.name for f in placed["kim"].html.parent.iterdir()) == [
        f"{AID}.html", "submission_secret.txt", "timestamp.txt"]
    assert placed["park"].html is None and "submission_secret.txt" in placed["park"].problem
    assert not (tmp_path / "course" / "feedback" / "park").exists()


@pytest.mark.unit
def test_feedback_generated_by_nbgrader_is_replaced_not_released_beside_ours(tmp_path):
    """nbgrader의 generate_feedback이 만든 html(숨은 테스트가 들어 있음)이 그 폴더에 있으면 지웁니다."""
    _graded(tmp_path / "out", "kim")
    old = tmp_path / "course" / "feedback" / "kim" / AID
    old.mkdir(parents=True)
    (old / f"{AID}.html").write_text("### BEGIN HIDDEN TESTS")
    (old / "renamed.html").write_text("### BEGIN HIDDEN TESTS")
    [placed] = place_feedback(tmp_path / "out", tmp_path / "course")
    assert placed.removed == (old / "renamed.html",)
    assert sorted(p.name for p in old.glob("*.html")) == [f"{AID}.html"]
    assert (old / f"{AID}.html").read_text(encoding="utf-8") == "<p>피드백</p>"


@pytest.mark.unit
def test_two_submissions_with_one_secret_get_no_feedback(tmp_path):
    """비밀 값이 같으면 교환 폴더의 이름이 같아져 한 학생이 다른 학생의 피드백을 받으므로 둘 다 놓지 않습니다."""
    for student in ("kim", "park"):
        _graded(tmp_path / "out", student, secret="copied")
    _graded(tmp_path / "out", "lee")
    placed = {p.student_id: p for p in place_feedback(tmp_path / "out", tmp_path / "course")}
    assert placed["kim"].html is None and "park" in placed["kim"].problem
    assert placed["park"].html is None and "kim" in placed["park"].problem
    assert placed["lee"].html is not None


@pytest.mark.unit
def test_the_record_comes_from_the_graded_folder_only(tmp_path):
    """제출 기록은 채점한 폴더의 것만: 링크인 폴더(다른 학생의 것을 가리킬 수 있음)나 기록이 없는 폴더면
    지난 채점에서 남은 기록까지 지웁니다."""
    other = tmp_path / "submitted" / "park" / AID
    other.mkdir(parents=True)
    (other / "submission_secret.txt").write_text("park's secret")
    (other / "timestamp.txt").write_text("2026-03-16 05:00:00.000000 UTC")
    graded = tmp_path / "out" / "autograded" / "kim" / AID
    keep_submission_record(other, graded)
    assert (graded / "submission_secret.txt").read_text() == "park's secret"
    (tmp_path / "submitted" / "kim").mkdir()
    (tmp_path / "submitted" / "kim" / AID).symlink_to(other)
    keep_submission_record(tmp_path / "submitted" / "kim" / AID, graded)
    assert not (graded / "submission_secret.txt").exists() and not (graded / "timestamp.txt").exists()
