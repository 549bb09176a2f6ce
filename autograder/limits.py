"""채점 한 번에 거는 제한과 격리 설정 (one definition; the CLI reads its defaults from here)."""
from __future__ import annotations

from dataclasses import dataclass

#: 격리 방식의 이름(강한 것부터). 샌드박스(``autograder.worker.sandbox``)와 명령줄의 ``--isolation`` 이 함께 씁니다.
BUBBLEWRAP, UNSHARE, SETRLIMIT = "bubblewrap", "unshare", "setrlimit"
MECHANISMS = (BUBBLEWRAP, UNSHARE, SETRLIMIT)


@dataclass(frozen=True)
class Limits:
    """노트북 하나를 실행할 때의 제한과 격리 설정.

    Attributes
    ----------
    cell_timeout, notebook_timeout : int
        셀 하나, 노트북 전체의 벽시계 시간 제한(초).
    cpu_seconds : int
        커널이 평생 쓸 수 있는 CPU 시간(초). 모든 스레드의 합입니다. 넘으면 커널이 끝납니다.
    memory_mb : int
        커널 프로세스 하나의 데이터 영역(RLIMIT_DATA) 한도. 넘는 할당은 ``MemoryError`` 가 됩니다.
        주소 공간(RLIMIT_AS)은 이보다 4 GB 넉넉하게 잡습니다.
    max_processes : int
        커널 안의 프로세스와 스레드 수의 합(RLIMIT_NPROC).
    file_size_mb : int
        커널이 쓸 수 있는 파일 하나의 최대 크기(RLIMIT_FSIZE).
    open_files : int
        동시에 열 수 있는 파일 기술자 수(RLIMIT_NOFILE).
    tmp_mb : int
        커널의 개인 /tmp 와 /dev/shm (메모리 위의 tmpfs) 각각의 크기.
    threads : int
        OpenMP·OpenBLAS·MKL 스레드 수. 여러 커널을 동시에 돌릴 때 코어를 나눠 쓰게 합니다.
    folder_mb : int
        노트북 옆의 파일(작업 폴더로 복사되는 것)의 크기 합 한도. 넘으면 복사하지 않고 ``too_large`` 로 채점합니다.
    deny_paths : tuple of str
        커널이 읽으면 안 되는 경로(정답 폴더, 성적부와 결과 폴더, 다른 학생의 제출물).
    isolation : str or None
        ``"bubblewrap"``, ``"unshare"``, ``"setrlimit"`` 가운데 하나로 고정하거나, None이면 쓸 수 있는 가장
        강한 것. ``"none"`` 이면 샌드박스 없이 돕니다(테스트나 디버깅용; 결과에 그렇게 적힙니다).
    """

    cell_timeout: int = 120
    notebook_timeout: int = 600
    cpu_seconds: int = 900
    memory_mb: int = 4096
    max_processes: int = 256
    file_size_mb: int = 1024
    open_files: int = 1024
    tmp_mb: int = 512
    threads: int = 1
    folder_mb: int = 200
    deny_paths: tuple[str, ...] = ()
    isolation: str | None = None

    @classmethod
    def from_dict(cls, raw: dict) -> Limits:
        """JSON이나 Dask로 건너온 dict(:func:`dataclasses.asdict` 의 결과)에서 되살립니다."""
        return cls(**{**raw, "deny_paths": tuple(raw.get("deny_paths", ()))})

    def thread_env(self) -> dict[str, str]:
        """커널의 수치 라이브러리 스레드 수를 묶는 환경 변수(격리 방식과 상관없이 이것 하나를 씁니다)."""
        return {var: str(self.threads) for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
