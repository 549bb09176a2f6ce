"""책 전체를 실제로 빌드합니다. 세션 픽스처 ``built_book``(tests/conftest.py)이 이 빌드의 html 폴더를 돌려줍니다.

책 전체를 쓰는 테스트(브라우저, PDF, 사이트 공개 점검, 빌드 자체)가 함께 씁니다.

빌드 명령은 배포와 같습니다: ``jupyter-book build <저장소> --path-output <임시 폴더> -W --keep-going``.
경고 하나라도 있으면 실패하고, 로그 끝부분을 보여 줍니다.

빌드는 2코어에서 2분 남짓 걸리고 거의 한 코어만 씁니다. 그래서 그 책을 쓰는 테스트가 모였으면 모으자마자
(:func:`start`, conftest.py의 ``pytest_collection_modifyitems``) 빌드를 따로 띄워 두고, 다른 테스트가 그동안 돕니다.
그 책을 쓰는 테스트는 맨 뒤로 보내므로 대개 빌드가 끝난 뒤에 닿습니다. 빌드는 이번 실행에 한 번, 모든 작업자가
함께 씁니다(:mod:`tests.shared`).

환경 변수:

- ``BOOK_HTML``: 이미 만든 사이트 폴더(예: ``_build/html``). 빌드하지 않고 그것을 씁니다. 배포
  워크플로가 방금 빌드한 사이트를 검사할 때 씁니다.
- ``BOOK_BUILD_DIR``: 임시 폴더 대신 이 폴더를 ``--path-output``으로 씁니다. 그 안의 실행
  캐시(``_build/.jupyter_cache``)가 남으므로 다시 돌릴 때 장을 새로 실행하지 않아 빠릅니다.
"""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from autograder import course
from tests.shared import once

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 3600

#: 이 프로세스가 띄운 빌드(끝날 때 :func:`finish` 가 거둡니다)
_STARTED: list[subprocess.Popen] = []


def _command(path_output: Path) -> list[str]:
    return [str(course.venv_bin() / "jupyter-book"), "build", str(REPO), "--path-output", str(path_output), "-W",
            "--keep-going"]


def _verdict(returncode: int, log: str, path_output: Path) -> Path | str:
    """빌드의 결과: html 폴더, 실패면 그 까닭(문자열)."""
    html = Path(path_output) / "_build" / "html"
    if returncode != 0:
        warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
        return ("책 빌드 실패 (jupyter-book build -W --keep-going):\n"
                + "\n".join(warnings[-40:]) + "\n--- 로그 끝 ---\n" + log[-4000:])
    if not (html / "index.html").is_file():
        return f"빌드는 성공했지만 {html}/index.html이 없습니다"
    return html


#: 장의 커널이 포트를 잡지 못한 빌드의 로그에 나오는 말. jupyter_client는 빈 TCP 포트를 골라 닫은 뒤 커널에게 주므로,
#: 그사이 함께 도는 다른 테스트(Dask, PostgreSQL, 브라우저)가 그 포트를 잡으면 장 하나가 "Kernel didn't respond"로
#: 실패합니다. 책의 잘못이 아니므로 그때만 한 번 더 빌드합니다(실행 캐시 덕에 실패한 장만 다시 실행).
PORT_RACE = "Address already in use"


def build_book(path_output: Path) -> Path | str:
    """저장소의 책을 ``path_output``에 (기다려서) 빌드해 html 폴더를, 실패하면 그 까닭(문자열)을 돌려줍니다."""
    for _ in range(2):
        proc = subprocess.run(_command(path_output), cwd=REPO, env=course.env_with_venv_bin(), capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT_S)
        if proc.returncode == 0 or PORT_RACE not in proc.stdout + proc.stderr:
            break
    return _verdict(proc.returncode, proc.stdout + proc.stderr, path_output)


def start(tmp_path_factory) -> dict:
    """이번 실행의 책 빌드를 띄워 두고 바로 돌아옵니다(이미 누가 띄웠으면 그 빌드). 돌려주는 값: 빌드가 쓰는 곳.

    빌드는 셸 하나가 돌리고, 끝나면 종료 상태를 ``status`` 파일에 씁니다. 어느 작업자든 그 파일로 끝을 압니다."""

    def launch(folder: Path) -> dict:
        path_output = Path(os.environ.get("BOOK_BUILD_DIR") or folder / "out")
        log, status = folder / "build.log", folder / "status"
        build = f"{shlex.join(_command(path_output))} > {shlex.quote(str(log))} 2>&1"
        script = (f"{build}; rc=$?; if [ $rc -ne 0 ] && grep -q {shlex.quote(PORT_RACE)} {shlex.quote(str(log))}; "
                  f"then {build}; rc=$?; fi; echo $rc > {shlex.quote(str(status))}")
        _STARTED.append(subprocess.Popen(["sh", "-c", script], cwd=REPO, env=course.env_with_venv_bin(),
                                         stdin=subprocess.DEVNULL, start_new_session=True))
        return {"path_output": str(path_output), "log": str(log), "status": str(status)}

    return once(tmp_path_factory, "book", launch)


def built_site(tmp_path_factory) -> Path:
    """``BOOK_HTML``이 있으면 그 사이트를, 없으면 이번 실행에 빌드한 사이트의 html 폴더(아직이면 빌드가 끝나기를
    기다립니다). 실패하면 테스트를 실패시킵니다."""
    if os.environ.get("BOOK_HTML"):
        html = Path(os.environ["BOOK_HTML"]).resolve()
        result = html if (html / "index.html").is_file() else f"BOOK_HTML={html}에 index.html이 없습니다"
    else:
        build = start(tmp_path_factory)  # 모을 때 띄운 빌드, 아니면 지금 띄움
        status, deadline = Path(build["status"]), time.monotonic() + BUILD_TIMEOUT_S
        while not status.is_file() and time.monotonic() < deadline:
            time.sleep(1)
        if not status.is_file():
            result = f"책 빌드가 {BUILD_TIMEOUT_S}초 안에 끝나지 않았습니다"
        else:
            log = Path(build["log"]).read_text(encoding="utf-8", errors="replace")
            result = _verdict(int(status.read_text().strip() or 1), log, Path(build["path_output"]))
    if isinstance(result, str):
        pytest.fail(result, pytrace=False)
    return result


def finish(interrupted: bool) -> None:
    """이 프로세스가 띄운 빌드를 거둡니다: 중단된 실행이면 끝내고, 아니면 끝나기를 기다립니다(다른 작업자가 쓸 수
    있으므로)."""
    for proc in _STARTED:
        if interrupted and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
