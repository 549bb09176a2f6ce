"""solutions/ 의 원본에서 학생용 exercises/ 를 만듭니다 (nbgrader generate_assignment)."""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory

from . import course

#: nbgrader가 셀마다 남기는 INFO 기록은 숨기고 오류만 보여 줍니다.
_LOG = logging.getLogger("autograder.release")
_LOG.setLevel(logging.ERROR)


def generate(assignment_ids: list[str], release_directory: Path, db_url: str) -> None:
    """nbgrader로 학생본을 release_directory/<id>/ 에 만들고, 성적부(db_url)에 과제를 등록합니다."""
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
