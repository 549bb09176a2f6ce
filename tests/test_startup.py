"""프로세스 시작 준비(autograder.startup): 건너뛰는 선택 모듈이 노트북 검사에 쓰이지 않고, 검사는 그대로 일하는지."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


@pytest.mark.unit
def test_the_runners_nbgrader_api_has_every_name_nbgraders_preprocessors_import_and_no_gradebook(tmp_path):
    """실행 프로세스의 시작(``startup.runner_process``)을 거친 새 파이썬에서: ``nbgrader.api`` 에는 설치된 nbgrader의
    전처리기 모듈이 ``..api`` 에서 가져오는 이름이 모두 있습니다(nbgrader를 올려 이름이 늘면 여기서 실패합니다).
    정리와 점수 셈을 모두 불러와 풀이 노트북 하나를 실제로 정리하고 셈해도 SQLAlchemy와 nbconvert의 변환기(HTML 변환기,
    bs4)는 불러오지 않고, 정리가 없는 셀을 알리는 ``MissingEntry`` 는 전처리기와 같은 ``ValueError`` 이며, 성적부를
    열려고 하면 바로 오류가 납니다."""
    import ast
    import importlib.util

    folder = Path(importlib.util.find_spec("nbgrader").submodule_search_locations[0]) / "preprocessors"
    imported = {alias.name for path in folder.glob("*.py") for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module == "api" for alias in node.names}
    assert imported and imported <= set(startup.GRADEBOOK_NAMES), imported - set(startup.GRADEBOOK_NAMES)
    from autograder.coordinator.grade import Grader

    context = Grader(tmp_path / "out", progress=False)._context("ch01_modeling", "ch01_modeling")
    code = f"""
import json, sys
from autograder import startup
startup.skip_slow_optional_imports()
startup.runner_process()
import nbgrader.api
from autograder import notebooks
from autograder.worker import nbgrader_steps, runner, submission
from nbgrader.preprocessors import overwritecells
runner.executor_class()
context = json.loads(open({str(context)!r}, encoding="utf-8").read())
nb = nbgrader_steps.sanitize(notebooks.solution_submission("ch01_modeling"), context["snapshot"], "ch01_modeling",
                             "ch01_modeling", "s")
nb, marks = nbgrader_steps.score_notebook(nb, "ch01_modeling", "ch01_modeling", "s")
try:
    nbgrader.api.Gradebook("sqlite:///never.db")
except RuntimeError:
    print("refused")
print(len(marks["grades"]) > 5, "sqlalchemy" in sys.modules, "bs4" in sys.modules,
      "nbconvert.exporters.html" in sys.modules, overwritecells.MissingEntry is nbgrader_steps.MissingEntry,
      issubclass(nbgrader.api.MissingEntry, ValueError))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=course.REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["refused", "True", "False", "False", "False", "True", "True"], proc.stdout


def test_the_fork_server_never_loads_the_gradebook_stack():
    """진짜 포크 서버(``python -m autograder.worker.forkserver``)가 미리 불러 두기를 마친 뒤(첫 자식을 갈라 낸 뒤)에도
    그 프로세스에는 SQLAlchemy가 없습니다: 메모리에 올린 파일 목록(/proc/PID/maps)에 SQLAlchemy의 확장 모듈이 없고,
    채점기 프로세스(성적부를 쓰는 쪽)에는 있습니다."""
    from autograder.worker import forkserver

    def loaded(pid: int) -> bool:
        return "/sqlalchemy/" in Path(f"/proc/{pid}/maps").read_text()

    import nbgrader.api  # noqa: F401 (이 프로세스는 성적부를 씁니다: 비교의 기준)

    assert loaded(os.getpid()), "SQLAlchemy의 확장 모듈을 찾지 못하면 이 테스트는 아무것도 증명하지 못합니다"
    server = forkserver.ForkServer()
    try:
        child = server.spawn(["--help"], Path(os.devnull))  # 미리 불러 두기가 끝나야 답합니다
        child.wait(timeout=60)
        child.release()
        assert not loaded(server.proc.pid)
    finally:
        server.proc.stdin.close()
        server.proc.wait(timeout=60)


