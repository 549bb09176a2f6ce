"""책 전체를 실제로 빌드하는 세션 픽스처 ``built_book`` (html 폴더를 돌려줌).

책 전체를 쓰는 테스트(브라우저, PDF, 사이트 공개 점검, 빌드 자체)가 함께 씁니다. 테스트 파일에서
``from tests.book_build import built_book``으로 가져오면 됩니다. 여러 파일이 가져와도 빌드는
세션에 한 번입니다(pytest는 가져온 파일마다 픽스처를 따로 등록하므로 결과를 이 모듈에 둡니다).

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
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 3600

_BUILT: dict[str, Path | str] = {}  # "html": html 폴더, 또는 실패 메시지(다시 빌드하지 않음)


def build_book(path_output: Path) -> Path | str:
    """저장소의 책을 ``path_output``에 빌드해 html 폴더를, 실패하면 그 까닭(문자열)을 돌려줍니다."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(
        [str(jupyter_book), "build", str(REPO), "--path-output", str(path_output), "-W", "--keep-going"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """세션에 한 번 빌드한 책 전체의 html 폴더(``…/_build/html``)."""
    if "html" not in _BUILT and os.environ.get("BOOK_HTML"):
        html = Path(os.environ["BOOK_HTML"]).resolve()
        _BUILT["html"] = html if (html / "index.html").is_file() else f"BOOK_HTML={html}에 index.html이 없습니다"
    if "html" not in _BUILT:
        path_output = os.environ.get("BOOK_BUILD_DIR")
        target = Path(path_output) if path_output else tmp_path_factory.mktemp("book")
        _BUILT["html"] = build_book(target)
    if isinstance(_BUILT["html"], str):
        pytest.fail(_BUILT["html"], pytrace=False)
    return _BUILT["html"]
