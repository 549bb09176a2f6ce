"""학습 관리 시스템(LMS)으로 옮길 성적표 (roster export).

``grades_wide.csv``: 학생 한 줄, 과제마다 한 열(늦은 제출 감점을 뺀 점수), 마지막에 ``total``. 머리줄은
``student_id,<과제 id>...,total``이고 점수 칸에는 숫자만 있어서 Moodle의 "CSV 파일로 성적 가져오기"와 Canvas
성적부 가져오기에서 열을 그대로 성적 항목에 짝지을 수 있습니다(README의 강사용 절). 학생 id는 NFC입니다.
제출하지 않은(채점 대상이 아니었던) 과제는 빈칸으로 둡니다. LMS는 빈칸을 "바꾸지 않음"으로 읽습니다.
마지막 열 ``manual_pending`` 은 아직 채점하지 않은 서술형 답의 배점 합입니다. 0이 아닌 학생의 점수는 그 답을 0으로 센
확정 전의 점수이므로, 가져올 때 이 열은 성적 항목에 짝짓지 않고(무시) 0이 된 뒤에 옮기세요.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from .feedback import Report


def wide_rows(reports: list[Report]) -> tuple[list[str], list[list[str]]]:
    """(머리줄, 학생마다의 줄)."""
    aids = sorted({r.assignment_id for r in reports})
    by_student: dict[str, dict[str, Report]] = defaultdict(dict)
    for r in reports:
        by_student[r.student_id][r.assignment_id] = r
    rows = []
    for sid in sorted(by_student):
        mine = by_student[sid]
        rows.append([sid, *(f"{mine[a].score:g}" if a in mine else "" for a in aids),
                     f"{sum(r.score for r in mine.values()):g}", f"{sum(r.pending for r in mine.values()):g}"])
    return ["student_id", *aids, "total", "manual_pending"], rows


def write_wide(reports: list[Report], path: Path) -> None:
    header, rows = wide_rows(reports)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
