"""채점 속도 측정: 같은 제출물 묶음을 세 가지로 채점하고 벽시계 시간을 비교합니다.

1. nbgrader 그대로: 임시 nbgrader 과정 폴더(nbgrader_config.py, source/ → generate_assignment, submitted/)에서
   과제마다 ``nbgrader autograde <id>`` 를 차례로 실행합니다 (nbgrader는 노트북을 하나씩 채점합니다).
2. ``python -m autograder grade --jobs 2``
3. ``python -m autograder grade --scheduler ADDRESS``: 이 컴퓨터 루프백에 띄운 작업자 2개짜리 Dask LocalCluster

그리고 채점기의 timings.csv로 두 가지를 셉니다.

- 노트북 하나마다 채점기가 더 쓰는 시간(정리 + 실행 중 커널 밖 + 기록). 커널이 셀을 돌린 시간은 nbclient가 셀마다
  남기는 시각으로 재므로, 노트북 자체의 계산은 빠집니다.
- 채점기 프로세스 한곳이 노트북 하나에 쓰는 시간(``coordinator_s``)의 과제별 평균과 그것이 정하는 처리량의 상한
  (작업자가 아무리 많아도 초당 1/평균 개). 덧붙여 그 프로세스의 CPU 시간 전체(모든 스레드; 시작과 과제 등록 포함)도 적습니다.

    python -m benchmarks.grading            # 제출물 20개 × solutions/ 의 모든 과제 (노트북 100개, 목표 0.30×)
    python -m benchmarks.grading --n 4 --no-dask --target 0.35 --out benchmarks/results-grading-small.json
                                            # 작은 배치: 노트북 20개 (목표 0.35×)
    python -m benchmarks.grading --n 2      # 빠른 확인

끝으로 노트북 하나를 다시 채점하는 시간(이미 채점한 반에서 하나만 바뀐 것, 새 결과 폴더에 하나)을 잽니다.

결과 표를 출력하고 benchmarks/results-grading.json 에 씁니다.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import course, notebooks
from autograder.coordinator.report import read_csv
from benchmarks import cpu_speed, machine
from tests.catalogue import load as load_catalogue

RESULTS = Path(__file__).resolve().with_name("results-grading.json")
COURSE_ID = course.COURSE_ID


def gradable_assignments() -> tuple[list[str], list[str]]:
    """solutions/ 의 과제 중 학생본(exercises/)이 있어 채점할 수 있는 것과 없는 것."""
    ids = course.assignments()
    ok = [a for a in ids if (course.EXERCISES / a).is_dir()]
    return ok, [a for a in ids if a not in ok]


def make_submissions(root: Path, n: int, assignment_ids: list[str]) -> dict[tuple[str, str], str]:
    """학생 n명 × 과제. 짝수 번째 학생은 정답, 홀수 번째는 틀린 구현 목록에서 차례로 하나 (없으면 학생본)."""
    kinds = {}
    for aid in assignment_ids:
        solution = notebooks.solution_submission(aid)
        catalogue = load_catalogue(aid)
        wrong = list(catalogue.WRONG) if catalogue else []
        for i in range(n):
            student = f"s{i:03d}"
            if i % 2 == 0:
                nb, kind = solution, "solution"
            elif wrong:
                entry = wrong[(i // 2) % len(wrong)]
                nb, kind = notebooks.with_solutions(solution, entry.cells()), f"wrong:{entry.name}"
            else:
                nb, kind = notebooks.release_notebook(aid), "stub"
            notebooks.write_notebook(nb, root / student / aid / f"{aid}.ipynb")
            kinds[(student, aid)] = kind
    return kinds


def _env() -> dict[str, str]:
    return course.env_with_venv_bin()


def timed(cmd: list[str], cwd: Path, log: Path, ok: tuple[int, ...] = (0,)) -> dict:
    """명령 하나의 벽시계 시간과 그 프로세스 자신의 CPU 시간(모든 스레드, 자식 프로세스 빼고; 0.1초마다 읽은 마지막 값).
    다른 일로 바쁜 컴퓨터인지 보려고 시작할 때의 1분 부하 평균과, 컴퓨터가 그때 얼마나 빨랐는지 명령 앞뒤의
    :func:`benchmarks.cpu_speed` 도 적습니다."""
    import psutil

    load = os.getloadavg()[0]
    speed = cpu_speed()
    start = time.monotonic()
    cpu = 0.0
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                times = watched.cpu_times()
                cpu = times.user + times.system
            except psutil.Error:
                pass
            time.sleep(0.1)
    wall = time.monotonic() - start
    if proc.returncode not in ok:
        raise SystemExit(f"실패 ({proc.returncode}): {' '.join(cmd)}\n{log.read_text(encoding='utf-8')[-3000:]}")
    return {"wall_s": round(wall, 2), "load_before": round(load, 2), "process_cpu_s": round(cpu, 2),
            "cpu_speed_s": [speed, cpu_speed()]}


# ---------- 1. nbgrader 그대로

NBGRADER_CONFIG = """\
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.db_url = {db_url!r}
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.GenerateAssignment.create_assignment = True
c.Execute.timeout = {timeout}
"""


def nbgrader_course(root: Path, subs: Path, assignment_ids: list[str], cell_timeout: int) -> None:
    """nbgrader 문서대로의 과정 폴더: source/ 에서 generate_assignment, submitted/ 에 제출물."""
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(
        root=str(root), course_id=COURSE_ID, db_url=f"sqlite:///{root / 'gradebook.db'}",
        stub=course.CODE_STUB, timeout=cell_timeout), encoding="utf-8")
    for aid in assignment_ids:
        shutil.copytree(course.SOLUTIONS / aid, root / "source" / aid)
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", aid, "--force"],
                              cwd=root, env=_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"nbgrader generate_assignment {aid} 실패:\n{proc.stderr[-3000:]}")
    for student in sorted(p for p in subs.iterdir() if p.is_dir()):
        for aid in assignment_ids:
            shutil.copytree(student / aid, root / "submitted" / student.name / aid)


def nbgrader_scores(root: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        return {(s.student.id, s.assignment.name): float(s.score)
                for a in gb.assignments for s in gb.assignment_submissions(a.name)}


def nbgrader_kernel_seconds(root: Path) -> list[float]:
    return [notebooks.kernel_seconds(nbformat.read(str(p), as_version=4))
            for p in sorted((root / "autograded").glob("*/*/*.ipynb"))]


# ---------- 2, 3. 이 채점기

def grader_run(subs: Path, out: Path, where: list[str], cell_timeout: int, logs: Path, name: str) -> dict:
    cmd = [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), *where,
           "--cell-timeout", str(cell_timeout)]
    # 종료 상태 1(정상 채점되지 못한 제출물이 있음)도 측정은 끝난 것입니다: 그 제출물은 bad_status에 남습니다.
    result = timed(cmd, course.REPO, logs / f"{name}.log", ok=(0, 1))
    timings = read_csv(out / "timings.csv")
    result["overhead"] = overhead(timings)
    result["coordinator"] = coordinator(timings)
    result["kernel_s_total"] = round(sum(float(t["kernel_s"]) for t in timings if t["kernel_s"] != ""), 2)
    result["scores"] = {(r["student_id"], r["assignment_id"]): float(r["score"]) for r in read_csv(out / "grades.csv")}
    result["bad_status"] = [(r["student_id"], r["assignment_id"], r["status"])
                            for r in read_csv(out / "grades.csv") if r["status"] not in ("ok", "cell_errors")]
    result["where_the_time_goes"] = breakdown(result["wall_s"], json.loads((out / "timings-batch.json").read_text()),
                                              timings)
    return result


def breakdown(wall: float, batch: dict, timings: list[dict]) -> dict:
    """남는 시간이 어디로 가는지: 배치마다(명령의 시작과 끝: 파이썬과 모듈, 이어 채점하기 판단, 표와 개요), 과제마다
    (성적부 등록과 정리·채점 자료; 앞 과제의 노트북이 도는 동안 하므로 grading_loop_s 안에 있음), 노트북마다(채점기 밖
    시간: 정리 + 실행 − 커널 + 기록; :func:`overhead`). ``startup_and_exit_s`` 는 벽시계에서 채점기가 잰 단계들
    (timings-batch.json)을 뺀 나머지입니다."""
    per_assignment = {}
    for key, seconds in batch["gradebook_s"].items():
        per_assignment.setdefault(key, {})["gradebook_s"] = seconds
    for key, seconds in batch["contexts_s"].items():
        per_assignment.setdefault(key.split("/")[0], {})["context_s"] = seconds
    measured = batch["resume_s"] + batch["grading_s"] + batch["reports_s"]  # 등록과 자료는 grading_s 안에 있습니다
    return {
        "per_batch": {"startup_and_exit_s": round(wall - measured, 2), "resume_check_s": batch["resume_s"],
                      "tables_and_overview_s": batch["reports_s"], "handed_out_early": batch.get("early", 0)},
        "per_assignment": per_assignment,
        "grading_loop_s": batch["grading_s"],
        "per_notebook": overhead(timings),
    }


def wait_for_quiet(limit_s: float = 180, load: float = 0.7) -> float:
    """1분 부하 평균이 ``load`` 아래로 내려갈 때까지(길어야 ``limit_s`` 초) 기다립니다. 바로 앞의 배치가 남긴 부하에서
    노트북 하나를 재면 그 부하를 재게 됩니다. 돌려주는 값: 측정을 시작할 때의 부하."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] > load and time.monotonic() < deadline:
        time.sleep(5)
    return round(os.getloadavg()[0], 2)


