"""학생에게 보이는 실패 메시지의 규칙 (shared: the worker computes them, validate prints them, feedback shows them).

숨은 테스트의 코드, 출력, 트레이스백은 학생에게 가지 않습니다. 테스트가 실패했을 때 보여 주는 메시지는 **그 테스트
셀의 원본 코드에 문자열 상수로 적혀 있는 것**(출제자가 쓴 한국어 메시지)일 때만 그대로 보여 주고, 그 밖의 경우
(학생 코드가 던진 예외 등)는 예외 종류에 따른 일반 안내로 바꿉니다. 그래서 학생 코드가 숨은 값을 예외 메시지나
출력에 실어 내보내려 해도 피드백에는 나타나지 않습니다.
"""
from __future__ import annotations

import ast
import functools
import re

from nbformat import NotebookNode

from . import notebooks

_EXCEPTION_HINTS = {
    "NotImplementedError": "아직 구현하지 않았습니다 (NotImplementedError).",
    "NameError": "함수나 변수가 정의되지 않았습니다 (NameError). 풀이 셀의 이름과 실행 순서를 확인하세요.",
    "SyntaxError": "문법 오류가 있습니다 (SyntaxError).",
    "CellTimeoutError": "시간 안에 끝나지 않았습니다.",
    "KernelDied": "앞에서 커널이 죽어 실행되지 못했습니다 (프로세스 종료, 메모리·CPU 한도 초과 등).",
    "NotExecuted": "노트북 실행이 중간에 멈춰 실행되지 못했습니다.",
    "ForbiddenLibraryError": "이 과제에서 쓸 수 없는 라이브러리의 구현을 불렀습니다. numpy로 직접 만드세요.",
}


@functools.lru_cache(maxsize=256)
def authored_messages(source: str) -> frozenset[str]:
    """테스트 셀 코드에 문자열 상수로 적힌 메시지들 (f-string은 값이 섞일 수 있어 빼냅니다).

    원본 테스트 셀은 과제마다 같으므로, 한 번 파싱한 결과를 제출물마다 다시 씁니다.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    formatted = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    return frozenset({
        node.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in formatted
    })


#: 라이브러리 규칙의 껍데기(autograder.kernel.forbidden)가 내는 메시지. 부른 것의 이름만 들어갈 수 있는 모양일 때만
#: 그대로 보여 줍니다(학생 코드가 같은 이름의 예외에 숨은 입력을 실어 내보내지 못하게).
_FORBIDDEN = re.compile(r"이 과제에서는 (scikit-learn|PyTorch|SciPy)의 구현을 쓸 수 없습니다: "
                        r"[A-Za-z0-9_.]{1,80}\(\)를 불렀습니다\. numpy로 직접 만드세요\.")


def failure_message(cell: NotebookNode, authored: frozenset[str]) -> str:
    """실패한 테스트 셀에서 학생에게 보여 줄 한 줄."""
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "실행되지 않았습니다 (앞에서 시간 초과나 커널 종료)."
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", ""), str(out.get("evalue", "")).strip()
            if ename == "AssertionError" and evalue and evalue in authored:
                return evalue
            if ename == "ForbiddenLibraryError" and _FORBIDDEN.fullmatch(evalue):
                return evalue
            if ename in _EXCEPTION_HINTS:
                return _EXCEPTION_HINTS[ename]
            if ename == "AssertionError":
                return "테스트의 조건을 만족하지 않았습니다."
            return f"함수를 실행하다가 {ename} 오류가 났습니다. 인자의 모양과 타입, 반환값을 확인하세요."
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "경고나 오류 메시지(stderr)가 출력되었습니다. 경고 없이 계산되어야 합니다."
    return "테스트를 통과하지 못했습니다."


def authored_by_test(nb: NotebookNode) -> dict[str, frozenset[str]]:
    """노트북의 테스트 셀마다(grade_id → :func:`authored_messages`) 출제자가 적은 메시지."""
    return {notebooks.grade_id(c): authored_messages(c.source) for c in nb.cells
            if notebooks.is_grade(c) and not notebooks.is_written(c)}  # 서술형 답은 테스트가 아닙니다
