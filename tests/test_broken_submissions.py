"""깨지거나 이상한 제출물이 섞인 한 번의 채점: 모두 제 줄을 받고, 배치는 멈추지 않으며, 피드백은 새지 않습니다."""
from __future__ import annotations

import copy
import re

import pytest

from autograder import course, notebooks
from autograder.kernel import output_cap
from tests.conftest import grade, put
from tools import export_public

AID = "ch01_modeling"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.asarray(z, dtype=float) * 0 + 0.5\n"


def _drop(nb, *grade_ids):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if notebooks.grade_id(c) not in grade_ids]
    return nb


def _edit(nb, grade_id, source):
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if notebooks.grade_id(c) == grade_id:
            c.source = source
    return nb


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("broken")
    subs = tmp / "subs"
    solution = notebooks.solution_submission(AID)
    stub = notebooks.release_notebook(AID)
    wrong = notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID})

    put(solution, subs, "correct", AID)
    put(stub, subs, "stub", AID)
    (subs / "invalid_json" / AID).mkdir(parents=True)
    (subs / "invalid_json" / AID / f"{AID}.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "missing_notebook" / AID).mkdir(parents=True)
    (subs / "missing_notebook" / AID / "notes.txt").write_text("깜빡했어요", encoding="utf-8")
    put(notebooks.with_solutions(solution, {"add_intercept": "while True:\n    pass\n"}), subs, "infinite_loop", AID)
    broken_imports = {
        notebooks.grade_id(c): "import my_local_helpers\n" + c.source
        for c in solution.cells if notebooks.is_solution(c)
    }
    put(notebooks.with_solutions(solution, broken_imports), subs, "exception_at_import", AID)
    put(_drop(wrong, "test_sigmoid", "hidden_sigmoid"), subs, "deleted_test_cell", AID)
    put(_edit(_edit(wrong, "hidden_sigmoid", "pass"), "test_sigmoid", "pass"), subs, "edited_test_cell", AID)
    put(_drop(solution, "feature_normalize"), subs, "deleted_solution_cell", AID)
    put(solution, subs, "renamed_notebook", AID, name="ch01_modeling (1)")
    fake = copy.deepcopy(stub)
    fake_cell = notebooks.nbformat.v4.new_code_cell('print("모든 테스트 통과! 20/20")\n1e9')
    fake_cell.pop("id", None)  # nbformat 4.4 notebooks carry no cell ids
    fake.cells.append(fake_cell)
    put(fake, subs, "fake_pass_output", AID)
    put(notebooks.with_solutions(solution, {"sigmoid": "import os\nos._exit(1)\n"}), subs, "kernel_exits", AID)
    leaky = notebooks.with_solutions(solution, {"sigmoid": (
        "def sigmoid(z):\n"
        "    print('LEAK', {k: v for k, v in globals().items() if k.startswith('_')})\n"
        "    raise AssertionError('LEAK ' + repr(np.asarray(z)))\n")})
    put(leaky, subs, "exfiltrates_hidden_values", AID)
    put(solution, subs, "학생 김 01", AID)
    (subs / "symlink_to_solutions").mkdir()
    (subs / "symlink_to_solutions" / AID).symlink_to(course.SOLUTIONS / AID)
    tamper = (
        "import builtins, math\n"
        "import numpy.testing\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.array_equal = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "math.isclose = lambda *a, **k: True\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.max = lambda *a, **k: 0\n"
        "all = lambda *a: True\n"
        "len = lambda x: 1\n"
    )
    put(notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID + tamper}), subs, "monkeypatched_comparisons", AID)
    silent = (
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "type(ip)._showtraceback = lambda *a, **k: None\n"
        "import sys\n"
        "sys.excepthook = lambda *a: None\n"
    )
    put(notebooks.with_solutions(solution, {"sigmoid": WRONG_SIGMOID + silent}), subs, "showtraceback_override", AID)

    (subs / "deeply_nested_json" / AID).mkdir(parents=True)
    (subs / "deeply_nested_json" / AID / f"{AID}.ipynb").write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    odd = copy.deepcopy(solution)
    odd.cells[3].metadata["nbgrader"] = ["not", "a", "dict"]
    put(odd, subs, "odd_cell_metadata", AID)
    solved = {notebooks.grade_id(c): notebooks.solution_code(c) for c in notebooks.source_notebook(AID).cells
              if notebooks.grade_id(c) in ("add_intercept", "sigmoid")}
    flood = {"add_intercept": solved["add_intercept"] + "\nfor _ in range(3000):\n    print('x' * 100_000)\n",  # 300 MB
             "sigmoid": ("from autograder.kernel import output_cap\nprint('커널이 버린 글자:', output_cap.dropped)\n"
                         + solved["sigmoid"])}
    put(notebooks.with_solutions(solution, flood), subs, "output_flood", AID)

    out = tmp / "out"
    rows, tests = grade(subs, out, "--jobs", "2", "--cell-timeout", "10", "--notebook-timeout", "120")
    return rows, tests, out


