"""만든 사이트를 진짜 브라우저(Debian의 chromium)로 여는 도구: PDF 만들기와 브라우저 테스트가 함께 씁니다.

- :func:`serve`: 빌드 결과 폴더를 127.0.0.1의 임시 포트에서 내보입니다. ``prefix="/course/"``로
  GitHub Pages의 프로젝트 사이트처럼 하위 경로에 올린 모습도 흉내 냅니다.
- :func:`open_browser`: Playwright의 파이썬 클라이언트로 설치된 chromium을 띄웁니다(브라우저를
  따로 내려받지 않습니다: ``playwright install``은 쓰지 않습니다). 새 사용자 폴더를 쓰고, 사이트
  바깥으로 가는 요청은 모두 막고 적어 둡니다(오프라인 읽기 확인).
- :func:`wait_until_ready`: 쪽의 수식(MathJax), 글꼴, 그림이 다 그려질 때까지 기다립니다.
- :func:`fonts_drawing`: Chromium에게 어느 글꼴이 요소의 글을 그렸는지 묻습니다(시스템 글꼴로 대신했는지 확인).

Sphinx 확장이 아니라 도구 모듈입니다(``_config.yml``에 등록하지 않습니다).
"""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# 이슈에 정한 chromium 플래그: 화면 없이, 첫 실행 마법사·백그라운드 통신·업데이트·동기화 없이.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Debian 패키지 chromium이 까는 곳. 다른 곳이면 환경 변수 CHROMIUM으로 알려 줍니다.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_chromium() -> str | None:
    """설치된 chromium 실행 파일(없으면 None)."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


class _SiteHandler(SimpleHTTPRequestHandler):
    """``prefix`` 아래의 주소만 사이트 폴더의 파일로 돌려주고, 나머지는 404."""

    prefix = "/"

    def translate_path(self, path):
        route = urlsplit(path).path
        if not route.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + route[len(self.prefix):])

    def end_headers(self):
        # 브라우저가 예전 빌드를 기억하지 않게 합니다.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # 테스트 출력을 어지럽히지 않습니다
        pass


@contextlib.contextmanager
def serve(html_dir: str | Path, prefix: str = "/"):
    """``html_dir``을 ``http://127.0.0.1:<포트><prefix>``로 내보이고 그 주소를 돌려줍니다."""
    if not prefix.startswith("/") or not prefix.endswith("/"):
        raise ValueError("prefix는 /로 시작하고 /로 끝나야 합니다(예: /course/).")
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(html_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Browser:
    """열린 브라우저 문맥과 그동안 막은 바깥 요청들."""

    context: object  # playwright.sync_api.BrowserContext
    origin: str
    blocked: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_browser(base_url: str, playwright=None, **context_options):
    """chromium을 띄워 ``base_url``의 출처(origin) 밖으로 가는 요청을 모두 막은 문맥을 돌려줍니다.

    ``playwright``: 이미 시작한 ``sync_playwright()``. 한 스레드에서 둘을 동시에 시작할 수 없으므로
    브라우저를 여러 개 띄우는 쪽(테스트)이 하나를 시작해 넘깁니다.
    """
    from playwright.sync_api import sync_playwright  # 선택 의존성: 쓸 때만 불러옵니다

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("chromium이 없습니다. Debian에서는 `apt-get install -y chromium`으로 설치합니다.")
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, contextlib.ExitStack() as stack:
        p = playwright or stack.enter_context(sync_playwright())
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            chromium_sandbox=False, **context_options,
        )
        browser = Browser(context, origin)

        def handle(route):
            url = route.request.url
            if url == origin or url.startswith(origin + "/"):
                route.continue_()
            else:
                browser.blocked.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", handle)
        try:
            yield browser
        finally:
            context.close()


WAIT_FOR_MATHJAX = """
() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
    ? MathJax.startup.promise.then(() => true) : true
"""
ALL_IMAGES_SETTLED = "() => Array.from(document.images).every(img => img.complete)"


def wait_until_ready(page, timeout_ms: int = 60_000) -> None:
    """쪽의 수식 조판, 웹 글꼴, 그림 불러오기가 끝날 때까지 기다립니다."""
    page.wait_for_load_state("load", timeout=timeout_ms)
    page.evaluate(WAIT_FOR_MATHJAX)
    page.wait_for_function(ALL_IMAGES_SETTLED, timeout=timeout_ms)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def fonts_drawing(page, selector: str) -> list[dict]:
    """``selector``에 맞는 첫 요소의 바로 아래 글을 Chromium이 그린 글꼴들.

    DevTools 프로토콜의 ``CSS.getPlatformFontsForNode``: 글꼴마다 ``familyName``(글꼴 파일 안의 이름),
    ``isCustomFont``(쪽이 ``@font-face``로 실어 온 웹 글꼴인가), ``glyphCount``(그 글꼴로 그린 글자 수).
    요소가 없으면 빈 목록입니다.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] if node else []
    finally:
        cdp.detach()
