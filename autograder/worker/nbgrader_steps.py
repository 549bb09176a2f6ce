"""nbgrader의 정리와 점수 셈을 성적부 없이 (trust level: the trusted per-submission worker).

nbgrader autograde의 '정리(sanitize)'와 '점수 셈'을 노트북을 실행하는 프로세스(Dask 작업자일 수도 있음)에서 합니다.
:func:`sanitize` 는 nbgrader의 정리 전처리기를 그대로 돌리되 성적부 대신 채점기가 과제마다 한 번 뜬 사본
(``autograder.coordinator.gradebook.Book.context``)을 읽고, :func:`score_notebook` 은 nbgrader의 ``SaveAutoGrades`` 가
적을 값(``utils.determine_grade``, 빈 풀이 표시)을 셉니다. 성적부에는 닿지 않습니다.

nbgrader에 기대는 곳: :func:`fast_metadata_checks` (셀 메타데이터 검사의 ``jsonschema`` 를 같은 결과의 빠른 대역으로),
:class:`_OverwriteCells`/:class:`_OverwriteKernelspec` (성적부 대신 사본을 읽는 정리), :func:`score_notebook`.
tests/test_grading_pipeline.py의 ``test_nbgrader_internals_we_rely_on_are_unchanged`` 가 이 코드들이 기대는 nbgrader
코드를 지문으로 확인합니다.
"""
from __future__ import annotations

import contextlib
import json
import logging
from types import SimpleNamespace

import jsonschema
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.nbgraderformat import common as _nbgrader_format
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)
from nbgrader.preprocessors.base import NbGraderPreprocessor

from .. import course

#: nbgrader 전처리기의 기록. 숨은 테스트 셀마다 나는 checksum 경고(정상 동작)는 강사에게 소음일 뿐입니다.
_QUIET = logging.getLogger("autograder.nbgrader")
_QUIET.setLevel(logging.ERROR)


