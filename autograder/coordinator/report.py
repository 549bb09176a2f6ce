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


def grade_rows(reports: list[Report]) -> list[dict[str, str]]:
    """grades.csv의 줄들(열 이름 → 칸의 글). 표와 개요의 요약이 같은 줄을 읽습니다."""
    rows = []
    for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
        raw = r.score if r.raw_score is None else r.raw_score
        late = "" if r.late_hours is None else f"{r.late_hours:g}"
        rows.append(dict(zip(GRADE_COLUMNS, [r.student_id, r.assignment_id, f"{r.score:g}", f"{r.max_score:g}", r.status,
                                             r.detail, f"{raw:g}", late, f"{r.penalty:g}", f"{r.pending:g}"], strict=True)))
    return rows


def write_tables(reports: list[Report], grades: Path, tests: Path) -> None:
    """grades.csv와 tests.csv를 씁니다. 둘 다 임시 파일에 다 쓴 뒤 잇달아(tests.csv 먼저) 바꿔 넣으므로, 채점기가 도중에
    죽어도 두 표가 서로 다른 제출물들을 담는 때는 두 이름 바꾸기 사이뿐이고, 그때는 tests.csv가 막 기록한 하나를 더
    담습니다(tests/test_resume.py)."""
    with replaced_atomically(grades) as g, replaced_atomically(tests) as t:
        _grades_csv(reports, g)
        _tests_csv(reports, t)


def _grades_csv(reports: list[Report], f) -> None:
    w = csv.DictWriter(f, fieldnames=GRADE_COLUMNS)
    w.writeheader()
    w.writerows(grade_rows(reports))


def _tests_csv(reports: list[Report], f) -> None:
    w = csv.writer(f)
    w.writerow(TEST_COLUMNS)
    for r in sorted(reports, key=lambda r: (r.student_id, r.assignment_id)):
        for t in r.tests:
            w.writerow([r.student_id, r.assignment_id, t.function, "hidden" if t.hidden else "visible",
                        t.grade_id, f"{t.score:g}", f"{t.max_score:g}", t.message])


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


TIMING_COLUMNS = ["student_id", "assignment_id", "notebook", "status", "prepare_s", "execute_s", "kernel_s", "kernel_start",
                  "record_s", "coordinator_s"]


def write_timings(timings: list[dict], path: Path) -> None:
    """노트북마다 든 시간(초): 정리, 실행(그중 커널이 셀을 돌린 시간), 기록. 느린 제출물을 찾을 때 씁니다.
    ``kernel_start`` 는 커널이 뜬 방식입니다: ``zygote`` (커널 씨앗에서 갈라 냄) 또는 ``fresh`` (새로 띄움)."""
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


def _number(text: str | None) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


#: 채점을 기다리는 서술형 답의 배점 합을 적는 grades.csv 열. 이 열이 없는 grades.csv(예전 결과)에서는 0으로 봅니다.
MANUAL_PENDING = "manual_pending"


