"""채점 파이프라인을 빠르게 만든 장치들이 결과를 바꾸지 않는지 확인합니다.

- 미리 띄운 커널: 실행 칸을 얻기 전에는 셀을 하나도 실행하지 않고, 채점기가 출발 신호 없이 사라지면
  아무것도 실행하지 않고 커널과 함께 끝납니다.
- 셀 메타데이터 검사: 스키마를 한 번만 검사하는 대역이 ``jsonschema.validate`` 와 같은 판정과 오류를 냅니다.
- 성적부의 사본으로 하는 정리와 점수 셈, 세션 하나로 하는 기록: nbgrader 자신의 전처리기(실제 성적부)와 같은
  노트북(바이트)과 같은 성적부(행)를 만듭니다.
- 함께 기록하는 결과 가운데 하나가 깨져도 다른 결과는 모두 적히고, 깨진 것은 반쯤 적히지 않습니다.
- 채점기 프로세스는 노트북 하나의 일(정리, 실행, 점수 셈)을 하지 않습니다.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import jsonschema
import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from autograder import course, notebooks, release
from autograder.coordinator import gradebook
from autograder.limits import Limits
from autograder.worker import execute, nbgrader_steps

AID = "ch01_modeling"


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _first_busy(nb) -> float:
    stamp = nb.cells[0].metadata["execution"]["iopub.status.busy"]
    return datetime.fromisoformat(stamp).timestamp()


def _leftover_processes(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in arg for arg in proc.info["cmdline"] or ()):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def test_prestarted_kernel_runs_no_cell_before_it_gets_a_slot(tmp_path):
    """커널은 칸을 기다리는 동안 떠 있지만, 셀은 칸을 얻은 뒤에야 실행되고 시간도 그때부터 잽니다."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    nb = _notebook("import psutil, time\nprint(psutil.Process().create_time(), time.time())", "x = 1 + 1\nx")
    slots = threading.Semaphore(0)  # 칸이 없습니다: 앞 노트북이 실행 중인 것과 같습니다
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(r=execute.run(nb, workdir, Limits(), slots)))
    worker.start()
    deadline = time.monotonic() + 60
    while not _leftover_processes(str(workdir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _leftover_processes(str(workdir)), "칸을 기다리는 동안 커널을 미리 띄우지 않았습니다"
    time.sleep(3)
    assert worker.is_alive(), "칸이 없는데 실행이 끝났습니다"
    released = time.time()
    slots.release()
    worker.join(120)
    r = result["r"]
    assert r.status == "ok", r.detail
    assert _first_busy(r.nb) >= released - 0.05, "칸을 얻기 전에 셀이 실행되었습니다"
    created, first_cell = map(float, r.nb.cells[0].outputs[0].text.split())
    assert created < released - 2, "셀을 실행한 커널이 미리 띄운 그 커널이 아닙니다"
    assert first_cell >= released - 0.05
    assert r.seconds < time.time() - released + 0.5  # 실행 시간은 칸을 얻은 때부터
    assert r.nb.cells[1].outputs[0].data["text/plain"] == "2"
    assert slots.acquire(blocking=False), "실행이 끝났는데 칸을 돌려주지 않았습니다"


def test_child_without_a_go_signal_runs_nothing_and_leaves_no_kernel(tmp_path):
    """채점기가 출발 신호를 보내지 않고 사라지면(FIFO의 쓰는 쪽이 닫히면) 셀은 실행되지 않고 커널도 남지 않습니다."""
    workdir = tmp_path / "work-나간-채점기"
    workdir.mkdir()
    proof = workdir / "ran.txt"
    nbformat.write(_notebook(f"open({str(proof)!r}, 'w').write('ran')"), str(tmp_path / "in.ipynb"))
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"notebook": str(tmp_path / "in.ipynb"), "workdir": str(workdir), "out": str(tmp_path),
                                   "limits": dataclasses.asdict(Limits())}), encoding="utf-8")
    fifo = tmp_path / "go"
    os.mkfifo(fifo, 0o600)
    fd = os.open(fifo, os.O_RDWR)
    child = execute._start_child([str(request), "--go", str(fifo)], tmp_path / "stderr.txt")
    deadline = time.monotonic() + 60
    while not _leftover_processes(str(workdir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _leftover_processes(str(workdir)), "커널을 미리 띄우지 않았습니다"
    os.close(fd)  # 채점기가 신호 없이 끝난 것과 같습니다
    child.wait(timeout=60)
    info = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert info["status"] == "grader_error" and "취소" in info["detail"]
    assert not proof.exists()
    deadline = time.monotonic() + 10
    while _leftover_processes(str(workdir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _leftover_processes(str(workdir)), "커널이 남았습니다"


@pytest.fixture(scope="module")
def v3_schema():
    return MetadataValidator().schema


@pytest.mark.unit
@pytest.mark.parametrize("meta", [
    {"schema_version": 3, "grade": True, "solution": False, "locked": True, "points": 2, "grade_id": "t"},
    {"schema_version": 3, "grade": True, "solution": False, "locked": True, "points": "많이", "grade_id": "t"},
    {"schema_version": 3, "grade": True, "solution": False, "locked": True, "points": -1, "grade_id": "t"},
    {"schema_version": 3, "grade": True, "solution": False, "locked": True, "grade_id": "t"},
    {"schema_version": 3, "solution": True, "locked": False, "grade_id": "f"},
])
def test_cached_schema_check_matches_jsonschema(v3_schema, meta):
    """nbgrader의 셀 검사에 끼운 대역은 jsonschema.validate 와 같은 것을 받아들이고 같은 오류를 냅니다."""
    def outcome(validate):
        try:
            validate(copy.deepcopy(meta), v3_schema)
            return None
        except jsonschema.ValidationError as exc:
            return (exc.message, list(exc.absolute_path), exc.validator)

    assert outcome(nbgrader_steps._CheckedSchemas().validate) == outcome(jsonschema.validate)


#: 셀 메타데이터 값으로 넣어 볼 것: 맞는 값, 모양이 틀린 값, 경계의 값(bool은 정수도 수도 아님, 3.0, 음수, 길이 31/32)
_META_VALUES = [True, False, 0, 1, 3, 4, 3.0, 2.5, -1, float("nan"), "", "t", "a-b_1", "a b", "x\n", "한글", "0" * 32,
                "0" * 31, "code", "raw", None, [], {}]


@pytest.mark.unit
def test_fast_schema_check_accepts_exactly_what_jsonschema_accepts(v3_schema):
    """빠른 검사기(fastjsonschema)가 받아들인 것은 jsonschema도 받아들이고, 거꾸로도 같으며, 받은 메타데이터를 바꾸지
    않습니다(기본값을 채워 넣지 않음). 맞는 메타데이터에서 키 하나를 빼거나 값 하나를 바꾼 모든 경우, 모르는 키를 더한
    경우, 그리고 무작위로 여러 키를 바꾼 경우를 봅니다."""
    import random

    checked = nbgrader_steps._CheckedSchemas()
    base = {"schema_version": 3, "grade": True, "solution": False, "locked": True, "points": 2, "grade_id": "t",
            "task": False, "checksum": "0" * 32, "cell_type": "code"}
    cases = [base, {**base, "extra": 1}]
    for key in base:
        cases.append({k: v for k, v in base.items() if k != key})
        cases += [{**base, key: value} for value in _META_VALUES]
    rng = random.Random(5)
    for _ in range(2000):
        meta = {k: (rng.choice(_META_VALUES) if rng.random() < 0.3 else v) for k, v in base.items() if rng.random() < 0.9}
        cases.append(meta)
    disagreements, accepted = [], 0
    for meta in cases:
        given = copy.deepcopy(meta)
        try:
            checked.validate(given, v3_schema)
            fast = None
        except jsonschema.ValidationError as exc:
            fast = (exc.message, list(exc.absolute_path))
        try:
            jsonschema.validate(copy.deepcopy(meta), v3_schema)
            slow = None
        except jsonschema.ValidationError as exc:
            slow = (exc.message, list(exc.absolute_path))
        if fast != slow or repr(given) != repr(meta):
            disagreements.append((meta, fast, slow, given))
        accepted += slow is None
    assert not disagreements, disagreements[:3]
    assert accepted > 50, "맞는 경우도 충분히 봐야 합니다"


@pytest.mark.unit
def test_nbgrader_cell_check_still_rejects_bad_metadata():
    """대역을 끼운 뒤에도 nbgrader의 CheckCellMetadata 경로에서 잘못된 메타데이터가 거부됩니다."""
    from nbgrader.nbgraderformat import common

    nb = notebooks.source_notebook(AID)
    with nbgrader_steps.fast_metadata_checks():
        assert isinstance(common.jsonschema, nbgrader_steps._CheckedSchemas)
        MetadataValidator().validate_nb(nb)
        cell = next(c for c in nb.cells if notebooks.is_grade(c))
        cell.metadata.nbgrader["points"] = "많이"
        with pytest.raises(jsonschema.ValidationError):
            MetadataValidator().validate_nb(nb)
    assert common.jsonschema is jsonschema, "대역은 범위 밖에서 원래대로 돌아가야 합니다"


#: 우리가 기대는 nbgrader 코드의 지문(소스의 sha256 앞 12자리). nbgrader를 올려 하나라도 바뀌면 그 자리를 다시 보세요.
NBGRADER_FINGERPRINTS = {
    # nbgrader_steps.fast_metadata_checks: 셀 검사가 모듈의 jsonschema.validate를 부르는 곳
    ("nbgrader.nbgraderformat.common", "BaseMetadataValidator.validate_cell"): "e5f97f45a9ab",
    # nbgrader_steps.score_notebook과 Recorder.record: SaveAutoGrades가 셀마다 적는 값
    ("nbgrader.preprocessors.saveautogrades", "SaveAutoGrades.preprocess_cell"): "95ddcd4eb3d5",
    ("nbgrader.preprocessors.saveautogrades", "SaveAutoGrades._add_score"): "ee891a8fe365",
    ("nbgrader.preprocessors.saveautogrades", "SaveAutoGrades._add_comment"): "31f0186fac9c",
    # nbgrader_steps._OverwriteCells, _OverwriteKernelspec: 성적부를 여는 preprocess만 사본으로 바꾼 곳
    ("nbgrader.preprocessors.overwritecells", "OverwriteCells.preprocess"): "3a94b453d8e5",
    ("nbgrader.preprocessors.overwritekernelspec", "OverwriteKernelspec.preprocess"): "28cc17a228e7",
    # Recorder.record: 제출물을 만들 때 점수·의견 행이 셀 id(cell_id)로 이어지는 것
    ("nbgrader.api", "Gradebook.add_submission"): "cde077cbf605",
}


def _fingerprint(module: str, qualname: str) -> str:
    import hashlib
    import importlib
    import inspect

    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:12]


@pytest.mark.unit
def test_nbgrader_internals_we_rely_on_are_unchanged():
    changed = {f"{module}.{name}": _fingerprint(module, name)
               for (module, name), expected in NBGRADER_FINGERPRINTS.items() if _fingerprint(module, name) != expected}
    assert not changed, ("nbgrader가 바뀌었습니다. autograder/worker/nbgrader_steps.py와 autograder/coordinator/gradebook.py에서 "
                         "nbgrader에 기대는 곳(모듈 설명)이 "
                         f"아직 맞는지 확인하고 지문을 고치세요: {changed}")


@pytest.mark.unit
def test_a_new_gradebook_gets_the_version_the_alembic_command_reports(tmp_path):
    """새 성적부의 판(release.alembic_head, 프로세스 안에서 읽음)은 nbgrader가 원래 묻는 ``alembic heads`` 명령의 답과
    같고, 과정이 만든 성적부에 그 값이 적힙니다."""
    import subprocess

    import sqlalchemy
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        output = subprocess.check_output(["alembic", "-c", ini, "heads"], env=course.env_with_venv_bin(), text=True)
    assert release.alembic_head() == output.split("\n")[0].split(" ")[0]
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gradebook.Book(db_url).prepare("ch01_modeling")
    with sqlalchemy.create_engine(db_url).connect() as conn:
        assert conn.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar() == release.alembic_head()


@pytest.mark.unit
def test_an_unchanged_assignment_is_registered_once_per_gradebook(tmp_path, monkeypatch):
    """다시 채점할 때 같은 원본으로 등록된 과제는 nbgrader로 다시 만들지 않습니다. 등록 기록이 원본과 다르거나, 과제의
    노트북이 성적부에서 지워졌으면 다시 등록합니다. 다시 등록한 성적부로도 context는 같습니다."""
    import sqlalchemy

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # 등록본(캐시)이 없는 처음부터
    made = []
    real = release.generate
    monkeypatch.setattr(release, "generate", lambda ids, *a: (made.append(list(ids)), real(ids, *a)))
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gradebook.Book(db_url).prepare(AID)
    first = gradebook.Book(db_url).context(AID, AID)
    gradebook.Book(db_url).prepare(AID)
    assert made == [[AID]]
    engine = sqlalchemy.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"UPDATE {gradebook.PREPARED_TABLE} SET source = 'an older source'"))
    gradebook.Book(db_url).prepare(AID)
    assert made == [[AID], [AID]]
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("DELETE FROM notebook"))
    gradebook.Book(db_url).prepare(AID)
    assert made == [[AID], [AID], [AID]]
    assert gradebook.Book(db_url).context(AID, AID) == first


