"""노트북 읽기와 셀 구조 다루기 (notebook loading and cell bookkeeping).

채점 셀 이름 규칙(CONTRIBUTING.md): 풀이 셀의 grade_id는 함수 이름, 공개 테스트는 ``test_<함수>``,
숨은 테스트는 ``hidden_<함수>``, 서술형 답(강사가 채점하는 마크다운 셀)은 ``written_<주제>``.
"""
from __future__ import annotations

import contextlib
import copy
import json
import re
from datetime import datetime
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import course
from .status import Status


class SubmissionError(Exception):
    """제출물을 채점할 수 없는 이유. ``status``는 grades.csv에 적히는 값입니다."""

    def __init__(self, status: Status, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def read_notebook(path: Path) -> NotebookNode:
    """제출된 노트북을 읽습니다. JSON이나 nbformat이 깨졌으면 SubmissionError."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(Status.INVALID_NOTEBOOK, "노트북 파일이 UTF-8 텍스트가 아닙니다.") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SubmissionError(
            Status.INVALID_NOTEBOOK, f"노트북 파일이 올바른 JSON이 아닙니다 ({exc.lineno}번째 줄 근처)."
        ) from None
    except RecursionError:
        raise SubmissionError(Status.INVALID_NOTEBOOK, "노트북 파일의 JSON이 너무 깊게 중첩되어 있습니다.") from None
    if not isinstance(data, dict) or "cells" not in data:
        raise SubmissionError(Status.INVALID_NOTEBOOK, "노트북 형식이 아닙니다 (cells가 없습니다).")
    try:
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
    except (Exception, RecursionError) as exc:  # nbformat은 여러 종류의 검증 오류를 냅니다
        raise SubmissionError(Status.INVALID_NOTEBOOK, f"노트북 형식이 올바르지 않습니다: {type(exc).__name__}") from None
    return nb


def nbgrader_meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def is_solution(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_grade(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def is_written(cell: NotebookNode) -> bool:
    """서술형 답 셀: nbgrader의 '수동 채점 답'(manually graded answer), 곧 점수가 있는 마크다운 풀이 셀.

    자동 채점하지 않습니다. nbgrader는 답을 고친 셀의 자동 점수를 비워 두고(강사가 formgrader에서 매길 때까지
    '채점 대기'), 학생본 그대로인 빈 답에는 0점을 줍니다(``nbgrader.utils.determine_grade``)."""
    return cell.get("cell_type") == "markdown" and is_grade(cell) and is_solution(cell)


def is_hidden_test(gid: str) -> bool:
    return gid.startswith("hidden_")


def function_of(gid: str) -> str:
    """``test_sigmoid``/``hidden_sigmoid``/``sigmoid`` → ``sigmoid``."""
    return re.sub(r"^(test_|hidden_)", "", gid)


def release_notebook(assignment_id: str, notebook: str | None = None) -> NotebookNode:
    notebook = notebook or course.notebook_names(assignment_id)[0]
    return nbformat.read(course.EXERCISES / assignment_id / f"{notebook}.ipynb", as_version=4)


def source_notebook(assignment_id: str, notebook: str | None = None) -> NotebookNode:
    notebook = notebook or course.notebook_names(assignment_id)[0]
    return nbformat.read(course.SOLUTIONS / assignment_id / f"{notebook}.ipynb", as_version=4)


def test_imports(nb: NotebookNode, kernel: bool = False) -> list[str]:
    """테스트 셀과 출제자의 준비 셀(잠긴 코드 셀)이 import하는 모듈 이름들(``from a.b import c`` 는 ``a.b``).

    채점할 때 이 셀들은 믿을 수 있는 작업자에서 돌므로, 포크 서버가 이 모듈들을 한 번 불러 두면 제출물마다
    torch·scikit-learn을 다시 불러오는 몇 초가 사라집니다(:mod:`autograder.worker.forkserver`). ``kernel`` 이면
    학생 커널에서도 도는 잠긴 셀(테스트 셀 빼고)의 것만: 커널 씨앗(``sandbox.Zygote``)이 불러 둘 모듈입니다."""
    import ast

    names: dict[str, None] = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not (meta.get("grade") or meta.get("locked")) or meta.get("solution"):
            continue
        if kernel and meta.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
    return list(names)


_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def solution_code(cell: NotebookNode) -> str:
    """원본 풀이 셀에서 nbgrader 표시 줄을 뺀 코드."""
    return _SOLUTION_MARKERS.sub("", cell.source)


def restore_structure(submitted: NotebookNode, reference: NotebookNode) -> tuple[NotebookNode, list[str]]:
    """제출본의 셀 구조를 기준 노트북(학생본)에 맞춰 다시 짭니다.

    - 풀이 셀은 학생의 것을 grade_id로 찾아 씁니다. 지워졌으면 기준본의 빈 풀이(stub)를 넣습니다.
    - 나머지 nbgrader 셀(설명, 준비 코드, 테스트)은 기준본의 것을 씁니다. 지우거나 고친 테스트가 돌아옵니다.
    - 학생이 더한 보통 셀은 원래 따라오던 nbgrader 셀 바로 뒤에 그대로 둡니다(nbgrader 표시는 지웁니다).

    돌려주는 두 번째 값은 무엇을 바로잡았는지 적은 한국어 메모입니다.
    """
    notes: list[str] = []
    known = {grade_id(c) for c in reference.cells if grade_id(c)}
    by_id: dict[str, NotebookNode] = {}
    extras: dict[str | None, list[NotebookNode]] = {}
    anchor: str | None = None
    for cell in submitted.cells:
        gid = grade_id(cell)
        if gid in known and gid not in by_id:
            by_id[gid] = cell
            anchor = gid
        else:
            extra = copy.deepcopy(cell)
            extra.get("metadata", {}).pop("nbgrader", None)
            extras.setdefault(anchor, []).append(extra)

    cells = list(extras.get(None, []))
    for ref in reference.cells:
        gid = grade_id(ref)
        mine = by_id.get(gid) if gid else None
        if gid and is_solution(ref):
            if mine is None:
                notes.append(f"풀이 셀 '{gid}'이(가) 없어 빈 풀이로 채점합니다.")
                cells.append(copy.deepcopy(ref))
            else:
                cell = copy.deepcopy(mine)
                if cell.cell_type != ref.cell_type:
                    notes.append(f"풀이 셀 '{gid}'의 종류가 바뀌어 있어 되돌렸습니다.")
                    cell = nbformat.from_dict({**copy.deepcopy(ref), "source": cell.source})
                cells.append(cell)
        else:
            if gid and mine is None:
                notes.append(f"셀 '{gid}'이(가) 지워져 있어 원본으로 되살렸습니다.")
            elif gid and mine is not None and mine.source != ref.source and is_grade(ref):
                notes.append(f"테스트 셀 '{gid}'이(가) 바뀌어 있어 원본으로 되돌렸습니다.")
            cells.append(copy.deepcopy(ref))
        if gid:
            cells.extend(extras.get(gid, []))

    out = copy.deepcopy(reference)
    out.cells = cells
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return out, notes


def with_solutions(reference: NotebookNode, sources: dict[str, str]) -> NotebookNode:
    """기준 노트북의 풀이 셀(grade_id → 코드)을 바꾼 사본."""
    nb = copy.deepcopy(reference)
    missing = set(sources)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in sources and is_solution(cell):
            cell.source = sources[gid]
            missing.discard(gid)
    if missing:
        raise KeyError(f"풀이 셀이 없습니다: {sorted(missing)}")
    return nb


def solution_submission(assignment_id: str, notebook: str | None = None) -> NotebookNode:
    """학생본에 원본 풀이를 채운, '완벽한 학생'의 제출물."""
    source = source_notebook(assignment_id, notebook)
    answers = {grade_id(c): solution_code(c) for c in source.cells if is_solution(c)}
    return with_solutions(release_notebook(assignment_id, notebook), answers)


def write_notebook(nb: NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def kernel_seconds(nb: NotebookNode) -> float:
    """nbclient가 셀마다 적어 두는 시각(metadata.execution)으로 커널의 실행 시간을 더합니다."""
    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        busy, idle = timing.get("iopub.status.busy"), timing.get("iopub.status.idle")
        if busy and idle:
            with contextlib.suppress(ValueError):
                total += (datetime.fromisoformat(idle) - datetime.fromisoformat(busy)).total_seconds()
    return total