def regrade(subs: Path, out: Path, cell_timeout: int, logs: Path, repeats: int = 3) -> dict:
    """조교가 늦은 제출물 하나를 다시 채점하는 경우: 이미 채점한 결과 폴더(성적부)에서 한 학생의 노트북 하나만 바뀐
    것(나머지는 이어 채점하기로 그대로), 그리고 노트북 하나를 새 결과 폴더에. 둘 다 ``--jobs 2``, 조용해진 컴퓨터에서
    ``repeats`` 번씩 재어 벽시계의 중앙값인 실행을 적습니다(``walls_s`` 에 모두).
    목표는 벽시계 ≤ 2초 + 그 노트북의 커널 시간(timings.csv의 kernel_s)입니다."""
    student = sorted(p for p in subs.iterdir() if p.is_dir())[0]  # 정답 노트북
    changed = sorted(student.glob("*/*.ipynb"))[0]
    single = subs.parent / "single" / student.name / changed.parent.name
    shutil.copytree(changed.parent, single)
    quiet = wait_for_quiet()
    results = {}
    for name, folder in (("one_changed_in_a_graded_class", subs), ("one_notebook_new_folder", single.parents[1])):
        runs = []
        for i in range(repeats):
            target = out if folder == subs else out.parent / f"out-single-{i}"
            nb = nbformat.read(str(changed), as_version=4)
            first = next(c for c in nb.cells if notebooks.is_solution(c))
            first.source += f"\n# 늦게 고쳐 낸 제출물 {name} {i}"  # 내용만 바뀐 노트북(점수는 같음)
            nbformat.write(nb, str(changed))
            shutil.copy2(changed, single / changed.name)
            run = timed([sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(target), "--jobs", "2",
                         "--cell-timeout", str(cell_timeout)], course.REPO, logs / f"regrade-{name}-{i}.log", ok=(0, 1))
            timings = read_csv(target / "timings.csv")  # 이번에 채점한 노트북만
            kernel = sum(float(t["kernel_s"]) for t in timings if t["kernel_s"] != "")
            run.update(regraded=len(timings), status=timings[0]["status"], kernel_s=round(kernel, 2),
                       overhead_s=round(run["wall_s"] - kernel, 2), target_overhead_s=2.0, where_the_time_goes=breakdown(
                           run["wall_s"], json.loads((target / "timings-batch.json").read_text()), timings))
            runs.append(run)
        median = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        results[name] = {**median, "walls_s": [r["wall_s"] for r in runs]}
    return {"notebook": f"{student.name}/{changed.parent.name}", "load_when_started": quiet, **results}