def _registration(db: Path) -> dict[str, list]:
    """성적부의 모든 표의 내용을, nbgrader의 무작위 id 대신 이름으로 바꿔 표마다 정렬한 것."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        names: dict[str, tuple] = {}
        for aid, name in con.execute("SELECT id, name FROM assignment"):
            names[aid] = ("assignment", name)
        for nid, name, aid in con.execute("SELECT id, name, assignment_id FROM notebook"):
            names[nid] = ("notebook", names[aid], name)
        for cid, name, nid, kind in con.execute("SELECT id, name, notebook_id, type FROM base_cell"):
            names[cid] = ("cell", names[nid], name, kind)
        for cid, name, nid in con.execute("SELECT id, name, notebook_id FROM source_cell"):
            names[cid] = ("source", names[nid], name)
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted((tuple(names.get(v, v) if isinstance(v, str) else v for v in row)
                           for row in con.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
    finally:
        con.close()


def test_a_new_gradebook_copied_from_the_template_equals_what_nbgrader_registers(tmp_path, monkeypatch):
    """새 SQLite 성적부는 nbgrader가 캐시 폴더에 한 번 만들어 둔 등록본에서 옮겨 담습니다(과제 만들기 없이). 옮긴
    성적부(과제 하나면 복사, 둘째 과제부터는 표마다 행을 옮김)는 nbgrader가 직접 등록한 성적부와 id만 빼고 같습니다.
    원본이 바뀌면 등록본의 이름(지문)이 달라 새로 만들고, 맞지 않는 등록본은 쓰지 않습니다. nbgrader의 과제 만들기를 다섯 번
    하므로(2.5초) 단위 묶음(-m unit)에는 넣지 않았습니다. 단위 묶음에서는 바로 위 테스트가 등록본으로 만드는 길을 지납니다."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = []
    real = release.generate
    monkeypatch.setattr(release, "generate", lambda ids, *a: (made.append(list(ids)), real(ids, *a)))
    aids = [AID, "ch02_learning"]
    direct = tmp_path / "direct.db"
    for aid in aids:
        gradebook._generate(aid, f"sqlite:///{direct}", gradebook.source_fingerprint(aid))
    made.clear()
    for name in ("first.db", "second.db"):
        book = gradebook.Book(f"sqlite:///{tmp_path / name}")
        for aid in aids:
            book.prepare(aid)
        assert made == [[aid] for aid in aids], "nbgrader should make each template once, then never again"
        assert _registration(tmp_path / name) == _registration(direct)
        for aid in aids:
            for nb in course.notebook_names(aid):
                assert book.context(aid, nb) == gradebook.Book(f"sqlite:///{direct}").context(aid, nb)
    # 등록본이 다른 원본의 것이면(이름은 같아도 안의 지문이 다름) 쓰지 않고 nbgrader로 등록합니다. 비교할 것은 nbgrader가
    # 이 과제 하나만 등록한 성적부, 곧 바꿔치기 전의 등록본입니다.
    template = gradebook.template_path(AID, gradebook.source_fingerprint(AID))
    alone = tmp_path / "alone.db"
    alone.write_bytes(template.read_bytes())
    template.write_bytes(gradebook.template_path(aids[1], gradebook.source_fingerprint(aids[1])).read_bytes())
    gradebook.Book(f"sqlite:///{tmp_path / 'third.db'}").prepare(AID)
    assert made[-1] == [AID]
    assert _registration(tmp_path / "third.db") == _registration(alone)
    # 캐시 폴더를 쓸 수 없으면(여기서는 그 자리가 파일) 등록본 없이 성적부에 바로 등록합니다.
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    gradebook.Book(f"sqlite:///{tmp_path / 'fourth.db'}").prepare(AID)
    assert made[-1] == [AID] and len(made) == 4
    assert _registration(tmp_path / "fourth.db") == _registration(alone)


