"""테스트 셀이 학생 함수를 한 번 부르는 값(요청 하나): 벽시계 시간과, 채점 쪽·학생 커널 쪽의 CPU 시간.

채점할 때 테스트 셀은 샌드박스 밖에서 돌고, 학생 함수를 부를 때마다 학생 커널에 요청 하나를 보냅니다
(:mod:`autograder.worker.checker`, :mod:`autograder.kernel.probe`). ch05 노트북 하나가 요청 800여 개를 보내므로(대부분
숨은 테스트의 반복 호출) 요청 하나의 값이 채점 시간에 그대로 곱해집니다.

실제 실행 경로(``runner.execute_notebook``: 격리된 커널, 실제 Checker)로 ch01 과제의 준비 셀, 풀이 셀 하나, 그 함수를
``N`` 번 부르는 숨은 테스트 셀 하나만 든 노트북을 채점합니다. ``N`` 이 작은 것과 큰 것의 차이를 호출 수로 나누므로
커널 시작 같은 고정 비용은 빠집니다. 학생 커널의 CPU는 이 프로세스의 자손(bwrap 아래의 커널)을 훑어 잽니다.

    python -m benchmarks.requests            # N = 10, 2010, 세 번씩
    python -m benchmarks.requests --runs 5

결과 표를 출력하고 benchmarks/results-requests.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psutil

from autograder import course, notebooks
from autograder.limits import Limits
from benchmarks import machine, save

RESULTS = Path(__file__).resolve().with_name("results-requests.json")
AID = "ch01_modeling"


def notebook(calls: int):
    """준비 셀, ``add_intercept`` 풀이 셀(받은 것을 그대로 돌려줌), 그것을 ``calls`` 번 부르는 숨은 테스트 셀."""
    nb = notebooks.solution_submission(AID)
    cells = []
    for cell in nb.cells:
        gid = notebooks.grade_id(cell) or ""
        if gid.startswith("setup"):
            cells.append(cell)
        elif gid == "add_intercept" and notebooks.is_solution(cell):
            solution = copy.deepcopy(cell)
            solution.source = "def add_intercept(X):\n    return X\n"
            cells.append(solution)
        elif gid == "hidden_add_intercept":
            test = copy.deepcopy(cell)
            test.source = (f"### BEGIN HIDDEN TESTS\nfor _i in range({calls}):\n    assert add_intercept(_i) == _i\n"
                           "### END HIDDEN TESTS\n")
            cells.append(test)
    nb.cells = cells
    return nb


def _descendants_cpu(stop: threading.Event, out: dict) -> None:
    seen: dict[int, float] = {}
    me = psutil.Process()
    while not stop.is_set():
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                seen[child.pid] = sum(child.cpu_times()[:2])
        time.sleep(0.02)
    out["cpu"] = sum(seen.values())


def measure(calls: int) -> dict:
    """노트북 하나를 채점하고 (벽시계, 이 프로세스의 CPU, 자손의 CPU) 초."""
    from autograder.worker import runner

    stop, kids = threading.Event(), {}
    watcher = threading.Thread(target=_descendants_cpu, args=(stop, kids))
    watcher.start()
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        out = runner.execute_notebook(notebook(calls), Path(work), Limits(), phases=course.phases(AID))
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    stop.set()
    watcher.join()
    errors = [o for c in out.nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if out.status.value != "ok" or errors:
        raise SystemExit(f"채점이 끝나지 않았습니다: {out.status} {out.detail} {errors[:1]}")
    return {"wall_s": wall, "checker_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "kernel_cpu_s": kids["cpu"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.requests")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    measure(10)  # 디스크 캐시와 모듈을 데웁니다
    per_call = {"wall_ms": [], "checker_cpu_ms": [], "kernel_cpu_ms": []}
    for _ in range(args.runs):
        few, many = measure(10), measure(10 + args.calls)
        for key in ("wall", "checker_cpu", "kernel_cpu"):
            per_call[f"{key}_ms"].append((many[f"{key}_s"] - few[f"{key}_s"]) / args.calls * 1000)
    result = {"machine": machine(), "calls": args.calls, "runs": args.runs,
              **{k: round(statistics.median(v), 3) for k, v in per_call.items()},
              "all_runs": {k: [round(x, 3) for x in v] for k, v in per_call.items()}}
    print(f"요청 하나: 벽시계 {result['wall_ms']:.3f} ms, 채점 쪽 CPU {result['checker_cpu_ms']:.3f} ms, "
          f"학생 커널 CPU {result['kernel_cpu_ms']:.3f} ms (중앙값, {args.runs}번)")
    save(RESULTS, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
