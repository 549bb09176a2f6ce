"""solutions/ 의 원본에서 학생용 exercises/ 를 만듭니다 (nbgrader generate_assignment).

성적부에 과제를 등록하는 것(채점 준비, ``coordinator.gradebook.Book.prepare``)도 이 모듈의 :func:`generate` 입니다.
"""
from __future__ import annotations

import functools
import logging
import shutil
import tempfile
from pathlib import Path

import nbgrader.api

from . import course

#: nbgrader가 셀마다 남기는 INFO 기록은 숨기고 오류만 보여 줍니다.
_LOG = logging.getLogger("autograder.release")
_LOG.setLevel(logging.ERROR)


@functools.cache
def alembic_head() -> str:
    """nbgrader가 새 성적부에 적는 데이터베이스 판(alembic의 head)을 이 프로세스 안에서 읽습니다.

    nbgrader(``nbgrader.api.get_alembic_version``)는 성적부를 새로 만들 때마다 이 값을 알려고 ``alembic heads`` 명령을
    새 프로세스로 돌립니다. 그 프로세스가 alembic과 SQLAlchemy를 다시 불러오느라 2코어 컴퓨터에서 2–3초가 들어, 새
    결과 폴더에 채점하거나 학생본을 만들 때마다 그만큼 기다렸습니다. 같은 값을 nbgrader의 이전(migration) 스크립트
    폴더(``nbgrader.dbutil.ALEMBIC_DIR``, 그 명령이 읽는 곳)에서 alembic의 API로 읽으면 0.1초입니다.
    tests/test_grading_pipeline.py가 이 값이 ``alembic heads`` 명령의 답과 같은지 봅니다."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = AlembicConfig()
    config.set_main_option("script_location", ALEMBIC_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"nbgrader의 성적부 판(alembic head)이 하나가 아닙니다: {heads}")
    return heads[0]


# nbgrader의 Gradebook은 새 성적부를 만들 때 모듈의 get_alembic_version()을 부릅니다: 같은 값을 프로세스 안에서.
nbgrader.api.get_alembic_version = alembic_head


def generate(assignment_ids: list[str], release_directory: Path, db_url: str) -> None:
    """nbgrader로 학생본을 release_directory/<id>/ 에 만들고, 성적부(db_url)에 과제를 등록합니다."""
    # nbgrader의 변환기는 nbconvert 전체를 불러옵니다(0.3초): 등록할 것이 없는 채점(다시 채점)은 이것을 치르지 않게 여기서.
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    course.ensure_venv_on_path()
    config = course.nbgrader_config(db_url, release_directory=release_directory)
    for aid in assignment_ids:
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = aid
        app = GenerateAssignment(coursedir=coursedir, config=config, log=_LOG)
        app.force = True
        app.create_assignment = True
        app.start()


def release(assignment_ids: list[str], release_directory: Path = course.EXERCISES) -> list[Path]:
    """학생본을 다시 만듭니다. 임시 성적부를 쓰므로 실제 성적부는 건드리지 않습니다."""
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'release.db'}"
        for aid in assignment_ids:
            shutil.rmtree(Path(release_directory) / aid, ignore_errors=True)
        generate(assignment_ids, Path(release_directory), db_url)
    return [Path(release_directory) / aid for aid in assignment_ids]