def _tampered(assignment_id: str) -> list[nbformat.NotebookNode]:
    """정리가 바로잡아야 할 제출물들: 그대로, 테스트 셀을 고치고 배점·잠김·커널을 바꿈, 테스트 셀을 지움.
    (셀 종류가 바뀐 것은 그 앞의 notebooks.restore_structure가 되돌립니다.)"""
    base = notebooks.solution_submission(assignment_id)
    out = [copy.deepcopy(base)]
    tests = [i for i, c in enumerate(base.cells) if notebooks.is_grade(c) and not notebooks.is_solution(c)]
    nb = copy.deepcopy(base)
    nb.cells[tests[0]].source = "pass  # 테스트를 지움"
    nb.cells[tests[1]].metadata.nbgrader["points"] = 100
    nb.cells[tests[1]].metadata.nbgrader["locked"] = False
    nb.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2", "language": "python"}
    out.append(nb)
    nb = copy.deepcopy(base)
    del nb.cells[tests[-1]]  # nbgrader가 성적부의 원본 셀로 되살립니다(add_missing_cells)
    del nb.cells[tests[0]]
    out.append(nb)
    return out


def _nbgrader_sanitize(nb, db_url: str, assignment_id: str) -> nbformat.NotebookNode:
    """nbgrader autograde의 정리 단계 그대로(실제 성적부를 읽는 nbgrader의 전처리기)."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

    resources = {"nbgrader": {"assignment": assignment_id, "notebook": assignment_id, "student": "s", "db_url": db_url}}
    for kind in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = kind(config=course.nbgrader_config(db_url), log=nbgrader_steps._QUIET)(nb, resources)
    return nb


@pytest.mark.unit
@pytest.mark.parametrize("assignment_id", ["ch01_modeling", "ch05_cnn"])
def test_sanitizing_from_the_snapshot_equals_nbgrader_reading_the_gradebook(tmp_path, assignment_id):
    """실행하는 쪽의 정리(성적부의 사본)는 nbgrader의 정리(실제 성적부)와 바이트까지 같은 노트북을 만듭니다:
    고친 테스트, 바꾼 배점·잠김·커널, 지운 테스트 셀까지."""
    book = gradebook.Book(f"sqlite:///{tmp_path / 'gradebook.db'}")
    book.prepare(assignment_id)
    context = json.loads(json.dumps(book.context(assignment_id, assignment_id)))  # 실행하는 쪽이 받는 꼴(JSON)
    for nb in _tampered(assignment_id):
        ours = nbgrader_steps.sanitize(copy.deepcopy(nb), context, assignment_id, assignment_id, "s")
        theirs = _nbgrader_sanitize(copy.deepcopy(nb), book.db_url, assignment_id)
        assert nbformat.writes(ours) == nbformat.writes(theirs)
        assert ours != nb  # 정리가 실제로 무언가를 바꿨습니다(그대로인 것도 출력과 체크섬이 바뀜)


def _executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """실행한 셈 치기: 테스트 셀마다 다른 결과(통과, 오류, stderr, 부분 점수)와, 손대지 않은 풀이 셀 하나."""
    nb = copy.deepcopy(nb)
    outputs = [[], [nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[])],
               [nbformat.v4.new_output("stream", name="stderr", text="경고\n")],
               [nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)]]
    tests = [c for c in nb.cells if notebooks.is_grade(c) and not notebooks.is_solution(c)]
    for i, cell in enumerate(tests):
        cell.execution_count = 1
        cell.outputs = outputs[i % len(outputs)]
    return nb


def _rows(db_url: str, assignment_id: str) -> dict:
    """성적부에 적힌 것 전부(점수와 의견, nbgrader가 SQL로 셈한 총점)를 학생마다."""
    with Gradebook(db_url, course.COURSE_ID) as gb:
        return {s.student.id: (float(s.score), float(s.max_score),
                               sorted((g.name, g.auto_score, g.manual_score, g.needs_manual_grade, float(g.score))
                                      for nb in s.notebooks for g in nb.grades),
                               sorted((c.name, c.auto_comment) for nb in s.notebooks for c in nb.comments))
                for s in gb.assignment_submissions(assignment_id)}


def _nbgrader_scores(db_url: str, assignment_id: str, student_id: str) -> tuple[float, float, list]:
    """nbgrader가 SQL 식으로 셈한 점수: (총점, 만점, 정렬한 (셀, 점수, 배점))."""
    with Gradebook(db_url, course.COURSE_ID) as gb:
        submission = gb.find_submission(assignment_id, student_id)
        cells = sorted((g.name, float(g.score or 0), float(g.max_score)) for nb in submission.notebooks for g in nb.grades)
        return float(submission.score), float(submission.max_score), cells


@pytest.mark.unit
def test_recording_equals_nbgrader_save_auto_grades(tmp_path):
    """점수 셈(실행하는 쪽)과 기록(채점기의 세션 하나)은 nbgrader의 SaveAutoGrades와 같은 성적부를 만듭니다:
    새 제출물, 다시 채점하는 제출물, 수동 점수가 있는 제출물 모두. 기록이 돌려주는 점수는 nbgrader의 SQL 식과 같습니다."""
    import shutil

    from nbgrader.preprocessors import SaveAutoGrades

    ours_db, theirs_db = tmp_path / "ours.db", tmp_path / "theirs.db"
    book = gradebook.Book(f"sqlite:///{ours_db}")
    book.prepare(AID)
    shutil.copy(ours_db, theirs_db)
    context = book.context(AID, AID)
    submitted = {"full": notebooks.solution_submission(AID), "stub": notebooks.release_notebook(AID)}
    rec = book.recorder()
    for round_ in range(2):
        for student, nb in submitted.items():
            nb = _executed(nbgrader_steps.sanitize(copy.deepcopy(nb), context, AID, AID, student))
            if round_ == 1:
                nb = _executed(nb)  # 두 번째: 같은 학생을 다시 채점
            scored, marks = nbgrader_steps.score_notebook(copy.deepcopy(nb), AID, AID, student)
            got = rec.record(AID, student, AID, marks, scored=True)
            rec.commit()
            resources = {"nbgrader": {"assignment": AID, "notebook": AID, "student": student,
                                      "db_url": f"sqlite:///{theirs_db}"}}
            with Gradebook(f"sqlite:///{theirs_db}", course.COURSE_ID) as gb:
                gb.update_or_create_student(student)
                gb.update_or_create_submission(AID, student)
            SaveAutoGrades(log=nbgrader_steps._QUIET)(copy.deepcopy(nb), resources)
            assert (got.score, got.max_score, sorted((c.grade_id, c.score, c.max_score) for c in got.cells)) == \
                _nbgrader_scores(book.db_url, AID, student)
        if round_ == 0:  # 강사가 수동 점수를 준 뒤 다시 채점: 수동 점수가 이기고 검토 표시가 남습니다
            for db in (ours_db, theirs_db):
                with Gradebook(f"sqlite:///{db}", course.COURSE_ID) as gb:
                    grade = gb.find_submission(AID, "stub").notebooks[0].grades[0]
                    grade.manual_score = 1.0
                    gb.db.commit()
    rec.close()
    ours, theirs = _rows(f"sqlite:///{ours_db}", AID), _rows(f"sqlite:///{theirs_db}", AID)
    assert ours == theirs
    assert {r[0] for r in ours.values()} != {0.0}, "점수가 모두 0이면 비교가 아무것도 증명하지 못합니다"
    assert any(c[1] == "No response." for c in ours["stub"][3]) and any(g[2] == 1.0 for g in ours["stub"][2])


@pytest.mark.unit
def test_one_broken_result_in_a_batch_loses_no_other_and_is_not_half_written(tmp_path):
    """함께 기록하는 결과 가운데 하나가 성적부에 맞지 않으면(없는 점수 셀) 그것만 채점기 오류로 0점이 되고,
    나머지는 모두 적힙니다. 그 학생의 이전 점수는 반쯤 바뀐 채 남지 않고 0점으로 바뀝니다."""
    from autograder.coordinator import grade
    from autograder.worker import submission

    out = tmp_path / "out"
    grader = grade.Grader(out, progress=False)
    grader.book.prepare(AID)
    context = json.loads(grader._context(AID, AID).read_text(encoding="utf-8"))

    def arrived(student: str, broken: bool = False) -> grade.Arrived:
        nb = _executed(nbgrader_steps.sanitize(notebooks.solution_submission(AID), context["snapshot"], AID, AID, student))
        task = {"student_id": student, "assignment_id": AID, "notebook": AID, "notes": []}
        result, _ = submission.conclude(nb, "ok", "", task, context)
        if broken:
            result["marks"]["grades"]["없는_셀"] = 1.0
        return grade.Arrived(grade.Job(student, AID, AID, None), task, result)

    rec = grader.book.recorder()
    first = grader._record(rec, [arrived("a"), arrived("b")])
    assert [r.status for r in first] == ["ok", "ok"] and first[0].score > 0
    batch = grader._record(rec, [arrived("c"), arrived("b", broken=True), arrived("d")])
    rec.close()
    assert [r.status for r in batch] == ["ok", "grader_error", "ok"]
    assert "없는_셀" in batch[1].detail and batch[1].score == 0
    rows = _rows(grader.db_url, AID)
    assert set(rows) == {"a", "b", "c", "d"}
    assert rows["c"][0] == rows["d"][0] == rows["a"][0] == first[0].score
    assert rows["b"][0] == 0 and all(g[1] == 0 for g in rows["b"][2])


def test_solution_runs_through_a_prestarted_kernel_with_trusted_tests(tmp_path):
    """정답 제출물을 미리 띄운 커널(칸 하나)로, 테스트 셀은 이 프로세스에서 실행해도(채점 단계) 모든 테스트 셀이
    오류 없이 돌고 실행 번호가 붙습니다."""
    from autograder.worker import runner

    nb = notebooks.solution_submission(AID)
    workdir = tmp_path / "work"
    workdir.mkdir()
    outcome = runner.execute_notebook(nb, workdir, Limits(deny_paths=(str(course.SOLUTIONS),)),
                                      go=lambda: True, phases=course.phases(AID))
    assert outcome.status == "ok", outcome.detail
    tests = [c for c in outcome.nb.cells if notebooks.is_grade(c) and c.cell_type == "code"]  # 서술형 답(마크다운)은 빼고
    assert tests and all(c.execution_count is not None for c in tests)
    errors = [c.source[:40] for c in outcome.nb.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []


_FLOOD = "for _ in range(3000):\n    print('x' * 100_000)\n"  # 300 MB
#: 출력 상한을 걷어 낸 학생: ipykernel의 세션으로 stream 메시지를 직접 보냅니다(30 MB)
_FLOOD_BY_HAND = (
    "k = get_ipython().kernel\n"
    "for _ in range(30):\n"
    "    k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'y' * 1_000_000},\n"
    "                   parent=k.get_parent('shell'))\n"
)


def test_a_flooding_cell_is_cut_in_the_kernel_and_again_in_the_runner(tmp_path):
    """셀 하나의 넘치는 출력은 커널이 보내지 않고(autograder.kernel.output_cap: 300 MB를 다 보내면 조용한 기계에서
    2.1초와 커널 메모리 1.2 GB가 들어 바쁜 기계에서 시간 제한에 걸렸음), 커널의 상한을 우회해 보낸 출력은 실행 프로세스가
    상한까지만 받습니다. 어느 쪽이든 앞의 상한만큼 남고 메모가 붙습니다. 버린 출력은 커널의 메모리에도 남지 않습니다."""
    from autograder.kernel import output_cap
    from autograder.worker import runner

    cells = [_FLOOD, _FLOOD_BY_HAND, "from autograder.kernel import output_cap\nprint(output_cap.dropped)",
             "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    outcome = runner.execute_notebook(nb, tmp_path, Limits())
    assert outcome.status == "ok", outcome.detail
    kept = ["".join(o.text for o in c.outputs if o.output_type == "stream") for c in outcome.nb.cells]
    assert kept[0] == ("x" * 100_000 + "\n") * 19 + "x" * (output_cap.STREAM_CAP - 19 * 100_001)
    assert kept[1] == "y" * output_cap.STREAM_CAP
    # 커널은 첫 셀에서 상한보다 한 글자 더 보내고 나머지를 버렸고, 손으로 보낸 것은 세지 못합니다
    assert int(kept[2]) == 3000 * 100_001 - output_cap.STREAM_CAP - 1
    # 버린 출력은 커널에 남지 않습니다: IPython이 셀의 출력을 모두 따로 모아 두면(InteractiveShell._tee) 300 MB가 남습니다
    assert int(kept[3]) < 250, f"커널 최대 메모리 {kept[3]} MB"
    assert outcome.notes == [f"셀 {i}의 출력이 너무 많아 앞의 {output_cap.STREAM_CAP:,}자만 남겼습니다." for i in (1, 2)]


def test_each_phase_closes_its_kernel_client_so_no_socket_is_left_to_warn_in_a_later_test_cell(tmp_path):
    """단계마다 커널 클라이언트의 채널을 닫습니다. 닫지 않고 버린 zmq 소켓은 다음 단계의 테스트 셀 도중에 가비지 수집되며
    ResourceWarning을 내고, 그 셀의 "경고 없이" 규칙이 학생 탓으로 0점을 주었습니다(깨끗한 복제에서 ch05의 모든 제출물이
    layer_gradient_norms 숨은 테스트를 잃은 일). 두 단계로 실행한 뒤 가비지 수집이 내는 경고를 봅니다."""
    import gc
    import warnings

    from autograder.worker import runner

    nb = notebooks.solution_submission(AID)
    workdir = tmp_path / "work"
    workdir.mkdir()
    phases = [{"forbid": ["sklearn"], "functions": ["sigmoid"]}, {"forbid": [], "functions": None}]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = runner.execute_notebook(nb, workdir, Limits(deny_paths=(str(course.SOLUTIONS),)), phases=phases)
        gc.collect()
    assert outcome.status == "ok", outcome.detail
    sockets = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning) and "socket" in str(w.message)]
    assert sockets == [], sockets


def test_fork_server_failure_is_said_once_and_notebooks_still_run(tmp_path, monkeypatch, caplog):
    """포크 서버를 쓸 수 없으면 새 파이썬으로 실행하고, 그 사실을 채점 한 번에 한 번만 알립니다."""
    from autograder.worker import forkserver

    def broken():
        raise OSError("시험용으로 막음")

    monkeypatch.setattr(forkserver.ForkServer, "shared", staticmethod(broken))
    monkeypatch.setattr(execute, "_said", set())
    nb = notebooks.solution_submission("ch01_modeling")
    with caplog.at_level("WARNING", logger="autograder.worker.execute"):
        for i in range(2):
            (tmp_path / str(i)).mkdir()
            result = execute.run(nb, tmp_path / str(i), Limits())
            assert result.status == "ok", result.detail
    warnings_ = [r for r in caplog.records if "포크 서버를 쓸 수 없어" in r.getMessage()]
    assert len(warnings_) == 1 and "시험용으로 막음" in warnings_[0].getMessage()


def test_a_kernel_that_dies_at_start_leaves_its_log_for_the_instructor(tmp_path):
    """커널이 뜨다가 죽으면(여기서는 메모리 8 MB로 파이썬이 모듈을 불러오지 못함) 그 까닭이 담긴 커널 로그가
    ExecResult.kernel_log로 돌아옵니다."""
    nb = notebooks.solution_submission("ch01_modeling")
    result = execute.run(nb, tmp_path, Limits(memory_mb=8, cell_timeout=30, notebook_timeout=120))
    assert result.status == "kernel_died", result.detail
    # 파이썬이 모듈을 불러오다 죽은 자리: MemoryError의 트레이스백이나 faulthandler의 스택(둘 다 'File "…"' 줄).
    assert 'File "' in result.kernel_log, result.kernel_log[-500:]


def test_kernel_log_reaches_the_instructor_but_not_the_student(tmp_path):
    """커널이 뜨지 못한 제출물: 강사용 폴더에 커널 로그가 남고 grades.csv가 그곳을 가리키며, 피드백에는 로그가 없습니다."""
    from tests.conftest import grade, put

    put(notebooks.solution_submission("ch01_modeling"), tmp_path / "subs", "kim", "ch01_modeling")
    rows, _ = grade(tmp_path / "subs", tmp_path / "out", "--memory-mb", "8", "--jobs", "1", "--cell-timeout", "30")
    row = rows[("kim", "ch01_modeling")]
    assert row["status"] == "kernel_died" and float(row["score"]) == 0
    log = tmp_path / "out" / "autograded" / "kim" / "ch01_modeling" / "ch01_modeling.kernel.log"
    assert "autograded/kim/ch01_modeling/ch01_modeling.kernel.log" in row["detail"]
    assert 'File "' in log.read_text(encoding="utf-8")
    page = (tmp_path / "out" / "feedback" / "kim" / "ch01_modeling" / "ch01_modeling.html").read_text(encoding="utf-8")
    assert "MemoryError" not in page and "Traceback" not in page


def test_the_coordinator_never_cleans_up_executes_or_scores_a_notebook(tmp_path, monkeypatch):
    """채점기 프로세스에서 정리·점수 셈·실행을 막아 두어도 채점은 그대로입니다: 그 일은 모두 실행 프로세스에서 합니다."""
    from autograder.coordinator import grade
    from autograder.worker import runner, submission
    from tests.conftest import put

    def forbidden(*args, **kwargs):
        raise AssertionError("채점기 프로세스에서 노트북 하나의 일을 했습니다")

    for module, name in ((nbgrader_steps, "sanitize"), (nbgrader_steps, "score_notebook"), (submission, "prepare"),
                         (submission, "conclude"), (runner, "execute_notebook")):
        monkeypatch.setattr(module, name, forbidden)
    put(notebooks.solution_submission(AID), tmp_path / "subs", "kim", AID)
    put(notebooks.release_notebook(AID), tmp_path / "subs", "lee", AID)
    grader = grade.Grader(tmp_path / "out", jobs=2, progress=False)
    reports = {r.student_id: r for r in grader.run(grade.discover(tmp_path / "subs", [AID]))}
    # 정답 제출물: 자동 채점은 만점, 서술형 답은 강사가 채점할 때까지 대기
    assert (reports["kim"].status, reports["kim"].score) == ("ok", reports["kim"].max_score - reports["kim"].pending)
    assert reports["kim"].pending == 2
    assert reports["lee"].score == 0 and reports["kim"].max_score > 0


_TRAIN_BOTH_WAYS = """
import sys
import torch
import torch.nn.functional as F
from torch import nn

