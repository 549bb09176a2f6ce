"""명령줄: python -m autograder {release,validate,grade,nbgrader-feedback,similarity,check}.

종료 상태는 모든 명령이 같습니다.

- 0: 끝났고 문제가 없습니다.
- 1: 끝났지만 문제가 있습니다 (validate: 통과하지 못한 공개 테스트, grade: 정상 채점되지 못한 제출물,
  nbgrader-feedback: 과정 폴더에 놓지 못한 피드백, check: 기대와 다른 점수, similarity: 비교하지 못한 제출물).
- 2: 입력이나 사용법이 잘못되어 아무것도 하지 않았습니다 (없는 파일·과제, 잘못된 옵션 값).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

from . import course
from .limits import MECHANISMS, Limits

OK, PROBLEMS, USAGE = 0, 1, 2

_DEFAULT_LIMITS = Limits()

EXAMPLES = {
    "release": "예: python -m autograder release ch02_learning",
    "validate": "예: python -m autograder validate ~/Downloads/ch02_learning.ipynb",
    "grade": "예: python -m autograder grade submitted/ --out results/ --assignment ch02_learning --jobs 4",
    "nbgrader-feedback": "예: python -m autograder nbgrader-feedback ~/course/results ~/course --assignment ch02_learning",
    "similarity": "예: python -m autograder similarity submitted/ --assignment ch02_learning --out similarity/",
    "check": "예: python -m autograder check ch01_modeling ch02_learning",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """예시(epilog)는 줄을 그대로 두고, 옵션마다 기본값을 한국어로 붙입니다."""

    def _get_help_string(self, action):
        text = action.help or ""
        says_default = "%(default)" in text or "기본" in text
        if says_default or action.default in (None, False, argparse.SUPPRESS) or not action.option_strings:
            return text
        return text + " (기본: %(default)s)"


#: argparse가 내는 영어 문장의 한국어. argparse는 gettext의 ``_`` 를 부를 때마다 모듈에서 찾으므로, :func:`main` 이 도는
#: 동안만 바꿔 끼웁니다(:func:`_korean_argparse`). tests/test_command_line.py가 도움말과 오류에 영어가 없는지 봅니다.
_ARGPARSE_KO = {
    "usage: ": "사용법: ",
    "positional arguments": "위치 인자",
    "options": "선택지",
    "show this help message and exit": "이 도움말을 보여 주고 끝냅니다",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 오류: %(message)s\n",
    "the following arguments are required: %s": "꼭 있어야 하는 인자가 빠졌습니다: %s",
    "one of the arguments %s is required": "인자 %s 가운데 하나가 있어야 합니다",
    "argument %(argument_name)s: %(message)s": "인자 %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "고를 수 없는 값: %(value)r (고를 수 있는 값: %(choices)s)",
    "invalid %(type)s value: %(value)r": "%(type)s 값으로 읽을 수 없습니다: %(value)r",
    "unrecognized arguments: %s": "알 수 없는 인자: %s",
    "ambiguous option: %(option)s could match %(matches)s": "선택지 %(option)s이(가) %(matches)s 가운데 어느 것인지 모호합니다",
    "expected one argument": "값이 하나 있어야 합니다",
    "expected at most one argument": "값은 하나까지입니다",
    "expected at least one argument": "값이 하나 이상 있어야 합니다",
    "expected %s argument": "값이 %s개 있어야 합니다",
    "expected %s arguments": "값이 %s개 있어야 합니다",
    "not allowed with argument %s": "인자 %s와(과) 함께 쓸 수 없습니다",
    "ignored explicit argument %r": "이 선택지는 값을 받지 않습니다: %r",
    "unexpected option string: %s": "예상하지 못한 선택지: %s",
    "can't open '%(filename)s': %(error)s": "'%(filename)s'을(를) 열 수 없습니다: %(error)s",
}


@contextlib.contextmanager
def _korean_argparse():
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: _ARGPARSE_KO.get(message, message)
    argparse.ngettext = lambda one, many, n: _ARGPARSE_KO.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _path(text: str) -> Path:
    """명령줄에 적은 경로는 적은 곳(지금 폴더) 기준으로 한 번만 풀어 절대 경로로 씁니다. 실행하는 쪽은 다른 폴더에서
    돌기 때문에, 상대 경로를 그대로 넘기면 엉뚱한 곳을 찾습니다."""
    return Path(os.path.abspath(os.path.expanduser(text)))


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"정수가 아닙니다: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"1 이상이어야 합니다: {value}")
    return value


def _limits(args) -> Limits:
    return Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                  memory_mb=args.memory_mb, folder_mb=args.max_folder_mb,
                  isolation=None if args.isolation == "auto" else args.isolation)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder", formatter_class=_Formatter,
        description="머신러닝 다시 시작하기 과정의 채점기 (nbgrader 기반).",
        epilog="종료 상태: 0 문제 없음, 1 끝났지만 문제가 있음, 2 입력이나 사용법이 잘못됨.\n"
               + "\n".join(EXAMPLES.values()),
    )
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{release,validate,grade,nbgrader-feedback,similarity,check}")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=EXAMPLES[name], formatter_class=_Formatter)

    p = command("release", "solutions/ 에서 학생용 exercises/ 를 다시 만듭니다.")
    p.add_argument("assignments", nargs="*", metavar="ID", help="과제 id (없으면 모두)")

    p = command("validate", "학생 자가 점검: 노트북의 공개 테스트를 돌립니다. 노트북은 어느 폴더에 있어도 됩니다.")
    p.add_argument("notebook", type=_path, help="점검할 과제 노트북(.ipynb)")

    p = command("grade", "제출물 폴더 전체를 채점합니다.")
    p.add_argument("submissions", type=_path, help="<학생 id>/<과제 id>/<과제 id>.ipynb 가 들어 있는 폴더")
    p.add_argument("--out", type=_path, required=True, help="grades.csv, tests.csv, feedback/ 등을 쓸 폴더")
    p.add_argument("--assignment", action="append", metavar="ID", help="이 과제만 채점 (여러 번 쓸 수 있음; 기본: 모든 과제)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                       help="이 컴퓨터에서 동시에 실행할 노트북 수 (기본: 코어 수, 여기서는 %(default)s)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="노트북 실행을 이 Dask 스케줄러(예: tcp://10.0.0.5:8786)의 작업자들에게 보냅니다")
    p.add_argument("--force", action="store_true",
                   help="같은 --out으로 이미 채점한 제출물도 모두 다시 채점합니다(기본: 바뀐 것만 채점)")
    p.add_argument("--db", metavar="URL",
                   help="성적부 주소 (기본: sqlite:///OUT/gradebook.db; 여러 채점기가 함께 쓰려면 postgresql://...)")
    _deadline_arguments(p)

    p = command("nbgrader-feedback", "grade의 피드백을 nbgrader 과정 폴더의 feedback/ 에 놓습니다. "
                                     "그다음 nbgrader release_feedback 이 교환 폴더로 학생에게 보냅니다.")
    p.add_argument("results", type=_path, help="grade의 --out 폴더 (feedback/ 와 autograded/ 가 있는 곳)")
    p.add_argument("course_root", type=_path, metavar="course_root",
                   help="nbgrader 과정 폴더 (CourseDirectory.root; submitted/ 가 있는 곳)")
    p.add_argument("--assignment", action="append", metavar="ID", help="이 과제의 피드백만 (여러 번 쓸 수 있음; 기본: 모든 과제)")

    p = command("similarity", "제출물끼리 풀이 셀 코드의 유사도를 재서 베낀 코드 후보를 보여 줍니다.")
    p.add_argument("submissions", type=_path, help="<학생 id>/<과제 id>/<과제 id>.ipynb 가 들어 있는 폴더")
    p.add_argument("--assignment", required=True, metavar="ID", help="비교할 과제 id")
    p.add_argument("--out", type=_path, required=True, help="similarity.csv, similarity.html, skipped.csv 를 쓸 폴더")
    p.add_argument("--top", type=_positive, default=20, help="similarity.html 에 나란히 보일 쌍의 수")

    p = command("check", "과제마다 정답 = 자동 채점 만점(서술형 답은 채점 대기), 학생본 = 0점인지 실제 채점으로 확인합니다.")
    p.add_argument("assignments", nargs="*", metavar="ID", help="과제 id (없으면 모두)")
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                   help="동시에 실행할 노트북 수 (기본: 코어 수, 여기서는 %(default)s)")

    for name in ("validate", "grade", "check"):
        p = sub.choices[name]
        p.add_argument("--cell-timeout", type=_positive, default=_DEFAULT_LIMITS.cell_timeout, help="셀 하나의 시간 제한(초)")
        p.add_argument("--notebook-timeout", type=_positive, default=_DEFAULT_LIMITS.notebook_timeout,
                       help="노트북 하나의 시간 제한(초)")
        p.add_argument("--memory-mb", type=_positive, default=_DEFAULT_LIMITS.memory_mb,
                       help="커널 프로세스 하나의 메모리 한도(MB)")
        p.add_argument("--max-folder-mb", type=_positive, default=_DEFAULT_LIMITS.folder_mb,
                       help="제출 폴더(노트북 옆의 파일들) 크기 한도(MB). 넘으면 채점하지 않고 too_large로 적습니다")
        p.add_argument("--isolation", default="auto", choices=["auto", *MECHANISMS, "none"],
                       help="커널 격리 방식 (auto: 쓸 수 있는 가장 강한 것)")
    return parser


def _deadline_arguments(p) -> None:
    """grade의 마감 선택지 (autograder/coordinator/deadlines.py)."""
    p.add_argument("--due", metavar="DATETIME", help="모든 과제의 마감, ISO 8601에 시간대 포함 (예: 2026-03-16T23:59:00+09:00)")
    p.add_argument("--course", type=_path, metavar="FILE", help="과제마다의 마감이 적힌 과정 파일 (TOML, [due] 표)")
    p.add_argument("--late-penalty", type=float, default=0.0, metavar="P",
                   help="늦은 날(시작된 24시간)마다 만점의 P%% 감점 (기본 0: 늦은 것만 기록)")
    p.add_argument("--extensions", type=_path, metavar="FILE", help="기한 연장 CSV (student_id,assignment_id,hours)")


def _warn_if_committable(out: Path) -> None:
    """결과 폴더가 저장소 안에 있는데 git이 무시하지 않으면, 성적이 커밋될 수 있다고 알립니다."""
    try:
        resolved = out.resolve()
        inside = resolved.is_relative_to(course.REPO)
    except OSError:
        return
    if not inside or resolved == course.REPO or not (course.REPO / ".git").exists():
        return
    try:
        proc = subprocess.run(["git", "-C", str(course.REPO), "check-ignore", "-q", f"{resolved}/"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return
    if proc.returncode == 1:
        print(f"경고: 결과 폴더 {out}이(가) 저장소 안에 있는데 .gitignore에 없습니다. 학생의 성적과 피드백이 "
              f"`git add`로 커밋될 수 있습니다. 저장소 밖의 폴더를 쓰거나 .gitignore에 더하세요.", file=sys.stderr)


def _grade(args) -> int:
    if not args.scheduler:
        # 포크 서버(실행 프로세스를 갈라 낼 곳)를 가장 먼저 띄웁니다: 그 프로세스가 nbgrader와 과제의 모듈을 불러오는
        # 1초 남짓이 이 프로세스가 채점기 모듈을 불러오고 성적부를 준비하는 시간과 겹칩니다(노트북 하나를 다시 채점할 때 큼).
        from .worker import forkserver

        forkserver.warm_up()
    from .coordinator import dispatch
    from .coordinator.deadlines import Policy
    from .coordinator.grade import Grader, discover

    ids = course.check_assignment_ids(args.assignment) if args.assignment else None
    policy = Policy.from_args(args.due, args.course, args.extensions, args.late_penalty, course.assignments())
    jobs = discover(args.submissions, ids)
    if not jobs:
        raise course.UsageError(f"채점할 제출물이 없습니다: {args.submissions}")
    collisions = sorted({j.collision for j in jobs if j.collision})
    for detail in collisions:
        print(f"경고: {detail}", file=sys.stderr)
    limits = _limits(args)
    if not args.scheduler:
        _require_isolation(limits)
    args.out.mkdir(parents=True, exist_ok=True)
    _warn_if_committable(args.out)
    pool = dispatch.dask(args.scheduler) if args.scheduler else dispatch.local(args.jobs)
    grader = Grader(args.out, args.db, limits, jobs=args.jobs, policy=policy, force=args.force)

    def announce(todo: int, reused: int) -> None:
        more = f" (바뀐 것이 없는 제출물 {reused}개는 지난 결과를 그대로 씁니다)" if reused else ""
        print(f"노트북 {todo}개를 실행합니다: {pool.where}{more}", file=sys.stderr)

    reports = grader.run(jobs, pool, announce=announce)
    bad = sum(not r.scored for r in reports)
    isolation = sorted({r.isolation for r in reports if r.isolation})
    if isolation:
        print("격리: " + " / ".join(isolation))
    if grader.skipped:
        print(f"바뀐 것이 없어 지난 결과를 그대로 쓴 제출물 {grader.skipped}개, 새로 채점한 제출물 "
              f"{len(reports) - grader.skipped}개 (모두 다시 채점하려면 --force).")
    print(f"{len(reports)}개 제출물 채점 완료 (정상 채점되지 못한 제출물 {bad}개). "
          f"결과: {args.out / 'grades.csv'}, 개요: {args.out / 'overview.html'}, 피드백: {args.out / 'feedback'}")
    waiting = [r for r in reports if r.pending]
    if waiting:  # 0점이 아니라 아직 매기지 않은 점수: 종료 상태는 바꾸지 않습니다
        print(f"서술형 답을 아직 채점하지 않은 제출물 {len(waiting)}개 (grades.csv의 manual_pending). "
              f"{args.out}에서 jupyter lab을 띄워 nbgrader formgrader로 채점한 뒤 같은 명령을 다시 돌리면 점수와 의견이 "
              "반영됩니다.")
    for detail in collisions:  # 진행 기록에 묻히지 않게 끝에서 한 번 더
        print(f"경고: {detail}")
    return PROBLEMS if bad else OK


#: 약한 격리 방식마다 지키지 못하는 것(강사가 이름으로 골랐을 때 채점 전에 알립니다)
WEAKER = {
    "unshare": "unshare+setrlimit: 네트워크, 개인 /tmp, 가린 경로(정답, 테스트, 책의 코드, 결과, 제출물)는 지키지만 "
               "그 밖의 파일 시스템은 채점기 사용자의 권한만큼 커널이 읽을 수 있고, 시스템 파일이 읽기 전용이라는 보장도 "
               "파일 권한에 달려 있습니다.",
    "setrlimit": "setrlimit만: 파일과 네트워크를 전혀 격리하지 않습니다. 커널이 채점기와 같은 권한으로 정답 폴더, 다른 학생의 "
                 "제출물, 성적부를 읽고 쓸 수 있고, 라이브러리 규칙(scikit-learn·torch 가리기)도 강제하지 못합니다. "
                 "믿을 수 있는 제출물에만 쓰세요.",
    "none": "none: 샌드박스도 자원 한도도 없습니다(디버깅용). 학생 코드가 채점기와 같은 권한으로 돕니다.",
}


def _require_isolation(limits) -> None:
    """bubblewrap으로 격리할 수 없으면 설치 방법을 알려 주고 멈춥니다. 강사가 약한 방식을 이름으로 고르면 그 방식이
    지키지 못하는 것을 먼저 알리고 채점합니다."""
    from .worker.sandbox import BUBBLEWRAP, detect_isolation

    if limits.isolation is None:
        if detect_isolation() != BUBBLEWRAP:
            raise course.UsageError(
                "bubblewrap으로 학생 코드를 격리할 수 없어 채점하지 않습니다. 설치: sudo apt-get install -y bubblewrap "
                "(설치했는데도 이 메시지가 나오면 사용자 이름공간이 막혀 있습니다: "
                "sudo sysctl -w kernel.unprivileged_userns_clone=1). "
                "약한 방식을 알고 쓰려면 --isolation unshare 또는 --isolation setrlimit를 주세요.")
    elif limits.isolation in WEAKER:
        print(f"경고: 약한 격리를 골랐습니다. {WEAKER[limits.isolation]}", file=sys.stderr)


def _nbgrader_feedback(args) -> int:
    from .coordinator.exchange import place_feedback

    ids = course.check_assignment_ids(args.assignment) if args.assignment else None
    if not (args.results / "feedback").is_dir():
        raise course.UsageError(f"피드백 폴더가 없습니다: {args.results / 'feedback'} (grade의 --out 폴더를 주세요)")
    if not args.course_root.is_dir():
        raise course.UsageError(f"과정 폴더가 없습니다: {args.course_root}")
    placed = place_feedback(args.results, args.course_root, ids)
    for p in placed:
        for stale in p.removed:
            print(f"지움: {stale} (채점기가 만들지 않은 피드백. nbgrader의 generate_feedback이 만든 것이면 숨은 테스트의 "
                  f"코드가 들어 있습니다)", file=sys.stderr)
        if p.problem:
            print(f"놓지 못함: {p.student_id} {p.assignment_id}: {p.problem}", file=sys.stderr)
    done = [p for p in placed if p.html is not None]
    assignments = " ".join(sorted({p.assignment_id for p in done})) or "-"
    print(f"피드백 {len(done)}개를 {args.course_root / 'feedback'}에 놓았습니다(놓지 못한 피드백 {len(placed) - len(done)}개). "
          f"학생에게 보내려면 과정 폴더에서 과제마다: nbgrader release_feedback <과제 id> (과제: {assignments})")
    return PROBLEMS if len(done) < len(placed) else OK


def _similarity(args) -> int:
    from . import similarity

    course.check_assignment_ids([args.assignment])
    pairs, entries, seconds = similarity.run(args.submissions, args.assignment, args.out, args.top)
    skipped = [e for e in entries if e.problem]
    for e in skipped:
        print(f"비교하지 못함: {e.student_id}: {e.problem}", file=sys.stderr)
    print(f"제출물 {len(entries) - len(skipped)}개(쌍 {len(pairs)}개)를 {seconds:.1f}초에 비교했습니다. "
          f"비교하지 못한 제출물 {len(skipped)}개. 결과: {args.out / 'similarity.csv'}, {args.out / 'similarity.html'}")
    if pairs and pairs[0].similarity > 0:
        top = pairs[0]
        print(f"가장 비슷한 쌍: {top.a.student_id} ↔ {top.b.student_id} ({top.similarity * 100:.0f}%)")
    return PROBLEMS if skipped else OK


def main(argv: list[str] | None = None) -> int:
    with _korean_argparse():
        args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # nbgrader는 숨은 테스트 셀마다 checksum 경고를 냅니다(정상 동작). 강사에게 필요한 것만 남깁니다.
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="nbgrader")
    course.ensure_venv_on_path()
    try:
        if args.command == "release":
            from .release import release
            for path in release(course.check_assignment_ids(args.assignments)):
                print(f"학생본을 만들었습니다: {path.relative_to(course.REPO)}")
            return OK
        if args.command == "validate":
            from .validate import validate
            return validate(args.notebook, _limits(args))
        if args.command == "grade":
            return _grade(args)
        if args.command == "nbgrader-feedback":
            return _nbgrader_feedback(args)
        if args.command == "similarity":
            return _similarity(args)
        from .check import check
        return check(course.check_assignment_ids(args.assignments), jobs=args.jobs, limits=_limits(args))
    except course.UsageError as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("오류: 중단했습니다. 실행 중이던 노트북을 끝내고 임시 자료를 지웠습니다. 기록을 마친 제출물은 결과 폴더에 "
              "남아 있으니, 같은 --out으로 다시 돌리면 나머지만 채점합니다.", file=sys.stderr)
        return 130
