"""책 전체를 실제로 빌드합니다. 세션 픽스처 ``built_book``(tests/conftest.py)이 이것을 세션에 한 번 부릅니다.

책 전체를 쓰는 테스트(브라우저, PDF, 사이트 공개 점검, 빌드 자체)가 함께 씁니다.

빌드 명령은 배포와 같습니다: ``jupyter-book build <저장소> --path-output <임시 폴더> -W --keep-going``.
경고 하나라도 있으면 실패하고, 로그 끝부분을 보여 줍니다.

환경 변수:

- ``BOOK_HTML``: 이미 만든 사이트 폴더(예: ``_build/html``). 빌드하지 않고 그것을 씁니다. 배포
  워크플로가 방금 빌드한 사이트를 검사할 때 씁니다.
- ``BOOK_BUILD_DIR``: 임시 폴더 대신 이 폴더를 ``--path-output``으로 씁니다. 그 안의 실행
  캐시(``_build/.jupyter_cache``)가 남으므로 다시 돌릴 때 장을 새로 실행하지 않아 빠릅니다.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from autograder import course
from tests.shared import once

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 3600

def build_book(path_output: Path) -> Path | str:
    """저장소의 책을 ``path_output``에 빌드해 html 폴더를, 실패하면 그 까닭(문자열)을 돌려줍니다."""
    proc = subprocess.run(
        [str(course.venv_bin() / "jupyter-book"), "build", str(REPO), "--path-output", str(path_output), "-W", "--keep-going"],
        cwd=REPO, env=course.env_with_venv_bin(), capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )
    log = proc.stdout + proc.stderr
    html = Path(path_output) / "_build" / "html"
    if proc.returncode != 0:
        warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
        return ("책 빌드 실패 (jupyter-book build -W --keep-going):\n"
                + "\n".join(warnings[-40:]) + "\n--- 로그 끝 ---\n" + log[-4000:])
    if not (html / "index.html").is_file():
        return f"빌드는 성공했지만 {html}/index.html이 없습니다"
    return html


def built_site(tmp_path_factory) -> Path:
    """``BOOK_HTML``이 있으면 그 사이트를, 없으면 새로 빌드한 사이트의 html 폴더. 실패하면 테스트를 실패시킵니다."""
    if os.environ.get("BOOK_HTML"):
        html = Path(os.environ["BOOK_HTML"]).resolve()
        result = html if (html / "index.html").is_file() else f"BOOK_HTML={html}에 index.html이 없습니다"
    else:
        path_output = os.environ.get("BOOK_BUILD_DIR")

        def make(folder: Path) -> dict:
            built = build_book(Path(path_output) if path_output else folder)
            return {"error": built} if isinstance(built, str) else {"html": str(built)}

        made = once(tmp_path_factory, "book", make)  # 작업자들이 함께 쓰는 한 번의 빌드
        result = made.get("error") or Path(made["html"])
    if isinstance(result, str):
        pytest.fail(result, pytrace=False)
    return result
