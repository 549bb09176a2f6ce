"""강사용 표와 개요.

- grades.csv: 학생 × 과제 한 줄 / tests.csv: 테스트 셀 한 줄 / timings.csv: 노트북마다 든 시간
- class.csv: 학생 한 줄, 과제마다 점수와 합계 (반 전체 성적표)
- summary/<과제 id>.csv: 함수마다 평균 점수, 만점 비율, 가장 흔한 실패 메시지
- overview.html: 위 내용을 한눈에 보는 쪽 (브라우저로 엽니다, 외부 자원 없음)
"""
from __future__ import annotations

import csv
import html
from collections import Counter, defaultdict
from pathlib import Path

from ..status import Status
from ..workdir import replaced_atomically
from . import html_page
from .feedback import Report

#: ``manual_pending``: 아직 채점하지 않은 서술형 답의 배점 합. 0이 아니면 ``score`` 는 확정된 점수가 아닙니다
#: (그 답은 0으로 들어 있음). 강사가 nbgrader formgrader로 채점한 뒤 ``grade`` 를 다시 돌리면 0이 됩니다.
GRADE_COLUMNS = ["student_id", "assignment_id", "score", "max_score", "status", "detail",
                 "raw_score", "late_hours", "penalty", "manual_pending"]
TEST_COLUMNS = ["student_id", "assignment_id", "function", "test", "grade_id", "score", "max_score", "message"]


def write_grades(reports: list[Report], path: Path) -> None:
    with replaced_atomically(path) as f:
        w = csv.writer(f)
        w.writerow(GRADE_COLUMNS)
        for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
            raw = r.score if r.raw_score is None else r.raw_score
            late = "" if r.late_hours is None else f"{r.late_hours:g}"
            w.writerow([r.student_id, r.assignment_id, f"{r.score:g}", f"{r.max_score:g}", r.status, r.detail,
                        f"{raw:g}", late, f"{r.penalty:g}", f"{r.pending:g}"])


def write_tests(reports: list[Report], path: Path) -> None:
    with replaced_atomically(path) as f:
        w = csv.writer(f)
        w.writerow(TEST_COLUMNS)
        for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
            for t in r.tests:
                w.writerow([r.student_id, r.assignment_id, t.function, "hidden" if t.hidden else "visible",
                            t.grade_id, f"{t.score:g}", f"{t.max_score:g}", t.message])


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


TIMING_COLUMNS = ["student_id", "assignment_id", "notebook", "status", "prepare_s", "execute_s", "kernel_s", "record_s",
                  "coordinator_s"]


