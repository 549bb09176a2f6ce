"""학생에게 돌려줄 피드백: 함수별 결과와 메시지 (leak-free feedback).

숨은 테스트의 코드, 출력, 트레이스백은 피드백에 들어가지 않습니다. 테스트가 실패했을 때 보여 주는 메시지는
**그 테스트 셀의 원본 코드에 문자열 상수로 적혀 있는 것**(출제자가 쓴 한국어 메시지)일 때만 그대로 보여 주고,
그 밖의 경우(학생 코드가 던진 예외 등)는 예외 종류에 따른 일반 안내로 바꿉니다. 그래서 학생 코드가 숨은 값을
예외 메시지나 출력에 실어 내보내려 해도 피드백에는 나타나지 않습니다.

서술형 답(강사가 채점)은 학생이 쓴 답과 성적부의 점수·의견만 보여 줍니다. 아직 채점하지 않았으면 '채점 대기'입니다.
채점 기준과 모범 답안은 원본(solutions/)의 풀이 영역에만 있고 채점 자료 어디에도 실리지 않으므로 피드백에 들어갈 길이 없습니다.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from ..status import Status
from . import html_page


@dataclass
class TestResult:
    grade_id: str
    function: str
    hidden: bool
    score: float
    max_score: float
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass
class WrittenAnswer:
    """서술형 답 하나(강사가 채점, ``notebooks.is_written``): 학생의 답과 성적부의 점수·의견.

    ``pending`` 이면 아직 아무도 채점하지 않은 것이고, 그동안 ``score`` 는 0이지만 0점이 아니라 '채점 대기'입니다.
    채점 기준과 모범 답안은 원본(solutions/)에만 있고 여기에는 들어오지 않습니다."""

    grade_id: str
    score: float
    max_score: float
    pending: bool
    #: 강사가 매긴 점수가 있는지 (없고 대기도 아니면 빈 답이거나 0점 상태라서 0점)
    graded: bool = False
    comment: str = ""
    answer: str = ""


@dataclass
class Report:
    student_id: str
    assignment_id: str
    score: float
    max_score: float
    status: Status
    detail: str = ""
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    code: dict[str, str] = field(default_factory=dict)
    isolation: str = ""
    #: 늦은 제출 (deadlines.py): 감점 전 점수, 늦은 시간(마감이 없으면 None), 감점, 학생에게 보일 문장
    raw_score: float | None = None
    late_hours: float | None = None
    penalty: float = 0.0
    late_text: str = ""
    #: 서술형 답 (점수는 score/max_score에 이미 들어 있음; 채점 대기는 0으로)
    written: list[WrittenAnswer] = field(default_factory=list)

    @property
    def pending(self) -> float:
        """아직 채점하지 않은 서술형 답의 배점 합. 0이 아니면 ``score`` 는 확정된 점수가 아닙니다."""
        return sum(w.max_score for w in self.written if w.pending)

    @property
    def scored(self) -> bool:
        """테스트 결과대로 채점되었는지 (아니면 상태 때문에 0점)."""
        return Status(self.status).scored

    def functions(self) -> list[str]:
        seen: list[str] = []
        for t in self.tests:
            if t.function not in seen:
                seen.append(t.function)
        return seen


_CSS = ("h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{width:100%}"
        ".pass{color:#157a2c;font-weight:bold}.fail{color:#b3261e;font-weight:bold}"
        ".score{font-size:1.3rem;font-weight:bold}")


def render_html(report: Report) -> str:
    """피드백 HTML 한 쪽 (외부 자원 없음)."""
    e = html.escape
    rows = []
    for fn in report.functions():
        tests = [t for t in report.tests if t.function == fn]
        got = sum(t.score for t in tests)
        total = sum(t.max_score for t in tests)
        cells = []
        for hidden in (False, True):  # 공개 테스트, 숨은 테스트 칸
            mine = [t for t in tests if t.hidden == hidden]
            if not mine:
                cells.append("<td>-</td>")
            elif all(t.passed for t in mine):
                cells.append('<td class="pass">통과</td>')
            else:
                cells.append('<td class="fail">실패</td>')
        msgs = "<br>".join(
            f"{'숨은' if t.hidden else '공개'} 테스트: {e(t.message)}" for t in tests if t.message
        )
        rows.append(
            f"<tr><td><code>{e(fn)}</code></td>{''.join(cells)}<td>{got:g} / {total:g}</td><td>{msgs}</td></tr>"
        )
    notes = "".join(f"<li>{e(n)}</li>" for n in report.notes)
    code = "".join(
        f"<h3><code>{e(fn)}</code></h3><pre><code>{e(src)}</code></pre>" for fn, src in report.code.items()
    )
    written = "".join(_written_html(w, report) for w in report.written)
    detail = f'<p class="note">{e(report.detail)}</p>' if report.detail else ""
    if report.late_text:
        detail += f'<h2>제출 시각</h2><p class="note late">{e(report.late_text)}</p>'
    title = f"채점 결과 {report.assignment_id} - {report.student_id}"
    return html_page.page(title, f"""<h1>채점 결과: {e(report.assignment_id)}</h1>
<p>학생: <b>{e(report.student_id)}</b> · 상태: {e(Status(report.status).text)}</p>
<p class="score">{report.score:g} / {report.max_score:g}점</p>
{_pending_html(report)}
{detail}
<h2>함수별 결과</h2>
<table><tr><th>함수</th><th>공개 테스트</th><th>숨은 테스트</th><th>점수</th><th>메시지</th></tr>
{''.join(rows)}</table>
<p>숨은 테스트는 무작위 입력으로 함수의 성질을 확인합니다. 메시지가 가리키는 성질을 다시 살펴보세요.
숨은 테스트의 코드와 값은 공개하지 않습니다.</p>
{f'<h2>서술형 답</h2>{written}' if written else ''}
{f'<h2>채점기가 바로잡은 것</h2><ul>{notes}</ul>' if notes else ''}
{f'<h2>제출한 코드</h2>{code}' if code else ''}""", css=_CSS)


def _pending_html(report: Report) -> str:
    if not report.pending:
        return ""
    return (f'<p class="note pending">서술형 답 {report.pending:g}점은 아직 채점하지 않았습니다(채점 대기). '
            "위 점수에는 0으로 들어 있고, 강사가 채점하면 바뀝니다.</p>")


def _written_html(w: WrittenAnswer, report: Report) -> str:
    """서술형 답 하나: 점수(또는 채점 대기), 강사의 의견, 학생이 쓴 답. 채점 기준은 싣지 않습니다."""
    e = html.escape
    if w.pending:
        verdict = f"채점 대기 ({w.max_score:g}점): 강사가 채점하면 점수와 의견이 여기에 적힙니다."
    elif w.graded:
        verdict = f"{w.score:g} / {w.max_score:g}점 (강사가 채점)"
    elif Status(report.status).scored:
        verdict = f"0 / {w.max_score:g}점: 답을 쓰지 않았습니다."
    else:
        verdict = f"0 / {w.max_score:g}점: {Status(report.status).text}"
    comment = f'<p>강사의 의견: {e(w.comment)}</p>' if w.comment else ""
    answer = f"<pre>{e(w.answer)}</pre>" if w.answer else ""
    return f"<h3><code>{e(w.grade_id)}</code></h3><p><b>{e(verdict)}</b></p>{comment}{answer}"


def write_html(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
