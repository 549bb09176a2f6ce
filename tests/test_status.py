"""채점 상태는 한곳(autograder.status.Status)에서 정해지고, README의 표와 피드백이 그것을 따릅니다."""
from __future__ import annotations

import re

import pytest

from autograder.status import Status
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def test_only_ok_and_cell_errors_are_scored():
    assert {s for s in Status if s.scored} == {Status.OK, Status.CELL_ERRORS}


def test_every_status_has_korean_text_and_zero_statuses_say_so():
    for status in Status:
        assert re.search("[가-힣]", status.text), status
        assert ("0점" in status.text) == (not status.scored), status


def test_readme_status_table_lists_every_status_once():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\s*\| `(\w+)` \|", readme, flags=re.M)
    listed = [r for r in rows if r in {s.value for s in Status}]
    assert sorted(listed) == sorted(s.value for s in Status), listed


def test_status_compares_equal_to_the_csv_string():
    assert Status("kernel_died") == "kernel_died" and Status.TOO_LARGE.value == "too_large"
