"""들어가며의 그림 ``book/images/jupyterlab_exercise.png``를 다시 찍습니다: JupyterLab에서 연 과제 노트북.

    python -m tools.jupyterlab_screenshot

학생이 보는 그대로 찍으려고 공개본(export_public.py, ``solutions/``가 없음)을 임시 폴더에 만들고, 그
안에서 ``jupyter lab --no-browser``를 127.0.0.1과 토큰으로 띄워 headless chromium(site_browser)으로
엽니다. 바깥 주소로 가는 요청(JupyterLab의 소식 확인 등)은 막습니다. 과제 노트북이 바뀌면 다시 찍으세요.
"""
from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from autograder import course
from tools import export_public, site_browser

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "book" / "images" / "jupyterlab_exercise.png"
NOTEBOOK = "exercises/ch01_modeling/ch01_modeling.ipynb"
FOCUS_CELL = "def sigmoid("  # 화면 가운데에 둘 셀(풀이 자리와 공개 테스트가 함께 보이게)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    token = secrets.token_hex(16)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="jupyterlab-shot-") as tmp:
        public = Path(tmp) / "ml-course"
        export_public.export(public)
        home = Path(tmp) / "home"  # 사용자 설정(테마, 작업 공간)이 끼어들지 않게
        env = {"PATH": str(course.venv_bin()) + ":/usr/bin:/bin", "HOME": str(home),
               "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "LANG": "C.UTF-8"}
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
             f"--ServerApp.token={token}", f"--ServerApp.root_dir={public}",
             "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            with site_browser.open_browser(base, viewport={"width": 1280, "height": 800},
                                           device_scale_factor=1) as browser:
                page = browser.context.new_page()
                page.goto(f"{base}lab/tree/{NOTEBOOK}?token={token}&reset", wait_until="load")
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                # 커널이 준비되어 상태 막대가 "Idle"이 될 때까지
                page.wait_for_function("() => /Idle/.test(document.querySelector('.jp-StatusBar-Widget')"
                                       " ? document.querySelector('#jp-main-statusbar').innerText : '')",
                                       timeout=120_000)
                # "Jupyter 소식을 받을까요?" 알림은 닫습니다(학생 화면과 상관없는 첫 실행 알림).
                no_news = page.locator(".jp-toast-button", has_text="No")
                if no_news.count():
                    no_news.first.click()
                cell = page.locator(".jp-Cell", has_text=FOCUS_CELL).first
                cell.scroll_into_view_if_needed()
                cell.click()
                page.keyboard.press("Escape")
                page.mouse.move(0, 0)
                time.sleep(1)
                OUT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(OUT))
                print(f"{OUT.relative_to(REPO)} ({OUT.stat().st_size // 1024} KB)")
                if browser.blocked:
                    print("막은 바깥 요청:", *sorted(set(browser.blocked)), sep="\n  ")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