def row(batch, student):
    return batch[0][(student, AID)]


def score(batch, student):
    """(점수, 만점). ch01의 만점 22점은 자동 채점 20점과 서술형 답 2점이고, 정답을 쓴 제출물의 서술형 답은 채점 대기라
    점수에 0으로 들어 있습니다(tests/test_written_answers.py)."""
    r = row(batch, student)
    return float(r["score"]), float(r["max_score"])


def test_correct_and_stub(batch):
    assert score(batch, "correct") == (20, 22)
    assert row(batch, "correct")["status"] == "ok"
    assert score(batch, "stub") == (0, 22)


def test_invalid_json_gets_its_row(batch):
    assert score(batch, "invalid_json") == (0, 22)
    assert row(batch, "invalid_json")["status"] == "invalid_notebook"


@pytest.mark.parametrize("student", ["deeply_nested_json", "odd_cell_metadata"])
def test_a_malformed_notebook_of_any_shape_is_invalid_not_a_grader_error(batch, student):
    assert score(batch, student) == (0, 22)
    assert row(batch, student)["status"] == "invalid_notebook", row(batch, student)


def test_an_output_flood_is_cut_and_said_not_called_a_timeout(batch):
    """300 MB를 print하는 셀: 출력은 잘리고(그렇다고 메모에 적힘) 채점은 그대로 됩니다."""
    assert score(batch, "output_flood") == (20, 22), row(batch, "output_flood")
    assert row(batch, "output_flood")["status"] == "ok"
    page = (batch[2] / "feedback" / "output_flood" / AID / f"{AID}.html").read_text(encoding="utf-8")
    assert "출력이 너무 많아" in page
    graded = batch[2] / "autograded" / "output_flood" / AID / f"{AID}.ipynb"
    assert graded.stat().st_size < 3_000_000
    # 커널이 상한을 넘는 출력을 보내지 않았습니다(커널 씨앗에서 갈라 낸 커널이어도: autograder.kernel.output_cap)
    text = "".join(o.get("text", "") for c in notebooks.read_notebook(graded).cells for o in c.get("outputs", []))
    assert f"커널이 버린 글자: {3000 * 100_001 - output_cap.STREAM_CAP - 1}" in text


def test_tests_after_a_dead_kernel_say_the_kernel_died(batch):
    tests = {t["grade_id"]: t for t in batch[1] if t["student_id"] == "kernel_exits"}
    assert "커널이 죽어" in tests["hidden_sigmoid"]["message"] and "시간" not in tests["hidden_sigmoid"]["message"]
    assert tests["test_add_intercept"]["message"] == "실행 중 커널 종료: 0점"  # 돌았지만 상태 때문에 0점


def test_missing_notebook_gets_its_row(batch):
    assert score(batch, "missing_notebook") == (0, 22)
    assert row(batch, "missing_notebook")["status"] == "missing_notebook"


def test_infinite_loop_times_out_with_zero(batch):
    assert score(batch, "infinite_loop") == (0, 22)
    assert row(batch, "infinite_loop")["status"] == "timeout"


def test_exception_at_import_scores_zero_and_is_flagged(batch):
    assert score(batch, "exception_at_import") == (0, 22)
    assert row(batch, "exception_at_import")["status"] == "cell_errors"
    assert "ModuleNotFoundError" in row(batch, "exception_at_import")["detail"]


def test_deleted_test_cells_are_restored_and_graded(batch):
    assert score(batch, "deleted_test_cell") == (16, 22)


def test_edited_test_cells_are_overwritten(batch):
    assert score(batch, "edited_test_cell") == (16, 22)


def test_deleted_solution_cell_loses_only_that_function(batch):
    assert score(batch, "deleted_solution_cell") == (16, 22)


def test_renamed_notebook_is_graded(batch):
    assert score(batch, "renamed_notebook") == (20, 22)


def test_fake_pass_output_gains_nothing(batch):
    assert score(batch, "fake_pass_output") == (0, 22)
    assert row(batch, "fake_pass_output")["status"] == "ok"


def test_symlink_to_solutions_is_refused(batch):
    assert score(batch, "symlink_to_solutions") == (0, 22)
    assert row(batch, "symlink_to_solutions")["status"] == "invalid_notebook"


