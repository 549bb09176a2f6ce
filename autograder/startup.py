"""명령과 작업 프로세스가 처음에 한 번 부르는 것 (process start-up).

nbformat은 노트북을 검사할 때 jsonschema를 쓰고, jsonschema는 불러올 때 JSON 스키마의 ``format`` 검사에 쓸 선택
모듈을 있는 대로 모두 불러옵니다. 그중 ``rfc3987_syntax`` 는 불러올 때 Lark 문법을 컴파일하고(2코어 컴퓨터에서 1.2초),
나머지(``isoduration`` 이 부르는 ``arrow`` 등)도 합쳐 0.1초 남짓 듭니다. 그래서 ``import nbformat`` 하나가 학생의
자가 점검과 채점 프로세스마다 1초 넘게 들었습니다. nbformat의 노트북 스키마에는 ``format`` 이 하나도 없으므로
(tests/test_startup.py가 설치된 스키마로 확인합니다) 그 검사들은 노트북 검사에 쓰이지 않습니다.

그래서 이 과정의 프로세스(``python -m autograder``, 실행 프로세스, 포크 서버)는 시작할 때 jsonschema를 불러오되,
그동안만 그 선택 모듈들을 "없음"으로 둡니다. jsonschema는 ``ImportError`` 를 받고 그 형식 검사만 건너뜁니다. 불러온
뒤에는 원래대로 되돌리므로, 나중에 다른 코드가 같은 모듈(예: ``idna``)을 부르면 평소처럼 불러옵니다.
jsonschema를 이미 불러온 프로세스(예: Jupyter 서버)에서는 아무 일도 하지 않습니다.

이 컴퓨터에서 채점하는 ``grade`` 는 무엇보다 먼저 포크 서버를 띄웁니다(:func:`start_fork_server_early`).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: jsonschema(``jsonschema._format``)가 형식 검사에만 쓰는 선택 모듈과 그 모듈이 맡는 형식. jsonschema가 불러오는
#: 동안만 막습니다.
SKIPPED_OPTIONAL_MODULES = {
    "rfc3987_syntax": ("iri", "iri-reference"),
    "rfc3987": ("iri", "iri-reference", "uri", "uri-reference"),
    "rfc3986_validator": ("uri", "uri-reference"),
    "rfc3339_validator": ("date-time",),
    "fqdn": ("hostname", "host-name"),
    "idna": ("idn-hostname",),
    "webcolors": ("color",),
    "jsonpointer": ("json-pointer", "relative-json-pointer"),
    "uri_template": ("uri-template",),
    "isoduration": ("duration",),
}


def skip_slow_optional_imports() -> None:
    """jsonschema를 :data:`SKIPPED_OPTIONAL_MODULES` 없이 불러옵니다(이미 불러왔으면 그대로)."""
    if "jsonschema" in sys.modules:
        return
    blocked = [name for name in SKIPPED_OPTIONAL_MODULES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None
    try:
        import jsonschema._format  # noqa: F401 (형식 검사 모음을 지금 만들게 합니다)
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def skip_nbgraders_server_extensions() -> None:
    """nbgrader 패키지를 그 ``__init__`` 없이 등록합니다. 그 뒤의 ``import nbgrader.api`` 등은 평소대로 불러옵니다.

    nbgrader의 ``__init__`` 은 Jupyter 서버 확장 넷(과제 목록, 과정 목록, 검사, formgrader)을 불러오고, 그것이
    jupyter_server·tornado·교환(exchange)까지 끌어와 2코어 컴퓨터에서 CPU로 0.45초 듭니다. 채점기 명령과 실행 프로세스는
    nbgrader의 성적부(``nbgrader.api``)와 전처리기만 쓰고, ``__init__`` 에서는 ``__version__`` 만 씁니다(여기서 채웁니다).
    그래서 이 과정이 띄운 프로세스의 시작(``python -m autograder``, 포크 서버, 실행 프로세스)에서만 부릅니다. Jupyter
    서버처럼 nbgrader를 서버 확장으로 불러야 하는 프로세스에서는 부르지 않습니다(``autograder`` 를 import하는 것만으로는
    아무 일도 없습니다). nbgrader를 이미 불러왔으면 아무것도 하지 않습니다."""
    _without_init("nbgrader", "nbgrader._version")


def _without_init(name: str, version_module: str | None = None) -> None:
    """꾸러미 ``name`` 을 그 ``__init__`` 을 돌리지 않고 등록합니다(하위 모듈은 평소대로 불러옵니다). ``version_module``
    이 있으면 거기서 ``__version__`` 을 채웁니다. 이미 불러왔거나 없으면 아무것도 하지 않습니다."""
    if name in sys.modules:
        return
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    if version_module is not None:
        try:
            module.__version__ = importlib.import_module(version_module).__version__
        except ImportError:
            del sys.modules[name]


def runner_process() -> None:
    """실행 프로세스(포크 서버와 그 자식, ``python -m autograder.worker.runner``)의 시작. 채점기 명령처럼 nbgrader의 서버
    확장을 건너뛰고(:func:`skip_nbgraders_server_extensions`), 성적부 없는 ``nbgrader.api`` 를 두고
    (:func:`runner_without_gradebook`), nbconvert의 변환기 모음을 건너뜁니다.

    nbgrader의 전처리기는 nbconvert의 전처리기 기반(``nbconvert.preprocessors``)과, 머리말·꼬리말 전처리기가
    ``nbconvert.exporters.exporter`` 의 ``ResourcesDict`` 하나를 가져옵니다. 그런데 ``nbconvert`` 와 ``nbconvert.exporters``
    의 ``__init__`` 은 모든 변환기(HTML·LaTeX·PDF 틀, 그 필터가 쓰는 bs4와 mistune)를 불러와 2코어 컴퓨터에서 0.3초가
    듭니다. 실행 프로세스는 노트북을 변환하지 않으므로 두 꾸러미를 ``__init__`` 없이 등록합니다. 포크 서버가 준비되는
    시간(늦은 제출물 하나를 다시 채점할 때 가장 긴 길)이 그만큼 줄어듭니다."""
    skip_nbgraders_server_extensions()
    runner_without_gradebook()
    _without_init("nbconvert", "nbconvert._version")
    if "nbconvert" in sys.modules:
        _without_init("nbconvert.exporters")


#: nbgrader의 전처리기 모듈이 ``nbgrader.api`` 에서 가져오는 이름(tests/test_startup.py가 설치된 nbgrader로 확인합니다)
GRADEBOOK_NAMES = ("Gradebook", "MissingEntry", "SubmittedNotebook")


def runner_without_gradebook() -> None:
    """실행 프로세스(포크 서버와 그 자식, ``python -m autograder.worker.runner``)에 성적부 없는 ``nbgrader.api`` 를 둡니다.

    ``nbgrader.preprocessors`` 는 꾸러미를 불러올 때 모든 전처리기를 불러오고, 그중 여섯이 ``nbgrader.api`` (성적부:
    SQLAlchemy와 표 정의)를 불러옵니다. 2코어 컴퓨터에서 CPU로 0.55초, 포크 서버가 준비되는 시간의 절반 가까이입니다.
    실행 프로세스는 성적부에 닿지 않으므로(정리는 채점기가 과제마다 뜬 사본을 읽습니다, ``nbgrader_steps``) 그
    전처리기들은 돌지 않습니다. 그래서 그 이름만 있는 모듈을 둡니다: ``MissingEntry`` 는 nbgrader의 것처럼
    ``ValueError`` 이고(정리가 없는 셀을 알리는 데 씀), 성적부를 열려고 하면 바로 오류가 납니다.
    ``nbgrader.api`` 를 이미 불러온 프로세스(채점기, 테스트)에서는 아무것도 하지 않습니다."""
    if "nbgrader.api" in sys.modules:
        return
    import types

    api = types.ModuleType("nbgrader.api", "실행 프로세스의 nbgrader.api: 성적부 없이 이름만 (autograder.startup)")

    class MissingEntry(ValueError):
        pass

    class NoGradebook:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("실행 프로세스는 성적부를 열지 않습니다 (autograder.startup.runner_without_gradebook)")

    api.MissingEntry, api.Gradebook, api.SubmittedNotebook = MissingEntry, NoGradebook, NoGradebook
    sys.modules["nbgrader.api"] = api
    if "nbgrader" in sys.modules:  # import nbgrader.api 뒤의 nbgrader.api 도 이것이게
        sys.modules["nbgrader"].api = api


#: :func:`start_fork_server_early` 가 띄운 포크 서버(``subprocess.Popen``). ``ForkServer.shared`` 가 처음 불릴 때 가져갑니다.
early_fork_server: subprocess.Popen | None = None


def fork_server_process() -> subprocess.Popen:
    """포크 서버 프로세스(``python -m autograder.worker.forkserver``)를 띄웁니다. 요청은 표준 입력으로 받고 갈라 낸
    자식의 pid를 표준 출력으로 답합니다(``autograder.worker.forkserver``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "autograder.worker.forkserver"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, cwd=str(Path(__file__).resolve().parents[1]), text=True, start_new_session=True,
        env=env_with_venv_bin(),
    )


