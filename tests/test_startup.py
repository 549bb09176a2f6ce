"""프로세스 시작 준비(autograder.startup): 건너뛰는 선택 모듈이 노트북 검사에 쓰이지 않고, 검사는 그대로 일하는지."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, startup


@pytest.mark.unit
def test_the_notebook_schemas_use_no_format_the_skipped_modules_check():
    """건너뛰는 모듈이 하는 일은 형식 검사뿐입니다. nbformat의 스키마에 그 형식이 생기면(의존성이 바뀌면) 이 테스트가
    실패하므로, 그때 건너뛰기를 다시 생각해야 합니다."""
    import nbformat

    schemas = sorted(Path(nbformat.__file__).parent.glob("v*/nbformat.v*.schema.json"))
    assert schemas, "nbformat의 스키마 파일을 찾지 못했습니다"
    formats = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                formats.add(node["format"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in schemas:
        walk(json.loads(path.read_text(encoding="utf-8")))
    checked = {f for fmts in startup.SKIPPED_OPTIONAL_MODULES.values() for f in fmts}
    assert "iri" in checked and "duration" in checked
    assert not formats & checked, formats & checked


@pytest.mark.unit
def test_a_worker_process_checks_notebooks_without_the_skipped_module():
    """실행 프로세스처럼 autograder.worker를 먼저 불러온 새 파이썬에서: 느린 선택 모듈은 불러오지 않았고, nbformat의
    검사는 여전히 올바른 노트북을 받고 잘못된 노트북을 거절하며, 건너뛴 모듈도 나중에는 평소처럼 불러옵니다."""
    code = f"""
import sys
import autograder.worker
print("arrow" in sys.modules or "rfc3987_syntax" in sys.modules)
import nbformat
nb = nbformat.read({str(course.EXERCISES / 'ch01_modeling' / 'ch01_modeling.ipynb')!r}, as_version=4)
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "not-a-cell-type"
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("rejected")
import idna  # 건너뛴 모듈도 jsonschema를 불러온 뒤에는 평소처럼 불러올 수 있습니다
print(idna.encode("예시.kr").decode())
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=course.REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "rejected", "xn--vv4b11d.kr"], proc.stdout


@pytest.mark.unit
def test_grader_processes_use_nbgrader_without_loading_its_jupyter_server_extensions():
    """채점기 명령·포크 서버·실행 프로세스처럼 nbgrader의 ``__init__`` 을 건너뛴 새 파이썬에서: nbgrader의 성적부,
    전처리기, 변환기는 그대로 불러오고 ``nbgrader.__version__`` 은 설치된 판이며, jupyter_server는 불러오지 않습니다.
    ``autograder`` 를 import하기만 한 프로세스(Jupyter 서버 안의 확장)에서는 nbgrader가 평소처럼 서버 확장을 내놓습니다."""
    light = """
import sys
from importlib.metadata import version
from autograder import startup
startup.skip_slow_optional_imports()
startup.skip_nbgraders_server_extensions()
import nbgrader, nbgrader.api, nbgrader.preprocessors
from nbgrader.converters import GenerateAssignment
print(nbgrader.__version__ == version("nbgrader"), "jupyter_server" in sys.modules, hasattr(nbgrader.api, "Gradebook"))
"""
    proc = subprocess.run([sys.executable, "-c", light], capture_output=True, text=True, cwd=course.REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False", "True"], proc.stdout
    as_extension = """
import autograder, autograder.worker, autograder.server_extension
import nbgrader
print([p["module"] for p in nbgrader._jupyter_server_extension_points()])
"""
    proc = subprocess.run([sys.executable, "-c", as_extension], capture_output=True, text=True, cwd=course.REPO,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["['nbgrader']"], proc.stdout
