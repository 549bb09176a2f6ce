"""강사용 표: grades.csv(학생 × 과제 한 줄)와 tests.csv(테스트 셀 한 줄)."""
from __future__ import annotations

import csv
from pathlib import Path

from .feedback import Report

GRADE_COLUMNS = ["student_id", "assignment_id", "score", "max_score", "status", "detail"]
TEST_COLUMNS = ["student_id", "assignment_id", "function", "test", "grade_id", "score", "max_score", "message"]


def write_grades(reports: list[Report], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(GRADE_COLUMNS)
        for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
            w.writerow([r.student_id, r.assignment_id, f"{r.score:g}", f"{r.max_score:g}", r.status, r.detail])


def write_tests(reports: list[Report], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(TEST_COLUMNS)
        for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
            for t in r.tests:
                w.writerow([r.student_id, r.assignment_id, t.function, "hidden" if t.hidden else "visible",
                            t.grade_id, f"{t.score:g}", f"{t.max_score:g}", t.message])


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


TIMING_COLUMNS = ["student_id", "assignment_id", "notebook", "status", "prepare_s", "execute_s", "kernel_s", "record_s"]


def write_timings(timings: list[dict], path: Path) -> None:
    """노트북마다 든 시간(초): 정리, 실행(그중 커널이 셀을 돌린 시간), 기록. 느린 제출물을 찾을 때 씁니다."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=TIMING_COLUMNS)
        w.writeheader()
        for t in sorted(timings, key=lambda t: (t["student_id"], t["assignment_id"], t["notebook"])):
            w.writerow(t)
