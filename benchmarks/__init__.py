"""측정 스크립트: python -m benchmarks.<이름> 으로 저장소 폴더에서 실행합니다."""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path


def _loop(_=None) -> float:
    start, total = time.perf_counter(), 0
    for i in range(2_000_000):
        total += i
    return time.perf_counter() - start


def cpu_speed() -> float:
    """순수 파이썬 덧셈 2백만 번(코어 하나)의 시간(초), 세 번의 중앙값. 클수록 느린 때입니다.

    같은 종류의 컴퓨터도 때에 따라 CPU가 30–50%까지 느리게 돌았습니다(가상 머신). 절대 시간(다시 채점하기 2초, 자가
    점검 2초)은 이 값과 함께 읽어야 코드가 느려진 것과 컴퓨터가 느려진 것을 가릴 수 있고, 따로 잰 두 실행의 비율
    (nbgrader 대비)도 두 실행의 이 값이 비슷할 때만 믿을 수 있습니다."""
    return round(statistics.median(_loop() for _ in range(3)), 3)


def two_cores_speed() -> float:
    """:func:`cpu_speed` 의 덧셈을 두 프로세스가 동시에 할 때 늦게 끝난 쪽의 시간, 세 번의 중앙값. ``cpu_speed`` 와
    같으면 두 코어가 서로 방해하지 않는 것이고, 클수록 두 코어를 함께 쓸 때 하나하나가 느려집니다(같은 물리 코어의
    하이퍼스레드 등). nbgrader는 거의 한 코어로, ``grade --jobs 2`` 는 두 코어로 돌므로 두 값의 비가 바뀌면 두 실행의
    비율도 바뀝니다."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        return round(statistics.median(max(pool.map(_loop, range(2))) for _ in range(3)), 3)


def machine() -> dict:
    """결과 파일에 적을 컴퓨터 설명과 지금의 :func:`cpu_speed`, :func:`two_cores_speed`."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "cpu_speed_s": cpu_speed(), "two_cores_speed_s": two_cores_speed()}


def save(path: Path, result: dict) -> None:
    """결과를 JSON으로 ``path`` 에 쓰고 어디에 썼는지 알립니다."""
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"결과: {path}")