def test_a_finished_command_skips_pythons_teardown_yet_keeps_its_output_status_and_cleanup(tmp_path):
    """``python -m autograder`` 은 일을 마치면 파이썬의 마무리를 건너뛰고 ``os._exit`` 로 끝납니다(autograder/__main__.py).
    그래도 파이프로 받은 출력은 끝줄까지 오고, 종료 상태(풀이는 0, 빈 학생본은 1)는 그대로이며, 명령이 쓴 임시 폴더와
    포크 서버·커널 같은 자식 프로세스는 남지 않습니다."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    folder = tmp_path / "학생"
    folder.mkdir()
    # PYTHONUNBUFFERED가 있으면 출력이 버퍼에 머물지 않아, 끝에서 비우지 않는 잘못을 이 시험이 보지 못합니다.
    env = course.env_with_venv_bin({k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"TMPDIR": str(tmp)})
    for source, expected in ((course.SOLUTIONS, 0), (course.EXERCISES, 1)):
        nb = folder / "ch01_modeling.ipynb"
        nb.write_bytes((source / "ch01_modeling" / "ch01_modeling.ipynb").read_bytes())
        proc = subprocess.run([sys.executable, "-m", "autograder", "validate", str(nb)], capture_output=True, text=True,
                              cwd=tmp_path, env=env, timeout=300)
        assert proc.returncode == expected, proc.stdout + proc.stderr
        assert proc.stdout.rstrip().splitlines()[-1].strip(), proc.stdout  # 마지막 요약 줄까지 왔습니다
        assert "Traceback" not in proc.stderr, proc.stderr
        assert sorted(p.name for p in tmp.iterdir()) == [], "임시 폴더가 남았습니다"
    leftover = subprocess.run(["pgrep", "-f", str(tmp)], capture_output=True, text=True)
    assert leftover.stdout == "", f"남은 프로세스: {leftover.stdout}"


def _processes_with(marker: str) -> list[int]:
    """환경 변수에 ``marker`` 가 든 프로세스(이 시험이 띄운 것)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_grade_starts_its_fork_server_first_and_the_pool_uses_that_very_one(monkeypatch):
    """``grade`` (``--scheduler`` 없이)만 시작하자마자 포크 서버를 띄우고, 채점이 쓰는 포크 서버(``ForkServer.shared``)는
    새로 띄우지 않고 바로 그 프로세스입니다. 입력이 닫히면 포크 서버는 끝납니다."""
    from autograder.worker import forkserver

    monkeypatch.setattr(forkserver.ForkServer, "_shared", None)
    monkeypatch.setattr(startup, "early_fork_server", None)
    for argv in (["grade", "subs", "--scheduler", "tcp://10.0.0.5:8786"], ["grade", "subs", "--scheduler=tcp://h:1"],
                 ["validate", "a.ipynb"], ["check"]):
        startup.start_fork_server_early(argv)
        assert startup.early_fork_server is None, argv
    startup.start_fork_server_early(["grade", "subs", "--jobs", "2"])
    early = startup.early_fork_server
    assert early is not None
    try:
        assert forkserver.ForkServer.shared().proc is early
        assert startup.early_fork_server is None  # 한 번만 가져갑니다
        assert forkserver.ForkServer.shared().proc is early
    finally:
        early.stdin.close()
        assert early.wait(timeout=60) == 0


def test_a_grade_that_only_prints_help_leaves_no_fork_server_behind(tmp_path):
    """``grade --help`` 도 포크 서버를 먼저 띄우지만, 명령이 끝나면 그 포크 서버도 곧 끝납니다."""
    marker = f"AUTOGRADER_TEST_MARK={tmp_path.name}"
    env = {**os.environ, "AUTOGRADER_TEST_MARK": tmp_path.name}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0 and "--jobs" in proc.stdout, proc.stderr
    deadline = time.monotonic() + 30
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(marker) == []


def test_a_preloaded_torch_leaves_nothing_for_a_forked_child_to_import_at_its_first_backward():
    """포크 서버가 torch를 불러 둘 때, torch가 처음 쓰일 때에야 부르는 모듈(기울기를 직접 준 역전파의 sympy)까지 불러 둡니다.
    그래서 서버에서 갈라 낸 실행 프로세스의 숨은 테스트가 ``out.backward(dout)`` 을 해도 새로 불러오는 모듈이 없습니다.
    torch가 바뀌어 다른 모듈을 처음 쓸 때 부르게 되면 이 테스트가 실패합니다(그때 ``_FIRST_USE_IMPORTS`` 를 고칩니다)."""
    code = (
        "import sys\n"
        "from autograder.worker import forkserver\n"
        "forkserver._preload(['torch'])\n"
        "import torch\n"
        "before = set(sys.modules)\n"
        "x = torch.ones(3, requires_grad=True)\n"
        "(x * 2).backward(torch.ones(3))\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=course.REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout
