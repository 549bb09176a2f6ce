"""학생의 자가 점검 속도: ``python -m autograder validate`` 를 학생 폴더에서 여러 번 실행해 벽시계 시간을 잽니다.

과제마다 정답을 채운 노트북(과제의 데이터 파일과 함께)을 저장소 밖의 임시 폴더, 즉 학생이 내려받은 폴더처럼 두고
그 폴더에서 명령을 실행합니다. 같은 명령을 ``--runs`` 번(기본 5번) 돌려 중앙값을 적고, 첫 실행(디스크 캐시가 찬 뒤)의
import 시간 상위 항목(``python -X importtime``)도 함께 남깁니다.

    python -m benchmarks.validate                       # ch01_modeling, ch05_cnn
    python -m benchmarks.validate --assignment ch02_learning --runs 3

결과 표를 출력하고 benchmarks/results-validate.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import course, notebooks
from benchmarks import machine, save

RESULTS = Path(__file__).resolve().with_name("results-validate.json")
#: issue 26의 목표(초, 중앙값)
TARGETS = {"ch01_modeling": 2.0, "ch05_cnn": 3.5}


def student_folder(root: Path, aid: str) -> Path:
    """학생이 내려받아 푼 과제 폴더: 정답을 채운 노트북과 과제의 데이터 파일."""
    folder = root / aid
    notebooks.write_notebook(notebooks.solution_submission(aid), folder / f"{aid}.ipynb")
    for name in course.data_files(aid):
        shutil.copy(course.EXERCISES / aid / name, folder / name)
    return folder


def run_once(folder: Path, aid: str, extra: list[str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, *(extra or []), "-m", "autograder", "validate", f"{aid}.ipynb"], cwd=folder,
                          env=course.env_with_venv_bin(), capture_output=True, text=True)
    return time.monotonic() - start, proc


def top_imports(stderr: str, n: int = 8) -> list[list]:
    """``-X importtime`` 출력에서 누적 시간이 큰 최상위 import (모듈, 초)."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if not name.startswith(" "):
            rows.append([name.strip(), round(int(cumulative) / 1e6, 3)])
    return sorted(rows, key=lambda r: -r[1])[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.validate", description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", metavar="ID", help="이 과제만 (기본: ch01_modeling, ch05_cnn)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    ids = course.check_assignment_ids(args.assignment or list(TARGETS))
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        for aid in ids:
            folder = student_folder(Path(tmp), aid)
            run_once(folder, aid)  # 디스크 캐시와 matplotlib 글꼴 캐시를 채웁니다(학생의 두 번째 점검부터와 같게)
            walls = []
            for _ in range(args.runs):
                wall, proc = run_once(folder, aid)
                if proc.returncode != 0:
                    raise SystemExit(f"{aid}: validate가 {proc.returncode}로 끝났습니다:\n{proc.stdout}\n{proc.stderr}")
                walls.append(round(wall, 3))
            _, profiled = run_once(folder, aid, ["-X", "importtime"])
            median = statistics.median(walls)
            results[aid] = {"runs_s": walls, "median_s": round(median, 3), "target_s": TARGETS.get(aid),
                            "load_before": round(os.getloadavg()[0], 2),
                            "top_imports_cli_process_s": top_imports(profiled.stderr)}
            print(f"{aid}: 중앙값 {median:.2f} s (목표 {TARGETS.get(aid, '-')} s), 실행마다 {walls}")
    save(args.out, {"runs": args.runs, "machine": machine(), "assignments": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