def print_regrade(regraded: dict) -> None:
    for name, run in regraded.items():
        if isinstance(run, dict):
            print(f"다시 채점하기 ({name}, {regraded['notebook']}, 시작 때 부하 {regraded['load_when_started']}): "
                  f"벽시계 중앙값 {run['wall_s']} s (모두 {run['walls_s']}), 커널 {run['kernel_s']} s, "
                  f"그 밖 {run['overhead_s']} s (목표 ≤ 2 s); {run['where_the_time_goes']['per_batch']}")


def overhead(timings: list[dict]) -> dict:
    """노트북 하나마다 채점기가 커널 밖에서 쓴 시간(초): 정리 + (실행 − 커널) + 기록.

    실행 − 커널에는 실행 프로세스와 격리된 커널을 띄우고 끄는 시간, 셀 사이의 메시지 왕복이 들어갑니다.
    커널 시간에는 변조 방지용으로 끼워 넣은 셀(스냅숏·복원)도 들어갑니다.
    ``--jobs`` 는 다음 노트북의 커널을 앞 노트북이 실행되는 동안 미리 띄우고, 실행 시간을 칸을 얻은 때부터 잽니다.
    그렇게 겹친 커널 시작의 CPU 몫까지 치는 값은 (칸 × 벽시계 − 커널)/노트북 (``amortized_overhead_s``) 입니다.
    """
    rows = [t for t in timings if t["execute_s"] != ""]
    if not rows:
        return {}
    per = [float(t["prepare_s"]) + float(t["execute_s"]) - float(t["kernel_s"]) + float(t["record_s"]) for t in rows]
    parts = {k: statistics.mean(float(t[k]) for t in rows) for k in ("prepare_s", "execute_s", "kernel_s", "record_s")}
    return {"notebooks": len(rows), "mean_s": round(statistics.mean(per), 2),
            "median_s": round(statistics.median(per), 2),
            "p90_s": round(sorted(per)[max(0, int(0.9 * len(per)) - 1)], 2),
            **{f"mean_{k}": round(v, 2) for k, v in parts.items()}}


