"""nbgrader 교환 폴더로 피드백 돌려주기 (feedback through nbgrader's exchange).

JupyterHub에서 nbgrader의 교환 폴더(exchange)를 쓰는 과정은 ``nbgrader submit`` → ``nbgrader collect`` 로 제출물을
``<과정 폴더>/submitted/<학생>/<과제>/`` 에 모으고, ``nbgrader release_feedback`` → ``nbgrader fetch_feedback`` 으로
``<과정 폴더>/feedback/<학생>/<과제>/*.html`` 을 학생에게 돌려줍니다. nbgrader 0.9.6의 ``release_feedback`` 은 html마다
같은 폴더의 ``timestamp.txt`` 와 ``submission_secret.txt`` 를 읽고(없으면 그 자리에서 실패합니다), 교환 폴더의 파일 이름을
``md5(submission_secret + 노트북 이름)`` 으로 짓습니다. ``submission_secret.txt`` 는 ``nbgrader submit`` 이 제출마다 새로
만드는 무작위 값이고 그 학생의 캐시에만 따로 남으므로, ``fetch_feedback`` 은 제 제출물의 피드백만 찾을 수 있습니다.
성적부는 보지 않습니다.

그래서 채점기는 nbgrader의 ``autograde`` 처럼 채점한 제출 폴더의 두 파일을 ``OUT/autograded/<학생>/<과제>/`` 에 옮겨
두고(:func:`keep_submission_record`, 채점한 바로 그 제출물의 것), :func:`place_feedback` 이 채점기의 피드백(숨은
테스트가 없는 것)을 그 두 파일과 함께 과정 폴더의 ``feedback/`` 에 놓습니다. nbgrader의 ``generate_feedback`` 은
숨은 테스트의 코드를 피드백에 넣으므로 쓰지 않습니다.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .deadlines import TIMESTAMP_FILE

SECRET_FILE = "submission_secret.txt"
#: ``nbgrader submit`` 이 제출 폴더에 쓰고 ``release_feedback`` 이 피드백 폴더에서 읽는 파일
RECORD_FILES = (TIMESTAMP_FILE, SECRET_FILE)
#: 이보다 큰 기록 파일은 nbgrader가 쓴 것이 아닙니다(시각 한 줄, 비밀 값 128자).
_MAX_RECORD_BYTES = 4096


def keep_submission_record(folder: Path | None, graded_dir: Path) -> None:
    """채점한 제출 폴더의 ``timestamp.txt`` 와 ``submission_secret.txt`` 를 ``graded_dir`` 에 복사합니다.

    제출 폴더에 없는(또는 링크이거나 너무 큰) 파일은 ``graded_dir`` 에서도 지웁니다: 지난 채점에서 남은 다른 제출물의
    기록이 이번 피드백과 짝지어지지 않게 하기 위해서입니다. 제출 폴더가 링크이면 복사하지 않습니다: 다른 학생의
    폴더를 가리키면 그 학생의 비밀 값으로 이 피드백이 나갑니다."""
    if folder is not None and (Path(folder).is_symlink() or Path(folder).parent.is_symlink()):
        folder = None
    for name in RECORD_FILES:
        src = None if folder is None else Path(folder) / name
        dest = Path(graded_dir) / name
        if src is not None and src.is_file() and not src.is_symlink() and src.stat().st_size <= _MAX_RECORD_BYTES:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        elif dest.is_file() or dest.is_symlink():
            dest.unlink()


@dataclass
class Placed:
    """피드백 하나를 과정 폴더에 놓은(또는 놓지 못한) 결과."""

    student_id: str
    assignment_id: str
    #: 놓은 html (놓지 못했으면 None)
    html: Path | None
    #: 놓지 못한 이유 (놓았으면 빈 문자열)
    problem: str = ""
    #: 그 폴더에서 지운, 채점기가 만들지 않은 html (nbgrader의 generate_feedback이 만든 것 등)
    removed: tuple[Path, ...] = ()


def place_feedback(out: Path, course_root: Path, assignment_ids: list[str] | None = None) -> list[Placed]:
    """``OUT/feedback/<학생>/<과제>/*.html`` 을 ``<과정 폴더>/feedback/<학생>/<과제>/`` 에 nbgrader의 모양으로 놓습니다.

    html마다 ``OUT/autograded/<학생>/<과제>/`` 의 ``timestamp.txt`` 와 ``submission_secret.txt`` (채점한 제출물의 것)를
    함께 놓습니다. 둘 중 하나라도 없으면(교환 폴더로 내지 않은 제출물, 제출 폴더가 없는 학생) 그 피드백은 놓지 않고
    이유를 돌려줍니다: ``release_feedback`` 은 이 파일이 없는 폴더를 만나면 과제 전체를 멈추기 때문입니다.
    그 폴더에 있던 다른 html은 지웁니다. 그대로 두면 ``release_feedback`` 이 함께 내보내는데, nbgrader의
    ``generate_feedback`` 이 만든 것이면 숨은 테스트의 코드가 들어 있습니다."""
    out, course_root = Path(out), Path(course_root)
    htmls = [h for h in sorted((out / "feedback").glob("*/*/*.html"))
             if assignment_ids is None or h.parent.name in assignment_ids]
    # 비밀 값이 같은 제출물이 둘이면(폴더를 복사한 것) 교환 폴더의 이름이 같아져 한 학생이 다른 학생의 피드백을 받습니다.
    owners: dict[tuple[bytes, str], set[str]] = {}
    for html in htmls:
        secret = out / "autograded" / html.parent.parent.name / html.parent.name / SECRET_FILE
        if secret.is_file():
            owners.setdefault((secret.read_bytes(), html.stem), set()).add(html.parent.parent.name)
    placed = []
    for html in htmls:
        student_id, assignment_id = html.parent.parent.name, html.parent.name
        record = out / "autograded" / student_id / assignment_id
        missing = [name for name in RECORD_FILES if not (record / name).is_file()]
        if missing:
            placed.append(Placed(student_id, assignment_id, None,
                                 f"{' · '.join(missing)}이(가) 없습니다(nbgrader submit과 collect로 모은 제출물이 아닙니다)."))
            continue
        shared = owners[(record / SECRET_FILE).read_bytes(), html.stem] - {student_id}
        if shared:
            placed.append(Placed(student_id, assignment_id, None,
                                 f"{SECRET_FILE}이(가) {', '.join(sorted(shared))}의 제출물과 같습니다. 한 학생이 다른 학생의 "
                                 "피드백을 받게 되므로 놓지 않았습니다(제출 폴더를 복사했는지 확인하세요)."))
            continue
        dest = course_root / "feedback" / student_id / assignment_id
        dest.mkdir(parents=True, exist_ok=True)
        ours = {p.name for p in html.parent.glob("*.html")}
        removed = tuple(sorted(p for p in dest.glob("*.html") if p.name not in ours))
        for stale in removed:
            stale.unlink()
        for name in RECORD_FILES:
            shutil.copyfile(record / name, dest / name)
        shutil.copyfile(html, dest / html.name)
        placed.append(Placed(student_id, assignment_id, dest / html.name, removed=removed))
    return placed
