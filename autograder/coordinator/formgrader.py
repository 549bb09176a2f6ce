"""결과 폴더를 nbgrader formgrader가 여는 과정 폴더로 만듭니다: ``OUT/nbgrader_config.py``.

formgrader(nbgrader의 Jupyter 서버 확장)는 과정 폴더(``CourseDirectory.root``)의 ``autograded/<학생>/<과제>/`` 에서
채점된 노트북을, ``db_url`` 의 성적부에서 점수를 읽고, 강사가 적은 점수와 의견을 성적부에 씁니다. ``grade`` 는 둘 다
결과 폴더에 두므로, 그 폴더를 과정 폴더로 삼는 설정 하나면 됩니다. nbgrader는 서버를 띄운 폴더의
``nbgrader_config.py`` 를 마지막에(사용자 설정보다 우선해) 읽으므로, 강사는 결과 폴더에서 ``jupyter lab`` 을 띄우면 됩니다.

과정 전체의 nbgrader 설정(:func:`autograder.course.nbgrader_config`)은 저장소를 과정 폴더로 삼지만, 그것은 정리·점수 셈과
``release`` 가 원본(``solutions/``)을 찾는 데만 쓰입니다. formgrader는 원본 없이도 제출물을 보이고 채점합니다.
"""
from __future__ import annotations

from pathlib import Path

from .. import course

#: 결과 폴더 안의 설정 파일 이름(nbgrader가 찾는 이름)
CONFIG_NAME = "nbgrader_config.py"

#: nbgrader의 "피드백 만들기" 단추가 쓰는 곳. 기본값 ``feedback`` 은 과정의 피드백(숨은 테스트가 없는 것)과 같은
#: 경로라서, 단추를 누르면 숨은 테스트의 코드가 든 nbgrader의 피드백으로 덮어쓰게 됩니다. 그래서 옆 폴더로 돌립니다.
NBGRADER_FEEDBACK = "nbgrader_feedback"


def config_text(db_url: str, default_db_url: str) -> str:
    """결과 폴더의 ``nbgrader_config.py`` 내용. 과정 폴더는 이 파일이 있는 폴더이므로 결과 폴더를 옮겨도 맞습니다.

    ``db_url`` 이 기본 성적부(``OUT/gradebook.db``)이면 적지 않습니다: nbgrader의 기본값이 바로 ``<과정 폴더>/gradebook.db``
    입니다. ``--db`` 로 준 다른 주소(PostgreSQL 등)이면 그 주소를 적습니다."""
    lines = [
        "# python -m autograder grade 가 쓴 파일입니다. 이 폴더에서 jupyter lab 을 띄우면 nbgrader formgrader가",
        "# 채점 결과(autograded/, 성적부)를 엽니다. 다음 grade 실행이 다시 씁니다.",
        "import os",
        "",
        "c = get_config()  # noqa: F821 (nbgrader가 설정 파일을 읽을 때 줍니다)",
        "c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))",
        f"c.CourseDirectory.course_id = {course.COURSE_ID!r}",
        f"c.CourseDirectory.source_directory = {str(course.SOLUTIONS)!r}",
        f"c.CourseDirectory.feedback_directory = {NBGRADER_FEEDBACK!r}",
    ]
    if db_url != default_db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    return "\n".join(lines) + "\n"


def write_config(out: Path, db_url: str, default_db_url: str) -> Path:
    """``OUT/nbgrader_config.py`` 를 씁니다(내용이 같으면 건드리지 않음)."""
    path = Path(out) / CONFIG_NAME
    text = config_text(db_url, default_db_url)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