def coordinator(timings: list[dict]) -> dict:
    """채점기 프로세스가 노트북 하나에 쓴 시간(``coordinator_s``: 맡기기 + 기록)의 과제별 평균·최댓값과,
    작업자가 아무리 많아도 넘을 수 없는 처리량(1/평균, 노트북/초)."""
    by: dict[str, list[float]] = {}
    for t in timings:
        by.setdefault(t["assignment_id"], []).append(float(t["coordinator_s"]))
    every = [v for vs in by.values() for v in vs]
    per = {a: {"mean_s": round(statistics.mean(vs), 4), "max_s": round(max(vs), 3),
               "ceiling_notebooks_per_s": round(1 / statistics.mean(vs), 1)} for a, vs in sorted(by.items())}
    return {"per_assignment": per, "mean_s": round(statistics.mean(every), 4),
            "ceiling_notebooks_per_s": round(1 / statistics.mean(every), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grading", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="학생(제출물) 수 (기본 20)")
    parser.add_argument("--assignment", action="append", metavar="ID", help="이 과제만 (기본: 채점할 수 있는 모든 과제)")
    parser.add_argument("--cell-timeout", type=int, default=120)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="작업 폴더를 지우지 않고 여기에 둡니다")
    parser.add_argument("--no-dask", action="store_true", help="Dask 작업자로 채점하는 세 번째 실행을 건너뜁니다")
    parser.add_argument("--target", type=float, default=0.30, help="grade --jobs 2 의 nbgrader 대비 비율 목표")
    parser.add_argument("--regrade-only", action="store_true",
                        help="반을 grade --jobs 2 로 한 번 채점해 두고 노트북 하나 다시 채점하기만 잽니다(nbgrader 없이)")
    args = parser.parse_args(argv)

    ids, skipped = gradable_assignments()
    if args.assignment:
        ids = course.check_assignment_ids(args.assignment)
    work = Path(tempfile.mkdtemp(prefix="bench-grading-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    subs = work / "submissions"
    kinds = make_submissions(subs, args.n, ids)
    notebooks_total = len(kinds)
    print(f"제출물 {args.n}개 × 과제 {len(ids)}개 = 노트북 {notebooks_total}개 ({', '.join(ids)})"
          + (f"; 학생본이 없어 뺀 과제: {', '.join(skipped)}" if skipped else ""), flush=True)

    if args.regrade_only:
        grader_run(subs, work / "out-jobs", ["--jobs", "2"], args.cell_timeout, logs, "grade-jobs")
        regraded = regrade(subs, work / "out-jobs", args.cell_timeout, logs)
        print_regrade(regraded)
        args.out.write_text(json.dumps({"n_submissions": args.n, "notebooks": notebooks_total,
                                        "machine": machine(),
                                        "regrade_one_notebook": regraded}, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
        print(f"결과: {args.out}")
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0

    runs: dict[str, dict] = {}
    nbg = work / "nbgrader-course"
    nbgrader_course(nbg, subs, ids, args.cell_timeout)
    print("1/3 nbgrader autograde (과제마다 차례로) ...", flush=True)
    parts = [timed([sys.executable, "-m", "nbgrader", "autograde", aid], nbg, logs / f"nbgrader-{aid}.log")
             for aid in ids]
    kernel = nbgrader_kernel_seconds(nbg)
    runs["nbgrader_sequential"] = {
        "wall_s": round(sum(p["wall_s"] for p in parts), 2),
        "load_before": parts[0]["load_before"], "per_assignment": dict(zip(ids, parts, strict=True)),
        "kernel_s_total": round(sum(kernel), 2),
        "cpu_speed_s": [parts[0]["cpu_speed_s"][0], parts[-1]["cpu_speed_s"][1]],
        "scores": nbgrader_scores(nbg),
    }

    print("2/3 grade --jobs 2 ...", flush=True)
    runs["grade_jobs_2"] = grader_run(subs, work / "out-jobs", ["--jobs", "2"], args.cell_timeout, logs, "grade-jobs")

    if not args.no_dask:
        print("3/3 grade --scheduler (Dask LocalCluster, 작업자 2개) ...", flush=True)
        from distributed import LocalCluster

        start = time.monotonic()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, memory_limit=None) as cluster:
            cluster_start = time.monotonic() - start
            runs["grade_scheduler_2_workers"] = grader_run(
                subs, work / "out-dask", ["--scheduler", cluster.scheduler_address], args.cell_timeout, logs, "grade-dask")
        runs["grade_scheduler_2_workers"]["cluster_start_s"] = round(cluster_start, 2)
    print("다시 채점하기: 노트북 하나 ...", flush=True)
    regraded = regrade(subs, work / "out-jobs", args.cell_timeout, logs)

    base = runs["nbgrader_sequential"]["wall_s"]
    for key, run in runs.items():
        run["ratio_to_nbgrader"] = round(run["wall_s"] / base, 3)
        # 실행 칸(코어) 수 × 벽시계에서 커널이 셀을 돌린 시간을 뺀 나머지를 노트북 수로 나눕니다.
        slots = 1 if key == "nbgrader_sequential" else 2
        run["amortized_overhead_s"] = round((slots * run["wall_s"] - run["kernel_s_total"]) / notebooks_total, 2)
    ours = runs["grade_jobs_2"]["scores"]
    disagreements = sorted(
        f"{s}/{a}: nbgrader {runs['nbgrader_sequential']['scores'].get((s, a))} vs grade {v}"
        for (s, a), v in ours.items() if runs["nbgrader_sequential"]["scores"].get((s, a)) != v)
    same_dask = runs["grade_scheduler_2_workers"]["scores"] == ours if "grade_scheduler_2_workers" in runs else None

    print()
    print(f"{'실행':34} {'벽시계 s':>9} {'비율':>6} {'커널 s':>8} {'(칸×벽시계−커널)/노트북':>24} "
          f"{'노트북당 커널 밖 (평균/중앙값)':>30}")
    labels = {"nbgrader_sequential": "nbgrader autograde (차례로)", "grade_jobs_2": "grade --jobs 2",
              "grade_scheduler_2_workers": "grade --scheduler (Dask 작업자 2)"}
    for key, run in runs.items():
        ov = run.get("overhead", {})
        per = f"{ov['mean_s']:.2f}/{ov['median_s']:.2f}" if ov else "-"
        print(f"{labels[key]:34} {run['wall_s']:9.1f} {run['ratio_to_nbgrader']:6.2f} "
              f"{run['kernel_s_total']:8.1f} {run['amortized_overhead_s']:24.2f} {per:>30}")
    ov = runs["grade_jobs_2"]["overhead"]
    print(f"\n--jobs 2 노트북당: 정리 {ov['mean_prepare_s']} s, 실행 {ov['mean_execute_s']} s "
          f"(그중 커널이 셀을 돌린 시간 {ov['mean_kernel_s']} s), "
          f"기록 {ov['mean_record_s']} s; 측정 시작 때 1분 부하 평균 {runs['grade_jobs_2']['load_before']}")
    for key in [k for k in ("grade_jobs_2", "grade_scheduler_2_workers") if k in runs]:
        co = runs[key]["coordinator"]
        print(f"{labels[key]}: 채점기 한곳이 노트북 하나에 쓴 시간(coordinator_s) 평균 {co['mean_s']} s → 상한 "
              f"초당 {co['ceiling_notebooks_per_s']}개; 과제별 " + ", ".join(
                  f"{a} {v['mean_s']} s" for a, v in co["per_assignment"].items())
              + f"; 채점기 프로세스의 CPU 전체 {runs[key]['process_cpu_s']} s (시작·과제 등록 포함)")
    parts = runs["grade_jobs_2"]["where_the_time_goes"]
    print(f"--jobs 2 배치마다: {parts['per_batch']}; 과제마다: {parts['per_assignment']}; "
          f"노트북을 맡기고 기록한 시간 전체 {parts['grading_loop_s']} s")
    print("컴퓨터의 CPU 속도(benchmarks.cpu_speed, 초, 작을수록 빠름; 실행 앞/뒤): " + ", ".join(
        f"{labels[key]} {run['cpu_speed_s'][0]}/{run['cpu_speed_s'][1]}" for key, run in runs.items()))
    print_regrade(regraded)
    print(f"점수: nbgrader와 다른 곳 {len(disagreements)}개; --scheduler 와 --jobs 같음: {same_dask}")
    for line in disagreements[:10]:
        print("  ", line)

    for run in runs.values():
        run["scores"] = {f"{s}/{a}": v for (s, a), v in run["scores"].items()}
    result = {
        "n_submissions": args.n, "assignments": ids, "skipped_assignments": skipped,
        "notebooks": notebooks_total, "mix": {k: sum(1 for v in kinds.values() if v.startswith(k))
                                              for k in ("solution", "wrong", "stub")},
        "machine": machine(),
        "cell_timeout": args.cell_timeout, "runs": runs,
        "score_disagreements_with_nbgrader": disagreements, "scheduler_scores_equal_jobs": same_dask,
        "regrade_one_notebook": regraded,
        "targets": {"ratio_jobs_2": args.target, "overhead_per_notebook_s": 1.5, "coordinator_per_notebook_s": 0.05,
                    "regrade_overhead_s": 2.0},
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\n결과: {args.out}" + ("" if args.keep else f" (작업 폴더 {work} 는 지웁니다)"))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
