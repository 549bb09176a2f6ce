"""책 빌드 시간 측정: 처음(캐시 없음), 캐시가 있을 때, 한 장만 바뀌었을 때.

    .venv/bin/python benchmarks/book_build.py [--out benchmarks/results-book.json]

각 장의 실행 시간(jupyter-cache가 기록)도 함께 적습니다.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from autograder import course

REPO = Path(__file__).resolve().parents[1]


def build(path_output: Path) -> float:
    env = course.env_with_venv_bin()
    start = time.perf_counter()
    subprocess.run([str(course.venv_bin() / "jupyter-book"), "build", str(REPO),
                    "--path-output", str(path_output), "-W", "--keep-going"],
                   cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def chapter_times(path_output: Path) -> dict[str, float]:
    """jupyter-cache에 기록된 장별 실행 시간(초)."""
    from jupyter_cache import get_cache

    cache = get_cache(path_output / "_build" / ".jupyter_cache")
    out = {}
    for record in cache.list_cache_records():
        data = record.data or {}
        out[Path(record.uri).name if record.uri else str(record.pk)] = round(float(data.get("execution_seconds", 0)), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results-book.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bookbench-") as tmp:
        tmp = Path(tmp)
        cold = build(tmp)
        per_chapter = chapter_times(tmp)
        cached = build(tmp)
        chapter = REPO / "book" / "ch01_modeling.md"
        backup = chapter.read_text(encoding="utf-8")
        try:
            chapter.write_text(backup + "\n<!-- benchmark touch -->\n", encoding="utf-8")
            one_changed = build(tmp)
        finally:
            chapter.write_text(backup, encoding="utf-8")
        shutil.rmtree(tmp / "_build", ignore_errors=True)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_build_s": round(cold, 1),
        "cached_build_s": round(cached, 1),
        "one_chapter_changed_s": round(one_changed, 1),
        "chapter_execution_s": per_chapter,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
