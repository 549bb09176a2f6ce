"""nbgrader 성적부: 채점 준비(과제 등록), 성적부 사본으로 하는 정리와 점수 셈, 결과 기록.

nbgrader의 autograde는 '정리(sanitize) → 실행 → 기록'을 한 프로세스에서, 셀마다 성적부에 물어 가며 합니다.
여기서는 세 곳으로 나눕니다.

- **준비**(채점기, 과제마다 한 번): :meth:`Book.prepare` 가 과제를 성적부에 등록하고, :meth:`Book.context` 가
  정리에 필요한 성적부의 내용(원본 셀, 배점, 커널 설정)을 기본 자료형의 사본(snapshot)으로 뜹니다.
- **정리와 점수 셈**(노트북을 실행하는 프로세스, Dask 작업자일 수도 있음): ``autograder.worker.nbgrader_steps`` 의
  ``sanitize`` 와 ``score_notebook`` 이 nbgrader의 전처리기를 성적부 대신 사본으로 돌립니다. 성적부에는 닿지 않습니다.
- **기록**(채점기 한곳): :class:`Recorder` 가 채점 내내 세션 하나를 열어 두고, 도착한 결과 여러 개를 한
  트랜잭션으로 적습니다. SQLite 성적부는 여러 프로세스가 동시에 쓰기에 안전하지 않기 때문입니다.

신뢰 수준: 채점기(coordinator). nbgrader(0.9.6, requirements.txt에 고정)에 기대는 곳은 범위를 정해 씁니다:
:meth:`Recorder.record` (``SaveAutoGrades`` 의 ``_add_score``/``_add_comment`` 와 같은 값), 그리고
``autograder.worker.nbgrader_steps`` 의 정리와 점수 셈.
tests/test_grading_pipeline.py의 ``test_nbgrader_internals_we_rely_on_are_unchanged`` 가 이 코드들이 기대는 nbgrader
코드를 지문으로 확인하므로, nbgrader를 올리면 그 테스트 하나가 무엇을 다시 볼지 말하며 실패합니다. 같은 파일의
동등성 테스트는 nbgrader 자신의 전처리기(실제 성적부)와 이 모듈이 같은 노트북과 같은 성적부를 만드는지 봅니다.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from .. import course, release, workdir

#: nbgrader 전처리기의 기록. 숨은 테스트 셀마다 나는 checksum 경고(정상 동작)는 강사에게 소음일 뿐입니다.
_QUIET = logging.getLogger("autograder.nbgrader")
_QUIET.setLevel(logging.ERROR)


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


#: 과제를 성적부에 등록한 원본의 지문을 적어 두는 표. nbgrader의 표 옆, 같은 데이터베이스 안에 있어 성적부와 함께
#: 옮겨 다닙니다(nbgrader와 formgrader는 모르는 표를 건드리지 않습니다).
PREPARED_TABLE = "autograder_prepared"
_CREATE_PREPARED = (f"CREATE TABLE IF NOT EXISTS {PREPARED_TABLE} "
                    "(assignment VARCHAR(128) PRIMARY KEY, source VARCHAR(64) NOT NULL)")


def _sqlite_file(db_url: str) -> Path | None:
    """SQLite 성적부 주소(``sqlite:///경로``)면 그 파일의 경로, 아니면(PostgreSQL 등) None."""
    return Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite:///") else None


def source_fingerprint(assignment_id: str) -> str:
    """과제 원본(solutions/<id>/의 노트북들), 풀이 자리에 넣는 코드, nbgrader 판의 지문: 이것이 같으면 성적부에 등록되는
    내용도 같습니다."""
    import hashlib

    import nbgrader

    h = hashlib.sha256(f"{nbgrader.__version__}\0{course.COURSE_ID}\0{course.CODE_STUB}".encode())
    for name in course.notebook_names(assignment_id):
        h.update(f"\0{name}\0".encode())
        h.update((course.SOLUTIONS / assignment_id / f"{name}.ipynb").read_bytes())
    return h.hexdigest()


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


def _generate(assignment_id: str, db_url: str, source: str) -> None:
    """nbgrader의 과제 만들기(``release.generate``)로 과제를 성적부에 등록하고, 등록한 원본의 지문을 적습니다."""
    import sqlalchemy

    with tempfile.TemporaryDirectory(prefix="gb-release-") as tmp:
        release.generate([assignment_id], Path(tmp), db_url)
    engine = sqlalchemy.create_engine(db_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(_CREATE_PREPARED))
            conn.execute(sqlalchemy.text(f"DELETE FROM {PREPARED_TABLE} WHERE assignment = :a"), {"a": assignment_id})
            conn.execute(sqlalchemy.text(f"INSERT INTO {PREPARED_TABLE} (assignment, source) VALUES (:a, :s)"),
                         {"a": assignment_id, "s": source})
    finally:
        engine.dispose()


#: 과제 등록이 쓰는 nbgrader의 표(학생·제출물·점수의 표는 빼고)와 등록 지문의 표. 등록본에는 이 표들만 차 있습니다.
_REGISTRATION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell", "grade_cells", "solution_cells",
                        "task_cells", PREPARED_TABLE)


