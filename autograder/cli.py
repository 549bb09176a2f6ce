"""명령줄: python -m autograder {release,validate,grade,check}."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path

from . import course, execute


def _limits(args) -> execute.Limits:
    return execute.Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                          memory_mb=args.memory_mb,
                          isolation=None if args.isolation == "auto" else args.isolation)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="머신러닝 다시 시작하기 과정의 채점기 (nbgrader 기반).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="solutions/ 에서 학생용 exercises/ 를 다시 만듭니다.")
    p.add_argument("assignments", nargs="*", metavar="ID", help="과제 id (없으면 모두)")

    p = sub.add_parser("validate", help="학생 자가 점검: 공개 테스트를 돌립니다.")
    p.add_argument("notebook", type=Path)

    p = sub.add_parser("grade", help="제출물 폴더 전체를 채점합니다.")
    p.add_argument("submissions", type=Path, help="<student_id>/<assignment_id>/<notebook>.ipynb 가 들어 있는 폴더")
    p.add_argument("--out", type=Path, required=True, help="grades.csv, tests.csv, feedback/ 를 쓸 폴더")
    p.add_argument("--assignment", action="append", metavar="ID", help="이 과제만 채점 (여러 번 쓸 수 있음)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="이 컴퓨터에서 동시에 실행할 노트북 수 (기본: 코어 수)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="노트북 실행을 이 Dask 스케줄러(예: tcp://10.0.0.5:8786)의 작업자들에게 보냅니다")
    p.add_argument("--db", metavar="URL",
                   help="성적부 주소 (기본: sqlite:///OUT/gradebook.db; 여러 채점기가 함께 쓰려면 postgresql://...)")

    p = sub.add_parser("check", help="과제마다 정답 = 만점, 학생본 = 0점인지 실제 채점으로 확인합니다.")
    p.add_argument("assignments", nargs="*", metavar="ID")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)

    for p in sub.choices.values():
        if p.prog.split()[-1] in ("validate", "grade", "check"):
            p.add_argument("--cell-timeout", type=int, default=120, help="셀 하나의 시간 제한(초)")
            p.add_argument("--notebook-timeout", type=int, default=600, help="노트북 하나의 시간 제한(초)")
            p.add_argument("--memory-mb", type=int, default=4096, help="커널 프로세스 하나의 메모리 한도(MB)")
            p.add_argument("--isolation", default="auto", choices=["auto", "bubblewrap", "unshare", "setrlimit", "none"],
                           help="커널 격리 방식 (기본: 쓸 수 있는 가장 강한 것)")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # nbgrader는 숨은 테스트 셀마다 checksum 경고를 냅니다(정상 동작). 강사에게 필요한 것만 남깁니다.
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="nbgrader")
    course.ensure_venv_on_path()

    if args.command == "release":
        from .release import release
        ids = course.check_assignment_ids(args.assignments)
        for path in release(ids):
            print(f"학생본을 만들었습니다: {path.relative_to(course.REPO)}")
        return 0
    if args.command == "validate":
        from .validate import validate
        return validate(args.notebook, _limits(args))
    if args.command == "grade":
        from .grade import Grader, discover
        ids = course.check_assignment_ids(args.assignment) if args.assignment else None
        jobs = discover(args.submissions, ids)
        if not jobs:
            print("채점할 제출물이 없습니다.", file=sys.stderr)
            return 2
        from . import dispatch
        pool = dispatch.dask(args.scheduler) if args.scheduler else dispatch.local(args.jobs)
        print(f"노트북 {len(jobs)}개를 실행합니다: {pool.where}", file=sys.stderr)
        reports = Grader(args.out, args.db, _limits(args), jobs=args.jobs).run(jobs, pool)
        bad = sum(r.status not in ("ok", "cell_errors") for r in reports)
        for iso in sorted({r.isolation for r in reports if r.isolation}):
            print(f"격리: {iso}")
        print(f"{len(reports)}개 제출물 채점 완료 (문제 {bad}개). 결과: {args.out / 'grades.csv'}, 피드백: {args.out / 'feedback'}")
        return 0
    if args.command == "check":
        from .check import check
        return check(course.check_assignment_ids(args.assignments), jobs=args.jobs)
    return 2
