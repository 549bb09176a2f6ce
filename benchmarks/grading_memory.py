"""채점기의 메모리는 제출물 수와 상관없이 일정한가, 바뀐 것 없는 재채점은 얼마나 걸리는가.

    .venv/bin/python -m benchmarks.grading_memory --sizes 100 400 [--out benchmarks/results-grading-memory.json]

ch01 정답 노트북을 학생 N명 몫으로 만들어 ``python -m autograder grade --jobs 2`` 로 채점하는 동안 0.2초마다
채점기 프로세스와 그 모든 자손(실행 프로세스, 커널)의 RSS 합을 재어 최댓값을 적습니다. 가장 작은 N은 같은 --out으로
한 번 더 돌려(바뀐 것 없음) 걸린 시간을 적습니다.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from autograder import course, notebooks

AID = "ch01_modeling"


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def grade(subs: Path, out: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--jobs", "2"],
                            cwd=course.REPO, env=course.env_with_venv_bin(), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _tree_rss(watched))
        time.sleep(0.2)
    return {"wall_s": round(time.perf_counter() - start, 1), "peak_rss_mb": round(peak / 2**20, 1),
            "returncode": proc.returncode, "stdout_tail": proc.stdout.read()[-300:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results-grading-memory.json"))
    args = parser.parse_args(argv)
    solution = notebooks.solution_submission(AID)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_before": os.getloadavg()[0]}, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for n in sorted(args.sizes):
            subs = Path(tmp) / f"subs{n}"
            for i in range(n):
                notebooks.write_notebook(solution, subs / f"s{i:04d}" / AID / f"{AID}.ipynb")
            out = Path(tmp) / f"out{n}"
            results["runs"][str(n)] = run = grade(subs, out)
            print(f"{n}명: {run['wall_s']} s, 최대 RSS {run['peak_rss_mb']} MB", flush=True)
            if n == min(args.sizes):
                results["unchanged_rerun"] = again = {"submissions": n, **grade(subs, out)}
                print(f"바뀐 것 없는 재채점 {n}명: {again['wall_s']} s", flush=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
