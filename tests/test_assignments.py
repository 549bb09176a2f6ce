"""모든 과제: 원본·학생본 노트북의 위생, 학생본 = 새로 만든 학생본, 숨은 테스트와 풀이가 학생본에 없음."""
from __future__ import annotations

import json
import re

import pytest

from autograder import course, notebooks
from autograder.release import release
from tools import export_public

NOTEBOOKS = sorted(course.SOLUTIONS.glob("*/*.ipynb")) + sorted(course.EXERCISES.glob("*/*.ipynb"))
ALLOWED_CELL_METADATA = {"nbgrader", "deletable", "editable"}


@pytest.mark.unit
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_committed_notebooks_carry_no_outputs_or_editor_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        assert not cell.get("outputs"), f"{path}: cell {i} has outputs"
        assert cell.get("execution_count") is None, f"{path}: cell {i} has an execution count"
        extra = set(cell.get("metadata", {})) - ALLOWED_CELL_METADATA
        assert not extra, f"{path}: cell {i} has editor metadata {extra}"
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}, f"{path}: notebook metadata {set(nb['metadata'])}"


@pytest.mark.unit
def test_every_assignment_in_solutions_is_released(assignment_ids):
    assert assignment_ids, "no assignments found"
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            assert (course.EXERCISES / aid / f"{name}.ipynb").is_file(), f"exercises/{aid}/{name}.ipynb missing"


def test_exercises_equal_a_fresh_release(tmp_path, assignment_ids):
    release(assignment_ids, tmp_path)
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            fresh = json.loads((tmp_path / aid / f"{name}.ipynb").read_text(encoding="utf-8"))
            committed = json.loads((course.EXERCISES / aid / f"{name}.ipynb").read_text(encoding="utf-8"))
            assert committed == fresh, (f"exercises/{aid}/{name}.ipynb differs from a fresh release: "
                                        f"run `python -m autograder release {aid}`")


@pytest.mark.unit
def test_exercises_hold_no_hidden_tests_and_no_solutions(assignment_ids):
    for aid in assignment_ids:
        found = export_public.regions(sorted((course.SOLUTIONS / aid).glob("*.ipynb")))
        hidden, solutions = found["HIDDEN TESTS"] - found["public"], found["SOLUTION"] - found["public"]
        assert hidden, f"{aid}: no hidden tests found in the source"
        for name in course.notebook_names(aid):
            released = notebooks.release_notebook(aid, name)
            text = "\n".join(c.source for c in released.cells)
            assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
            # 마크다운 셀까지: 서술형 답의 모범 답안과 채점 기준도 풀이 영역(SOLUTION)이라 같은 규칙으로 비밀입니다.
            code = export_public.code_lines("\n".join(c.source for c in released.cells))
            leaked = (hidden | solutions) & code
            assert not leaked, f"{aid}: hidden test or solution lines in exercises: {sorted(leaked)[:5]}"


@pytest.mark.unit
def test_every_graded_function_has_solution_visible_and_hidden_cells(assignment_ids):
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            source = notebooks.source_notebook(aid, name)
            ids = [notebooks.grade_id(c) for c in source.cells if notebooks.grade_id(c)]
            solutions = [notebooks.grade_id(c) for c in source.cells
                         if notebooks.is_solution(c) and not notebooks.is_written(c)]
            assert solutions, f"{aid}: no solution cells"
            for fn in solutions:
                cell = next(c for c in source.cells if notebooks.grade_id(c) == fn)
                assert re.match(rf"(def|class) {re.escape(fn)}\b", cell.source), \
                    f"{aid}: solution cell {fn} must start with def/class {fn}"
                assert f"test_{fn}" in ids, f"{aid}: no visible test cell for {fn}"
                assert f"hidden_{fn}" in ids, f"{aid}: no hidden test cell for {fn}"
                assert ids.index(fn) < ids.index(f"test_{fn}") < ids.index(f"hidden_{fn}")


def _written(nb):
    return [c for c in nb.cells if notebooks.is_written(c)]


@pytest.mark.unit
def test_every_assignment_has_one_to_three_written_answers_with_question_and_rubric(assignment_ids):
    """서술형 답: 과제마다 1–3개, 배점이 있고, 바로 앞에 잠긴 질문 셀, 원본에는 모범 답안과 채점 기준이 풀이 영역 안에."""
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            source = notebooks.source_notebook(aid, name)
            written = _written(source)
            assert 1 <= len(written) <= 3, f"{aid}: {len(written)} written answers"
            for cell in written:
                gid, meta = notebooks.grade_id(cell), notebooks.nbgrader_meta(cell)
                assert gid.startswith("written_") and meta["points"] > 0 and not meta["locked"], gid
                question = source.cells[source.cells.index(cell) - 1]
                assert question.cell_type == "markdown" and notebooks.nbgrader_meta(question).get("locked"), gid
                assert f"({meta['points']}점, 강사가 채점)" in question.source, f"{aid}: {gid} question states no points"
                assert cell.source.startswith("### BEGIN SOLUTION\n") and cell.source.rstrip().endswith("### END SOLUTION")
                assert "**모범 답안.**" in cell.source and "**채점 기준(조교용" in cell.source, gid


@pytest.mark.unit
def test_exercises_hold_no_model_answer_and_no_rubric(assignment_ids):
    """학생본의 서술형 칸은 nbgrader의 빈 칸(과정의 text_stub)뿐이고, 원본의 모범 답안·채점 기준의 어느 줄도 학생본에 없습니다."""
    config = course.nbgrader_config("")
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            source, released = notebooks.source_notebook(aid, name), notebooks.release_notebook(aid, name)
            secret = set()
            for cell in _written(source):
                secret |= {ln.strip() for ln in notebooks.solution_code(cell).splitlines() if len(ln.strip()) >= 8}
            assert secret, f"{aid}: no written answers"
            mine = {notebooks.grade_id(c): c for c in released.cells}
            for cell in _written(source):
                assert mine[notebooks.grade_id(cell)].source == config.ClearSolutions.text_stub
            text = "\n".join(c.source for c in released.cells)
            leaked = {ln for ln in secret if ln in text}
            assert not leaked, f"{aid}: model answer or rubric lines in exercises: {sorted(leaked)[:3]}"
            assert "채점 기준(조교용" not in text and "모범 답안." not in text
