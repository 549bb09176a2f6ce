"""nbgrader 성적부와 nbgrader 전처리기로 제출물을 정리하고 점수를 기록합니다.

nbgrader의 autograde는 '정리(sanitize) → 실행 → 기록' 순서로 한 프로세스에서 돕니다. 여기서는 실행만
자식 프로세스로 떼어 내고(execute.py), 정리와 기록은 nbgrader의 전처리기를 그대로 써서 이 프로세스 한곳에서
성적부에 씁니다. SQLite 성적부는 여러 프로세스가 동시에 쓰기에 안전하지 않기 때문입니다.

nbgrader(0.9.6, requirements.txt에 고정)에 기대는 곳은 둘이고, 둘 다 이 모듈 안에서 범위를 정해 씁니다.

1. :func:`fast_metadata_checks`: 정리와 기록을 하는 동안에만 nbgrader의 셀 메타데이터 검사가 쓰는
   ``jsonschema`` 를 같은 결과의 빠른 대역으로 바꿉니다(끝나면 되돌림).
2. :class:`_SaveAutoGrades`: nbgrader의 ``SaveAutoGrades`` 가 점수 하나마다 하는 커밋을 노트북마다 한 번으로 모읍니다.

tests/test_grading_pipeline.py의 ``test_nbgrader_internals_we_rely_on_are_unchanged`` 가 두 곳이 기대는 nbgrader 코드를
지문으로 확인하므로, nbgrader를 올리면 그 테스트 하나가 무엇을 다시 볼지 말하며 실패합니다.
"""
from __future__ import annotations

import contextlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import common as _nbgrader_format
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from nbgrader.preprocessors.base import NbGraderPreprocessor

from . import course, release

#: nbgrader 전처리기의 기록. 숨은 테스트 셀마다 나는 checksum 경고(정상 동작)는 강사에게 소음일 뿐입니다.
_QUIET = logging.getLogger("autograder.nbgrader")
_QUIET.setLevel(logging.ERROR)


