"""테스트 공용 도구: 실제 채점기 명령(python -m autograder)을 부르고 결과 CSV를 읽습니다."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, notebooks
from autograder.coordinator.report import read_csv
from autograder.status import Status
from tests import book_build
from tests.book_build import built_site
from tests.tiny_book import tiny_book_html
from tools import system_deps

REPO = course.REPO

#: 이 컴퓨터에 없는 시스템 패키지(tools/system_deps.py). README의 테스트 명령은 그 단계를 먼저 돌립니다.
ABSENT = {need.name: need for need in system_deps.missing()}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    """과정의 모듈을 바이트코드로 한 번 컴파일해 둡니다(이미 있고 소스보다 새것이면 그대로). 테스트는 파이썬 프로세스를
    수백 개 띄우고(채점기 명령, 포크 서버, 커널 씨앗, 책의 장 커널, Dask 작업자) 저마다 ``autograder`` 등을 불러옵니다.
    ``PYTHONDONTWRITEBYTECODE`` 가 켜진 컴퓨터(이 과정의 개발·CI 컴퓨터가 그렇습니다)에서는 파이썬이 .pyc를 쓰지 않아
    프로세스마다 소스에서 다시 컴파일합니다(채점기 명령 하나에 CPU 약 0.09초). 이미 있는 .pyc는 그 설정과 상관없이 읽습니다.
    작업자(pytest-xdist)가 아니라 처음 프로세스에서 한 번만 하고, 쓸 수 없는 폴더면 조용히 넘어갑니다(빨라지지 않을 뿐)."""
    if hasattr(config, "workerinput"):
        return
    import compileall
    import re

    for folder in ("autograder", "book", "tools", "tests"):
        compileall.compile_dir(REPO / folder, quiet=2, rx=re.compile(r"[/\\](node_modules|_build)[/\\]"))


def pytest_report_header(config):
    """없는 시스템 패키지를 실행 첫머리에 한 번 알립니다."""
    if ABSENT:
        what = "실패합니다 (CI=true)" if IN_CI else "건너뜁니다"
        return [f"없는 시스템 패키지: {', '.join(ABSENT)}. 이것이 필요한 테스트는 {what}. "
                f"설치: python3 tools/system_deps.py"]
    return []


def require(*names: str) -> None:
    """시스템 패키지가 없으면 테스트를 건너뜁니다. CI(CI=true)에서는 건너뛰지 않고 실패시킵니다."""
    absent = [n for n in names if n in ABSENT]
    if absent:
        message = f"시스템 패키지가 없습니다: {', '.join(absent)} (설치: python3 tools/system_deps.py)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


#: 작업자(pytest-xdist, pytest.ini의 ``-n 2 --dist loadgroup``)에게 하나씩 나눠 주는 테스트: 서로 독립이고 저마다 무거운
#: 매개변수 테스트. 나머지는 모듈째 한 작업자에게 가므로 모듈 픽스처(채점한 배치 등)를 모듈마다 한 번만 만듭니다.
ONE_BY_ONE = {"test_catalogue_through_the_real_grader"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # 하나씩 나눠 주는 무거운 테스트는 맨 앞에, 무거운 것부터(작업자가 마지막에 혼자 긴 테스트를 돌리지 않게):
    # 과제 노트북이 클수록 채점이 오래 걸립니다. 빌드한 책을 쓰는 테스트가 있는 모듈은 맨 뒤로: 그 앞의 테스트가 도는
    # 동안 책이 빌드됩니다(tests/book_build.py).
    book = {item.module.__name__ for item in items if "built_book" in getattr(item, "fixturenames", ())}

    def order(item):
        if item.originalname in ONE_BY_ONE:
            aid = item.callspec.params.get("aid", "")
            source = course.SOLUTIONS / aid / f"{aid}.ipynb"
            return (0, -(source.stat().st_size if source.is_file() else 0))
        return (2 if item.module.__name__ in book else 1, 0)

    items.sort(key=order)
    for item in items:
        group = item.nodeid if item.originalname in ONE_BY_ONE else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_finish(session):
    """고른 테스트 가운데 빌드한 책을 쓰는 것이 있으면 빌드를 지금 띄워 둡니다(``BOOK_HTML`` 로 이미 만든 사이트를
    주었으면 빌드하지 않습니다)."""
    if session.config.option.collectonly or os.environ.get("BOOK_HTML"):
        return
    if any("built_book" in getattr(item, "fixturenames", ()) for item in session.items):
        book_build.start(session.config._tmp_path_factory)


def pytest_sessionfinish(session, exitstatus):
    book_build.finish(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)


def pytest_runtest_setup(item):
    for mark in item.iter_markers("requires"):
        require(*mark.args)


def autograder(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """실제 명령줄 그대로 채점기를 실행합니다."""
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=REPO, env=course.env_with_venv_bin(), capture_output=True, text=True, timeout=timeout,
    )


def grade(subs: Path, out: Path, *extra: str) -> tuple[dict, list[dict]]:
    """제출물 폴더를 채점하고 (학생 → grades.csv 줄, tests.csv 줄들)을 돌려줍니다.

    종료 상태도 확인합니다: 모든 제출물이 정상 채점되었으면 0, 하나라도 아니면 1(README의 약속)."""
    proc = autograder("grade", str(subs), "--out", str(out), *extra)
    assert proc.returncode in (0, 1), f"grade failed:\n{proc.stdout}\n{proc.stderr}"
    rows = {(r["student_id"], r["assignment_id"]): r for r in read_csv(out / "grades.csv")}
    all_scored = all(Status(r["status"]).scored for r in rows.values())
    assert proc.returncode == (0 if all_scored else 1), (proc.returncode, {k: r["status"] for k, r in rows.items()})
    return rows, read_csv(out / "tests.csv")


def put(nb, subs: Path, student: str, assignment_id: str, name: str | None = None) -> Path:
    path = subs / student / assignment_id / f"{name or assignment_id}.ipynb"
    notebooks.write_notebook(nb, path)
    return path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """세션에 한 번 빌드한 책 전체의 html 폴더(``…/_build/html``). 실패했으면 쓰는 테스트마다 실패합니다."""
    return built_site(tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_html(tmp_path_factory) -> Path:
    """세션에 한 번 빌드한 작은 책(tests/tiny_book.py)의 html 폴더: 검색, 오프라인, 용어집 확장을 빠르게 봅니다."""
    return tiny_book_html(tmp_path_factory)[0]


@pytest.fixture(scope="session")
def assignment_ids() -> list[str]:
    return course.assignments()
