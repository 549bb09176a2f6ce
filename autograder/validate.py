"""학생의 자가 점검: 공개 테스트를 돌려 함수마다 통과 여부를 한국어로 알려 줍니다."""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import course, messages, notebooks, workdir
from .limits import Limits
from .status import Status
from .worker import execute


def find_assignment(nb: nbformat.NotebookNode, path: Path) -> tuple[str, str]:
    """노트북이 어느 과제의 것인지 찾습니다: 파일 이름, 안 되면 채점 셀 이름으로."""
    for aid in course.assignments():
        if path.stem in course.notebook_names(aid):
            return aid, path.stem
    ids = {notebooks.grade_id(c) for c in nb.cells if notebooks.grade_id(c)}
    best, overlap = None, 0
    for aid in course.assignments():
        for name in course.notebook_names(aid):
            ref = notebooks.release_notebook(aid, name)
            n = len(ids & {notebooks.grade_id(c) for c in ref.cells})
            if n > overlap:
                best, overlap = (aid, name), n
    if best is None:
        names = ", ".join(a + ".ipynb" for a in course.assignments())
        raise course.UsageError(f"'{path.name}'이(가) 어느 과제의 노트북인지 알 수 없습니다. "
                                f"과제 노트북의 이름은 {names} 가운데 하나입니다.")
    return best


@dataclass
class Check:
    """공개 테스트 하나(함수 하나)의 결과: 실패면 학생에게 보일 한국어 메시지, 그 테스트 셀의 원본 코드."""

    function: str
    passed: bool
    message: str
    source: str

    def line(self) -> str:
        return f"  ✔ {self.function}: 공개 테스트 통과" if self.passed else f"  ✘ {self.function}: {self.message}"


@dataclass
class SelfCheck:
    """자가 점검 한 번의 결과. 명령줄(:func:`validate`)과 JupyterLab의 Validate 단추(``server_extension``)가 함께 씁니다."""

    assignment_id: str
    notes: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    error: str = ""   #: 실행을 끝내지 못했으면 그 이유(「오류: ...」로 보입니다)
    #: 서술형 답마다 한 줄(강사가 채점하므로 통과 여부와 종료 상태에 들어가지 않습니다)
    written: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.error

    def header(self) -> list[str]:
        return [f"과제 {self.assignment_id}의 공개 테스트를 실행합니다 ...", *(f"  참고: {n}" for n in self.notes)]

    def verdict(self) -> str:
        if self.ok:
            return "공개 테스트를 모두 통과했습니다. 숨은 테스트는 채점할 때 돌아갑니다. 제출해도 좋습니다!"
        return f"공개 테스트 {len(self.failed)}개가 통과하지 못했습니다. 위 메시지를 보고 고친 뒤 다시 점검하세요."

    def text(self) -> str:
        """명령줄이 출력하는 것과 같은 글 전체(오류 줄 포함)."""
        error = [f"오류: {self.error}"] if self.error else []
        verdict = [self.verdict()] if self.checks or not self.error else []
        return "\n".join([*self.header(), *error, *(c.line() for c in self.checks), *self.written, *verdict])


def self_check(path: Path, limits: Limits | None = None, on_start=None) -> SelfCheck:
    """노트북의 공개 테스트를 임시 폴더에서 돌립니다. 실행하기 전에 ``on_start(결과)`` 를 부릅니다(머리말을 먼저 보이려고).

    노트북을 찾거나 읽을 수 없으면 :class:`course.UsageError` (한국어 이유)."""
    path = Path(path)
    if not path.is_file():
        raise course.UsageError(f"파일이 없습니다: {path}")
    try:
        nb = notebooks.read_notebook(path)
    except notebooks.SubmissionError as exc:
        raise course.UsageError(f"{path.name}: {exc.detail}") from None
    aid, name = find_assignment(nb, path)
    reference = notebooks.release_notebook(aid, name)
    nb, notes = notebooks.restore_structure(nb, reference)
    out = SelfCheck(aid, list(notes))
    limits = limits or Limits()
    data = course.data_files(aid)
    missing = [f for f in data if not (path.parent / f).exists()]
    if missing:
        out.notes.append(f"과제의 데이터 파일 {', '.join(missing)}이(가) 노트북 옆에 없습니다. 과제 폴더째 내려받으세요.")
    if on_start:
        on_start(out)
    with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
        work = Path(tmp) / "work"
        try:
            workdir.copy(path.parent, work, limits.folder_mb, only=data)
        except notebooks.SubmissionError as exc:
            out.error = exc.detail
            return out
        # 과제의 준비 셀과 공개 테스트가 부르는 모듈(torch 등)은 커널이 뜨면서 바로 불러 둡니다(출제자의 셀에서 읽음).
        result = execute.run(nb, work, limits, fork_server=False, kernel_imports=tuple(notebooks.test_imports(reference)))
    if result.status != Status.OK:
        out.error = f"실행을 끝내지 못했습니다: {result.detail}"
    authored = messages.authored_by_test(reference)
    sources = {notebooks.grade_id(c): c.source for c in reference.cells if notebooks.grade_id(c)}
    for cell in result.nb.cells:
        gid = notebooks.grade_id(cell)
        if not gid or not notebooks.is_grade(cell) or notebooks.is_hidden_test(gid):
            continue
        if notebooks.is_written(cell):
            # 서술형 답은 자동으로 채점하지 않으므로 종료 상태에 넣지 않고, 빈 답인지만 알려 줍니다.
            points = f"{notebooks.nbgrader_meta(cell).get('points', 0):g}점"
            if cell.source.strip() == sources.get(gid, "").strip():
                out.written.append(f"  ✎ {gid}: 아직 답을 쓰지 않았습니다. 서술형 답은 강사가 채점합니다 "
                                   f"({points}, 빈 답은 0점).")
            else:
                out.written.append(f"  ✎ {gid}: 서술형 답은 강사가 채점합니다 ({points}).")
            continue
        bad = cell.get("execution_count") is None or any(
            o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
            for o in cell.get("outputs", [])
        )
        message = messages.failure_message(cell, authored.get(gid, frozenset())) if bad else ""
        out.checks.append(Check(notebooks.function_of(gid), not bad, message, sources.get(gid, cell.source)))
    return out


def validate(path: Path, limits: Limits | None = None) -> int:
    """공개 테스트가 모두 통과하면 0, 아니면 1을 돌려줍니다(종료 상태)."""
    def start(check: SelfCheck) -> None:
        for line in check.header():
            print(line)

    result = self_check(path, limits, on_start=start)
    if result.error:
        print(f"오류: {result.error}", file=sys.stderr)
    for check in result.checks:
        print(check.line())
    for line in result.written:
        print(line)
    if result.checks or not result.error:  # 폴더를 복사하지 못했으면 테스트를 돌리지 않았으므로 판정도 없습니다
        print(result.verdict())
    return 0 if result.ok else 1
