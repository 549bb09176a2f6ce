"""이어 채점하기: 제출물마다 '무엇을 채점했는지'(지문)와 그 결과를 결과 폴더에 남깁니다.

같은 ``--out`` 으로 다시 채점하면, 지문이 같은 제출물(제출한 노트북과 옆의 파일, 과제 원본, 채점 제한, 마감 규칙,
성적부 주소, 강사가 성적부에 적은 서술형 점수와 의견이 모두 그대로인 것)은 남겨 둔 결과를 그대로 쓰고 다시 채점하지
않습니다. 채점기가 도중에 죽어도 기록을 마친 제출물의 결과는 남아 있으므로, 다시 돌리면 나머지만 채점합니다.
``--force`` 이면 모두 다시 채점합니다.

결과는 ``OUT/.grading-state/<학생>/<과제>/<노트북>.json`` 에, 성적부 기록과 피드백까지 끝난 뒤에 원자적으로
(임시 파일 → ``os.replace``) 씁니다. 채점기 오류(``grader_error``)는 일시적일 수 있어 남기지 않습니다.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from .. import workdir
from ..status import Status
from .feedback import Report, TestResult, WrittenAnswer

FOLDER = ".grading-state"
#: 저장 형식의 판. 바뀌면 남겨 둔 결과는 모두 다시 채점합니다.
VERSION = 3


@functools.cache
def grader_fingerprint() -> str:
    """채점 결과를 바꿀 수 있는 채점기 쪽 코드의 지문: 이 패키지의 모든 .py와 nbgrader의 판."""
    import nbgrader

    h = hashlib.sha256(f"nbgrader {nbgrader.__version__}\0state {VERSION}\0".encode())
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        h.update(f"\0{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    return h.hexdigest()


def fingerprint(job, settings: dict, folder_mb: float | None = None) -> str:
    """제출물 하나를 채점한 결과를 정하는 모든 것의 지문.

    ``settings`` 는 채점기 쪽의 것(과제 원본의 지문, 제한, 격리 방식과 라이브러리 규칙, 마감 규칙, 성적부 주소,
    성적부의 수동 점수와 의견)이고,
    여기에 채점기 코드와 nbgrader의 판(:func:`grader_fingerprint`)을 더합니다. 작업 폴더로 가는 파일은 모두 내용으로
    셉니다. 다만 크기 합이 ``folder_mb`` 를 넘으면 어차피 ``too_large`` 이므로 크기만 셉니다(5 GB를 읽지 않게)."""
    h = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    h.update(grader_fingerprint().encode())
    h.update(json.dumps([job.student_id, job.assignment_id, job.notebook, job.collision, job.notes]).encode())
    if job.path is not None and job.path.is_file():
        h.update(b"notebook\0" + job.path.read_bytes())
    if job.folder is not None and job.folder.is_dir():
        # 작업 폴더로 가는 파일과 같은 것(노트북·링크 빼고, 링크를 따라가지 않음)만 봅니다.
        files = [(path, path.lstat().st_size) for path in workdir.copied_files(job.folder)]
        by_content = folder_mb is None or sum(size for _, size in files) <= folder_mb * 2**20
        for path, size in files:
            h.update(f"\0{path.relative_to(job.folder).as_posix()}\0{size}\0".encode())
            if by_content:
                with path.open("rb") as f:
                    for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                        h.update(chunk)
    return h.hexdigest()


def with_manual(work: str, manual) -> str:
    """이어 채점하기의 지문: 성적부를 뺀 지문 ``work`` (:func:`fingerprint`)에 강사가 성적부에 적은 것(``manual``: 서술형
    점수와 의견)을 더한 것. 이것이 같아야 남겨 둔 결과를 씁니다. ``work`` 가 달라졌으면 성적부를 열기 전에도 다시
    실행해야 한다는 것을 압니다(:func:`changed`)."""
    return hashlib.sha256(f"{work}\0{json.dumps(manual, sort_keys=True, default=str)}".encode()).hexdigest()


def any_saved(out: Path) -> bool:
    """``out`` 에 이어 채점하기 기록이 하나라도 있을 수 있는지(기록 폴더가 있는지)."""
    return (out / FOLDER).is_dir()


def _path(out: Path, job) -> Path:
    return out / FOLDER / job.student_id / job.assignment_id / f"{job.notebook}.json"


def load(out: Path, job, key: str) -> Report | None:
    """지문이 같은 결과가 남아 있으면 그 :class:`Report`, 아니면 None."""
    path = _path(out, job)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        if saved.get("key") != key:
            return None
        raw = saved["report"]
        return Report(**{**raw, "status": Status(raw["status"]), "tests": [TestResult(**t) for t in raw["tests"]],
                         "written": [WrittenAnswer(**w) for w in raw["written"]]})
    except (AttributeError, KeyError, TypeError, ValueError):
        return None  # 옛 형식이거나 깨진 기록: 다시 채점합니다


def changed(out: Path, job, work: str) -> bool:
    """남겨 둔 결과가 없거나 그 성적부를 뺀 지문(:func:`fingerprint`)이 ``work`` 와 다르면 True."""
    try:
        saved = json.loads(_path(out, job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not isinstance(saved, dict) or saved.get("work") != work


def save(out: Path, job, keys: tuple[str, str], rep: Report) -> None:
    """``keys``: (지문(:func:`with_manual`), 성적부를 뺀 지문(:func:`fingerprint`))."""
    if rep.status == Status.GRADER_ERROR:
        return
    with workdir.replaced_atomically(_path(out, job)) as f:
        json.dump({"key": keys[0], "work": keys[1], "report": dataclasses.asdict(rep)}, f, ensure_ascii=False)