def late_and_manual_summary(rows: list[dict[str, str]]) -> list[dict]:
    """과제마다(그리고 맨 끝에 합계 한 줄, ``assignment_id`` 가 None) 늦은 제출, 감점, 서술형 답 채점 대기.

    ``rows`` 는 grades.csv의 줄입니다(:func:`grade_rows` 나 :func:`read_csv`). 늦은 제출은 ``late_hours`` 가 0보다
    큰 줄, 감점은 ``penalty`` 가 0보다 큰 줄, 서술형 답 채점 대기는 :data:`MANUAL_PENDING` 열이 0보다 큰 줄입니다."""
    def count(mine: list[dict[str, str]], aid: str | None) -> dict:
        late = [r for r in mine if _number(r.get("late_hours")) > 0]
        penalised = [r for r in late if _number(r.get("penalty")) > 0]
        manual = [r for r in mine if _number(r.get(MANUAL_PENDING)) > 0]
        return {"assignment_id": aid, "submissions": len(mine), "late": len(late), "penalised": len(penalised),
                "penalty_points": sum(_number(r.get("penalty")) for r in penalised),
                "manual_pending": len(manual), "manual_points": sum(_number(r.get(MANUAL_PENDING)) for r in manual)}

    aids = sorted({r["assignment_id"] for r in rows})
    return [count([r for r in rows if r["assignment_id"] == a], a) for a in aids] + [count(rows, None)]


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def _figure(svg: bytes, alt: str, caption: str) -> str:
    """그림 하나: SVG를 data: 주소로 품은 ``<img>`` (alt에 그림의 수치), 그 아래 설명."""
    import base64

    data = base64.b64encode(svg).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _summary_block(rows: list[dict[str, str]]) -> str:
    lines = late_and_manual_summary(rows)
    total = lines[-1]
    body = ""
    for x in lines:
        name = "합계" if x["assignment_id"] is None else f"<code>{html.escape(x['assignment_id'])}</code>"
        tag = "th" if x["assignment_id"] is None else "td"
        manual = f"{x['manual_pending']}개" + (f" ({x['manual_points']:g}점)" if x["manual_pending"] else "")
        body += (f"<tr><{tag}>{name}</{tag}><td>{x['submissions']}개</td><td>{x['late']}개</td>"
                 f"<td>{x['penalised']}개" + (f" ({x['penalty_points']:g}점)" if x["penalised"] else "")
                 + f"</td><td>{manual}</td></tr>")
    return ('<h2 id="summary">먼저 볼 것</h2>'
            f"<p>늦은 제출 {total['late']}개(그중 감점 {total['penalised']}개, 모두 {total['penalty_points']:g}점), "
            f"서술형 답의 채점을 기다리는 제출물 {total['manual_pending']}개입니다.</p>"
            "<table><tr><th>과제</th><th>제출</th><th>늦은 제출</th><th>감점한 제출(감점 합)</th>"
            f"<th>서술형 답을 채점할 제출(배점 합)</th></tr>{body}</table>")


