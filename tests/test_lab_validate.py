"""JupyterLab의 Validate 단추가 과정의 자가 점검을 돌립니다(autograder/server_extension.py, jupyter-config/).

실제 JupyterLab 서버를 띄우고, 단추가 보내는 것과 같은 요청(``GET nbgrader_version?version=...``, 그다음
``POST assignments/validate?path=<노트북>``, 본문 없음)을 보냅니다. 서버 설정은 설치된 그대로 씁니다:
``jupyter-config``를 보통 설치(pip)로 임시 prefix에 설치하고 그 ``etc/jupyter``를 ``JUPYTER_CONFIG_PATH``로 줍니다
(공용 가상 환경은 건드리지 않습니다). 가상 환경에 있는 nbgrader.json은 nbgrader의 검사기 확장을 켜므로, 과정의
파일이 그것을 끄는 것까지 확인합니다.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from autograder import course, notebooks
from autograder.server_extension import response
from autograder.validate import Check, SelfCheck

AID = "ch01_modeling"
TOKEN = "course-validate-test"


# ---------------------------------------------------------------- 단추가 읽는 모양 (서버 없이)

@pytest.mark.unit
def test_response_has_the_shape_the_validate_dialog_reads():
    failing = SelfCheck(AID, checks=[Check("add_intercept", True, "", "assert 1"),
                                     Check("sigmoid", False, "아직 구현하지 않았습니다 (NotImplementedError).", "t <b>")])
    answer = response(failing)
    assert answer["success"] is True
    failed = answer["value"]["failed"]
    assert failed[0] == {"source": "t <b>", "error": "✘ sigmoid: 아직 구현하지 않았습니다 (NotImplementedError)."}
    assert "공개 테스트 1개가 통과하지 못했습니다" in failed[-1]["error"]
    assert "✔ add_intercept: 공개 테스트 통과" in answer["value"]["report"]
    # error는 대화 상자가 innerHTML로 넣으므로 학생 코드가 만든 메시지의 꺾쇠는 이스케이프됩니다
    escaped = response(SelfCheck(AID, checks=[Check("f", False, "<img src=x onerror=alert(1)>", "")]))
    assert "<img" not in escaped["value"]["failed"][0]["error"]
    passing = response(SelfCheck(AID, checks=[Check("sigmoid", True, "", "")]))
    assert passing["success"] is True and "failed" not in passing["value"]  # 대화 상자: "Success!"


@pytest.mark.unit
def test_installed_lab_extension_still_posts_to_the_url_and_reads_the_fields_we_answer():
    """nbgrader를 올렸을 때 단추의 요청이나 읽는 필드가 바뀌면 여기서 먼저 실패합니다."""
    import nbgrader

    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    bundle = "".join(p.read_text(encoding="utf-8") for p in static.glob("*.js"))
    assert nbgrader.__version__ == "0.9.6"
    assert '"assignments/validate",{method:"POST"},new Map([["path",' in bundle
    assert '"nbgrader_version",void 0,new Map([["version","0.9.6"]])' in bundle
    assert ".failed[d].source" in bundle and ".failed[d].error" in bundle and "Success! Your notebook passes" in bundle


# ---------------------------------------------------------------- 실제 JupyterLab 서버

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(base: str, path: str, method: str = "GET", timeout: float = 30) -> tuple[int, str]:
    req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None,
                                 headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    # 과정의 Jupyter 설정은 README의 설치(requirements.txt의 ./jupyter-config)가 가상 환경에 넣습니다. 테스트는 설치하지 않습니다.
    config = Path(sys.prefix) / "etc" / "jupyter"
    assert (config / "jupyter_server_config.d" / "autograder.server_extension.json").is_file(), \
        "과정의 Jupyter 설정이 가상 환경에 없습니다: .venv/bin/pip install -r requirements.txt 를 다시 실행하세요"

    root = tmp / "root"
    (root / "stub").mkdir(parents=True)
    shutil.copy(course.REPO / "exercises" / AID / f"{AID}.ipynb", root / "stub" / f"{AID}.ipynb")
    notebooks.write_notebook(notebooks.solution_submission(AID), root / "solved" / f"{AID}.ipynb")
    (tmp / "secret.ipynb").write_text("{}", encoding="utf-8")

    port = _free_port()
    env = course.env_with_venv_bin({
        **os.environ, "JUPYTER_CONFIG_PATH": str(config), "JUPYTER_CONFIG_DIR": str(tmp / "user-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "PYTHONPATH": str(course.REPO)})
    log = (tmp / "server.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [str(course.venv_bin() / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, Path(log.name).read_text(encoding="utf-8")
            try:
                if _request(base, "api/status", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab 서버가 180초 안에 뜨지 않았습니다"
            time.sleep(0.5)
        yield base, Path(log.name)
    finally:
        # 서버와 그 자식(커널, 점검의 실행 프로세스)을 이 테스트가 만든 프로세스 그룹째 끝냅니다.
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def _validate(base: str, path: str) -> dict:
    # 단추와 똑같이: 먼저 판 확인, 그다음 경로를 쿼리로 실은 본문 없는 POST
    status, body = _request(base, "nbgrader_version?version=0.9.6")
    assert status == 200 and json.loads(body) == {"success": True}, body
    status, body = _request(base, "assignments/validate?" + urllib.parse.urlencode({"path": path}), "POST", timeout=300)
    assert status == 200, body
    return json.loads(body)


def test_lab_loads_the_course_extension_instead_of_nbgraders_validator(lab):
    base, log = lab
    text = log.read_text(encoding="utf-8")
    assert re.search(r"autograder\.server_extension \| extension was successfully loaded", text), text
    assert "nbgrader.server_extensions.validate_assignment | extension was successfully loaded" not in text, text
    assert "Loading the validate_assignment nbgrader serverextension" not in text


def test_validate_button_on_a_stub_shows_the_course_korean_messages(lab):
    base, _ = lab
    answer = _validate(base, f"stub/{AID}.ipynb")
    assert answer["success"] is True
    errors = [f["error"] for f in answer["value"]["failed"]]
    assert any("✘ sigmoid: 아직 구현하지 않았습니다" in e for e in errors), errors
    assert "공개 테스트 6개가 통과하지 못했습니다" in errors[-1]
    report = answer["value"]["report"]
    assert report.startswith(f"과제 {AID}의 공개 테스트를 실행합니다")
    assert "Traceback" not in json.dumps(answer, ensure_ascii=False)


def test_validate_button_on_a_solved_notebook_says_success(lab):
    base, _ = lab
    answer = _validate(base, f"solved/{AID}.ipynb")
    assert answer["success"] is True and "failed" not in answer["value"], answer
    assert "공개 테스트를 모두 통과했습니다" in answer["value"]["report"]


def test_validate_button_refuses_paths_outside_the_server_root_and_explains_unknown_notebooks(lab):
    base, _ = lab
    status, _ = _request(base, "assignments/validate?path=../secret.ipynb", "POST")
    assert status == 403
    status, body = _request(base, "assignments/validate?path=missing.ipynb", "POST")
    assert status == 200 and json.loads(body) == {"success": False, "value": json.loads(body)["value"]}
    assert "파일이 없습니다" in json.loads(body)["value"]