def template_path(assignment_id: str, source: str) -> Path:
    """과제 하나만 nbgrader로 등록한 빈 SQLite 성적부(등록본)의 자리: 사용자의 캐시 폴더, 이름에 원본 지문."""
    return workdir.user_cache_dir() / f"gradebook-{assignment_id}-{source[:32]}.db"


def _template(assignment_id: str, source: str) -> Path | None:
    """등록본을 돌려줍니다. 없으면 nbgrader로 만들어(과제 만들기와 같은 1초 남짓) 캐시 폴더에 한 번에 바꿔 넣습니다.
    캐시 폴더를 쓸 수 없으면 None. 채점기 둘이 함께 만들어도 각자 임시 폴더에서 만들어 바꿔 넣으므로 반쯤 쓴 등록본은
    보이지 않습니다."""
    path = template_path(assignment_id, source)
    if path.is_file():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="gradebook-", dir=path.parent) as tmp:
            db = Path(tmp) / "gradebook.db"
            _generate(assignment_id, f"sqlite:///{db}", source)
            os.chmod(db, 0o600)  # 숨은 테스트의 원본이 들어 있습니다
            os.replace(db, path)
    except Exception:  # 캐시 폴더에 쓸 수 없거나 그곳의 SQLite가 안 되면 등록본 없이(성적부에 바로 등록) 갑니다
        return None
    return path


def _from_template(db_url: str, assignment_id: str, source: str) -> bool:
    """SQLite 성적부에 과제가 아직 없으면, 같은 원본의 등록본(:func:`_template`)에서 등록 내용을 옮겨 담습니다.

    nbgrader의 과제 만들기는 과제 노트북을 nbconvert 전처리기 열두 개에 통과시켜 과제마다 1초 남짓 듭니다. 새 결과
    폴더마다 치르던 이 값을, 같은 원본·같은 nbgrader 판으로 nbgrader가 만들어 둔 등록본을 복사해(성적부가 아직 없을 때)
    또는 표마다 행을 옮겨(다른 과제가 이미 있을 때) 대신합니다. nbgrader의 id는 무작위 UUID라 과제끼리 겹치지 않습니다.
    옮긴 것이 nbgrader가 직접 등록한 것과 같음은 tests/test_grading_pipeline.py가 봅니다.

    옮기지 못하면(PostgreSQL, 과제가 이미 있음, 등록본이 없거나 맞지 않음) 아무것도 바꾸지 않고 False."""
    import shutil
    import sqlite3

    target = _sqlite_file(db_url)
    if target is None:
        return False
    con = None
    try:
        if target.exists():
            con = sqlite3.connect(target)
            # 이미 있는 과제(다시 등록)는 nbgrader가 고칩니다: 쓰지 못할 등록본을 만들지 않게 이것부터 봅니다.
            if con.execute("SELECT count(*) FROM assignment WHERE name = ?", (assignment_id,)).fetchone()[0]:
                return False
        template = _template(assignment_id, source)
        if template is None:
            return False
        check = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            marked = check.execute(f"SELECT assignment, source FROM {PREPARED_TABLE}").fetchall()
        finally:
            check.close()
        if marked != [(assignment_id, source)]:
            return False
        if con is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(template, tmp)
            os.replace(tmp, target)
            return True
        con.execute("ATTACH DATABASE ? AS template", (f"file:{template}?mode=ro",))
        if not con.execute("SELECT (SELECT group_concat(version_num) FROM main.alembic_version) = "
                           "(SELECT group_concat(version_num) FROM template.alembic_version)").fetchone()[0]:
            return False
        with con:  # 한 트랜잭션: 중간에 실패하면 아무것도 옮기지 않습니다
            con.execute(_CREATE_PREPARED)  # 이름만 쓴 CREATE TABLE은 main(이 성적부)에 만듭니다
            for table in _REGISTRATION_TABLES:
                verb = "INSERT OR IGNORE" if table == "course" else "INSERT"
                con.execute(f"{verb} INTO main.{table} SELECT * FROM template.{table}")
    except (sqlite3.Error, OSError):
        return False
    finally:
        if con is not None:
            con.close()
    return True


