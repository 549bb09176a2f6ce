"""과정의 경로와 nbgrader 설정을 한곳에 모읍니다 (course paths and nbgrader configuration)."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from traitlets.config import Config

from .startup import env_with_venv_bin  # noqa: F401 (자식 프로세스를 띄우는 곳들이 course에서 찾습니다)

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
COURSE_ID = "ml-restart"

ASSIGNMENT_RE = re.compile(r"^ch\d\d_[a-z0-9_]+$")

def private_paths() -> list[Path]:
    """커널이 읽으면 안 되는 저장소 안의 폴더: 정답과 숨은 테스트, 맞는 구현이 든 테스트 목록, 과제 함수의 구현이
    든 책의 실험 코드, 저장소 기록. (bubblewrap에서는 저장소가 처음부터 보이지 않지만, unshare에서는 이것으로 가립니다.)"""
    return [SOLUTIONS, REPO / "tests", REPO / "book", REPO / ".git"]


class UsageError(Exception):
    """입력이나 사용법이 잘못되어 아무것도 하지 않았을 때(종료 상태 2). 메시지는 사용자에게 그대로 보입니다."""


#: 학생본의 풀이 자리에 들어가는 코드 (nbgrader ClearSolutions.code_stub)
CODE_STUB = "# 여기에 코드를 작성하세요\nraise NotImplementedError()"


def _assignment_root() -> Path:
    """과제 목록의 기준: 원본(solutions/). 학생용 공개 저장소처럼 원본이 없으면 학생본(exercises/)."""
    return SOLUTIONS if SOLUTIONS.is_dir() else EXERCISES


def assignments() -> list[str]:
    """solutions/ 아래의 과제 id를 차례대로 돌려줍니다."""
    root = _assignment_root()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and ASSIGNMENT_RE.match(p.name))


def notebook_names(assignment_id: str) -> list[str]:
    """과제에 속한 노트북 이름(확장자 없이)."""
    return sorted(p.stem for p in (_assignment_root() / assignment_id).glob("*.ipynb"))


def data_files(assignment_id: str) -> list[str]:
    """과제가 노트북 옆에 두는 파일과 폴더의 이름: 학생본 폴더(exercises/<id>/)에서 노트북을 뺀 것.

    자가 점검(validate)은 학생이 노트북을 어디에 저장했든 노트북 옆에서 이 이름들만 작업 폴더로 가져갑니다.
    """
    folder = EXERCISES / assignment_id
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix != ".ipynb" and not p.name.startswith(".") and p.name != "__pycache__")


#: 라이브러리 규칙(docs/api.md "직접 구현하기"): 과제마다 커널에서 가리는 라이브러리와 그 규칙이 걸리는 함수.
#: 한 항목이 채점의 한 단계(커널 하나)입니다. ``functions`` 가 None이면 앞 단계가 맡지 않은 나머지 함수 모두.
#: ch05는 1부(numpy로 만드는 층)를 torch·SciPy·scikit-learn을 가린 커널에서(scipy.signal의 합성곱도 대신 쓸 수 없게),
#: 2부(torch.nn으로 만드는 모델)를 가리지 않은 커널에서 채점합니다.
LIBRARY_RULES: dict[str, list[dict]] = {
    "ch01_modeling": [{"forbid": ["sklearn", "scipy"], "functions": None}],
    "ch02_learning": [{"forbid": ["sklearn", "scipy"], "functions": None}],
    "ch03_evaluation": [{"forbid": ["sklearn", "scipy"], "functions": None}],
    "ch04_neural_network": [{"forbid": ["torch"], "functions": None}],
    "ch05_cnn": [
        {"forbid": ["torch", "sklearn", "scipy"], "functions": [
            "conv_output_size", "conv2d_forward", "conv2d_backward", "maxpool2d_forward", "maxpool2d_backward",
            "batchnorm_forward", "batchnorm_backward", "spatial_batchnorm_forward", "spatial_batchnorm_backward"]},
        {"forbid": [], "functions": None},
    ],
}


def phases(assignment_id: str) -> list[dict]:
    """채점 단계(:data:`LIBRARY_RULES`). 규칙이 없는 과제는 아무것도 가리지 않는 한 단계."""
    return LIBRARY_RULES.get(assignment_id, [{"forbid": [], "functions": None}])


def check_assignment_ids(ids: list[str] | None) -> list[str]:
    """사용자가 준 과제 id를 확인합니다. 없으면 모든 과제."""
    known = assignments()
    if not ids:
        return known
    unknown = [a for a in ids if a not in known]
    if unknown:
        raise UsageError(
            f"알 수 없는 과제 id: {', '.join(unknown)} (있는 과제: {', '.join(known)})"
        )
    return list(ids)


def venv_bin() -> Path:
    """지금 파이썬의 bin/ 폴더(가상 환경이면 그 안의 jupyter-book, alembic, dask가 있는 곳)."""
    return Path(sys.executable).parent


def ensure_venv_on_path() -> None:
    """이 프로세스의 PATH에 가상 환경의 bin/을 붙입니다(:func:`env_with_venv_bin`)."""
    os.environ["PATH"] = env_with_venv_bin()["PATH"]


def nbgrader_config(
    db_url: str,
    *,
    release_directory: str | Path = EXERCISES,
    submitted_directory: str | Path = "submitted",
    autograded_directory: str | Path = "autograded",
) -> Config:
    """이 과정에 맞춘 nbgrader 설정."""
    c = Config()
    c.CourseDirectory.root = str(REPO)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = str(release_directory)
    c.CourseDirectory.submitted_directory = str(submitted_directory)
    c.CourseDirectory.autograded_directory = str(autograded_directory)
    c.CourseDirectory.db_url = db_url
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = "여기에 답을 쓰세요."
    c.OverwriteCells.add_missing_cells = True
    c.OverwriteCells.missing_cell_notification = (
        "이 셀(id: {cell_id})은 제출본에서 지워져 있어 채점기가 원본으로 되살렸습니다.\n\n"
    )
    c.GenerateAssignment.create_assignment = True
    return c
