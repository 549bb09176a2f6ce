"""제출물 하나의 채점 중 실행 앞뒤의 일: 실행하는 프로세스(``autograder.worker.runner``) 안에서 돕니다.

- :func:`prepare`: 제출본 읽기 → 셀 구조 되살리기(``notebooks.restore_structure``) → nbgrader의 정리
  (``nbgrader_steps.sanitize``, 성적부 대신 채점기가 보낸 사본) → 작업 폴더 복사.
- :func:`conclude`: 출력 다듬기 → 실행되지 않은 테스트 표시 → nbgrader의 점수 셈
  (``nbgrader_steps.score_notebook``) → 피드백에 쓸 테스트별 메시지, 제출한 코드.

둘 다 노트북 하나의 일이라, 채점기 프로세스가 아니라 노트북을 실행하는 프로세스(이 컴퓨터의 실행 프로세스나
Dask 작업자)에서 합니다. 그래서 채점기 한곳이 노트북마다 쓰는 시간은 성적부 기록과 파일 쓰기뿐이고, 작업자를
늘리면 그만큼 빨라집니다. 채점기에 돌려주는 것은 기본 자료형(JSON)과 채점된 노트북의 텍스트입니다.

``context`` (과제 노트북마다 채점기가 한 번 만듦, :func:`grade.Grader._context`):
``reference`` (학생본 노트북 JSON), ``snapshot`` (``gradebook.Book.context``), ``authored`` (테스트 셀마다 출제자가
쓴 메시지 목록, ``messages.authored_messages``).
"""
from __future__ import annotations

import copy
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output

from .. import messages, notebooks, workdir
from ..limits import Limits
from ..status import Status

#: 셀 하나의 텍스트 출력 상한(글자). nbgrader의 LimitOutput은 줄 수만 세므로, 아주 긴 줄은 여기서 자릅니다.
MAX_OUTPUT_CHARS = 100_000


def prepare(task: dict, context: dict, work: Path, limits: Limits) -> NotebookNode:
    """채점할 노트북을 만들고 작업 폴더 ``work`` 를 채웁니다. 채점기가 바로잡은 것의 메모는 ``task["notes"]`` 에
    더합니다. 채점할 수 없는 제출물이면 ``notebooks.SubmissionError`` (그때까지의 메모는 남습니다)."""
    from . import nbgrader_steps  # nbgrader의 전처리기(nbconvert까지): 채점기 프로세스는 불러오지 않게 여기서

    path = Path(task["submission"])
    nb = notebooks.read_notebook(path)
    try:
        nb, notes = notebooks.restore_structure(nb, nbformat.reads(context["reference"], as_version=4))
        task["notes"] = [*task.get("notes", []), *notes]
        nb = nbgrader_steps.sanitize(nb, context["snapshot"], task["assignment_id"], task["notebook"], task["student_id"])
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        # nbformat의 검증을 통과했어도 셀 메타데이터의 모양이 어긋나면(예: nbgrader가 dict가 아님) 여기서 걸립니다.
        raise notebooks.SubmissionError(Status.INVALID_NOTEBOOK,
                                        f"노트북의 셀 구조를 읽을 수 없습니다 ({type(exc).__name__}).") from None
    if task.get("too_large"):  # Dask: 채점기가 폴더가 너무 커서 노트북만 보냈습니다
        raise notebooks.SubmissionError(Status.TOO_LARGE, task["too_large"])
    workdir.copy(path.parent, work, limits.folder_mb)
    return nb


def conclude(nb: NotebookNode, status: Status, detail: str, task: dict, context: dict) -> tuple[dict, str]:
    """실행된(또는 실행되지 못한) 노트북을 채점기에 돌려줄 결과로: (결과 dict, 채점된 노트북의 텍스트)."""
    from . import nbgrader_steps

    kernel_seconds = notebooks.kernel_seconds(nb)
    _limit_output(nb)
    _mark_unexecuted(nb, status)
    nb, marks = nbgrader_steps.score_notebook(nb, task["assignment_id"], task["notebook"], task["student_id"])
    if status == Status.OK:
        broken = _student_cell_errors(nb)
        if broken:
            status = Status.CELL_ERRORS
            detail = f"학생 코드 셀 {len(broken)}개에서 오류가 났습니다: " + ", ".join(broken[:5])
    authored = {gid: frozenset(messages) for gid, messages in context["authored"].items()}

    def message(cell) -> str:
        # 0점인 상태(시간 초과, 커널 종료)에서 오류 없이 돈 테스트는 실패한 것이 아니라 상태 때문에 0점입니다.
        if not Status(status).scored and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return Status(status).text
        return messages.failure_message(cell, authored.get(notebooks.grade_id(cell), frozenset()))

    # 서술형 답은 테스트가 아니므로 빼고(점수는 marks에 있음), 답의 글은 code에 풀이 셀로 함께 갑니다.
    tests = [[notebooks.grade_id(c), message(c)] for c in nb.cells
             if notebooks.grade_id(c) and notebooks.is_grade(c) and not notebooks.is_written(c)]
    result = {"status": str(status), "detail": detail, "notes": task.get("notes", []), "marks": marks, "tests": tests,
              "code": {notebooks.grade_id(c): c.source for c in nb.cells if notebooks.is_solution(c)},
              "kernel_seconds": kernel_seconds}
    text = nbformat.writes(nb)
    return result, text if text.endswith("\n") else text + "\n"  # nbformat.write와 같은 바이트