@dataclass
class CellScore:
    grade_id: str
    score: float
    max_score: float
    #: 서술형 답(점수가 있는 풀이 셀, nbgrader의 '수동 채점 답')인지
    written: bool = False
    #: 서술형 답을 아직 아무도 채점하지 않았는지: 자동 점수도 수동 점수도 없음(nbgrader는 고친 답의 자동 점수를 비워 둡니다).
    #: 그동안 ``score`` 는 0이지만 0점이 아니라 '채점 대기'입니다.
    pending: bool = False
    #: 강사가 formgrader에서 적은 점수(없으면 None)와 의견
    manual_score: float | None = None
    comment: str = ""


class Book:
    """한 번의 채점에서 쓰는 성적부: 과제 등록(:meth:`prepare`), 정리에 쓸 사본(:meth:`context`), 기록(:meth:`recorder`)."""

    def __init__(self, db_url: str):
        self.db_url = db_url
        self._prepared: set[str] = set()

    def prepare(self, assignment_id: str) -> None:
        """과제를 성적부에 등록(또는 갱신)합니다: 원본 셀, 숨은 테스트, 배점.

        여러 채점기가 같은 PostgreSQL 성적부로 동시에 시작하면, 표를 만드는 일(빈 데이터베이스)과 새 과제를 등록하는
        일이 서로 부딪힙니다(nbgrader는 한 프로세스만 쓴다고 봅니다). 그래서 이 일은 :func:`_setup_lock` 아래에서
        한 번에 하나씩 합니다. 먼저 온 쪽이 만들고, 뒤에 온 쪽은 이미 있는 것을 갱신할 뿐입니다.
        """
        if assignment_id in self._prepared:
            return
        source = source_fingerprint(assignment_id)
        with _setup_lock(self.db_url):
            # 같은 원본으로 이미 등록한 성적부(다시 채점하기)면 nbgrader의 과제 만들기(과제마다 1초 남짓)를 건너뜁니다.
            # 새 SQLite 성적부(새 결과 폴더)는 같은 원본으로 nbgrader가 만들어 둔 등록본을 옮겨 담습니다(_from_template).
            if self._registered(assignment_id) != source and not _from_template(self.db_url, assignment_id, source):
                _generate(assignment_id, self.db_url, source)
        self._prepared.add(assignment_id)

    def _registered(self, assignment_id: str) -> str | None:
        """이 성적부에 과제를 등록할 때 적어 둔 원본 지문(:data:`PREPARED_TABLE`). 성적부나 기록이 없거나, 과제의 노트북이
        성적부에서 지워졌으면 None(다시 등록)."""
        if (path := _sqlite_file(self.db_url)) is not None and not path.is_file():
            return None
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.db_url, poolclass=sqlalchemy.pool.NullPool)
        try:
            with engine.connect() as conn:
                if not sqlalchemy.inspect(conn).has_table(PREPARED_TABLE):
                    return None
                source = conn.execute(sqlalchemy.text(f"SELECT source FROM {PREPARED_TABLE} WHERE assignment = :a"),
                                      {"a": assignment_id}).scalar()
                notebooks = conn.execute(sqlalchemy.text(
                    "SELECT count(*) FROM notebook JOIN assignment ON notebook.assignment_id = assignment.id "
                    "WHERE assignment.name = :a"), {"a": assignment_id}).scalar()
        except sqlalchemy.exc.SQLAlchemyError:
            return None
        finally:
            engine.dispose()
        return source if notebooks == len(course.notebook_names(assignment_id)) else None

    def context(self, assignment_id: str, notebook: str) -> dict:
        """과제 노트북 하나의 정리에 필요한 성적부 내용의 사본(기본 자료형; JSON으로 실행 프로세스에 보냅니다).

        nbgrader의 ``OverwriteCells`` 와 ``OverwriteKernelspec`` 이 셀마다 성적부에서 찾는 것(원본 셀의 종류, 잠김,
        체크섬, 내용; 점수 셀과 과제 셀의 배점; 풀이 셀 목록; 커널 설정)을 성적부가 돌려주는 순서 그대로 담습니다."""
        with Gradebook(self.db_url, course.COURSE_ID) as gb:
            nb = gb.find_notebook(notebook, assignment_id)
            return {
                "kernelspec": nb.kernelspec,
                "source_cells": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked, "checksum": c.checksum,
                                  "source": c.source} for c in nb.source_cells],
                "grade_cells": {c.name: float(c.max_score) for c in nb.grade_cells},
                "solution_cells": [c.name for c in nb.solution_cells],
                "task_cells": {c.name: float(c.max_score) for c in nb.task_cells},
            }

    def recorder(self) -> Recorder:
        return Recorder(self.db_url)

    def manual_grades(self) -> dict[tuple[str, str, str], list]:
        """성적부에 강사가 적은 것(수동 점수, 추가 점수, 의견)을 제출 노트북마다: (학생, 과제, 노트북) → 정렬된 목록.

        이어 채점하기의 지문에 들어갑니다(``grade.Grader._key``). 그래서 formgrader에서 서술형 답을 채점하거나 고친
        제출물은 다음 ``grade`` 에서 다시 기록되어 표와 피드백에 그 점수와 의견이 나옵니다. 성적부가 아직 없으면 빈 dict."""
        if (path := _sqlite_file(self.db_url)) is not None and not path.is_file():
            return {}
        from nbgrader.api import Comment, Grade

        found: dict[tuple[str, str, str], list] = {}
        # 빈 PostgreSQL 데이터베이스면 Gradebook을 여는 것이 표를 만듭니다: prepare와 같은 잠금 아래에서
        with _setup_lock(self.db_url), Gradebook(self.db_url, course.COURSE_ID) as gb:
            for g in gb.db.query(Grade).filter((Grade.manual_score.isnot(None)) | (Grade.extra_credit.isnot(None))):
                key = (g.student.id, g.assignment.name, g.notebook.notebook.name)
                found.setdefault(key, []).append(("grade", g.name, g.manual_score, g.extra_credit))
            for c in gb.db.query(Comment).filter(Comment.manual_comment.isnot(None)):
                key = (c.student.id, c.assignment.name, c.notebook.notebook.name)
                found.setdefault(key, []).append(("comment", c.name, c.manual_comment, None))
        return {key: sorted(rows, key=repr) for key, rows in found.items()}


