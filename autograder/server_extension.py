"""JupyterLab의 Validate 단추가 이 과정의 자가 점검(``python -m autograder validate``)을 돌리게 하는 Jupyter 서버 확장.

nbgrader의 JupyterLab 확장은 노트북마다 Validate 단추를 달고, 누르면 서버의 ``POST assignments/validate?path=...``
(nbgrader의 ``validate_assignment`` 서버 확장)를 부릅니다. 그것은 nbgrader의 검사기를 돌려 이 과정의 규칙(잠긴 셀
되살리기, 임시 폴더에서 실행, 한국어 메시지)과 다른 답을 냅니다. 그래서 과정은 nbgrader의 그 서버 확장을 끄고
(``jupyter-config/jupyter_server_config.d/nbgrader.server_extensions.validate_assignment.json``: ``jupyter server extension
disable``이 쓰는 것과 같은 파일) 이 확장을 켭니다(``autograder.server_extension.json``). 두 파일은 설치할 때
``{가상 환경}/etc/jupyter/jupyter_server_config.d/``에 들어갑니다(pyproject.toml의 data-files).

이 확장은 같은 주소 두 개를 맡습니다.

- ``GET nbgrader_version``: 단추가 먼저 부르는 판 확인. nbgrader의 처리기를 그대로 씁니다.
- ``POST assignments/validate``: :func:`autograder.validate.self_check` 를 돌려 nbgrader의 처리기와 같은 모양의 JSON을
  돌려줍니다. 단추의 대화 상자(nbgrader의 JavaScript)가 읽는 모양은 셋입니다. ``{"success": true, "value": {}}`` 는
  "Success!", ``value.failed`` 목록은 항목마다 셀 원본(``source``, 글로)과 오류(``error``, **HTML로** 넣으므로 여기서
  이스케이프합니다), ``{"success": false, "value": 글}`` 은 "There was an error running the validate command:" 아래의 글.
  단추의 영어 머리말은 nbgrader의 것이고, 그 아래의 내용이 명령줄과 같은 한국어 메시지입니다. ``value.report`` 에는
  명령줄이 출력하는 글 전체가 들어 있습니다(대화 상자는 읽지 않습니다).
"""
from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from . import course

if TYPE_CHECKING:
    from .validate import SelfCheck


def response(result: SelfCheck) -> dict:
    """자가 점검 결과 → 단추가 읽는 JSON (nbgrader의 ``ValidateAssignmentHandler`` 와 같은 모양)."""
    value: dict = {"report": result.text()}
    if not result.ok:
        failed = [{"source": c.source, "error": html.escape(f"✘ {c.function}: {c.message}")} for c in result.failed]
        if result.error:
            failed.insert(0, {"source": "", "error": html.escape(f"오류: {result.error}")})
        failed.append({"source": "", "error": html.escape(result.verdict())})
        value["failed"] = failed
    return {"success": True, "value": value}


class ValidateHandler(JupyterHandler):
    """``POST assignments/validate``: 노트북(서버의 루트 폴더 안의 경로) 하나를 과정의 규칙으로 점검합니다."""

    @web.authenticated
    async def post(self) -> None:
        path = self.get_argument("path", None)
        if path is None:
            path = (self.get_json_body() or {}).get("path")
        if not path:
            raise web.HTTPError(400, "path가 없습니다.")
        root = Path(self.settings["server_root_dir"]).expanduser().resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "서버의 폴더 밖에 있는 파일은 점검하지 않습니다.")
        from .validate import self_check  # 채점기의 실행 부분은 단추를 처음 누를 때 불러옵니다(서버가 빨리 뜨게)

        try:
            # 점검은 커널을 띄워 노트북을 실행하므로(몇 초) 서버가 멈추지 않게 다른 스레드에서 돌립니다.
            result = await asyncio.get_running_loop().run_in_executor(None, self_check, target)
        except course.UsageError as exc:
            answer = {"success": False, "value": str(exc)}
        else:
            answer = response(result)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(answer, ensure_ascii=False))


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "autograder.server_extension"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from nbgrader.server_extensions.validate_assignment.handlers import NbGraderVersionHandler

    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", [
        (url_path_join(base, "assignments/validate"), ValidateHandler),
        (url_path_join(base, "nbgrader_version"), NbGraderVersionHandler),
    ])
    serverapp.log.info("과정의 자가 점검을 Validate 단추에 연결했습니다 (autograder.server_extension).")
