"""틀린 구현 목록을 실제 채점기(python -m autograder grade)로 채점해, 채점기가 실수를 잡는지 증명합니다.

과제마다 한 번의 채점으로: 정답 = 만점(서술형 답은 채점 대기), 학생본 = 0점, 틀린 구현은 그 함수에서만 점수를 잃고,
다르게 쓴 맞는 구현은 만점.
"""
from __future__ import annotations

from collections import defaultdict

import pytest

from autograder import course, notebooks
from tests.catalogue import load
from tests.conftest import grade, put

ASSIGNMENTS = [a for a in course.assignments() if load(a) is not None]


def graded_functions(aid: str) -> list[str]:
    """채점되는 함수(코드 풀이 셀). 서술형 답은 강사가 채점하므로 틀린 구현 목록이 없습니다."""
    return [notebooks.grade_id(c) for c in notebooks.source_notebook(aid).cells
            if notebooks.is_solution(c) and not notebooks.is_written(c)]


@pytest.mark.unit
@pytest.mark.parametrize("aid", course.assignments())
def test_catalogue_exists_and_covers_every_function(aid):
    cat = load(aid)
    assert cat is not None, f"tests/catalogue/{aid}.py is missing"
    counts = defaultdict(int)
    for w in cat.WRONG:
        counts[w.function] += 1
    for fn in graded_functions(aid):
        assert counts[fn] >= 3, f"{aid}: only {counts[fn]} wrong implementations of {fn} (need 3)"
    assert set(counts) <= set(graded_functions(aid)), f"{aid}: catalogue names unknown functions"
    assert cat.VARIANTS, f"{aid}: no correct variant written differently"
    names = [w.name for w in cat.WRONG] + [v.name for v in cat.VARIANTS]
    assert len(names) == len(set(names)), f"{aid}: duplicate catalogue names"


@pytest.mark.slow
@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_catalogue_through_the_real_grader(aid, tmp_path):
    cat = load(aid)
    solution = notebooks.solution_submission(aid)
    subs = tmp_path / "subs"
    put(solution, subs, "solution", aid)
    put(notebooks.release_notebook(aid), subs, "stub", aid)
    for entry in [*cat.WRONG, *cat.VARIANTS]:
        put(notebooks.with_solutions(solution, entry.cells()), subs, entry.name, aid)
    rows, tests = grade(subs, tmp_path / "out", "--jobs", "2")

    by_student: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for t in tests:
        acc = by_student[t["student_id"]][t["function"]]
        acc[0] += float(t["score"])
        acc[1] += float(t["max_score"])

    problems = []
    # 서술형 답은 강사가 채점하므로, 정답의 만점은 자동 채점 점수 + 채점 대기(manual_pending)입니다.
    written = sum(notebooks.nbgrader_meta(c)["points"] for c in solution.cells if notebooks.is_written(c))
    sol = rows[("solution", aid)]
    if float(sol["score"]) + written != float(sol["max_score"]) or float(sol["manual_pending"]) != written \
            or sol["status"] != "ok":
        problems.append(f"solution scored {sol['score']}/{sol['max_score']} ({sol['status']}, "
                        f"pending {sol['manual_pending']})")
    if float(rows[("stub", aid)]["score"]) != 0:
        problems.append(f"stub scored {rows[('stub', aid)]['score']}")
    for w in cat.WRONG:
        row = rows[(w.name, aid)]
        if row["status"] != "ok":
            problems.append(f"{w.name}: status {row['status']} ({row['detail']})")
        for fn, (got, total) in by_student[w.name].items():
            if fn == w.function and got >= total:
                problems.append(f"{w.name}: NOT caught, {fn} kept {got:g}/{total:g}")
            if fn != w.function and got < total:
                problems.append(f"{w.name}: also lost points on {fn} ({got:g}/{total:g})")
    for v in cat.VARIANTS:
        row = rows[(v.name, aid)]
        if float(row["score"]) + float(row["manual_pending"]) != float(row["max_score"]):
            lost = [f for f, (g, t) in by_student[v.name].items() if g < t]
            problems.append(f"correct variant {v.name} scored {row['score']}/{row['max_score']} (lost on {lost})")
    assert not problems, f"{aid}:\n" + "\n".join(problems)
