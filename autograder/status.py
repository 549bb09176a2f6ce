"""채점 상태: 제출물 하나가 어떻게 채점되었는지 (grades.csv의 ``status`` 열). 상태의 뜻은 여기 한곳에 있습니다."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """제출물 하나의 채점 상태. 값은 grades.csv에 그대로 적히는 문자열이고, 문자열과 같게 비교됩니다."""

    OK = "ok"
    CELL_ERRORS = "cell_errors"
    TIMEOUT = "timeout"
    KERNEL_DIED = "kernel_died"
    INVALID_NOTEBOOK = "invalid_notebook"
    MISSING_NOTEBOOK = "missing_notebook"
    TOO_LARGE = "too_large"
    ID_COLLISION = "id_collision"
    GRADER_ERROR = "grader_error"

    @property
    def scored(self) -> bool:
        """테스트 결과대로 점수가 매겨지는지. 아니면 0점이고, 배치가 끝나면 '정상 채점되지 못한 제출물'로 셉니다."""
        return self in (Status.OK, Status.CELL_ERRORS)

    @property
    def text(self) -> str:
        """학생의 피드백에 보이는 한국어 설명."""
        return _TEXT[self]


_TEXT = {
    Status.OK: "채점 완료",
    Status.CELL_ERRORS: "채점 완료 (일부 셀에서 오류)",
    Status.TIMEOUT: "시간 초과: 0점",
    Status.KERNEL_DIED: "실행 중 커널 종료: 0점",
    Status.INVALID_NOTEBOOK: "노트북 파일을 읽을 수 없음: 0점",
    Status.MISSING_NOTEBOOK: "제출된 노트북 없음: 0점",
    Status.TOO_LARGE: "제출 폴더가 너무 큼: 0점 (노트북과 필요한 파일만 제출하세요)",
    Status.ID_COLLISION: "학생 id가 다른 폴더와 겹쳐 채점하지 않음: 0점 (강사에게 문의하세요)",
    Status.GRADER_ERROR: "채점기 오류: 0점 (강사에게 문의하세요)",
}