from autograder.kernel import torch_view


def make():
    torch.manual_seed(3)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 3, bias=False),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))


x, y = torch.randn(50, 1, 8, 8), torch.randint(0, 3, (50,))
ours = make()
ours[3].weight.requires_grad_(False)  # 기울기가 없는 매개변수는 둘 다 건너뜁니다
torch_view.train(ours, x, y, 3, 1e-2, 3e-3, 16, 0)
dynamo = "torch._dynamo" in sys.modules
ref = make()
ref[3].weight.requires_grad_(False)
opt = torch.optim.Adam(ref.parameters(), lr=1e-2)
gen = torch.Generator().manual_seed(0)
ref.train()
for epoch in range(3):
    if epoch == 2:
        for group in opt.param_groups:
            group["lr"] = 3e-3
    order = torch.randperm(50, generator=gen)
    for i in range(0, 50, 16):
        idx = order[i:i + 16]
        loss = F.cross_entropy(ref(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
same = all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), ref.state_dict().values()))
changed = not torch.equal(ours[0].weight, make()[0].weight)
print(dynamo, same, changed)
"""


def test_the_hidden_tests_adam_is_torchs_adam_without_its_compiler(tmp_path):
    """5장의 숨은 테스트가 학생 커널에서 돌리는 학습(torch_view.train)은 torch.optim.Adam과 같은 매개변수를 만들고
    (비트까지), torch의 컴파일러(torch._dynamo, 새 커널마다 1.3초)를 불러오지 않습니다. 새 프로세스에서 봅니다."""
    proc = subprocess.run([sys.executable, "-c", _TRAIN_BOTH_WAYS], capture_output=True, text=True, cwd=course.REPO,
                          env={**os.environ, "PYTHONPATH": str(course.REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "True"], proc.stdout


@pytest.mark.unit
def test_the_probe_flushes_student_output_before_answering_only_when_there_is_some(monkeypatch):
    """커널의 탐침은 답하기 전에 stdout/stderr를 비우되(학생 함수의 출력이 답보다 먼저 가게), 쓴 것이 없으면 비우지 않습니다
    (ipykernel의 flush는 비울 것이 없어도 출력 스레드와 두 번 오갑니다). ipykernel의 스트림이 아닌 것은 늘 비웁니다."""
    from autograder.kernel import probe

    class Stream:
        def __init__(self, pending):
            self._flush_pending, self._subprocess_flush_pending, self.flushed = pending, False, 0

        def flush(self):
            self.flushed += 1

    quiet, busy, plain = Stream(False), Stream(True), type("Plain", (), {"flushed": 0})()
    plain.flush = lambda: setattr(plain, "flushed", plain.flushed + 1)
    for out, err in ((quiet, busy), (plain, None)):
        monkeypatch.setattr(probe.sys, "stdout", out)
        monkeypatch.setattr(probe.sys, "stderr", err)
        probe._flush_pending()
    assert (quiet.flushed, busy.flushed, plain.flushed) == (0, 1, 1)


@pytest.mark.unit
def test_the_request_socket_talks_only_to_a_probe_with_the_token(tmp_path):
    """테스트 셀의 요청은 커널 실행 폴더의 유닉스 소켓으로 오갑니다. 그 폴더는 학생 커널이 쓸 수 있으므로 채점기는 경로로
    bind 하나만 합니다: 그 자리에 학생이 놓아 둔 심볼릭 링크는 링크만 지우고, 링크가 가리키는 파일은 건드리지 않습니다.
    토큰을 먼저 보내지 않은 연결과 지나치게 큰 메시지를 알리는 연결은 끊습니다. 메시지는 길이 머리와 UTF-8 본문으로
    온전히 오갑니다."""
    import socket
    import stat

    from autograder.kernel import probe
    from autograder.worker.checker import _Link, _Listener

    precious = tmp_path / "precious.txt"
    precious.write_text("성적", encoding="utf-8")
    precious.chmod(0o640)
    (tmp_path / "probe").symlink_to(precious)
    listener = _Listener(str(tmp_path / "probe"))
    try:
        st = os.lstat(listener.path)
        assert stat.S_ISSOCK(st.st_mode) and st.st_mode & 0o777 == 0o666
        assert precious.read_text(encoding="utf-8") == "성적" and precious.stat().st_mode & 0o777 == 0o640

        def connect(first: bytes) -> tuple[socket.socket, _Link]:
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(listener.path)
            client.sendall(first)
            link = None
            deadline = time.monotonic() + 5
            while link is None and time.monotonic() < deadline:
                link = listener.accept()
            for _ in range(100):
                link.fill()
                if link.ready or link.closed:
                    break
                time.sleep(0.01)
            return client, link

        def frame(text: str) -> bytes:
            data = text.encode()
            return len(data).to_bytes(probe._LENGTH, "big") + data

        _, stranger = connect(frame("0" * 32))
        assert stranger.closed and not stranger.ready
        _, greedy = connect((_Link.MAX_FRAME + 1).to_bytes(probe._LENGTH, "big"))
        assert greedy.closed and not greedy.ready

        client, link = connect(frame(listener.token))
        assert link.ready and not link.closed
        answer = json.dumps({"value": "가" * 300_000})  # 소켓 버퍼보다 큰 답
        sender = threading.Thread(target=probe._send, args=(client, answer))
        sender.start()
        got = None
        while got is None:
            link.fill()
            got = link.frame()
        sender.join()
        assert got == answer
        assert link.send(probe.END, 5) and probe._receive(client) == probe.END
        client.close()
        link.fill()
        assert link.closed
    finally:
        listener.close()
    assert not os.path.exists(listener.path)


def test_submissions_handed_out_before_the_gradebook_opens_get_the_graders_error_if_their_material_fails(
        tmp_path, monkeypatch):
    """성적부를 열기 전에 먼저 맡긴 제출물(``Grader._start_early``: 실행 프로세스가 커널부터 띄우고 자료를 기다림)은,
    채점기가 그 과제의 자료를 만들지 못하면 끝없이 기다리지 않고 그 까닭이 적힌 채점기 오류가 됩니다. 나머지 제출물은
    평소처럼 자료 만들기를 다시 해 보고 채점됩니다. 실제 포크 서버, 실행 프로세스, 격리된 커널로 채점합니다."""
    from autograder.coordinator import grade
    from autograder.coordinator.gradebook import Book
    from tests.conftest import put

    subs = tmp_path / "subs"
    for student in ("a", "b", "c"):
        put(notebooks.solution_submission(AID), subs, student, AID)
    real, calls = Book.prepare, []

    def prepare_fails_once(self, assignment_id):
        calls.append(assignment_id)
        if len(calls) == 1:
            raise RuntimeError("성적부가 잠겨 있습니다")
        return real(self, assignment_id)

    monkeypatch.setattr(Book, "prepare", prepare_fails_once)
    grader = grade.Grader(tmp_path / "out", jobs=1, progress=False)
    start = time.monotonic()
    reports = {r.student_id: r for r in grader.run(grade.discover(subs, [AID]))}
    assert time.monotonic() - start < 120
    assert grader.batch_timings["early"] == 1 and len(calls) == 2
    assert reports["a"].status == "grader_error" and "성적부가 잠겨 있습니다" in reports["a"].detail, reports["a"]
    assert [reports[s].status for s in ("b", "c")] == ["ok", "ok"] and reports["b"].score > 0


def test_an_unreadable_notebook_handed_out_early_is_invalid_and_the_batch_goes_on(tmp_path):
    """먼저 맡긴 제출물(실행 프로세스가 커널부터 띄움)의 노트북이 JSON으로 읽히지 않으면, 그 제출물은 평소처럼
    ``invalid_notebook`` 이고(실행 프로세스는 먼저 띄운 커널을 끄고 끝남) 다음 제출물은 채점됩니다."""
    from tests.conftest import grade as grade_cli
    from tests.conftest import put

    subs = tmp_path / "subs"
    (subs / "a" / AID).mkdir(parents=True)
    (subs / "a" / AID / f"{AID}.ipynb").write_text('{"cells": [', encoding="utf-8")
    put(notebooks.solution_submission(AID), subs, "b", AID)
    rows, _ = grade_cli(subs, tmp_path / "out", "--jobs", "2")
    assert json.loads((tmp_path / "out" / "timings-batch.json").read_text())["early"] == 1
    assert rows["a", AID]["status"] == "invalid_notebook" and rows["b", AID]["status"] == "ok", rows
    assert float(rows["b", AID]["score"]) > 0


def test_a_regraded_notebook_starts_its_kernel_before_the_gradebook_and_scores_as_a_fresh_batch(tmp_path):
    """다시 채점할 때(이어 채점하기) 바뀐 첫 제출물은 성적부를 열기 전에 맡겨지고(``early``: 배치에 하나), 점수와
    테스트 결과는 새 결과 폴더에 처음 채점한 것과 같습니다. 바뀐 것이 없으면 먼저 맡기지 않습니다."""
    from autograder.coordinator.report import read_csv
    from tests.conftest import grade as grade_cli
    from tests.conftest import put

    subs = tmp_path / "subs"
    put(notebooks.solution_submission(AID), subs, "a", AID)
    put(notebooks.release_notebook(AID), subs, "b", AID)
    grade_cli(subs, tmp_path / "out", "--jobs", "2")
    assert json.loads((tmp_path / "out" / "timings-batch.json").read_text())["early"] == 1
    again, _ = grade_cli(subs, tmp_path / "out", "--jobs", "2")
    assert json.loads((tmp_path / "out" / "timings-batch.json").read_text())["early"] == 0
    put(notebooks.release_notebook(AID), subs, "a", AID)  # a가 빈 학생본을 다시 냄
    put(notebooks.solution_submission(AID), subs, "b", AID)  # b가 풀이를 냄
    (subs / "a" / AID / "extra.txt").write_text("옆 파일만 바뀌어도 다시 실행합니다\n", encoding="utf-8")
    rows, tests = grade_cli(subs, tmp_path / "out", "--jobs", "2")
    assert json.loads((tmp_path / "out" / "timings-batch.json").read_text())["early"] == 1
    fresh_rows, fresh_tests = grade_cli(subs, tmp_path / "fresh", "--jobs", "2")
    assert {k: (r["score"], r["status"]) for k, r in rows.items()} == \
        {k: (r["score"], r["status"]) for k, r in fresh_rows.items()}
    assert float(rows["b", AID]["score"]) > float(again["b", AID]["score"])
    assert sorted(map(str, tests)) == sorted(map(str, fresh_tests))
    assert {t["student_id"]: t["kernel_start"] for t in read_csv(tmp_path / "out" / "timings.csv")}["a"] == "fresh"