def env_with_venv_bin(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env``(기본: 지금 환경)의 복사본에 가상 환경의 bin/(지금 파이썬의 폴더)을 PATH 맨 앞에 붙여 돌려줍니다.

    nbgrader는 성적부를 만들 때 PATH에서 `alembic`을 찾습니다. 가상 환경의 python을 전체 경로로 부르면
    그 bin/이 PATH에 없어 실패하므로, 자식 프로세스를 띄우는 곳(채점기, 테스트, 도구)은 모두 이것을 씁니다
    (``course.env_with_venv_bin`` 으로도 부릅니다).
    """
    env = dict(os.environ if env is None else env)
    path, bin_dir = env.get("PATH", ""), os.path.dirname(sys.executable)
    if bin_dir not in path.split(os.pathsep):
        env["PATH"] = bin_dir + os.pathsep + path
    return env


def start_fork_server_early(argv: list[str]) -> None:
    """이 컴퓨터에서 채점하는 명령(``grade``, ``--scheduler`` 없이)이면 포크 서버를 지금 띄웁니다.

    포크 서버는 nbgrader·nbclient 등을 불러오느라 CPU로 1초 남짓 걸리고, 노트북 하나를 다시 채점할 때는 그것이 끝나기를
    기다리는 것이 가장 긴 길입니다. 이 프로세스가 jsonschema와 채점기 모듈을 불러오기(0.2초) 전에 띄워 두면 그만큼
    일찍 준비됩니다. ``--help`` 처럼 채점하지 않고 끝나면 포크 서버는 입력이 닫히는 것을 보고 곧 끝납니다."""
    global early_fork_server
    if argv[:1] == ["grade"] and not any(a == "--scheduler" or a.startswith("--scheduler=") for a in argv):
        early_fork_server = fork_server_process()
