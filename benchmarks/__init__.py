"""측정 스크립트: python -m benchmarks.<이름> 으로 저장소 폴더에서 실행합니다."""
from __future__ import annotations

import os
import platform
import statistics
import time


def machine() -> dict:
    """결과 파일에 적을 컴퓨터 설명. ``cpu_speed_s`` 는 순수 파이썬 덧셈 2백만 번(코어 하나)의 시간, 세 번의 중앙값입니다.

    같은 종류의 컴퓨터도 때에 따라 CPU가 30%까지 느리게 돌았습니다(가상 머신). 절대 시간(다시 채점하기 2초, 자가 점검
    2초)은 이 값과 함께 읽어야, 코드가 느려진 것과 컴퓨터가 느려진 것을 가릴 수 있습니다. 비율(nbgrader 대비)은 같은
    측정 안에서 비교하므로 이 값과 상관없습니다."""
    def loop() -> float:
        start, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i
        return time.perf_counter() - start

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "cpu_speed_s": round(statistics.median(loop() for _ in range(3)), 3)}