class _CheckedSchemas:
    """nbgrader의 셀 메타데이터 검사가 쓰는 ``jsonschema`` 자리에 끼우는, 결과가 같고 빠른 대역.

    nbgrader는 셀마다 ``jsonschema.validate(meta, schema)`` 를 부르는데, 이 함수는 부를 때마다 스키마 자체를
    다시 검사합니다(셀 하나에 약 4 ms, 노트북 하나를 정리·기록하면 0.2초 남짓). 스키마는 한 번만 검사하고 만든
    검사기를 다시 씁니다. 잘못된 메타데이터에는 ``jsonschema.validate`` 와 같은 오류(best_match)를 던집니다.
    """

    def __init__(self):
        self._validators: dict[str, object] = {}

    def validate(self, instance, schema, cls=None, *args, **kwargs) -> None:
        if cls is not None or args or kwargs:
            return jsonschema.validate(instance, schema, cls, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            kind = jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            validator = self._validators[key] = kind(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(jsonschema, name)


_CHECKED_SCHEMAS = _CheckedSchemas()


@contextlib.contextmanager
def fast_metadata_checks():
    """이 안에서만 nbgrader의 셀 메타데이터 검사(``nbgrader.nbgraderformat.common`` 의 ``jsonschema.validate``)가
    :class:`_CheckedSchemas` 를 씁니다. 채점기의 한 스레드(정리와 기록)만 부르므로 다른 곳과 겹치지 않습니다."""
    original = _nbgrader_format.jsonschema
    _nbgrader_format.jsonschema = _CHECKED_SCHEMAS
    try:
        yield
    finally:
        _nbgrader_format.jsonschema = original


class _SaveAutoGrades(SaveAutoGrades):
    """nbgrader의 SaveAutoGrades와 같되, 셀마다가 아니라 노트북마다 한 번 커밋합니다.

    nbgrader는 점수 하나를 적을 때마다(``_add_score``, ``_add_comment`` 끝에서) 커밋합니다(노트북 하나에 수십 번).
    여기서는 그 둘이 부르는 동안만 커밋을 flush로 미루고, 노트북의 점수를 한 트랜잭션으로 적습니다. 그래서 더 빠르고,
    기록 도중 실패하면 그 노트북의 점수가 반쯤 적힌 채 남지 않습니다. ``preprocess`` 는 nbgrader의 것과 같은 일
    (성적부를 열고 셀마다 ``preprocess_cell``)을 하고, 끝에 한 번 커밋하거나 실패하면 되돌립니다.
    """

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.student_id = resources["nbgrader"]["student"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            try:
                with _commit_deferred(self.gradebook.db):  # 제출물도 점수와 같은 트랜잭션에서 만듭니다
                    _open_submission(self.gradebook, self.assignment_id, self.student_id)
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            except BaseException:
                self.gradebook.db.rollback()
                raise
            self.gradebook.db.commit()
        return nb, resources

    def _add_score(self, cell, resources):
        with _commit_deferred(self.gradebook.db):
            super()._add_score(cell, resources)

    def _add_comment(self, cell, resources):
        with _commit_deferred(self.gradebook.db):
            super()._add_comment(cell, resources)


def _open_submission(gb: Gradebook, assignment_id: str, student_id: str):
    """성적부에 학생과 제출물을 만듭니다(있으면 그대로). 점수를 적는 쪽이 같은 트랜잭션 안에서 부릅니다.

    그래서 채점이 도중에 끊겨도(프로세스가 죽어도) 점수 없는 제출물이 성적부에 남아 0점처럼 읽히지 않습니다."""
    gb.update_or_create_student(student_id)
    return gb.update_or_create_submission(assignment_id, student_id)


@contextlib.contextmanager
def _commit_deferred(session):
    """이 안에서 ``session.commit()`` 은 flush만 합니다(이 세션 객체 하나에만, 끝나면 되돌림)."""
    session.commit = session.flush
    try:
        yield
    finally:
        del session.commit


#: 성적부 준비를 한 번에 하나씩 하도록 잡는 PostgreSQL 권고 잠금(advisory lock)의 번호("MLRS").
SETUP_LOCK_KEY = 0x4D4C5253


@contextlib.contextmanager
def _setup_lock(db_url: str):
    """PostgreSQL 성적부면 세션 권고 잠금을 잡고 있는 동안만 안으로 들여보냅니다. SQLite는 한 채점기만 쓰므로 그대로."""
    if not db_url.startswith("postgresql"):
        yield
        return
    import sqlalchemy

    engine = sqlalchemy.create_engine(db_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})
    finally:
        engine.dispose()


@dataclass
class CellScore:
    grade_id: str
    score: float
    max_score: float


class Book:
    """한 번의 채점에서 쓰는 성적부. 모든 쓰기는 이 객체를 거칩니다(한 프로세스, 한 스레드)."""

    def __init__(self, db_url: str):
        self.db_url = db_url
        self.config = course.nbgrader_config(db_url)
        self._prepared: set[str] = set()

    def prepare(self, assignment_id: str) -> None:
        """과제를 성적부에 등록(또는 갱신)합니다: 원본 셀, 숨은 테스트, 배점.

        여러 채점기가 같은 PostgreSQL 성적부로 동시에 시작하면, 표를 만드는 일(빈 데이터베이스)과 새 과제를 등록하는
        일이 서로 부딪힙니다(nbgrader는 한 프로세스만 쓴다고 봅니다). 그래서 이 일은 :func:`_setup_lock` 아래에서
        한 번에 하나씩 합니다. 먼저 온 쪽이 만들고, 뒤에 온 쪽은 이미 있는 것을 갱신할 뿐입니다.
        """
        if assignment_id in self._prepared:
            return
        with _setup_lock(self.db_url), tempfile.TemporaryDirectory(prefix="gb-release-") as tmp:
            release.generate([assignment_id], Path(tmp), self.db_url)
        self._prepared.add(assignment_id)

    def _resources(self, assignment_id: str, notebook: str, student_id: str) -> dict:
        return {"nbgrader": {"assignment": assignment_id, "notebook": notebook,
                             "student": student_id, "db_url": self.db_url}}

    def sanitize(self, nb: NotebookNode, assignment_id: str, notebook: str, student_id: str) -> NotebookNode:
        """nbgrader autograde의 정리 단계: 출력 지우기, 잠긴 셀과 숨은 테스트를 원본으로 되돌리기."""
        resources = self._resources(assignment_id, notebook, student_id)
        with fast_metadata_checks():
            for pp in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
                nb, resources = pp(config=self.config, log=_QUIET)(nb, resources)
        return nb

    def record(self, nb: NotebookNode, assignment_id: str, notebook: str, student_id: str) -> NotebookNode:
        """nbgrader autograde의 기록 단계: 실행된 노트북의 테스트 결과를 성적부에 적습니다."""
        resources = self._resources(assignment_id, notebook, student_id)
        with fast_metadata_checks():
            for pp in (IgnorePattern, LimitOutput, _SaveAutoGrades, CheckCellMetadata):
                nb, resources = pp(config=self.config, log=_QUIET)(nb, resources)
        return nb

    def set_zero(self, assignment_id: str, student_id: str) -> None:
        """제출물 전체를 0점으로 적습니다 (시간 초과, 커널 종료, 읽을 수 없는 노트북). 제출물을 만드는 것까지 한 트랜잭션."""
        with Gradebook(self.db_url, course.COURSE_ID) as gb:
            with _commit_deferred(gb.db):
                submission = _open_submission(gb, assignment_id, student_id)
            for nb in submission.notebooks:
                for grade in nb.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            gb.db.commit()

    def record_lateness(self, assignment_id: str, student_id: str, due, timestamp, extension,
                        set_extension: bool, penalty_of) -> tuple[float, float]:
        """늦은 제출을 nbgrader의 제 자리에 한 트랜잭션으로 적습니다: 마감(``Assignment.duedate``), 제출 시각과
        연장(``SubmittedAssignment.timestamp``/``extension``), 감점(``SubmittedNotebook.late_submission_penalty``;
        nbgrader는 노트북마다의 감점을 더해 ``SubmittedAssignment.late_submission_penalty``로 봅니다).

        시각은 시간대 없는 UTC입니다. ``due``가 None이면 성적부의 마감을, ``set_extension``이 거짓이면 성적부의
        연장(nbgrader로 준 것)을 그대로 둡니다. 감점은 nbgrader가 계산한 ``total_seconds_late``를 받아
        ``penalty_of``가 정합니다. 돌려주는 값: (total_seconds_late, 감점).
        """
        with Gradebook(self.db_url, course.COURSE_ID) as gb:
            assignment = gb.find_assignment(assignment_id)
            if due is not None and assignment.duedate != due:
                assignment.duedate = due
            submission = gb.find_submission(assignment_id, student_id)
            submission.timestamp = timestamp
            if set_extension:
                submission.extension = extension
            gb.db.flush()
            seconds = float(submission.total_seconds_late)
            penalty = float(penalty_of(seconds))
            for i, nb in enumerate(sorted(submission.notebooks, key=lambda n: n.name)):
                nb.late_submission_penalty = (penalty or None) if i == 0 else None
            gb.db.commit()
            return seconds, penalty

    def scores(self, assignment_id: str, student_id: str) -> tuple[float, float, list[CellScore]]:
        """성적부에 적힌 점수: (총점, 만점, 셀별 점수)."""
        with Gradebook(self.db_url, course.COURSE_ID) as gb:
            submission = gb.find_submission(assignment_id, student_id)
            cells = [
                CellScore(g.name, float(g.score or 0), float(g.max_score))
                for nb in submission.notebooks for g in nb.grades
            ]
            return float(submission.score), float(submission.max_score), cells