# ---------- 기록: 채점기 한곳에서

@dataclass
class Scores:
    """성적부에 적힌 점수: 총점, 만점, 셀별 점수."""

    score: float
    max_score: float
    cells: list[CellScore]


class Recorder:
    """채점 내내 열어 두는 성적부 세션 하나. :meth:`record` 로 결과를 적고 :meth:`commit` 으로 한꺼번에 확정합니다.

    노트북 하나의 점수는 한 트랜잭션 안에서 모두 적히거나(커밋) 하나도 적히지 않습니다(되돌림). 채점기는 함께 도착한
    결과들을 한 트랜잭션으로 적고, 그중 하나가 실패하면 모두 되돌린 뒤 하나씩 다시 적어 다른 결과를 잃지 않습니다.
    셀 이름과 배점은 과제마다 한 번 읽어 두므로(:meth:`_cells`), 기록 한 번은 제출물을 찾거나 만드는 것과 점수를
    바꾸는 것뿐입니다.
    """

    def __init__(self, db_url: str):
        self.gb = Gradebook(db_url, course.COURSE_ID)
        #: 과제 → (셀 id → 이름, 노트북 id → 이름, (노트북 이름, 셀 이름) → 배점, 서술형 답의 (노트북 이름, 셀 이름))
        self._layout: dict[str, tuple[dict[str, str], dict[str, str], dict[str, float], set[tuple[str, str]]]] = {}
        #: 지금 트랜잭션에서 연 제출물 (늦은 제출 기록이 다시 찾지 않도록)
        self._open: dict[tuple[str, str], object] = {}

    def _cells(self, assignment_id: str):
        if assignment_id not in self._layout:
            names, notebooks, max_scores, written = {}, {}, {}, set()
            for nb in self.gb.find_assignment(assignment_id).notebooks:
                notebooks[nb.id] = nb.name
                for cell in (*nb.grade_cells, *nb.task_cells, *nb.solution_cells, *nb.source_cells):
                    names[cell.id] = cell.name
                for cell in (*nb.task_cells, *nb.grade_cells):
                    max_scores[(nb.name, cell.name)] = float(cell.max_score)
                # 점수 셀이면서 풀이 셀: 서술형 답(notebooks.is_written)
                written |= {(nb.name, c.name) for c in nb.grade_cells} & {(nb.name, c.name) for c in nb.solution_cells}
            self._layout[assignment_id] = (names, notebooks, max_scores, written)
        return self._layout[assignment_id]

    def record(self, assignment_id: str, student_id: str, notebook: str, marks: dict | None, scored: bool) -> Scores:
        """제출물 하나를 적습니다: 학생과 제출물을 찾거나 만들고, ``marks`` (:func:`score_notebook`)를 nbgrader의
        ``SaveAutoGrades`` 와 같이 적은 뒤, 점수를 매기지 않는 상태(``scored`` 가 거짓)면 모든 점수를 0으로 둡니다."""
        names, notebooks, max_scores, written = self._cells(assignment_id)
        with _commit_deferred(self.gb.db), warnings.catch_warnings():
            # nbgrader의 add_submission이 제출물을 세션에 넣기 전에 관계를 읽어 나는 SQLAlchemy 경고(결과와 무관)
            warnings.simplefilter("ignore", category=SAWarning)
            submission = _open_submission(self.gb, assignment_id, student_id)
            self._open[(assignment_id, student_id)] = submission
            cells = []
            for nb in submission.notebooks:
                nb_name = notebooks[nb.notebook_id]
                grades = {names[g.cell_id]: g for g in nb.grades}
                if marks is not None and nb_name == notebook:
                    unknown = set(marks["grades"]) - set(grades)
                    if unknown:
                        raise MissingEntry(f"성적부에 없는 점수 셀: {sorted(unknown)}")
                    for name, auto_score in marks["grades"].items():
                        grade = grades[name]
                        grade.auto_score = auto_score
                        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
                    comments = {names[c.cell_id]: c for c in nb.comments}
                    for name, text in marks["comments"].items():
                        comments[name].auto_comment = text
                if not scored:
                    for grade in grades.values():
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                manual_comments = {names[c.cell_id]: c.manual_comment or "" for c in nb.comments}
                for name, g in grades.items():
                    is_written = (nb_name, name) in written
                    cells.append(CellScore(
                        name, _grade_score(g), max_scores[(nb_name, name)], written=is_written,
                        pending=is_written and g.manual_score is None and g.auto_score is None,
                        manual_score=None if g.manual_score is None else float(g.manual_score),
                        comment=manual_comments.get(name, "") if is_written else ""))
            self.gb.db.flush()
        return Scores(sum(c.score for c in cells), sum(max_scores.values()), cells)

    def record_lateness(self, assignment_id: str, student_id: str, due, timestamp, extension,
                        set_extension: bool, penalty_of) -> tuple[float, float]:
        """늦은 제출을 nbgrader의 제 자리에 적습니다(:meth:`record` 와 같은 트랜잭션): 마감(``Assignment.duedate``),
        제출 시각과 연장(``SubmittedAssignment.timestamp``/``extension``), 감점(``SubmittedNotebook.late_submission_penalty``;
        nbgrader는 노트북마다의 감점을 더해 ``SubmittedAssignment.late_submission_penalty``로 봅니다).

        시각은 시간대 없는 UTC입니다. ``due``가 None이면 성적부의 마감을, ``set_extension``이 거짓이면 성적부의
        연장(nbgrader로 준 것)을 그대로 둡니다. 감점은 nbgrader가 계산한 ``total_seconds_late``를 받아
        ``penalty_of``가 정합니다. 돌려주는 값: (total_seconds_late, 감점).
        """
        submission = self._open.get((assignment_id, student_id)) or self.gb.find_submission(assignment_id, student_id)
        assignment = submission.assignment
        if due is not None and assignment.duedate != due:
            assignment.duedate = due
        submission.timestamp = timestamp
        if set_extension:
            submission.extension = extension
        self.gb.db.flush()
        seconds = float(submission.total_seconds_late)
        penalty = float(penalty_of(seconds))
        _, notebooks, _, _ = self._cells(assignment_id)
        for i, nb in enumerate(sorted(submission.notebooks, key=lambda n: notebooks[n.notebook_id])):
            nb.late_submission_penalty = (penalty or None) if i == 0 else None
        return seconds, penalty

    def commit(self) -> None:
        self._open.clear()
        self.gb.db.commit()

    def rollback(self) -> None:
        self._open.clear()
        self.gb.db.rollback()

    def close(self) -> None:
        self.gb.close()


def _grade_score(grade) -> float:
    """nbgrader ``Grade.score`` (SQL 식)와 같은 값: 수동 점수가 있으면 그것, 없으면 자동 점수, 둘 다 없으면 0,
    그리고 추가 점수(extra_credit)."""
    base = grade.manual_score if grade.manual_score is not None else grade.auto_score
    if base is None:
        return 0.0
    return float(base + (grade.extra_credit or 0.0))
