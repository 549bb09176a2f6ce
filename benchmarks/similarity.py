"""유사도 보고서 측정: 학생 200명 반의 제출물로 ``python -m autograder similarity``의 시간과 메모리를 잽니다.

제출물은 내려받지 않고 만듭니다(ch02_learning, 함수 7개). 학생마다 함수마다 맞는 구현 하나를 고릅니다
(원본 풀이 또는 tests/catalogue의 VARIANTS), 지역 변수 이름을 학생마다 바꾸고, 주석과 빈 줄을 섞습니다.
그 가운데 ``--copies``명은 다른 학생의 제출물을 위장해서(이름 바꾸기, 주석, 빈 줄, 풀이 셀 순서 뒤집기) 베낍니다.
실제 명령(자식 프로세스)을 돌려 벽시계 시간과 최대 RSS(getrusage의 ru_maxrss)를 재고, 베낀 쌍이 모두
similarity.csv의 맨 위에 오는지도 확인합니다.

    python -m benchmarks.similarity               # 200명
    python -m benchmarks.similarity --n 40        # 빠른 확인

결과 표를 출력하고 benchmarks/results-similarity.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import notebooks
from autograder.coordinator.report import read_csv
from tests.catalogue import load as load_catalogue

RESULTS = Path(__file__).resolve().with_name("results-similarity.json")
AID = "ch02_learning"
COMMENTS = ["# 여기서부터 계산", "# TODO 다시 확인", "# 벡터화", "# 참고: 강의 노트 3쪽", "# 디버깅용"]


def local_names(source: str) -> set[str]:
    """함수 인자와 대입되는 이름(함수 이름은 빼고). 이 이름들만 바꾸면 코드는 그대로 돌아갑니다."""
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names - {"_"}


def disguise(source: str, rng: random.Random, tag: str) -> str:
    """이름 바꾸기, 주석과 빈 줄 섞기. 바꾼 코드는 원래 코드와 같은 일을 합니다."""
    for name in sorted(local_names(source), key=len, reverse=True):
        source = re.sub(rf"(?<![\.\w]){re.escape(name)}\b", f"{name}_{tag}", source)
    out = []
    for line in source.splitlines():
        if line.strip() and rng.random() < 0.25:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + rng.choice(COMMENTS))
        out.append(line)
        if rng.random() < 0.15:
            out.append("")
    return "\n".join(out) + "\n"


def make_class(root: Path, n: int, copies: int, seed: int = 0) -> tuple[list[tuple[str, str]], dict[str, tuple]]:
    """학생 n명의 제출물을 만들고 ((베낀 학생, 원본 학생) 목록, 학생 → 함수마다 고른 구현 번호)를 돌려줍니다."""
    rng = random.Random(seed)
    solution = notebooks.solution_submission(AID)
    answers = {notebooks.grade_id(c): c.source for c in solution.cells if notebooks.is_solution(c)}
    choices = {fn: [src] for fn, src in answers.items()}
    for variant in load_catalogue(AID).VARIANTS:
        for fn, src in variant.cells().items():
            choices[fn].append(src)
    written: dict[str, dict[str, str]] = {}
    picked: dict[str, tuple] = {}
    for i in range(n - copies):
        sid = f"학생{i:03d}"
        picked[sid] = tuple(rng.randrange(len(options)) for options in choices.values())
        cells = {fn: disguise(options[k], rng, f"s{i}") for (fn, options), k in zip(choices.items(), picked[sid], strict=True)}
        written[sid] = cells
        notebooks.write_notebook(notebooks.with_solutions(solution, cells), root / sid / AID / f"{AID}.ipynb")
    pairs = []
    for j, original in enumerate(rng.sample(sorted(written), copies)):  # 서로 다른 원본: 베낀 쌍끼리 겹치지 않게
        sid = f"베낀{j:03d}"
        picked[sid] = picked[original]
        cells = {fn: disguise(src, rng, f"c{j}") for fn, src in written[original].items()}
        nb = notebooks.with_solutions(solution, cells)
        idx = [k for k, c in enumerate(nb.cells) if notebooks.is_solution(c)]
        moved = [nb.cells[k] for k in idx][::-1]
        for k, cell in zip(idx, moved, strict=True):
            nb.cells[k] = cell
        notebooks.write_notebook(nb, root / sid / AID / f"{AID}.ipynb")
        pairs.append((sid, original))
    return pairs, picked


def measure(subs: Path, out: Path) -> dict:
    """실제 명령을 자식 프로세스로 돌려 벽시계 시간과 최대 RSS를 잽니다."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    repo = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-c",
           "import resource, sys; from autograder.cli import main; rc = main(sys.argv[1:]); "
           "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(rc)",
           "similarity", str(subs), "--assignment", AID, "--out", str(out)]
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"similarity failed:\n{proc.stdout}\n{proc.stderr}")
    rss_kb = int(re.search(r"MAXRSS_KB (\d+)", proc.stderr).group(1))
    inner = float(re.search(r"([\d.]+)초에 비교", proc.stdout).group(1))
    return {"wall_s": round(wall, 2), "compare_s": inner, "peak_rss_mb": round(rss_kb / 1024, 1),
            "load_at_start": round(load, 2), "stdout": proc.stdout.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="학생 수 (기본 200)")
    parser.add_argument("--copies", type=int, default=5, help="그 가운데 다른 학생을 베낀 학생 수 (기본 5)")
    parser.add_argument("--no-save", action="store_true", help="결과를 JSON에 쓰지 않습니다")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp:
        subs, out = Path(tmp) / "subs", Path(tmp) / "out"
        start = time.monotonic()
        copies, picked = make_class(subs, args.n, args.copies)
        made = time.monotonic() - start
        result = measure(subs, out)
        rows = read_csv(out / "similarity.csv")
    planted = {frozenset(p) for p in copies}
    # 구현 목록이 함수마다 2–3개뿐이라, 따로 만든 두 학생이 모든 함수에서 같은 구현을 고르면 코드가 이름만 다른
    # 같은 코드가 됩니다(베낀 것과 구별할 수 없음). 그런 쌍은 빼고, 나머지 모든 쌍보다 베낀 쌍이 위에 오는지 봅니다.
    same_source = [r for r in rows if frozenset((r["student_a"], r["student_b"])) not in planted
                   and picked[r["student_a"]] == picked[r["student_b"]]]
    lowest_copy = min(float(r["similarity"]) for r in rows if frozenset((r["student_a"], r["student_b"])) in planted)
    best_other = max(float(r["similarity"]) for r in rows if frozenset((r["student_a"], r["student_b"])) not in planted
                     and picked[r["student_a"]] != picked[r["student_b"]])
    caught = sum(float(r["similarity"]) > best_other for r in rows if frozenset((r["student_a"], r["student_b"])) in planted)
    report = {
        "assignment": AID, "students": args.n, "pairs": len(rows), "copies": len(copies),
        "copies_above_every_independent_pair": caught, "lowest_copy_similarity": lowest_copy,
        "highest_independent_similarity": best_other, "same_source_pairs_by_construction": len(same_source),
        "generate_s": round(made, 1),
        **{k: v for k, v in result.items() if k != "stdout"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    print(f"학생 {args.n}명, 쌍 {len(rows)}개: 명령 전체 {result['wall_s']}초 (비교 {result['compare_s']}초), "
          f"최대 메모리 {result['peak_rss_mb']} MB, 부하 {result['load_at_start']}")
    print(f"베낀 쌍 {len(copies)}개 중 {caught}개가 따로 쓴 모든 쌍보다 위 "
          f"(베낀 쌍의 최저 유사도 {lowest_copy:.3f}, 따로 쓴 쌍의 최고 {best_other:.3f}; "
          f"우연히 모든 함수에서 같은 구현을 고른 쌍 {len(same_source)}개는 뺌)")
    if not args.no_save:
        RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"→ {RESULTS}")
    return 0 if caught == len(copies) else 1


if __name__ == "__main__":
    sys.exit(main())
