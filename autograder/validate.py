"""학생의 자가 점검: 공개 테스트를 돌려 함수마다 통과 여부를 한국어로 알려 줍니다."""
from __future__ import annotations

import sys
import tempfile
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


def validate(path: Path, limits: Limits | None = None) -> int:
    """공개 테스트가 모두 통과하면 0, 아니면 1을 돌려줍니다(종료 상태)."""
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
    print(f"과제 {aid}의 공개 테스트를 실행합니다 ...")
    for note in notes:
        print(f"  참고: {note}")
    limits = limits or Limits()
    data = course.data_files(aid)
    missing = [f for f in data if not (path.parent / f).exists()]
    if missing:
        print(f"  참고: 과제의 데이터 파일 {', '.join(missing)}이(가) 노트북 옆에 없습니다. 과제 폴더째 내려받으세요.")
    with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
        work = Path(tmp) / "work"
        try:
            workdir.copy(path.parent, work, limits.folder_mb, only=data)
        except notebooks.SubmissionError as exc:
            print(f"오류: {exc.detail}", file=sys.stderr)
            return 1
        result = execute.run(nb, work, limits)
    if result.status != Status.OK:
        print(f"오류: 실행을 끝내지 못했습니다: {result.detail}", file=sys.stderr)
    authored = messages.authored_by_test(reference)
    stubs = {notebooks.grade_id(c): c.source for c in reference.cells if notebooks.is_written(c)}
    failed = 0
    for cell in result.nb.cells:
        gid = notebooks.grade_id(cell)
        if not gid or not notebooks.is_grade(cell) or notebooks.is_hidden_test(gid):
            continue
        if notebooks.is_written(cell):
            # 서술형 답은 자동으로 채점하지 않으므로 종료 상태에 넣지 않고, 빈 답인지만 알려 줍니다.
            points = f"{notebooks.nbgrader_meta(cell).get('points', 0):g}점"
            if cell.source.strip() == stubs.get(gid, "").strip():
                print(f"  ✎ {gid}: 아직 답을 쓰지 않았습니다. 서술형 답은 강사가 채점합니다 ({points}, 빈 답은 0점).")
            else:
                print(f"  ✎ {gid}: 서술형 답은 강사가 채점합니다 ({points}).")
            continue
        bad = cell.get("execution_count") is None or any(
            o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
            for o in cell.get("outputs", [])
        )
        fn = notebooks.function_of(gid)
        if bad:
            failed += 1
            print(f"  ✘ {fn}: {messages.failure_message(cell, authored.get(gid, frozenset()))}")
        else:
            print(f"  ✔ {fn}: 공개 테스트 통과")
    if failed or result.status != Status.OK:
        print(f"공개 테스트 {failed}개가 통과하지 못했습니다. 위 메시지를 보고 고친 뒤 다시 점검하세요.")
        return 1
    print("공개 테스트를 모두 통과했습니다. 숨은 테스트는 채점할 때 돌아갑니다. 제출해도 좋습니다!")
    return 0
