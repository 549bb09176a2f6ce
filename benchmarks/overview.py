"""개요(overview.html)의 그림이 더하는 시간: 학생 200명 × 과제 5개의 가짜 채점 결과로 ``report.write_overview``를 잽니다.

채점 없이 결과(``Report``)를 만듭니다: 과제마다 함수 6–12개, 함수마다 공개 테스트 하나와 숨은 테스트 하나, 학생마다
실력 하나로 통과를 뽑습니다. 새 프로세스에서 한 번은 그림 없이(``_assignment_figures``를 빈 글로 바꿔), 한 번은 그림과
함께 쓰므로 글꼴 파일을 읽는 시간까지 더한 시간에 들어갑니다.

    python -m benchmarks.overview            # 200명
    python -m benchmarks.overview --n 40

결과를 출력하고 benchmarks/results-overview.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUNCTIONS = {"ch01_modeling": 6, "ch02_learning": 7, "ch03_evaluation": 7, "ch04_neural_network": 7, "ch05_cnn": 12}


def reports(n: int):
    from autograder.coordinator.feedback import Report, TestResult
    from autograder.status import Status

    rng = random.Random(0)
    out = []
    for i in range(n):
        skill = rng.random()
        for aid, k in FUNCTIONS.items():
            tests = []
            for j in range(k):
                fn = f"f{j}"
                tests.append(TestResult(f"test_{fn}", fn, False, 1.0 if rng.random() < skill + 0.3 else 0.0, 1))
                tests.append(TestResult(f"hidden_{fn}", fn, True, 2.0 if rng.random() < skill else 0.0, 2))
            score = sum(t.score for t in tests)
            late = 5.0 if i % 9 == 0 else 0.0
            out.append(Report(f"학생{i:03d}", aid, score, 3.0 * k, Status.OK, tests=tests, late_hours=late,
                              penalty=1.0 if late else 0.0))
    return out


def _one(n: int, figures: bool, path: str) -> float:
    from autograder.coordinator import html_page, report

    html_page.font_face_css()  # 글꼴은 두 경우 모두 같으므로 미리 만듭니다
    rs = reports(n)
    if not figures:
        report._assignment_figures = lambda *a: ""
    start = time.perf_counter()
    report.write_overview(rs, Path(path))
    return time.perf_counter() - start


def measure(n: int, figures: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "overview.html")
        code = f"from benchmarks.overview import _one; print(_one({n}, {figures}, {path!r}))"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return {"seconds": round(float(proc.stdout.strip().splitlines()[-1]), 3), "bytes": os.path.getsize(path)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="학생 수 (기본 200)")
    ap.add_argument("--repeat", type=int, default=3, help="되풀이 횟수, 가장 빠른 것을 적습니다 (기본 3)")
    args = ap.parse_args()
    plain = min((measure(args.n, False) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    drawn = min((measure(args.n, True) for _ in range(args.repeat)), key=lambda m: m["seconds"])
    result = {"students": args.n, "assignments": len(FUNCTIONS), "without_figures": plain, "with_figures": drawn,
              "added_seconds": round(drawn["seconds"] - plain["seconds"], 3),
              "load_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(), "python": platform.python_version()}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    Path(__file__).with_name("results-overview.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                                                 encoding="utf-8")


if __name__ == "__main__":
    main()
