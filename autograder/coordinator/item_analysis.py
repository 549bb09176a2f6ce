"""문항 분석(item analysis): 테스트 셀마다 통과율과 변별도, 그리고 강사가 살펴볼 테스트 표시.

강사가 개요(overview.html)에서 "이 테스트가 잘못되지 않았나"를 한눈에 보도록, 테스트 하나를 시험 문항 하나로 봅니다.

- 통과율 p: 정상 채점된 제출물 가운데 그 테스트를 만점으로 통과한 비율.
- 변별도: 그 테스트의 통과 여부(1/0)와 **나머지 점수**(그 제출물의 테스트 점수 합에서 이 테스트의 점수를 뺀 값)의
  점이연 상관계수(point-biserial correlation, 곧 피어슨 상관계수). 나머지 점수를 쓰는 것은 테스트 자신의 점수가
  합계에 들어 있으면 상관이 저절로 커지기 때문입니다. 통과 여부나 나머지 점수가 모두 같으면 정의되지 않습니다(None).

정상 채점된 제출물만 셉니다(:attr:`Status.scored`): 시간 초과나 커널 종료는 테스트 결과와 상관없이 0점이라
나머지 점수가 학생의 실력을 말해 주지 않고, 읽을 수 없는 노트북은 테스트를 하나도 실행하지 않았습니다.
늦은 제출 감점도 빼고(테스트 점수의 합) 셉니다. 감점은 실력과 상관이 없기 때문입니다.

matplotlib 없이 계산만 합니다(그림은 ``charts``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..status import Status
from .feedback import Report

#: 표시: 테스트를 다시 볼 이유. 개요의 표와 그림 설명에 그대로 나옵니다.
NOBODY_PASSES = "아무도 통과하지 못했습니다"
EVERYBODY_PASSES = "모두 통과했습니다"
NEGATIVE = "점수가 높은 학생이 더 많이 실패합니다: 테스트가 잘못되었을 수 있습니다"


@dataclass(frozen=True)
class Item:
    """테스트 셀 하나의 문항 분석."""

    grade_id: str
    function: str
    hidden: bool
    max_score: float
    n: int                        #: 센 제출물 수(정상 채점된 것)
    p: float                      #: 통과율 0–1
    discrimination: float | None  #: 나머지 점수와의 점이연 상관계수, 정의되지 않으면 None
    flags: tuple[str, ...]


def point_biserial(passed: Sequence[bool], rest: Sequence[float]) -> float | None:
    """통과 여부(참/거짓)와 나머지 점수의 점이연 상관계수. 어느 한쪽이 모두 같으면(분산 0) None.

    >>> round(point_biserial([True, True, False, False], [3, 1, 2, 0]), 4)
    0.4472
    """
    if len(passed) != len(rest):
        raise ValueError("통과 여부와 나머지 점수의 길이가 다릅니다.")
    n = len(passed)
    if n < 2:
        return None
    x = [1.0 if p else 0.0 for p in passed]
    mx, my = sum(x) / n, sum(rest) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, rest, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in rest)
    if sxx == 0 or syy <= 1e-12 * max(1.0, my * my):
        return None
    return sxy / math.sqrt(sxx * syy)


def flags_for(p: float, discrimination: float | None) -> tuple[str, ...]:
    """통과율과 변별도에서 나오는 표시. 변별도가 정의되지 않으면(통과율 0이나 1) 음수 표시는 붙지 않습니다."""
    flags = []
    if p == 0:
        flags.append(NOBODY_PASSES)
    elif p == 1:
        flags.append(EVERYBODY_PASSES)
    if discrimination is not None and discrimination < -1e-9:
        flags.append(NEGATIVE)
    return tuple(flags)


def graded(reports: Sequence[Report], assignment_id: str) -> list[Report]:
    """과제의 제출물 가운데 테스트 결과대로 채점된 것(:attr:`Status.scored`)."""
    return [r for r in reports if r.assignment_id == assignment_id and Status(r.status).scored]


def item_analysis(reports: Sequence[Report], assignment_id: str) -> list[Item]:
    """과제의 테스트 셀마다 :class:`Item`, 노트북에 나온 순서대로. 정상 채점된 제출물이 없으면 빈 목록."""
    mine = graded(reports, assignment_id)
    order: dict[str, tuple[str, bool, float]] = {}
    for r in mine:
        for t in r.tests:
            order.setdefault(t.grade_id, (t.function, t.hidden, t.max_score))
    totals = [sum(t.score for t in r.tests) for r in mine]
    items = []
    for gid, (function, hidden, max_score) in order.items():
        passed, rest = [], []
        for r, total in zip(mine, totals, strict=True):
            test = next((t for t in r.tests if t.grade_id == gid), None)
            own = test.score if test else 0.0
            passed.append(bool(test and test.passed))
            rest.append(total - own)
        p = sum(passed) / len(passed)
        d = point_biserial(passed, rest)
        items.append(Item(gid, function, hidden, max_score, len(passed), p, d, flags_for(p, d)))
    return items


def function_pass_rates(reports: Sequence[Report], assignment_id: str) -> list[dict]:
    """함수마다 공개 테스트와 숨은 테스트의 통과율: 그 함수의 그 종류 테스트를 **모두** 통과한 제출물의 비율.

    행은 ``function, n, visible, hidden``이고, 그 종류의 테스트가 없는 함수는 값이 None입니다.
    정상 채점된 제출물만 셉니다(:func:`graded`)."""
    mine = graded(reports, assignment_id)
    functions: list[str] = []
    kinds: dict[str, set[bool]] = {}
    for r in mine:
        for t in r.tests:
            if t.function not in kinds:
                functions.append(t.function)
                kinds[t.function] = set()
            kinds[t.function].add(t.hidden)
    rows = []
    for fn in functions:
        row: dict = {"function": fn, "n": len(mine)}
        for hidden, key in ((False, "visible"), (True, "hidden")):
            if hidden not in kinds[fn]:
                row[key] = None
                continue
            ok = sum(all(t.passed for t in r.tests if t.function == fn and t.hidden == hidden)
                     and any(t.function == fn and t.hidden == hidden for t in r.tests) for r in mine)
            row[key] = ok / len(mine)
        rows.append(row)
    return rows