class _CheckedSchemas:
    """nbgrader의 셀 메타데이터 검사가 쓰는 ``jsonschema`` 자리에 끼우는, 결과가 같고 빠른 대역.

    nbgrader는 셀마다 ``jsonschema.validate(meta, schema)`` 를 부르는데, 이 함수는 부를 때마다 스키마 자체를
    다시 검사합니다(셀 하나에 약 4 ms, 노트북 하나를 정리·기록하면 0.2초 남짓). 스키마는 한 번만 검사합니다.
    맞는 메타데이터인지는 그 스키마를 파이썬 코드로 옮긴 ``fastjsonschema`` 검사기(nbformat이 노트북 검사에 쓰는 것,
    셀 하나에 수 µs)가 먼저 봅니다. jsonschema의 검사기는 맞는 것에도 셀 하나에 약 1 ms가 듭니다. 빠른 검사기가
    받아들이지 않은 것만 jsonschema의 검사기로 다시 보고, ``jsonschema.validate`` 와 같은 오류(best_match)를
    던집니다. 두 검사기가 nbgrader의 스키마에서 같은 것을 받아들이는지는 tests/test_grading_pipeline.py가 봅니다.
    """

    def __init__(self):
        self._validators: dict[str, tuple] = {}

    def validate(self, instance, schema, cls=None, *args, **kwargs) -> None:
        if cls is not None or args or kwargs:
            return jsonschema.validate(instance, schema, cls, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            kind = jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            self._validators[key] = (_fast_validator(schema), kind(schema))
        fast, validator = self._validators[key]
        if fast is not None:
            try:
                fast(instance)
                return
            except Exception:  # 받아들이지 않았거나 검사하지 못했습니다: 아래에서 jsonschema가 판정합니다
                pass
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(jsonschema, name)


def _fast_validator(schema: dict):
    """``fastjsonschema`` 로 만든 검사기(맞으면 조용히 돌아오고, 아니면 예외, 받은 것은 바꾸지 않음). 만들 수 없으면
    None(jsonschema만 씁니다)."""
    try:
        import fastjsonschema

        return fastjsonschema.compile(schema, use_default=False)  # 빠진 키에 기본값을 채워 넣지 않게
    except Exception:
        return None


_CHECKED_SCHEMAS = _CheckedSchemas()


@contextlib.contextmanager
def fast_metadata_checks():
    """이 안에서만 nbgrader의 셀 메타데이터 검사(``nbgrader.nbgraderformat.common`` 의 ``jsonschema.validate``)가
    :class:`_CheckedSchemas` 를 씁니다. 정리와 점수 셈을 하는 실행 프로세스(스레드 하나)가 부르므로 다른 곳과 겹치지 않습니다."""
    original = _nbgrader_format.jsonschema
    _nbgrader_format.jsonschema = _CHECKED_SCHEMAS
    try:
        yield
    finally:
        _nbgrader_format.jsonschema = original


class _Snapshot:
    """:meth:`Book.context` 의 사본으로 nbgrader ``Gradebook`` 의 찾기(find_notebook, find_source_cell,
    find_graded_cell)에 답합니다. 없는 셀은 nbgrader와 같이 ``MissingEntry`` 입니다."""

    def __init__(self, data: dict):
        self.kernelspec = data["kernelspec"]
        self.source_cells = [SimpleNamespace(**c) for c in data["source_cells"]]
        self.grade_cells = [SimpleNamespace(name=n, max_score=m) for n, m in data["grade_cells"].items()]
        self.solution_cells = [SimpleNamespace(name=n) for n in data["solution_cells"]]
        self.task_cells = [SimpleNamespace(name=n, max_score=m) for n, m in data["task_cells"].items()]
        self._source = {c.name: c for c in self.source_cells}
        self._graded = {c.name: c for c in (*self.task_cells, *self.grade_cells)}  # 같은 이름이면 점수 셀이 먼저

    def find_notebook(self, notebook: str, assignment: str) -> _Snapshot:
        return self

    def find_source_cell(self, name: str, notebook: str, assignment: str):
        try:
            return self._source[name]
        except KeyError:
            raise MissingEntry() from None

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        try:
            return self._graded[name]
        except KeyError:
            raise MissingEntry() from None


class _OverwriteCells(OverwriteCells):
    """nbgrader의 ``OverwriteCells`` 와 같되, 성적부를 여는 대신 ``snapshot`` (:class:`_Snapshot`)을 읽습니다.

    ``preprocess`` 는 nbgrader의 것에서 ``Gradebook(db_url)`` 을 여는 줄만 사본으로 바꾼 것이고, 셀마다의 일
    (``preprocess_cell``)과 지워진 셀 되살리기(``add_missing_*``)는 nbgrader의 코드가 그대로 합니다."""

    snapshot: _Snapshot

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = self.snapshot
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class _OverwriteKernelspec(OverwriteKernelspec):
    """nbgrader의 ``OverwriteKernelspec`` 과 같되, 원본 노트북의 커널 설정을 사본에서 읽습니다."""

    snapshot: _Snapshot

    def preprocess(self, nb, resources):
        kernelspec = json.loads(self.snapshot.kernelspec) if self.snapshot.kernelspec is not None else None
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


def _resources(assignment_id: str, notebook: str, student_id: str) -> dict:
    return {"nbgrader": {"assignment": assignment_id, "notebook": notebook, "student": student_id, "db_url": ""}}


def sanitize(nb: NotebookNode, context: dict, assignment_id: str, notebook: str, student_id: str) -> NotebookNode:
    """nbgrader autograde의 정리 단계: 출력 지우기, 셀 id 중복 없애기, 커널 설정·잠긴 셀·숨은 테스트·배점을 원본으로.

    ``context`` 는 :meth:`Book.context` 의 사본입니다(성적부에 닿지 않으므로 어느 프로세스에서든 부를 수 있습니다)."""
    config = course.nbgrader_config("")
    snapshot = _Snapshot(context)
    resources = _resources(assignment_id, notebook, student_id)
    with fast_metadata_checks():
        for kind in (ClearOutput, DeduplicateIds, _OverwriteKernelspec, _OverwriteCells, CheckCellMetadata):
            pp = kind(config=config, log=_QUIET)
            pp.snapshot = snapshot
            nb, resources = pp(nb, resources)
    return nb


def score_notebook(nb: NotebookNode, assignment_id: str, notebook: str, student_id: str) -> tuple[NotebookNode, dict]:
    """nbgrader autograde의 기록 단계에서 성적부에 닿지 않는 몫: 출력 다듬기(``IgnorePattern``, ``LimitOutput``),
    점수 셈, 메타데이터 검사. 돌려주는 두 번째 값은 ``SaveAutoGrades`` 가 적을 값입니다:
    ``{"grades": {grade_id: auto_score}, "comments": {grade_id: auto_comment}}``."""
    config = course.nbgrader_config("")
    resources = _resources(assignment_id, notebook, student_id)
    with fast_metadata_checks():
        for kind in (IgnorePattern, LimitOutput):
            nb, resources = kind(config=config, log=_QUIET)(nb, resources)
        marks: dict = {"grades": {}, "comments": {}}
        for cell in nb.cells:
            if utils.is_grade(cell):  # SaveAutoGrades._add_score
                marks["grades"][cell.metadata["nbgrader"]["grade_id"]] = utils.determine_grade(cell, _QUIET)[0]
            if utils.is_solution(cell) or utils.is_task(cell):  # SaveAutoGrades._add_comment
                empty = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
                marks["comments"][cell.metadata["nbgrader"]["grade_id"]] = \
                    "No response." if empty and not utils.is_task(cell) else None
        nb, resources = CheckCellMetadata(config=config, log=_QUIET)(nb, resources)
    return nb, marks
