"""이 과정의 테스트.

채점기의 프로세스처럼(:mod:`autograder.startup`) jsonschema를 형식 검사용 선택 모듈 없이 불러옵니다. 그러지 않으면
nbformat을 부르는 pytest 프로세스(주 프로세스와 작업자 둘)마다 ``rfc3987_syntax`` 가 Lark 문법을 만드느라 1초 넘게
씁니다. 노트북 스키마에는 그 형식 검사가 쓰이지 않습니다(tests/test_startup.py).
"""
from autograder.startup import skip_slow_optional_imports

skip_slow_optional_imports()
