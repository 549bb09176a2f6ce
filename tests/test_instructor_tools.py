"""강사 도구: 유사도 보고서, 마감과 늦은 제출 감점과 연장, 명단 내보내기, 학생 id의 NFC 정규화.

유사도와 입력 검사는 노트북을 실행하지 않으므로 빠릅니다. 마감·NFC·내보내기는 ch01_modeling 제출물 몇 개를
실제 채점기(python -m autograder grade)로 한 번 채점해서 확인합니다.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import dateutil.tz
import pytest
from nbgrader.api import Gradebook
from nbgrader.exchange.abc.exchange import Exchange

from autograder import course, notebooks
from autograder.coordinator import deadlines
from autograder.coordinator.report import read_csv
from tests.catalogue import load as load_catalogue
from tests.conftest import autograder, put

AID = "ch01_modeling"
SIM_AID = "ch02_learning"  # 함수 7개, 서로 완전히 다르게 쓴 맞는 구현 3개(원본 + VARIANTS 2개)
DUE = "2026-03-16T23:59:00+09:00"
DUE_UTC = dt.datetime(2026, 3, 16, 14, 59)
NFC_NAME = "김철수"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)


def write_timestamp(folder, when: dt.datetime) -> None:
    """nbgrader submit이 쓰고 nbgrader collect가 옮겨 오는 timestamp.txt를 nbgrader의 기본 설정 그대로 씁니다."""
    traits = Exchange.class_traits()
    tz = dateutil.tz.gettz(traits["timezone"].default_value)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(
        when.replace(tzinfo=dt.UTC).astimezone(tz).strftime(traits["timestamp_format"].default_value))


# ---------------------------------------------------------------- 규칙 (채점 없이)

@pytest.mark.unit
def test_penalty_rule_counts_started_days_and_never_goes_below_zero():
    assert deadlines.penalty(20, 20, 0, 10) == 0
    assert deadlines.penalty(20, 20, 0.01, 10) == 2          # 36초 늦어도 하루
    assert deadlines.penalty(20, 20, 24, 10) == 2            # 정확히 24시간은 아직 하루
    assert deadlines.penalty(20, 20, 24.5, 10) == 4
    assert deadlines.penalty(12, 20, 24 * 30, 10) == 12      # 원점수보다 많이 빼지 않음
    assert deadlines.penalty(20, 20, 100, 0) == 0            # 기본값 0: 기록만


@pytest.mark.unit
def test_nbgrader_timestamp_format_is_read(tmp_path):
    write_timestamp(tmp_path, dt.datetime(2026, 3, 16, 17, 0, 30))
    assert (tmp_path / "timestamp.txt").read_text().endswith(" UTC")
    assert deadlines.read_timestamp(tmp_path) == (dt.datetime(2026, 3, 16, 17, 0, 30), "")
    (tmp_path / "timestamp.txt").write_text("2026-03-17 02:00:30.000000 +0900")  # nbgrader parse_utc의 숫자 시간대
    assert deadlines.read_timestamp(tmp_path)[0] is not None
    for bad in ("", "어제 저녁", "2026-03-16 17:00:30.000000 NOWHERE"):
        (tmp_path / "timestamp.txt").write_text(bad)
        when, problem = deadlines.read_timestamp(tmp_path)
        assert when is None and "timestamp.txt" in problem, bad
    assert deadlines.read_timestamp(tmp_path / "없음")[0] is None


@pytest.mark.unit
def test_due_needs_an_offset_and_due_flag_beats_the_course_file(tmp_path):
    assert deadlines.parse_due(DUE) == DUE_UTC
    assert deadlines.parse_due("2026-03-16T14:59:00Z") == DUE_UTC
    with pytest.raises(deadlines.InputError, match="시간대"):
        deadlines.parse_due("2026-03-16T23:59:00")
    course_file = tmp_path / "course.toml"
    course_file.write_text(f'[due]\n{AID} = "{DUE}"\nch02_learning = 2026-03-23T23:59:00+09:00\n', encoding="utf-8")
    known = course.assignments()
    policy = deadlines.Policy.from_args(None, course_file, None, 0, known)
    assert policy.due == {AID: DUE_UTC, "ch02_learning": DUE_UTC + dt.timedelta(days=7)}
    policy = deadlines.Policy.from_args("2026-04-01T00:00:00+00:00", course_file, None, 0, known)
    assert set(policy.due.values()) == {dt.datetime(2026, 4, 1)}


def _cli_error(*args):
    proc = autograder(*args, timeout=120)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "오류:" in proc.stderr
    return proc.stderr


@pytest.mark.parametrize("extra, expected", [
    (["--due", "다음 주 월요일"], "ISO 8601"),
    (["--due", "2026-03-16T23:59:00"], "시간대"),
    (["--late-penalty", "150"], "0에서 100"),
])
def test_bad_deadline_flags_exit_2(tmp_path, extra, expected):
    (tmp_path / "subs").mkdir()
    assert expected in _cli_error("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), *extra)


@pytest.mark.parametrize("text, expected", [
    ("student,hours\nkim,3\n", "student_id,assignment_id,hours"),
    ("student_id,assignment_id,hours\nkim,ch01_modeling,세 시간\n", "2번째 줄"),
    ("student_id,assignment_id,hours\nkim,ch99_nothing,3\n", "알 수 없는 과제"),
    ("student_id,assignment_id,hours\nkim,ch01_modeling,3\nkim,ch01_modeling,4\n", "두 번"),
])
def test_malformed_extensions_file_exits_2(tmp_path, text, expected):
    (tmp_path / "subs").mkdir()
    (tmp_path / "ext.csv").write_text(text, encoding="utf-8")
    assert expected in _cli_error("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
                                  "--extensions", str(tmp_path / "ext.csv"))


def test_course_file_with_unknown_assignment_exits_2(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "course.toml").write_text(f'[due]\nch99_nothing = "{DUE}"\n', encoding="utf-8")
    assert "ch99_nothing" in _cli_error("grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
                                        "--course", str(tmp_path / "course.toml"))


def test_similarity_unknown_assignment_exits_2(tmp_path):
    (tmp_path / "subs").mkdir()
    assert "ch99_nothing" in _cli_error("similarity", str(tmp_path / "subs"), "--assignment", "ch99_nothing",
                                        "--out", str(tmp_path / "out"))


# ---------------------------------------------------------------- 유사도 보고서

def _disguise(source: str) -> str:
    """이름 바꾸기, 주석과 빈 줄 더하기."""
    for old, new in (("total", "running_sum"), ("grad", "g_vec"), ("cols", "width"), ("current", "params"),
                     ("prediction", "yhat"), ("error", "diff"), ("saved", "backup"), ("m", "count")):
        source = re.sub(rf"(?<![\.\w]){old}\b", new, source)
    out = []
    for line in source.splitlines():
        out.append(line)
        if line.rstrip().endswith(":"):
            out += ["", " " * (len(line) - len(line.lstrip()) + 4) + "# 혼자 생각해서 쓴 부분입니다"]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def similarity_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similarity")
    subs = tmp / "subs"
    solution = notebooks.solution_submission(SIM_AID)
    variants = {v.name: v.cells() for v in load_catalogue(SIM_AID).VARIANTS}
    assert len(variants) == 2 and all(len(cells) == 7 for cells in variants.values())
    put(solution, subs, "원본풀이", SIM_AID)
    for name, cells in variants.items():
        put(notebooks.with_solutions(solution, cells), subs, name, SIM_AID)
    # 베낀 학생: 반복문 풀이를 이름 바꾸기·주석·빈 줄로 위장하고, 풀이 셀의 순서를 거꾸로 놓았습니다.
    copied = notebooks.with_solutions(
        solution, {fn: _disguise(src) for fn, src in variants["loop_based_but_correct"].items()})
    where = [i for i, c in enumerate(copied.cells) if notebooks.is_solution(c)]
    moved = [copied.cells[i] for i in where][::-1]
    for i, cell in zip(where, moved, strict=True):
        copied.cells[i] = cell
    put(copied, subs, "베낀학생", SIM_AID)
    # 풀이 하나에 학생 코드가 HTML을 깨려 함 (보고서가 escape 하는지)
    hostile = notebooks.with_solutions(solution, {"normal_equation": (
        "def normal_equation(X, y):\n    s = '</code></pre><script>alert(1)</script>'\n"
        "    return np.linalg.solve(X.T @ X, X.T @ y)\n")})
    put(hostile, subs, "html_student", SIM_AID)
    put(notebooks.release_notebook(SIM_AID), subs, "stub_a", SIM_AID)
    put(notebooks.release_notebook(SIM_AID), subs, "stub_b", SIM_AID)
    (subs / "broken" / SIM_AID).mkdir(parents=True)
    (subs / "broken" / SIM_AID / f"{SIM_AID}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "no_notebook" / SIM_AID).mkdir(parents=True)
    (subs / "no_notebook" / SIM_AID / "memo.txt").write_text("못 했어요", encoding="utf-8")
    out = tmp / "out"
    proc = autograder("similarity", str(subs), "--assignment", SIM_AID, "--out", str(out), timeout=300)
    assert proc.returncode == 1, proc.stderr  # 끝났지만 비교하지 못한 제출물이 있음 (README의 종료 상태)
    return proc, read_csv(out / "similarity.csv"), out


def _pair(rows, a, b):
    return next(r for r in rows if {r["student_a"], r["student_b"]} == {a, b})


def test_disguised_copy_ranks_first(similarity_run):
    _, rows, _ = similarity_run
    assert list(rows[0])[:3] == ["student_a", "student_b", "similarity"]
    assert {rows[0]["student_a"], rows[0]["student_b"]} == {"베낀학생", "loop_based_but_correct"}
    assert float(rows[0]["similarity"]) > 0.9
    independent = [r for r in rows if {r["student_a"], r["student_b"]} <= {"원본풀이", "loop_based_but_correct",
                                                                        "library_and_identities_but_correct"}]
    assert len(independent) == 3 and all(float(r["similarity"]) < 0.3 for r in independent)
    sims = [float(r["similarity"]) for r in rows]
    assert sims == sorted(sims, reverse=True) and all(0 <= s <= 1 for s in sims)


def test_untouched_stubs_do_not_flag_each_other(similarity_run):
    _, rows, _ = similarity_run
    assert float(_pair(rows, "stub_a", "stub_b")["similarity"]) == 0
    assert float(_pair(rows, "stub_a", "원본풀이")["similarity"]) == 0


def test_broken_and_missing_notebooks_are_reported_not_fatal(similarity_run):
    proc, rows, out = similarity_run
    skipped = {r["student_id"]: r["reason"] for r in read_csv(out / "skipped.csv")}
    assert set(skipped) == {"broken", "no_notebook"}
    assert "JSON" in skipped["broken"] and "없습니다" in skipped["no_notebook"]
    assert "broken" in proc.stderr and "no_notebook" in proc.stderr
    assert not any({"broken", "no_notebook"} & {r["student_a"], r["student_b"]} for r in rows)
    assert len(rows) == 7 * 6 // 2  # 비교한 7명의 모든 쌍


def test_html_report_is_korean_highlighted_and_escaped(similarity_run):
    _, _, out = similarity_run
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert "유사도 보고서" in page and "비교하지 못한 제출물" in page and "<mark>" in page
    assert "베낀학생" in page.split('id="pair-1"')[1].split("</h2>")[0]
    assert "<script>" not in page and "&lt;script&gt;" in page


# ---------------------------------------------------------------- 실제 채점: 마감, 감점, 연장, NFC, 내보내기

@pytest.fixture(scope="module")
def late_batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("late")
    subs = tmp / "subs"
    solution = notebooks.solution_submission(AID)
    stamps = {
        "on_time": DUE_UTC - dt.timedelta(minutes=5),
        "late_2h": DUE_UTC + dt.timedelta(hours=2),
        "extended": DUE_UTC + dt.timedelta(hours=5),            # 연장 6시간: 기한 안
        "late_11_days": DUE_UTC + dt.timedelta(days=10, hours=1),
        "이영희": DUE_UTC + dt.timedelta(hours=30),              # 폴더 이름이 NFD
    }
    for student, when in stamps.items():
        folder = unicodedata.normalize("NFD", student)
        put(solution, subs, folder, AID)
        write_timestamp(subs / folder / AID, when)
    put(solution, subs, "no_timestamp", AID)
    put(solution, subs, "bad_timestamp", AID)
    (subs / "bad_timestamp" / AID / "timestamp.txt").write_text("제출: 월요일 밤", encoding="utf-8")
    put(solution, subs, NFC_NAME, AID)
    put(solution, subs, NFD_NAME, AID)
    (tmp / "course.toml").write_text(f'[due]\n{AID} = "{DUE}"\n', encoding="utf-8")
    (tmp / "ext.csv").write_text(
        f"student_id,assignment_id,hours\nextended,{AID},6\n{unicodedata.normalize('NFD', '이영희')},{AID},3\n",
        encoding="utf-8")
    out = tmp / "out"
    proc = autograder("grade", str(subs), "--out", str(out), "--course", str(tmp / "course.toml"),
                      "--late-penalty", "10", "--extensions", str(tmp / "ext.csv"), "--jobs", "2")
    assert proc.returncode == 1, proc.stderr  # id 충돌로 채점하지 못한 제출물이 있음
    rows = {(r["student_id"], r["assignment_id"]): r for r in read_csv(out / "grades.csv")}
    return rows, out, proc


def test_grades_csv_has_raw_score_late_hours_and_penalty(late_batch):
    rows, out, _ = late_batch
    assert list(read_csv(out / "grades.csv")[0])[-4:] == ["raw_score", "late_hours", "penalty", "manual_pending"]
    r = rows[("on_time", AID)]
    assert (r["score"], r["raw_score"], r["late_hours"], r["penalty"]) == ("20", "20", "0", "0")
    # 만점 22점(자동 20 + 서술형 2)의 10% = 하루 2.2점. 정답 제출물의 서술형 답 2점은 채점 대기라 원점수는 20점입니다.
    r = rows[("late_2h", AID)]
    assert (r["score"], r["raw_score"], r["late_hours"], r["penalty"], r["manual_pending"]) == ("17.8", "20", "2", "2.2", "2")
    assert rows[("extended", AID)]["penalty"] == "0" and rows[("extended", AID)]["late_hours"] == "0"
    r = rows[("late_11_days", AID)]  # 11일 × 2.2점 = 24.2점이지만 원점수 20점까지만
    assert (r["score"], r["raw_score"], r["late_hours"], r["penalty"]) == ("0", "20", "241", "20")
    r = rows[("이영희", AID)]  # 30시간 − 연장 3시간 = 27시간: 이틀째
    assert (r["score"], r["late_hours"], r["penalty"]) == ("15.6", "27", "4.4")


def test_missing_or_unreadable_timestamp_counts_as_on_time_and_is_noted(late_batch):
    rows, _, _ = late_batch
    for student in ("no_timestamp", "bad_timestamp"):
        r = rows[(student, AID)]
        assert (r["score"], r["penalty"], r["late_hours"]) == ("20", "0", "0"), student
        assert "기한 안에 낸 것으로 보았습니다" in r["detail"] and "timestamp.txt" in r["detail"]


def test_gradebook_records_lateness_in_nbgraders_fields(late_batch):
    _, out, _ = late_batch
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course.COURSE_ID) as gb:
        assert gb.find_assignment(AID).duedate == DUE_UTC
        late = gb.find_submission(AID, "late_2h")
        assert late.timestamp == DUE_UTC + dt.timedelta(hours=2)
        assert late.total_seconds_late == 7200 and late.late_submission_penalty == 2.2
        extended = gb.find_submission(AID, "extended")
        assert extended.extension == dt.timedelta(hours=6) and extended.total_seconds_late == 0
        assert gb.find_submission(AID, "late_11_days").late_submission_penalty == 20
        assert gb.find_submission(AID, "no_timestamp").timestamp is None
        names = {s.id for s in gb.students}
    assert "이영희" in names and unicodedata.normalize("NFD", "이영희") not in names


def test_feedback_tells_the_student_how_late_and_what_it_cost(late_batch):
    _, out, _ = late_batch
    page = (out / "feedback" / "late_2h" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "마감보다 2시간 늦게 제출했습니다" in page and "2.2점을 빼서" in page and "17.8 / 22점" in page
    on_time = (out / "feedback" / "on_time" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "늦게" not in on_time
    capped = (out / "feedback" / "late_11_days" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "11일이면 24.2점이지만 원점수보다 많이 빼지 않으므로 20점을 빼서 20점이 0점이 되었습니다" in capped


def test_overview_marks_late_and_penalised_submissions(late_batch):
    _, out, _ = late_batch
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert "늦은 제출 3개(감점 3개)" in page, page[:2000]
    assert "늦음 2시간, 감점 2.2점" in page and 'class="late"' in page


def test_overview_pictures_summary_and_item_analysis_from_a_real_batch(late_batch):
    """모두 풀이를 낸 배치: 모든 테스트가 "모두 통과"로 표시되고, 그림 셋은 수치를 말하는 대체 글을 가집니다."""
    from autograder.coordinator import item_analysis

    rows, out, _ = late_batch
    page = (out / "overview.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)">', page)
    assert len(alts) == 3 == page.count("<figcaption>"), alts
    graded = sum(r["status"] == "ok" for r in rows.values())
    assert f"제출물 {len(rows)}개, 평균" in alts[0] and "만점 22점" in alts[0]
    assert f"정상 채점된 제출물 {graded}개): add_intercept 공개 100%, 숨은 100%" in alts[1]
    tests = {t["grade_id"] for t in read_csv(out / "tests.csv")}
    assert f"모두 통과한 테스트 {len(tests)}개(" in alts[2] and "아무도 통과하지 못한 테스트 0개" in alts[2]
    assert page.count(item_analysis.EVERYBODY_PASSES) == len(tests)
    assert page.index("먼저 볼 것") < page.index(f"<h2>{AID}</h2>")
    # 요약의 수는 grades.csv의 줄에서 센 것과 같습니다(정답을 낸 제출물의 서술형 답은 채점 대기)
    penalty = sum(float(r["penalty"]) for r in rows.values())
    pending = sum(float(r["manual_pending"]) > 0 for r in rows.values())
    assert pending > 0
    assert f"늦은 제출 3개(그중 감점 3개, 모두 {penalty:g}점), 서술형 답의 채점을 기다리는 제출물 {pending}개입니다." in page


@pytest.mark.unit
def test_one_joiner_for_several_details():
    assert deadlines.join_details("학생 코드 셀 1개에서 오류가 났습니다.", "", "늦은 제출: 2시간, 감점 2점") == \
        "학생 코드 셀 1개에서 오류가 났습니다; 늦은 제출: 2시간, 감점 2점"
    assert deadlines.join_details("", "하나.") == "하나."
    assert ".;" not in deadlines.join_details("가.", "나.", "다")


def test_nfd_folder_is_graded_under_the_nfc_id(late_batch):
    rows, out, _ = late_batch
    ids = {s for s, _ in rows}
    assert "이영희" in ids and len("이영희") == 3
    assert all(unicodedata.is_normalized("NFC", s) for s in ids)
    assert (out / "feedback" / "이영희" / AID / f"{AID}.html").is_file()
    assert (out / "autograded" / "이영희" / AID / f"{AID}.ipynb").is_file()


def test_nfc_and_nfd_folders_of_one_student_collide_loudly(late_batch):
    rows, out, _ = late_batch
    assert [s for s, _ in rows if unicodedata.normalize("NFC", s) == NFC_NAME] == [NFC_NAME]
    r = rows[(NFC_NAME, AID)]
    assert r["status"] == "id_collision" and r["score"] == "0"
    assert "충돌" in r["detail"] and "NFD" in r["detail"] and "코드 포인트 8개" in r["detail"]
    proc = late_batch[2]
    assert "경고: 학생 id 충돌" in proc.stdout and "경고: 학생 id 충돌" in proc.stderr
    assert (out / "feedback" / NFC_NAME / AID / f"{AID}.html").is_file()


def test_roster_export_has_one_row_per_student(late_batch):
    rows, out, _ = late_batch
    wide = read_csv(out / "grades_wide.csv")
    assert list(wide[0]) == ["student_id", AID, "total", "manual_pending"]
    assert len(wide) == len({s for s, _ in rows}) == 8
    by_id = {r["student_id"]: r for r in wide}
    assert by_id["late_2h"][AID] == "17.8" and by_id["late_2h"]["total"] == "17.8"
    assert by_id["이영희"]["total"] == "15.6" and by_id["이영희"]["manual_pending"] == "2"


def test_extension_granted_in_nbgrader_counts_unless_an_extensions_file_is_given(tmp_path):
    from autograder.coordinator.feedback import Report
    from autograder.coordinator.gradebook import Book

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    book = Book(url)
    book.prepare(AID)
    with Gradebook(url, course.COURSE_ID) as gb:
        gb.update_or_create_student("kim")
        gb.update_or_create_submission(AID, "kim")
        gb.grant_extension(AID, "kim", hours=10)
    folder = tmp_path / "subs" / "kim" / AID
    write_timestamp(folder, DUE_UTC + dt.timedelta(hours=5))
    rec = book.recorder()
    rep = Report("kim", AID, 20, 20, "ok")
    deadlines.apply(rec, rep, folder, deadlines.Policy(due={AID: DUE_UTC}, penalty_percent=10))
    rec.commit()
    assert (rep.score, rep.late_hours, rep.penalty) == (20, 0, 0)  # nbgrader로 준 10시간 연장
    rep = Report("kim", AID, 20, 20, "ok")
    deadlines.apply(rec, rep, folder, deadlines.Policy(due={AID: DUE_UTC}, extensions={}, penalty_percent=10))
    rec.commit()
    rec.close()
    assert (rep.score, rep.late_hours, rep.penalty) == (18, 5, 2)  # 연장 파일이 기준: 이 학생은 연장 없음
    with Gradebook(url, course.COURSE_ID) as gb:
        submission = gb.find_submission(AID, "kim")
        assert submission.extension is None and submission.late_submission_penalty == 2


@pytest.mark.unit
def test_an_all_zero_similarity_report_says_so(tmp_path):
    from autograder import similarity

    similarity.write_html([], [], AID, tmp_path / "none.html")
    assert "비교할 쌍이 없습니다" in (tmp_path / "none.html").read_text(encoding="utf-8")
    pair = similarity.Pair(a=None, b=None, share_a=0.0, share_b=0.0, overlap=0)
    similarity.write_html([pair], [], AID, tmp_path / "zero.html")
    page = (tmp_path / "zero.html").read_text(encoding="utf-8")
    assert "1쌍 모두 겹친 코드가 없습니다" in page and "<th>순위</th>" not in page
