"""명령과 작업 프로세스가 처음에 한 번 부르는 것 (process start-up).

jsonschema는 불러올 때 선택 모듈 ``rfc3987_syntax`` 가 있으면 그것을 불러오고, 그 모듈은 불러올 때 Lark 문법을
컴파일합니다(2코어 컴퓨터에서 1.2초). nbformat이 노트북을 검사할 때 jsonschema를 쓰므로, ``import nbformat`` 하나가
학생의 자가 점검과 채점 프로세스마다 1초 넘게 듭니다. 그 모듈이 하는 일은 JSON 스키마의 ``iri``/``iri-reference``
형식 검사뿐이고, nbformat의 노트북 스키마에는 그 형식이 없습니다(tests/test_startup.py가 설치된 스키마로 확인합니다).

그래서 이 과정의 프로세스(``python -m autograder``, 실행 프로세스, 포크 서버)만 시작할 때 그 모듈을 "없음"으로
둡니다. jsonschema를 이미 불러온 프로세스(예: Jupyter 서버)에서는 아무 일도 하지 않습니다.
"""
from __future__ import annotations

import sys

#: 불러오지 않을 선택 모듈: jsonschema가 ``ImportError`` 를 받고 그 형식 검사만 건너뜁니다
SKIPPED_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """:data:`SKIPPED_OPTIONAL_MODULES` 를 ``sys.modules`` 에 None으로 둡니다(이미 불러왔으면 그대로)."""
    if "jsonschema" in sys.modules:
        return
    for name in SKIPPED_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)