def write_timings(timings: list[dict], path: Path) -> None:
    """노트북마다 든 시간(초): 정리, 실행(그중 커널이 셀을 돌린 시간), 기록. 느린 제출물을 찾을 때 씁니다."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=TIMING_COLUMNS)
        w.writeheader()
        for t in sorted(timings, key=lambda t: (t["student_id"], t["assignment_id"], t["notebook"])):
            w.writerow(t)


def write_class(reports: list[Report], path: Path) -> None:
    """반 전체 성적표: 학생 한 줄, 과제마다 점수, 합계, 만점 합계, 아직 채점하지 않은 서술형 답의 배점 합(``manual_pending``)."""
    aids = sorted({r.assignment_id for r in reports})
    by_student: dict[str, dict[str, Report]] = defaultdict(dict)
    for r in reports:
        by_student[r.student_id][r.assignment_id] = r
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student_id", *aids, "total", "max_total", "manual_pending"])
        for sid in sorted(by_student):
            mine = by_student[sid]
            scores = [f"{mine[a].score:g}" if a in mine else "" for a in aids]
            total = sum(r.score for r in mine.values())
            max_total = sum(r.max_score for r in mine.values())
            pending = sum(r.pending for r in mine.values())
            w.writerow([sid, *scores, f"{total:g}", f"{max_total:g}", f"{pending:g}"])


#: 테스트를 하나도 실행하지 못한 상태: 함수별 통계에서 빼고 따로 셉니다(읽을 수 없는 노트북이 "가장 흔한 실패"가 되지 않게).
UNGRADED = (Status.INVALID_NOTEBOOK, Status.MISSING_NOTEBOOK, Status.TOO_LARGE, Status.ID_COLLISION, Status.GRADER_ERROR)


def ungraded(reports: list[Report], assignment_id: str) -> int:
    """과제에서 테스트를 하나도 실행하지 못한 제출물 수(:data:`UNGRADED`)."""
    return sum(r.assignment_id == assignment_id and Status(r.status) in UNGRADED for r in reports)


def function_summary(reports: list[Report], assignment_id: str) -> list[dict]:
    """과제의 함수마다: 제출 수, 평균 점수, 만점 비율, 가장 흔한 실패 메시지와 그 메시지를 받은 학생 수.

    한 학생이 같은 메시지를 공개·숨은 테스트 두 곳에서 받아도 한 명으로 셉니다. 테스트를 하나도 실행하지 못한
    제출물(:data:`UNGRADED`)은 세지 않습니다(:func:`ungraded` 가 따로 셉니다)."""
    got: dict[str, list[float]] = defaultdict(list)
    full: dict[str, float] = {}
    messages: dict[str, Counter] = defaultdict(Counter)
    for r in reports:
        if r.assignment_id != assignment_id or Status(r.status) in UNGRADED:
            continue
        per_fn: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        seen: dict[str, set[str]] = defaultdict(set)
        for t in r.tests:
            per_fn[t.function][0] += t.score
            per_fn[t.function][1] += t.max_score
            if t.message:
                seen[t.function].add(t.message)
        for fn, texts in seen.items():
            messages[fn].update(texts)
        for fn, (score, max_score) in per_fn.items():
            got[fn].append(score)
            full[fn] = max_score
    rows = []
    for fn in got:
        scores = got[fn]
        common = messages[fn].most_common(1)
        rows.append({
            "function": fn, "submissions": len(scores), "mean_score": round(sum(scores) / len(scores), 2),
            "max_score": full[fn], "full_marks_ratio": round(sum(s >= full[fn] for s in scores) / len(scores), 3),
            "most_common_failure": common[0][0] if common else "",
            "most_common_failure_students": common[0][1] if common else 0,
            "not_run": ungraded(reports, assignment_id),
        })
    return rows


def write_summaries(reports: list[Report], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for aid in sorted({r.assignment_id for r in reports}):
        rows = function_summary(reports, aid)
        with (folder / f"{aid}.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["function"])
            w.writeheader()
            w.writerows(rows)


def write_overview(reports: list[Report], path: Path) -> None:
    """강사용 개요 쪽: 과제별 상태 집계, 함수별 통과율, 학생별 점수와 피드백 링크."""
    e = html.escape
    aids = sorted({r.assignment_id for r in reports})
    parts = []
    for aid in aids:
        mine = [r for r in reports if r.assignment_id == aid]
        statuses = Counter(r.status for r in mine)
        mean = sum(r.score for r in mine) / len(mine)
        max_score = max(r.max_score for r in mine)
        rows = ""
        for x in function_summary(reports, aid):
            failure = e(x["most_common_failure"])
            if failure:
                failure += f" ({x['most_common_failure_students']}명)"
            rows += (f"<tr><td><code>{e(x['function'])}</code></td><td>{x['mean_score']:g} / {x['max_score']:g}</td>"
                     f"<td>{x['full_marks_ratio'] * 100:.0f}%</td><td>{failure}</td></tr>")
        skipped = ungraded(reports, aid)
        late = [r for r in mine if r.late_hours]
        penalised = [r for r in late if r.penalty]
        waiting = [r for r in mine if r.pending]
        parts.append(
            f"<h2>{e(aid)}</h2><p>제출 {len(mine)}개 · 평균 {mean:.1f} / {max_score:g}점 · 상태: "
            + ", ".join(f"{e(k)} {v}" for k, v in sorted(statuses.items()))
            + (f" · 늦은 제출 {len(late)}개(감점 {len(penalised)}개)" if late else "")
            + (f" · 서술형 채점 대기 {len(waiting)}개" if waiting else "")
            + "</p><table><tr><th>함수</th><th>평균</th><th>만점 비율</th><th>가장 흔한 실패</th></tr>"
            + rows + "</table>"
            + (f"<p>테스트를 하나도 실행하지 못한 제출물 {skipped}개(노트북이 없거나 읽을 수 없음 등)는 함수별 통계에서 "
               "빼고 셌습니다.</p>" if skipped else "")
        )
    students = sorted({r.student_id for r in reports})
    cell = {(r.student_id, r.assignment_id): r for r in reports}
    head = "".join(f"<th>{e(a)}</th>" for a in aids)
    body = ""
    for sid in students:
        tds = ""
        for aid in aids:
            r = cell.get((sid, aid))
            if r is None:
                tds += "<td>-</td>"
                continue
            link = f"feedback/{sid}/{aid}/{aid}.html"
            cls = "" if r.scored else ' class="bad"'
            if r.scored and r.late_hours:
                cls = ' class="late"'
            elif r.scored and r.pending:
                cls = ' class="pending"'
            late = ""
            if r.late_hours:
                late = f" · 늦음 {r.late_hours:g}시간" + (f", 감점 {r.penalty:g}점" if r.penalty else "")
            if r.pending:
                late += f" · 서술형 {r.pending:g}점 채점 대기"
            tds += (f'<td{cls}><a href="{e(link)}">{r.score:g} / {r.max_score:g}</a>'
                    f'{"" if r.status == Status.OK else " · " + e(r.status)}{e(late)}</td>')
        body += f"<tr><td>{e(sid)}</td>{tds}</tr>"
    path.write_text(html_page.page("채점 개요", f"""<h1>채점 개요</h1>
<p>학생 {len(students)}명 · 과제 {len(aids)}개 · 제출물 {len(reports)}개.
점수를 누르면 그 학생이 받을 피드백이 열립니다. 빨간 칸은 0점 상태(시간 초과, 읽을 수 없는 노트북 등), 노란 칸은
늦은 제출, 파란 칸은 서술형 답을 아직 채점하지 않은 제출물입니다(그 답은 점수에 0으로 들어 있습니다.
nbgrader formgrader로 채점한 뒤 grade를 다시 돌리면 반영됩니다). 자세한 표: grades.csv, tests.csv, class.csv, summary/.</p>
{''.join(parts)}
<h2>학생별 점수</h2><table><tr><th>학생</th>{head}</tr>{body}</table>""",
                                   width="70rem", css=_OVERVIEW_CSS), encoding="utf-8")


#: 개요 쪽의 칸 색: 0점 상태, 늦은 제출, 서술형 답 채점 대기
_OVERVIEW_CSS = ".bad{background:#fde8e6}.late{background:#fff6d6}.pending{background:#e8f0fb}"