def _assignment_figures(reports: list[Report], aid: str, cache) -> str:
    """과제 하나의 그림 세 개와 그 옆의 표: 총점 분포, 함수별 통과율, 문항 분석. ``cache``: :class:`charts.FigureCache`."""
    from dataclasses import asdict

    from . import charts, item_analysis

    e = html.escape
    mine = [r for r in reports if r.assignment_id == aid]
    scores = sorted(r.score for r in mine)
    max_score = max(r.max_score for r in mine)
    n = len(scores)
    median = (scores[(n - 1) // 2] + scores[n // 2]) / 2
    full = sum(s >= max_score for s in scores)
    zero = sum(s == 0 for s in scores)
    mean = sum(scores) / n
    out = [_figure(
        cache.svg("histogram", [scores, max_score], lambda: charts.score_histogram(scores, max_score)),
        f"{aid} 총점 분포 막대그래프: 제출물 {n}개, 평균 {mean:.1f}점, 중앙값 {median:g}점, 최저 {scores[0]:g}점, "
        f"최고 {scores[-1]:g}점(만점 {max_score:g}점). 만점 {full}개, 0점 {zero}개입니다.",
        f"총점(늦은 제출 감점 뒤, 0점 상태 포함)의 분포입니다. 제출물 {n}개, 평균 {mean:.1f}점, 중앙값 {median:g}점, "
        f"만점 {full}개, 0점 {zero}개입니다.")]

    rates = item_analysis.function_pass_rates(reports, aid)
    items = item_analysis.item_analysis(reports, aid)
    graded = rates[0]["n"] if rates else 0
    if not rates:
        out.append("<p>정상 채점된 제출물이 없어 통과율과 문항 분석을 그리지 않았습니다.</p>")
        return "".join(out)
    alt = "; ".join(f"{r['function']} 공개 {_percent(r['visible'])}, 숨은 {_percent(r['hidden'])}" for r in rates)
    table = "".join(f"<tr><td><code>{e(r['function'])}</code></td><td>{_percent(r['visible'])}</td>"
                    f"<td>{_percent(r['hidden'])}</td></tr>" for r in rates)
    out.append(_figure(
        cache.svg("pass_rates", rates, lambda: charts.pass_rate_chart(rates)),
        f"{aid} 함수별 통과율 가로 막대그래프(정상 채점된 제출물 {graded}개): {alt}.",
        f"함수마다 공개 테스트와 숨은 테스트를 모두 통과한 제출물의 비율입니다(정상 채점된 제출물 {graded}개)."))
    out.append("<table><tr><th>함수</th><th>공개 테스트 통과율</th><th>숨은 테스트 통과율</th></tr>" + table + "</table>")

    flagged = [it for it in items if it.flags]

    def ids(flag: str) -> str:
        names = [it.grade_id for it in items if flag in it.flags]
        return f"{len(names)}개" + (f"({', '.join(names)})" if names else "")

    alt = (f"{aid} 문항 분석 가로 막대그래프: 테스트 {len(items)}개, 정상 채점된 제출물 {graded}개. "
           f"아무도 통과하지 못한 테스트 {ids(item_analysis.NOBODY_PASSES)}, "
           f"모두 통과한 테스트 {ids(item_analysis.EVERYBODY_PASSES)}, "
           f"변별도가 음수인 테스트 {ids(item_analysis.NEGATIVE)}입니다.")
    out.append(_figure(
        cache.svg("items", [asdict(it) for it in items], lambda: charts.item_chart(items)), alt,
        "테스트마다 통과율(왼쪽)과 변별도(오른쪽: 그 테스트의 통과 여부와 나머지 점수의 상관, −1–1)입니다. "
        "변별도가 음수이면 점수가 높은 학생이 그 테스트에서 더 많이 실패한다는 뜻이라 테스트가 잘못되었을 수 있습니다. "
        "빗금 친 빨간 막대는 살펴볼 테스트이고, 회색 ×는 모두 통과했거나 모두 실패해 변별도를 셀 수 없는 테스트입니다."))
    rows = ""
    for it in items:
        d = "-" if it.discrimination is None else f"{it.discrimination:+.2f}"
        cls = ' class="flag"' if it.flags else ""
        rows += (f"<tr{cls}><td><code>{e(it.grade_id)}</code></td><td><code>{e(it.function)}</code></td>"
                 f"<td>{'숨은' if it.hidden else '공개'}</td><td>{it.p * 100:.0f}%</td><td>{d}</td>"
                 f"<td>{e(' / '.join(it.flags))}</td></tr>")
    out.append(f"<p>살펴볼 테스트 {len(flagged)}개(테스트 {len(items)}개 가운데).</p>"
               "<table><tr><th>테스트</th><th>함수</th><th>종류</th><th>통과율</th><th>변별도</th><th>표시</th></tr>"
               + rows + "</table>")
    return "".join(out)


def write_overview(reports: list[Report], path: Path, figures: Path | None = None) -> None:
    """강사용 개요 쪽: 맨 위에 늦은 제출·서술형 답 채점 대기 요약, 과제마다 상태 집계와 그림(총점 분포, 함수별 통과율,
    문항 분석)과 표, 끝에 학생별 점수와 피드백 링크. 자바스크립트 없는 파일 하나입니다.

    ``figures``: 그린 그림을 남겨 두고 다음에 같은 자료면 다시 쓰는 폴더(:class:`charts.FigureCache`). 없으면 늘 그립니다."""
    from .charts import FigureCache

    e = html.escape
    cache = FigureCache(figures)
    # 같은 결과면 같은 쪽(과 같은 그림 열쇠): 이어 채점하기는 지난 결과를 먼저, 새 결과를 나중에 주므로 순서를 정해
    # 둡니다. 그러지 않으면 변별도 같은 실수 합의 끝자리가 달라져 그림을 다시 그립니다.
    reports = sorted(reports, key=lambda r: (r.assignment_id, r.student_id))
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
            + _assignment_figures(reports, aid, cache)
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
{_summary_block(grade_rows(reports))}
{''.join(parts)}
<h2>학생별 점수</h2><table><tr><th>학생</th>{head}</tr>{body}</table>""",
                                   width="70rem", css=_OVERVIEW_CSS), encoding="utf-8")
    cache.prune()


#: 개요 쪽의 칸 색(0점 상태, 늦은 제출, 서술형 답 채점 대기, 눈여겨볼 테스트)과 그림
_OVERVIEW_CSS = (".bad{background:#fde8e6}.late{background:#fff6d6}.pending{background:#e8f0fb}.flag{background:#fde8e6}"
                 "figure{margin:1rem 0}figure img{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}")