def unexecuted(status: Status, detail: str, task: dict) -> dict:
    """노트북을 채점할 수 없었던 결과(읽을 수 없음, 너무 큼 등): 점수 셀의 값 없이 상태와 이유만."""
    return {"status": str(status), "detail": detail, "notes": task.get("notes", []), "marks": None, "tests": None,
            "code": {}, "kernel_seconds": 0.0, "graded": None}


def grade(task: dict, context: dict, work: Path, limits: Limits, run, out: Path) -> dict:
    """실행 프로세스에서 제출물 하나를 채점합니다. ``run(nb, phases)`` 가 노트북을 실행해 ``runner.Outcome`` 을 돌려줍니다.

    실행하기 전에, 실행이 끝나지 못했을 때(노트북 시간 초과로 프로세스가 죽음 등) 채점기가 쓸 결과를
    ``out/fallback.json`` 에 먼저 써 둡니다. 돌려준 결과는 runner가 ``out/result.json`` 에 씁니다. 둘 다 같은 모양이고
    채점된 노트북의 텍스트(``graded``)를 담습니다."""
    start = time.monotonic()
    try:
        nb = prepare(task, context, work, limits)
    except notebooks.SubmissionError as exc:
        result = unexecuted(exc.status, exc.detail, task)
        result["prepare_seconds"] = time.monotonic() - start
        return result
    fallback, text = conclude(copy.deepcopy(nb), Status.GRADER_ERROR, "", task, context)  # conclude는 노트북을 바꿉니다
    fallback.update(prepare_seconds=time.monotonic() - start, graded=text)
    workdir.write_json(out / "fallback.json", fallback)
    phases = context.get("phases")
    if phases and task.get("zygotes"):  # 이 배치의 커널 씨앗(단계마다 하나, 없으면 None): sandbox.Zygote
        phases = [{**phase, "zygote": path} for phase, path in zip(phases, task["zygotes"], strict=False)]
    outcome = run(nb, phases)
    task["notes"] = [*task.get("notes", []), *outcome.notes]
    result, text = conclude(outcome.nb, outcome.status, outcome.detail, task, context)
    result.update(isolation=outcome.isolation, kernel_log=outcome.kernel_log, prepare_seconds=fallback["prepare_seconds"],
                  graded=text, kernel_start=outcome.kernel_start)
    return result


def _limit_output(nb: NotebookNode) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text")
            if isinstance(text, str) and len(text) > MAX_OUTPUT_CHARS:
                out["text"] = text[:MAX_OUTPUT_CHARS] + f"\n... (출력이 너무 길어 {len(text):,}자 가운데 앞부분만 남겼습니다)\n"
            data = out.get("data", {})
            plain = data.get("text/plain")
            if isinstance(plain, str) and len(plain) > MAX_OUTPUT_CHARS:
                data["text/plain"] = plain[:MAX_OUTPUT_CHARS] + "\n... (잘림)"


#: 실행되지 않은 테스트 셀에 적는 오류 이름: 노트북이 멈춘 까닭마다 하나 (messages.failure_message가 풀어 씁니다)
_UNEXECUTED = {Status.TIMEOUT: "CellTimeoutError", Status.KERNEL_DIED: "KernelDied"}


def _mark_unexecuted(nb: NotebookNode, status: Status) -> None:
    """실행되지 않은 테스트 셀은 nbgrader가 만점으로 보므로, 실패로 표시해 둡니다. 이름은 멈춘 까닭을 따릅니다."""
    ename = _UNEXECUTED.get(Status(status), "NotExecuted")
    for cell in nb.cells:
        if cell.cell_type == "code" and notebooks.is_grade(cell) and cell.get("execution_count") is None:
            cell.outputs = [new_output("error", ename=ename, evalue="실행되지 않음", traceback=[])]


def _student_cell_errors(nb: NotebookNode) -> list[str]:
    names = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or notebooks.is_grade(cell):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                names.append(f"{notebooks.grade_id(cell) or f'셀 {i + 1}'}({out.get('ename')})")
                break
    return names
