"""출력이 넘치는 셀의 값: 300 MB를 print하는 셀의 시간과 커널의 최대 메모리(출력 상한이 있는 채점 커널과 없는 커널).

채점과 자가 점검이 쓰는 실행 경로(``autograder.worker.runner.execute_notebook``)로 두 가지를 실행합니다.

- ``capped``: 지금의 채점 커널. 셀 하나의 출력이 상한을 넘으면 커널이 나머지를 보내지 않습니다
  (``autograder.kernel.output_cap``).
- ``uncapped``: 채점기의 시작 코드 없이 nbclient가 띄운 커널(``--isolation none``). 그 상한이 생기기 전과 같습니다:
  커널은 출력을 모두 보내고(IPython도 모두 모아 두고), 실행 프로세스가 받으면서 자릅니다. 격리가 없는 것은 출력의 값에
  들지 않습니다.

셀의 시간은 nbclient가 적는 셀의 ``iopub.status.busy`` 부터 ``iopub.status.idle`` 까지(커널이 보낸 출력을 실행
프로세스가 모두 받기까지)이고, 메모리는 셀 뒤에 커널이 읽은 제 ``ru_maxrss`` 입니다.

    python -m benchmarks.output_flood            # 방식마다 3번
    python -m benchmarks.output_flood --runs 5

결과 표를 출력하고 benchmarks/results-output-flood.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

from autograder.limits import Limits
from autograder.worker import runner
from benchmarks import machine, save

RESULTS = Path(__file__).resolve().with_name("results-output-flood.json")

FLOOD = "for _ in range(3000):\n    print('x' * 100_000)\n"  # 300 MB
MAXRSS = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run_once(mode: str) -> dict:
    cells = [FLOOD, MAXRSS]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as work:
        start = time.monotonic()
        outcome = runner.execute_notebook(nb, Path(work), Limits(isolation="none" if mode == "uncapped" else None))
        wall = time.monotonic() - start
    if outcome.status != "ok":
        raise SystemExit(f"{mode}: {outcome.status} {outcome.detail}")
    timing = outcome.nb.cells[0].metadata.execution
    busy, idle = (datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                  for key in ("iopub.status.busy", "iopub.status.idle"))
    rss = int("".join(o.text for o in outcome.nb.cells[1].outputs if o.output_type == "stream"))
    return {"cell_s": round((idle - busy).total_seconds(), 3), "notebook_s": round(wall, 3),
            "kernel_max_rss_mb": round(rss / 1024), "notes": outcome.notes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.output_flood", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = {}
    for mode in ("capped", "uncapped"):
        runs = [run_once(mode) for _ in range(args.runs)]
        results[mode] = {"runs": runs, **{f"median_{key}": statistics.median(r[key] for r in runs)
                                          for key in ("cell_s", "notebook_s", "kernel_max_rss_mb")}}
        print(f"{mode}: 셀 {results[mode]['median_cell_s']:.2f} s, 노트북 {results[mode]['median_notebook_s']:.2f} s, "
              f"커널 최대 메모리 {results[mode]['median_kernel_max_rss_mb']} MB (중앙값, {args.runs}번)")
    save(args.out, {"runs": args.runs, "machine": machine(), "modes": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
