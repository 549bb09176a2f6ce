"""모든 과제: 원본·학생본 노트북의 위생, 학생본 = 새로 만든 학생본, 숨은 테스트와 풀이가 학생본에 없음."""
from __future__ import annotations

import json
import re

import pytest

from autograder import course, notebooks
from autograder.release import release

NOTEBOOKS = sorted(course.SOLUTIONS.glob("*/*.ipynb")) + sorted(course.EXERCISES.glob("*/*.ipynb"))
ALLOWED_CELL_METADATA = {"nbgrader", "deletable", "editable"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_committed_notebooks_carry_no_outputs_or_editor_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        assert not cell.get("outputs"), f"{path}: cell {i} has outputs"
        assert cell.get("execution_count") is None, f"{path}: cell {i} has an execution count"
        extra = set(cell.get("metadata", {})) - ALLOWED_CELL_METADATA
        assert not extra, f"{path}: cell {i} has editor metadata {extra}"
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}, f"{path}: notebook metadata {set(nb['metadata'])}"


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
            assert committed == fresh, f"exercises/{aid}/{name}.ipynb differs from a fresh release: run `python -m autograder release {aid}`"


def _distinctive_lines(text: str) -> set[str]:
    return {ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 12 and not ln.strip().startswith("#")}


def _region_lines(aid: str, region: str) -> set[str]:
    """원본에서 ``### BEGIN <region>`` … ``### END <region>`` 사이에 있는 코드 줄들."""
    lines: set[str] = set()
    for name in course.notebook_names(aid):
        for cell in notebooks.source_notebook(aid, name).cells:
            for block in re.findall(rf"### BEGIN {region}\n(.*?)### END {region}", cell.source, re.S):
                lines |= _distinctive_lines(block)
    return lines


def hidden_test_lines(aid: str) -> set[str]:
    """원본의 숨은 테스트 영역에 있는 코드 줄들."""
    return _region_lines(aid, "HIDDEN TESTS")


def solution_lines(aid: str) -> set[str]:
    """원본의 풀이 영역에 있는 코드 줄들."""
    return _region_lines(aid, "SOLUTION")


def public_lines(aid: str) -> set[str]:
    """원본에서 숨은 테스트와 풀이 영역을 뺀 나머지 코드 줄들 (학생본에 있어도 되는 줄)."""
    lines: set[str] = set()
    for name in course.notebook_names(aid):
        for cell in notebooks.source_notebook(aid, name).cells:
            text = re.sub(r"### BEGIN (HIDDEN TESTS|SOLUTION)\n.*?### END (HIDDEN TESTS|SOLUTION)", "", cell.source, flags=re.S)
            lines |= _distinctive_lines(text)
    return lines


def test_exercises_hold_no_hidden_tests_and_no_solutions(assignment_ids):
    for aid in assignment_ids:
        hidden, solutions = hidden_test_lines(aid) - public_lines(aid), solution_lines(aid) - public_lines(aid)
        assert hidden, f"{aid}: no hidden tests found in the source"
        for name in course.notebook_names(aid):
            released = notebooks.release_notebook(aid, name)
            text = "\n".join(c.source for c in released.cells)
            assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
            code = _distinctive_lines("\n".join(c.source for c in released.cells if c.cell_type == "code"))
            leaked = (hidden | solutions) & code
            assert not leaked, f"{aid}: hidden test or solution lines in exercises: {sorted(leaked)[:5]}"


def test_every_graded_function_has_solution_visible_and_hidden_cells(assignment_ids):
    for aid in assignment_ids:
        for name in course.notebook_names(aid):
            source = notebooks.source_notebook(aid, name)
            ids = [notebooks.grade_id(c) for c in source.cells if notebooks.grade_id(c)]
            solutions = [notebooks.grade_id(c) for c in source.cells if notebooks.is_solution(c)]
            assert solutions, f"{aid}: no solution cells"
            for fn in solutions:
                cell = next(c for c in source.cells if notebooks.grade_id(c) == fn)
                assert re.match(rf"(def|class) {re.escape(fn)}\b", cell.source), f"{aid}: solution cell {fn} must start with def/class {fn}"
                assert f"test_{fn}" in ids, f"{aid}: no visible test cell for {fn}"
                assert f"hidden_{fn}" in ids, f"{aid}: no hidden test cell for {fn}"
                assert ids.index(fn) < ids.index(f"test_{fn}") < ids.index(f"hidden_{fn}")
