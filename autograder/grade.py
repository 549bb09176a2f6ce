"""제출물 폴더 전체를 채점합니다 (batch grading).

SUBMISSIONS/<student_id>/<assignment_id>/<notebook>.ipynb 를 찾아, 제출물마다
정리(nbgrader) → 실행(자식 프로세스, 병렬) → 기록(nbgrader 성적부, 이 프로세스 한곳) → 피드백 순으로 처리합니다.
어떤 제출물이 깨져 있어도 그 학생의 줄에 상태와 0점이 적힐 뿐, 나머지 채점은 계속됩니다.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_output

from . import course, deadlines, dispatch, execute, export, feedback, guard, ids, notebooks, report, state, workdir
from .gradebook import Book
from .limits import Limits
from .status import Status

log = logging.getLogger(__name__)

@dataclass
class Job:
    student_id: str
    assignment_id: str
    notebook: str
    path: Path | None
    notes: list[str] = field(default_factory=list)
    #: 제출 폴더 <학생>/<과제> (없을 수도 있음; timestamp.txt를 찾는 곳)
    folder: Path | None = None
    #: 이 학생 id(NFC)가 되는 폴더가 둘 이상이면 그 설명. 그러면 채점하지 않습니다.
    collision: str = ""


def discover(root: Path, assignment_ids: list[str] | None) -> list[Job]:
    """제출물 폴더에서 (학생, 과제, 노트북) 목록을 만듭니다. 학생 id는 폴더 이름의 NFC 형태입니다(ids.py)."""
    root = Path(root)
    if not root.is_dir():
        raise course.UsageError(f"제출물 폴더가 없습니다: {root}")
    students = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if assignment_ids is None:
        known = course.assignments()
        present = {a.name for s in students for a in s.iterdir() if a.is_dir()}
        assignment_ids = [a for a in known if a in present]
    by_id: dict[str, list[Path]] = {}
    for student in students:
        by_id.setdefault(ids.normalize(student.name), []).append(student)
    jobs = []
    for sid, folders in sorted(by_id.items()):
        student = folders[0]
        collision = ids.collision_detail(sid, folders) if len(folders) > 1 else ""
        for aid in assignment_ids:
            for name in course.notebook_names(aid):
                folder = student / aid
                path = folder / f"{name}.ipynb"
                job = Job(sid, aid, name, path if path.is_file() and not collision else None,
                          folder=folder if folder.is_dir() and not collision else None, collision=collision)
                if job.path is None and folder.is_dir() and not collision:
                    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
                    if len(others) == 1:
                        job.path = others[0]
                        job.notes.append(f"'{name}.ipynb' 대신 이름이 다른 노트북 '{others[0].name}'을(를) 채점했습니다.")
                jobs.append(job)
    return jobs


@dataclass
class Prepared:
    job: Job
    nb: NotebookNode
    workdir: Path
    prepare_seconds: float = 0.0


class Grader:
    def __init__(self, out: Path, db_url: str | None = None, limits: Limits | None = None,
                 jobs: int = 1, progress: bool | None = None, policy: deadlines.Policy | None = None,
                 force: bool = False):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{(self.out / 'gradebook.db').resolve()}"
        self.limits = limits or Limits()
        self.jobs = max(1, jobs)
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.book = Book(self.db_url)
        self.policy = policy or deadlines.Policy()
        self._tmp = Path(tempfile.mkdtemp(prefix="grade-"))
        self._count = 0
        self._sources: dict[tuple[str, str], NotebookNode] = {}
        self._references: dict[tuple[str, str], NotebookNode] = {}
        #: 노트북마다 든 시간 (timings.csv; 이번에 채점한 것만)
        self.timings: list[dict] = []
        #: 참이면 남겨 둔 결과(state.py)를 쓰지 않고 모두 다시 채점합니다.
        self.force = force
        #: 이번 실행에서 바뀐 것이 없어 남겨 둔 결과를 쓴 제출물 수
        self.skipped = 0
        self._last_tables = 0.0

    # ---------- 이어 채점하기 (state.py)
    def _key(self, job: Job) -> str:
        limits = {k: v for k, v in dataclasses.asdict(self.limits).items() if k != "deny_paths"}
        source = course.SOLUTIONS / job.assignment_id / f"{job.notebook}.ipynb"
        extension = None if self.policy.extensions is None else \
            self.policy.extensions.get((job.student_id, job.assignment_id), 0.0)
        return state.fingerprint(job, {
            "db": self.db_url, "limits": limits,
            "source": hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else "",
            "due": self.policy.due.get(job.assignment_id), "penalty": self.policy.penalty_percent,
            "extension": extension,
        })

    def _tables(self, reports: list[feedback.Report], final: bool = False) -> None:
        """grades.csv와 tests.csv를 기록된 결과로 다시 씁니다(원자적으로). 결과가 많으면 2초에 한 번만."""
        if final or len(reports) <= 1000 or time.monotonic() - self._last_tables >= 2:
            report.write_grades(reports, self.out / "grades.csv")
            report.write_tests(reports, self.out / "tests.csv")
            self._last_tables = time.monotonic()

    # ---------- 준비 (main thread)
    def _source(self, job: Job) -> NotebookNode:
        key = (job.assignment_id, job.notebook)
        if key not in self._sources:
            self._sources[key] = notebooks.source_notebook(*key)
            self._references[key] = notebooks.release_notebook(*key)
        return self._sources[key]

    def _prepare(self, job: Job) -> Prepared:
        self._source(job)
        if job.collision:
            raise notebooks.SubmissionError(Status.ID_COLLISION, job.collision)
        if job.path is None:
            raise notebooks.SubmissionError(Status.MISSING_NOTEBOOK, f"{job.assignment_id}/{job.notebook}.ipynb 파일이 없습니다.")
        if any(p.is_symlink() for p in (job.path, job.path.parent, job.path.parent.parent)):
            # 링크를 따라가면 정답 폴더나 다른 학생의 파일을 '제출'할 수 있습니다.
            raise notebooks.SubmissionError(Status.INVALID_NOTEBOOK, "제출물이 링크(symlink)입니다. 실제 파일을 제출하세요.")
        nb = notebooks.read_notebook(job.path)
        nb, notes = notebooks.restore_structure(nb, self._references[(job.assignment_id, job.notebook)])
        job.notes.extend(notes)
        nb = self.book.sanitize(nb, job.assignment_id, job.notebook, job.student_id)
        nb = guard.inject(nb)
        self._count += 1
        work = self._tmp / f"{self._count:05d}"
        workdir.copy(job.path.parent, work, self.limits.folder_mb)
        return Prepared(job, nb, work)

    # ---------- 기록 (main thread)
    def _finish(self, prep: Prepared, result: execute.ExecResult) -> feedback.Report:
        job = prep.job
        nb = guard.strip(result.nb)
        _limit_output(nb)
        _mark_unexecuted(nb)
        nb = self.book.record(nb, job.assignment_id, job.notebook, job.student_id)
        status, detail = result.status, result.detail
        if status == Status.OK:
            broken = _student_cell_errors(nb)
            if broken:
                status = Status.CELL_ERRORS
                detail = f"학생 코드 셀 {len(broken)}개에서 오류가 났습니다: " + ", ".join(broken[:5])
        graded_path = self.out / "autograded" / job.student_id / job.assignment_id / f"{job.notebook}.ipynb"
        notebooks.write_notebook(nb, graded_path)
        if result.kernel_log:
            # 커널 로그에는 학생 코드가 직접 쓴 것도 섞이므로 피드백(detail)에는 넣지 않고 강사용 폴더에만 둡니다.
            log_path = graded_path.with_suffix(".kernel.log")
            log_path.write_text(result.kernel_log, encoding="utf-8")
            detail += f" 커널 로그(강사용): {log_path.relative_to(self.out).as_posix()}"
        code = {notebooks.grade_id(c): c.source for c in nb.cells if notebooks.is_solution(c)}
        rep = self._report(job, status, detail, nb, code)
        rep.isolation = result.isolation
        return rep

    def _report(self, job: Job, status: Status, detail: str, nb: NotebookNode | None = None,
                code: dict[str, str] | None = None) -> feedback.Report:
        if not Status(status).scored:
            self.book.set_zero(job.assignment_id, job.student_id)
        score, max_score, cells = self.book.scores(job.assignment_id, job.student_id)
        cell_scores = {c.grade_id: (c.score, c.max_score) for c in cells}
        source = self._source(job)
        tests = feedback.test_results(nb or self._references[(job.assignment_id, job.notebook)], source, cell_scores)
        if nb is None:
            for t in tests:
                t.message = Status(status).text
        rep = feedback.Report(job.student_id, job.assignment_id, score, max_score, status, detail,
                              tests, list(job.notes), code or {})
        deadlines.apply(self.book, rep, job.folder, self.policy)
        feedback.write_html(rep, self.out / "feedback" / job.student_id / job.assignment_id / f"{job.notebook}.html")
        return rep

    def _failed(self, job: Job, exc: BaseException) -> feedback.Report:
        if isinstance(exc, notebooks.SubmissionError):
            return self._report(job, exc.status, exc.detail)
        log.error("채점기 오류 %s/%s:\n%s", job.student_id, job.assignment_id, traceback.format_exc())
        return self._report(job, Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300])

    # ---------- 전체
    def run(self, jobs: list[Job], pool: dispatch.Pool | None = None) -> list[feedback.Report]:
        """모든 제출물을 채점합니다. 노트북 실행은 ``pool`` (기본: 이 컴퓨터의 스레드 ``self.jobs`` 개)로 보내고,
        정리와 기록은 이 스레드에서만 합니다. 실행 중이거나 차례를 기다리는 노트북은 ``pool.capacity`` 의 두 배까지만
        두므로(정리한 노트북과 작업 폴더도 그만큼만 있습니다), 메모리와 임시 디스크는 제출물 수와 상관없이 일정합니다."""
        # 커널이 읽지 못하게 가릴 곳: 정답, 결과 폴더(성적부·피드백), 제출물 폴더 전체(다른 학생), 저장소 기록.
        roots = {os.path.abspath(j.path.parents[2]) for j in jobs if j.path is not None}
        deny = [str(course.SOLUTIONS), str(self.out.resolve()), str(course.REPO / ".git"), *sorted(roots)]
        self.limits = dataclasses.replace(self.limits, deny_paths=tuple(dict.fromkeys([*self.limits.deny_paths, *deny])))
        reports: list[feedback.Report] = []
        keys, todo = {}, []
        for job in jobs:
            key = keys[job.student_id, job.assignment_id, job.notebook] = self._key(job)
            cached = None if self.force else state.load(self.out, job, key)
            if cached is not None:
                reports.append(cached)
            else:
                todo.append(job)
        self.skipped = len(jobs) - len(todo)
        for aid in sorted({j.assignment_id for j in todo}):
            self.book.prepare(aid)
        progress = _Progress(len(todo), self.progress)

        def recorded(job: Job, rep: feedback.Report) -> None:
            """기록을 마친 제출물: 결과를 남기고(이어 채점하기), 표를 고쳐 씁니다."""
            state.save(self.out, job, keys[job.student_id, job.assignment_id, job.notebook], rep)
            reports.append(rep)
            progress.done(rep)
            self._tables(reports)

        with pool or dispatch.local(self.jobs) as pool:
            waiting, futures = iter(todo), {}
            while True:
                while len(futures) < 2 * pool.capacity and (job := next(waiting, None)) is not None:
                    start = time.monotonic()
                    try:
                        prep = self._prepare(job)
                    except Exception as exc:  # 제출물 하나가 깨져도 배치는 멈추지 않습니다
                        recorded(job, self._failed(job, exc))
                        continue
                    prep.prepare_seconds = time.monotonic() - start
                    futures[pool.submit(prep.nb, prep.workdir, self.limits)] = prep
                if not futures:
                    break
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    prep = futures.pop(fut)
                    start = time.monotonic()
                    result = None
                    try:
                        result = fut.result()
                        rep = self._finish(prep, result)
                    except Exception as exc:
                        rep = self._failed(prep.job, exc)
                    finally:
                        shutil.rmtree(prep.workdir, ignore_errors=True)
                    recorded(prep.job, rep)  # 남겨 두기와 표 고쳐 쓰기도 기록 시간(record_s)에 셉니다
                    self.timings.append(_timing(prep, result, rep, time.monotonic() - start))
        progress.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tables(reports, final=True)
        report.write_timings(self.timings, self.out / "timings.csv")
        report.write_class(reports, self.out / "class.csv")
        export.write_wide(reports, self.out / "grades_wide.csv")
        report.write_summaries(reports, self.out / "summary")
        report.write_overview(reports, self.out / "overview.html")
        return reports


def _timing(prep: Prepared, result: execute.ExecResult | None, rep: feedback.Report, record_seconds: float) -> dict:
    """노트북 하나에 든 시간: 정리, 실행(그중 커널이 셀을 돌린 시간), 기록. ``coordinator_s`` 는 채점기 프로세스가
    그 노트북에 쓴 시간(정리 + 기록): 작업자를 늘려도 줄지 않는 몫이라 처리량의 상한을 정합니다."""
    return {"student_id": prep.job.student_id, "assignment_id": prep.job.assignment_id,
            "notebook": prep.job.notebook, "status": rep.status,
            "prepare_s": round(prep.prepare_seconds, 3),
            "execute_s": round(result.seconds, 3) if result else "",
            "kernel_s": round(result.kernel_seconds, 3) if result else "",
            "record_s": round(record_seconds, 3),
            "coordinator_s": round(prep.prepare_seconds + record_seconds, 3)}


#: 셀 하나의 텍스트 출력 상한(글자). nbgrader의 LimitOutput은 줄 수만 세므로, 아주 긴 줄은 여기서 자릅니다.
MAX_OUTPUT_CHARS = 100_000


def _limit_output(nb: NotebookNode) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text")
            if isinstance(text, str) and len(text) > MAX_OUTPUT_CHARS:
                out["text"] = text[:MAX_OUTPUT_CHARS] + f"\n... (출력이 너무 길어 {len(text):,}자 가운데 앞부분만 남겼습니다)\n"
            data = out.get("data", {})
            plain = data.get("text/plain")
            if isinstance(plain, str) and len(plain) > MAX_OUTPUT_CHARS:
                data["text/plain"] = plain[:MAX_OUTPUT_CHARS] + "\n... (잘림)"


def _mark_unexecuted(nb: NotebookNode) -> None:
    """실행되지 않은 테스트 셀은 nbgrader가 만점으로 보므로, 실패로 표시해 둡니다."""
    for cell in nb.cells:
        if cell.cell_type == "code" and notebooks.is_grade(cell) and cell.get("execution_count") is None:
            cell.outputs = [new_output("error", ename="CellTimeoutError", evalue="실행되지 않음", traceback=[])]


def _student_cell_errors(nb: NotebookNode) -> list[str]:
    names = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or notebooks.is_grade(cell):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                names.append(f"{notebooks.grade_id(cell) or f'셀 {i + 1}'}({out.get('ename')})")
                break
    return names


class _Progress:
    """터미널이면 한 줄짜리 진행 막대, 아니면 한 줄씩 기록."""

    def __init__(self, total: int, tty: bool):
        self.total, self.tty, self.n, self.failed = total, tty, 0, 0
        self.start = time.monotonic()

    def done(self, rep: feedback.Report) -> None:
        self.n += 1
        self.failed += not rep.scored
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.n * (self.total - self.n)
        if self.tty:
            width = 30
            bar = "#" * int(width * self.n / max(self.total, 1))
            sys.stderr.write(f"\r[{bar:<{width}}] {self.n}/{self.total} 완료, 문제 {self.failed}, 남은 시간 약 {eta:.0f}초 ")
            sys.stderr.flush()
        else:
            print(f"[{self.n}/{self.total}] {rep.student_id} {rep.assignment_id}: "
                  f"{rep.score:g}/{rep.max_score:g} ({rep.status}) 남은 시간 약 {eta:.0f}초", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
