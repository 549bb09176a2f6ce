"""solutions/ 의 원본에서 학생용 exercises/ 를 만듭니다 (nbgrader generate_assignment)."""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from . import course

log = logging.getLogger(__name__)


def _api(db_url: str, release_directory: Path) -> NbGraderAPI:
    config = course.nbgrader_config(db_url, release_directory=release_directory)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def generate(assignment_ids: list[str], release_directory: Path, db_url: str) -> None:
    """nbgrader로 학생본을 release_directory/<id>/ 에 만들고, 성적부(db_url)에 과제를 등록합니다."""
    course.ensure_venv_on_path()
    api = _api(db_url, release_directory)
    for aid in assignment_ids:
        result = api.generate_assignment(aid, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {aid} 실패:\n{result['log']}\n{result.get('error', '')}")


def release(assignment_ids: list[str], release_directory: Path = course.EXERCISES) -> list[Path]:
    """학생본을 다시 만듭니다. 임시 성적부를 쓰므로 실제 성적부는 건드리지 않습니다."""
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'release.db'}"
        for aid in assignment_ids:
            shutil.rmtree(Path(release_directory) / aid, ignore_errors=True)
        generate(assignment_ids, Path(release_directory), db_url)
    return [Path(release_directory) / aid for aid in assignment_ids]