def test_kernel_exit_scores_zero(batch):
    assert score(batch, "kernel_exits") == (0, 22)
    assert row(batch, "kernel_exits")["status"] == "kernel_died"


def test_korean_student_id_with_spaces(batch):
    assert score(batch, "학생 김 01") == (20, 22)
    assert (batch[2] / "feedback" / "학생 김 01" / AID / f"{AID}.html").is_file()


def test_monkeypatched_comparisons_do_not_fool_the_tests(batch):
    # 학생 코드가 비교 함수와 내장 함수(builtins.abs, builtins.max)를 바꿔 두어도 테스트는 샌드박스 밖에서 돌아 속지 않습니다.
    # 내장 함수를 바꾸면 학생 자신의 커널이 망가져 요청에 답하지 못하거나(시간 초과), 커널의 이벤트 루프가 바뀐 max·abs를
    # 부르는 때에 따라 커널이 죽기도 합니다(CI의 부하에서 보았음). 어느 쪽이든 얻는 것은 없고 그 사정이 detail에 적힙니다.
    got, _ = score(batch, "monkeypatched_comparisons")
    assert got <= 16
    r = row(batch, "monkeypatched_comparisons")
    assert r["status"] in ("ok", "timeout", "kernel_died"), r
    if r["status"] == "timeout":  # 망가진 커널이 다음 셀이나 테스트의 요청에 답하지 못함
        assert "끝나지 않았습니다" in r["detail"] or "답하지 않았습니다" in r["detail"], r["detail"]
    if r["status"] == "kernel_died":
        assert "커널이 죽었습니다" in r["detail"], r["detail"]


def test_silenced_tracebacks_still_fail(batch):
    assert score(batch, "showtraceback_override") == (16, 22)


def test_every_student_has_one_row_and_feedback(batch):
    rows, _, out = batch
    assert len(rows) == 20
    for (student, aid) in rows:
        assert (out / "feedback" / student / aid / f"{AID}.html").is_file(), student


def test_feedback_never_shows_hidden_tests_or_values(batch):
    _, _, out = batch
    found = export_public.regions(sorted((course.SOLUTIONS / AID).glob("*.ipynb")))
    hidden = found["HIDDEN TESTS"] - found["public"]
    assert hidden
    for page in (out / "feedback").rglob("*.html"):
        # 쪽에 품은 글꼴(<style>의 base64)은 빼고 봅니다: 무작위에 가까운 base64에 "LEAK" 같은 글자가 우연히 들어 있습니다.
        text = re.sub(r"<style>.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "base64," not in text, f"{page}: base64 outside <style>"
        unescaped = re.sub(r"&quot;|&#x27;", "'", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        for line in hidden:
            assert line not in unescaped, f"{page}: hidden test line leaked: {line}"
        assert "Traceback" not in text and "BEGIN HIDDEN" not in text
        if "exfiltrates" not in str(page):
            continue
        # 학생 코드가 숨은 변수를 예외 메시지와 출력에 실어 보내려 해도 피드백에는 나오지 않습니다.
        body = text.split("제출한 코드")[0]
        assert "LEAK" not in body and "array(" not in body and "_rng" not in body


def test_feedback_names_the_broken_property_in_korean(batch):
    _, tests, _ = batch
    msgs = [t["message"] for t in tests if t["student_id"] == "edited_test_cell" and t["function"] == "sigmoid"]
    assert any("sigmoid" in m and "값" in m for m in msgs), msgs
    passed = [t for t in tests if t["student_id"] == "edited_test_cell" and t["function"] != "sigmoid"]
    assert all(t["message"] == "" and t["score"] == t["max_score"] for t in passed)


def test_class_summary_and_overview_for_the_instructor(batch):
    from autograder.coordinator.report import read_csv

    rows, _, out = batch
    klass = {r["student_id"]: r for r in read_csv(out / "class.csv")}
    assert set(klass) == {s for s, _ in rows}
    assert klass["correct"][AID] == "20" and klass["correct"]["total"] == "20"
    summary = {r["function"]: r for r in read_csv(out / "summary" / f"{AID}.csv")}
    assert set(summary) == {"add_intercept", "linear_hypothesis", "sigmoid", "logistic_hypothesis",
                            "feature_normalize", "predict_binary"}
    assert float(summary["sigmoid"]["full_marks_ratio"]) < float(summary["linear_hypothesis"]["full_marks_ratio"])
    assert summary["sigmoid"]["most_common_failure"]
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert f'href="feedback/correct/{AID}/{AID}.html"' in overview and "invalid_notebook" in overview
