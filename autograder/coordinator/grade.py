"""제출물 폴더 전체를 채점합니다 (batch grading).

SUBMISSIONS/<student_id>/<assignment_id>/<notebook>.ipynb 를 찾아, 제출물마다
정리(nbgrader) → 실행 → 점수 셈을 실행하는 쪽(자식 프로세스나 Dask 작업자, 병렬; submission.py)에서 하고,
기록(nbgrader 성적부) → 피드백 → 표를 이 프로세스 한곳에서 합니다.
어떤 제출물이 깨져 있어도 그 학생의 줄에 상태와 0점이 적힐 뿐, 나머지 채점은 계속됩니다.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import logging
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from .. import course, messages, notebooks, workdir
from ..limits import Limits
from ..status import Status
from ..worker import submission
from . import deadlines, dispatch, exchange, export, feedback, formgrader, ids, report, state

if TYPE_CHECKING:
    from .gradebook import Book, Recorder

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


class Grader:
    def __init__(self, out: Path, db_url: str | None = None, limits: Limits | None = None,
                 jobs: int = 1, progress: bool | None = None, policy: deadlines.Policy | None = None,
                 force: bool = False):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        default_db_url = f"sqlite:///{(self.out / 'gradebook.db').resolve()}"
        self.db_url = db_url or default_db_url
        # 결과 폴더를 formgrader가 여는 과정 폴더로(서술형 답을 채점하는 곳): OUT/nbgrader_config.py
        formgrader.write_config(self.out, self.db_url, default_db_url)
        self.limits = limits or Limits()
        self.jobs = max(1, jobs)
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.policy = policy or deadlines.Policy()
        #: 과제마다의 정리·채점 자료(숨은 테스트가 들어 있음)를 두는 곳. /tmp가 아니라 결과 폴더 안(커널에게는 가려짐)에
        #: 두므로, 채점기가 SIGKILL로 죽어 지우지 못해도 다음 실행이 지웁니다.
        self._tmp = self.out / ".grading-tmp"
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp.mkdir(mode=0o700)
        #: 과제 노트북 → 실행 프로세스에 보내는 정리·채점 자료(JSON 파일, submission 모듈 설명)의 자리와, 다 쓴 것
        self._contexts: dict[tuple[str, str], Path] = {}
        self._written: set[tuple[str, str]] = set()
        self._serial = itertools.count()
        #: 과제 노트북마다 테스트 셀이 import하는 모듈(포크 서버가 한 번 불러 둡니다)
        self._preload: dict[tuple[str, str], list[str]] = {}
        #: 그중 학생 커널에서도 도는 준비 셀의 것(커널 씨앗이 한 번 불러 둡니다)
        self._kernel_preload: dict[tuple[str, str], list[str]] = {}
        #: 과제 노트북 → 학생본의 점수 셀 id(노트북 순서)와 만점. 노트북 없이 0점을 줄 때 씁니다.
        self._layouts: dict[tuple[str, str], tuple[list[str], float]] = {}
        self._source_hashes: dict[tuple[str, str], str] = {}
        #: 노트북마다 든 시간 (timings.csv; 이번에 채점한 것만)
        self.timings: list[dict] = []
        #: 참이면 남겨 둔 결과(state.py)를 쓰지 않고 모두 다시 채점합니다.
        self.force = force
        #: 이번 실행에서 바뀐 것이 없어 남겨 둔 결과를 쓴 제출물 수
        self.skipped = 0
        self._last_tables = 0.0
        #: 배치 전체의 단계마다 든 시간(초, timings-batch.json): 이어 채점하기 판단(resume_s), 과제마다 성적부 등록
        #: (gradebook_s)과 정리·채점 자료(contexts_s), 노트북을 맡기고 기록한 시간 전체(grading_s, 등록과 자료 포함),
        #: 표와 개요(reports_s). 그리고 성적부를 열기 전에 먼저 맡긴 제출물 수(early: 0 또는 1, :meth:`_start_early`)
        self.batch_timings: dict = {"resume_s": 0.0, "gradebook_s": {}, "contexts_s": {}, "grading_s": 0.0,
                                    "reports_s": 0.0, "early": 0}
        self._setup_s = 0.0  # 지금까지 과제 등록과 자료 만들기에 든 시간(coordinator_s에서 뺍니다)
        #: 성적부에 강사가 적어 둔 것(Book.manual_grades): 이어 채점하기의 지문에 들어갑니다
        self._manual: dict[tuple[str, str, str], list] = {}
        self._work_keys: dict[int, str] = {}  # 제출물(Job의 id) → 성적부를 뺀 지문(:meth:`_keys`)

    @functools.cached_property
    def book(self) -> Book:
        """이 채점의 성적부. nbgrader의 성적부 모듈(SQLAlchemy)을 불러오는 데 0.4초 남짓 들므로, 처음 쓸 때(먼저 맡길
        제출물을 보낸 뒤, :meth:`_start_early`) 불러옵니다."""
        from .gradebook import Book

        return Book(self.db_url)

    # ---------- 이어 채점하기 (state.py)
    def _keys(self, job: Job) -> tuple[str, str]:
        """이어 채점하기의 (지문, 성적부를 뺀 지문): :func:`state.with_manual`, :func:`state.fingerprint`. 뒤의 것은
        성적부를 열기 전에도 셀 수 있고(:meth:`_start_early`), 제출물마다 한 번만 셉니다."""
        work = self._work_keys.get(id(job))
        if work is None:
            limits = {k: v for k, v in dataclasses.asdict(self.limits).items() if k != "deny_paths"}
            extension = None if self.policy.extensions is None else \
                self.policy.extensions.get((job.student_id, job.assignment_id), 0.0)
            work = self._work_keys[id(job)] = state.fingerprint(job, {
                "db": self.db_url, "limits": limits, "source": self._source_hash(job.assignment_id, job.notebook),
                "due": self.policy.due.get(job.assignment_id), "penalty": self.policy.penalty_percent,
                "extension": extension, "isolation": self._isolation(), "phases": course.phases(job.assignment_id),
            }, self.limits.folder_mb)
        return state.with_manual(work, self._manual.get((job.student_id, job.assignment_id, job.notebook), [])), work

    def _isolation(self) -> str:
        """이번 채점에 쓰일 격리 방식(고른 것, 아니면 이 컴퓨터에서 쓸 수 있는 가장 강한 것)."""
        from ..worker.sandbox import detect_isolation

        return self.limits.isolation or detect_isolation()

    def _source_hash(self, assignment_id: str, notebook: str) -> str:
        """과제 원본 노트북의 지문. 과제 노트북마다 한 번만 읽습니다(제출물마다가 아니라)."""
        key = (assignment_id, notebook)
        if key not in self._source_hashes:
            source = course.SOLUTIONS / assignment_id / f"{notebook}.ipynb"
            self._source_hashes[key] = hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else ""
        return self._source_hashes[key]

    def _tables(self, reports: list[feedback.Report], final: bool = False) -> bool:
        """grades.csv와 tests.csv를 기록된 결과로 다시 씁니다(원자적으로). 결과가 많으면 2초에 한 번만. 썼으면 True."""
        if final or len(reports) <= 1000 or time.monotonic() - self._last_tables >= 2:
            report.write_tables(reports, self.out / "grades.csv", self.out / "tests.csv")
            self._last_tables = time.monotonic()
            return True
        return False

    # ---------- 채점 맡기기 (이 스레드): 노트북 하나의 일은 실행하는 쪽이 합니다(submission.py)
    def _context(self, assignment_id: str, notebook: str) -> Path:
        """과제 노트북의 정리·채점 자료를 한 번 만들어 둔 파일. 숨은 테스트가 들어 있으므로 채점기만 읽습니다.

        처음 부를 때 과제를 성적부에 등록합니다(:meth:`Book.prepare`). 그 과제의 첫 제출물을 맡기기 직전이므로,
        앞 과제의 제출물이 실행되는 동안 다음 과제를 등록합니다(모든 과제를 등록한 뒤에야 실행을 시작하지 않음).
        이 일은 모두 이 스레드가 하므로 성적부에 쓰는 곳은 여전히 한 곳입니다."""
        key = (assignment_id, notebook)
        path = self._plan(assignment_id, notebook)
        if key not in self._written:
            start = clock = time.monotonic()
            self.book.prepare(assignment_id)
            self.batch_timings["gradebook_s"].setdefault(assignment_id, _since(clock))
            clock = time.monotonic()
            reference = notebooks.release_notebook(assignment_id, notebook)
            snapshot = self.book.context(assignment_id, notebook)
            authored = messages.authored_by_test(notebooks.source_notebook(assignment_id, notebook))
            _write_private(path, {"reference": nbformat.writes(reference), "snapshot": snapshot,
                                  "phases": course.phases(assignment_id),
                                  "authored": {gid: sorted(messages) for gid, messages in authored.items()}})
            self._written.add(key)
            self._layouts[key] = ([notebooks.grade_id(c) for c in reference.cells
                                   if notebooks.grade_id(c) and notebooks.is_grade(c) and not notebooks.is_written(c)],
                                  sum(snapshot["grade_cells"].values()) + sum(snapshot["task_cells"].values()))
            self.batch_timings["contexts_s"][f"{assignment_id}/{notebook}"] = _since(clock)
            self._setup_s += time.monotonic() - start
        return path

    def _plan(self, assignment_id: str, notebook: str) -> Path:
        """과제 노트북의 자료를 둘 자리와, 성적부 없이 정할 수 있는 것(테스트 셀과 준비 셀이 불러오는 모듈)."""
        key = (assignment_id, notebook)
        if key not in self._contexts:
            source = notebooks.source_notebook(assignment_id, notebook)
            self._contexts[key] = self._tmp / f"context-{next(self._serial):03d}.json"
            self._preload[key] = notebooks.test_imports(source)
            self._kernel_preload[key] = notebooks.test_imports(source, kernel=True)
        return self._contexts[key]

    def _task(self, job: Job, early: bool = False) -> dict:
        """실행하는 쪽에 보낼 제출물 하나. 채점할 수 없는 것(이름 충돌, 노트북 없음, 링크)은 ``SubmissionError``.
        ``early`` 면 과제의 자료를 아직 만들지 않고 맡깁니다(:meth:`_start_early`)."""
        (self._plan if early else self._context)(job.assignment_id, job.notebook)
        if job.collision:
            raise notebooks.SubmissionError(Status.ID_COLLISION, job.collision)
        if job.path is None:
            raise notebooks.SubmissionError(Status.MISSING_NOTEBOOK, f"{job.assignment_id}/{job.notebook}.ipynb 파일이 없습니다.")
        if any(p.is_symlink() for p in (job.path, job.path.parent, job.path.parent.parent)):
            # 링크를 따라가면 정답 폴더나 다른 학생의 파일을 '제출'할 수 있습니다.
            raise notebooks.SubmissionError(Status.INVALID_NOTEBOOK, "제출물이 링크(symlink)입니다. 실제 파일을 제출하세요.")
        task = {"student_id": job.student_id, "assignment_id": job.assignment_id, "notebook": job.notebook,
                "submission": str(job.path), "notes": list(job.notes),
                "preload": self._preload[job.assignment_id, job.notebook],
                "kernel_preload": self._kernel_preload[job.assignment_id, job.notebook]}
        if early:  # 실행 프로세스는 첫 단계의 커널을 먼저 띄우고 자료가 나타나기를 기다립니다(runner.start_first_kernel)
            task.update(context_pending=True, phases=course.phases(job.assignment_id))
        return task

    def _start_early(self, pool: dispatch.Pool, jobs: list[Job]) -> tuple[Future, Arrived] | None:
        """성적부를 열기 전에, 어차피 다시 실행해야 하는 첫 제출물(성적부를 뺀 지문이 남겨 둔 것과 다르거나 ``--force``)을
        먼저 맡깁니다. 실행 프로세스가 커널을 띄우는 동안(0.5초 남짓) 이 프로세스는 nbgrader의 성적부를 불러오고
        과제를 등록해 자료를 씁니다. 늦은 제출물 하나를 다시 채점할 때 가장 긴 길이 그 둘이었습니다. 하나만 먼저
        맡깁니다: 과제의 다른 제출물은 커널 씨앗에서 커널을 갈라 내는 편이 CPU가 덜 듭니다(``dispatch.Pool``).
        처음 채점하는 결과 폴더면 과제마다 실행할 제출물 수를 풀에 알려, 둘 이상인 과제는 먼저 맡긴 것까지 씨앗을 씁니다.
        이 컴퓨터의 실행 프로세스에서만 합니다(Dask 작업자에는 자료를 내용으로 보내야 하므로)."""
        if pool.remote:
            return None
        runnable = [job for job in jobs if job.path is not None and not job.collision]
        if self.force or not state.any_saved(self.out):  # 처음 채점하는 결과 폴더: 채점할 수 있는 제출물은 모두 실행합니다
            pool.expect(collections.Counter(job.assignment_id for job in runnable))
        for job in runnable:
            if not (self.force or state.changed(self.out, job, self._keys(job)[1])):
                continue
            start = time.monotonic()
            try:
                task = self._task(job, early=True)
            except notebooks.SubmissionError:  # 채점할 수 없는 제출물: 평소의 길에서 알립니다
                continue
            a = Arrived(job, task, {"notes": list(job.notes)})
            fut = pool.grade(task, self._contexts[job.assignment_id, job.notebook], self.limits)
            a.coordinator_s = time.monotonic() - start
            return fut, a
        return None

    def _submit(self, pool: dispatch.Pool, job: Job) -> tuple[Future | None, Arrived]:
        """제출물 하나를 ``pool`` 에 맡깁니다. 맡길 수 없으면(채점할 수 없는 제출물, 채점기 오류) Future 없이 결과를 채워
        돌려줍니다: 제출물 하나가 깨져도 배치는 멈추지 않습니다."""
        start, setup = time.monotonic(), self._setup_s
        a, fut = Arrived(job, {"notes": list(job.notes)}, {}), None
        try:
            a.task = self._task(job)
            fut = pool.grade(a.task, self._contexts[job.assignment_id, job.notebook], self.limits)
        except notebooks.SubmissionError as exc:
            a.result = submission.unexecuted(exc.status, exc.detail, a.task)
        except Exception as exc:
            log.error("채점기 오류 %s/%s:\n%s", job.student_id, job.assignment_id, traceback.format_exc())
            a.result = submission.unexecuted(Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300], a.task)
        # 과제마다 한 번의 등록과 자료 만들기(_context)는 노트북 하나의 몫이 아니므로 빼고 셉니다(timings-batch.json에 있음).
        a.coordinator_s = time.monotonic() - start - (self._setup_s - setup)
        return fut, a

    # ---------- 기록 (이 스레드): 함께 도착한 결과들을 성적부 트랜잭션 하나로
    def _record(self, rec: Recorder, arrived: list[Arrived]) -> list[feedback.Report]:
        """결과들을 한 트랜잭션으로 적습니다. 하나라도 실패하면 모두 되돌리고 하나씩 다시 적으므로, 깨진 결과 하나가
        다른 결과를 잃게 하지 않고, 어느 노트북의 점수도 반쯤 적히지 않습니다."""
        try:
            reports = [self._book(rec, a) for a in arrived]
            rec.commit()
            return reports
        except Exception:
            rec.rollback()
        reports = []
        for a in arrived:
            try:
                rep = self._book(rec, a)
                rec.commit()
            except Exception as exc:
                rec.rollback()
                log.error("채점기 오류(성적부 기록) %s/%s:\n%s", a.job.student_id, a.job.assignment_id, traceback.format_exc())
                a.result = submission.unexecuted(Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300], a.task)
                try:
                    rep = self._book(rec, a)
                    rec.commit()
                except Exception:  # 성적부 자체에 쓸 수 없음: 표에는 0점과 이유를 남깁니다
                    rec.rollback()
                    rep = feedback.Report(a.job.student_id, a.job.assignment_id, 0.0,
                                          self._layouts.get((a.job.assignment_id, a.job.notebook), ([], 0.0))[1],
                                          Status.GRADER_ERROR, a.result["detail"], notes=list(a.result["notes"]))
            reports.append(rep)
        return reports

    def _book(self, rec: Recorder, a: Arrived) -> feedback.Report:
        """결과 하나를 성적부에 적고(커밋은 부르는 쪽), 학생에게 돌려줄 :class:`feedback.Report` 를 만듭니다."""
        job, result = a.job, a.result
        status = Status(result["status"])
        scores = rec.record(job.assignment_id, job.student_id, job.notebook, result["marks"], status.scored)
        cell_scores = {c.grade_id: (c.score, c.max_score) for c in scores.cells}
        if result["tests"] is None:  # 실행하지 못한 제출물: 학생본의 테스트마다 상태의 설명
            tests = [(gid, status.text) for gid in self._layouts.get((job.assignment_id, job.notebook), ([], 0.0))[0]]
        else:
            tests = result["tests"]
        detail = result["detail"]
        if result.get("kernel_log"):
            # 커널 로그에는 학생 코드가 직접 쓴 것도 섞이므로 피드백(detail)에는 넣지 않고 강사용 폴더에만 둡니다.
            log_path = self._graded_path(job).with_suffix(".kernel.log").relative_to(self.out).as_posix()
            detail = deadlines.join_details(detail, f"커널 로그(강사용): {log_path}")
        answers = {c.grade_id for c in scores.cells if c.written}
        rep = feedback.Report(
            job.student_id, job.assignment_id, scores.score, scores.max_score, status, detail,
            [feedback.TestResult(gid, notebooks.function_of(gid), notebooks.is_hidden_test(gid), *cell_scores[gid],
                                 "" if cell_scores[gid][0] >= cell_scores[gid][1] and result["tests"] is not None else message)
             for gid, message in tests if gid in cell_scores and gid not in answers],
            list(result["notes"]), {gid: src for gid, src in result["code"].items() if gid not in answers},
            result.get("isolation", ""),
            written=[feedback.WrittenAnswer(c.grade_id, c.score, c.max_score, c.pending, c.manual_score is not None,
                                            c.comment, result["code"].get(c.grade_id, "")) for c in scores.cells if c.written])
        deadlines.apply(rec, rep, job.folder, self.policy)
        return rep

    def _graded_path(self, job: Job) -> Path:
        return self.out / "autograded" / job.student_id / job.assignment_id / f"{job.notebook}.ipynb"

    def _write(self, a: Arrived, rep: feedback.Report) -> None:
        """채점된 노트북, 커널 로그(강사용), 피드백, 제출 기록(강사용)."""
        graded = self._graded_path(a.job)
        if a.result.get("graded") is not None:
            graded.parent.mkdir(parents=True, exist_ok=True)
            graded.write_text(a.result["graded"], encoding="utf-8")
        if a.result.get("kernel_log"):
            graded.parent.mkdir(parents=True, exist_ok=True)
            graded.with_suffix(".kernel.log").write_text(a.result["kernel_log"], encoding="utf-8")
        feedback.write_html(rep, self.out / "feedback" / a.job.student_id / a.job.assignment_id / f"{a.job.notebook}.html")
        # nbgrader의 autograde처럼 제출 기록(timestamp.txt, submission_secret.txt)을 옮겨 둡니다: 이 피드백을 교환
        # 폴더로 돌려줄 때(exchange.place_feedback) 채점한 바로 그 제출물과 짝짓습니다.
        exchange.keep_submission_record(a.job.folder, graded.parent)

    # ---------- 전체
    def run(self, jobs: list[Job], pool: dispatch.Pool | None = None,
            announce: Callable[[int, int], None] | None = None) -> list[feedback.Report]:
        """모든 제출물을 채점합니다. 제출물 하나의 일(정리, 실행, 점수 셈)은 ``pool`` (기본: 이 컴퓨터에서
        ``self.jobs`` 개씩)로 보내고, 이 스레드는 성적부 기록과 결과 파일 쓰기만 합니다. 맡겨 둔 제출물은
        ``pool.capacity`` 의 두 배까지만 두므로(실행 중 + 다음 차례), 메모리와 임시 디스크는 제출물 수와 상관없이 일정합니다.

        함께 도착한 결과는 성적부 트랜잭션 하나로 적고, 그다음 피드백, 표(grades.csv, tests.csv), 이어 채점하기 기록
        순으로 씁니다. 그래서 언제 죽어도 이어 채점하기 기록이 있는 제출물은 성적부와 표에 다 있습니다."""
        # 커널이 읽지 못하게 가릴 곳: 저장소의 비공개 폴더(course.private_paths), 결과 폴더(성적부·피드백),
        # 제출물 폴더 전체(다른 학생).
        roots = {os.path.abspath(j.path.parents[2]) for j in jobs if j.path is not None}
        deny = [*map(str, course.private_paths()), str(self.out.resolve()), *sorted(roots)]
        self.limits = dataclasses.replace(self.limits, deny_paths=tuple(dict.fromkeys([*self.limits.deny_paths, *deny])))
        reports: list[feedback.Report] = []
        keys, todo = {}, []
        unsaved: list[tuple[Job, feedback.Report]] = []  # 표에 쓰인 뒤에 이어 채점하기 기록을 남길 것
        clock = time.monotonic()
        with _stop_on_sigterm(), contextlib.ExitStack() as cleanup, pool or dispatch.local(self.jobs) as pool:
            # 어떻게 끝나든(Ctrl-C, SIGTERM 포함) 숨은 테스트가 든 자료를 지웁니다. 기록한 결과와 표는 남습니다.
            cleanup.callback(shutil.rmtree, self._tmp, True)
            futures: dict[Future, Arrived] = {}
            if (early := self._start_early(pool, jobs)) is not None:
                futures[early[0]] = a = early[1]
                key = (a.job.assignment_id, a.job.notebook)
                try:
                    self._context(*key)
                except Exception as exc:  # 먼저 맡긴 실행 프로세스에게 알립니다(그 제출물은 채점기 오류가 됩니다)
                    log.error("채점기 오류 %s/%s:\n%s", *key, traceback.format_exc())
                    # 그 자리에는 실패를 남기고, 이 과제의 다음 제출물은 새 자리에 자료 만들기를 다시 해 봅니다
                    _write_private(self._contexts.pop(key), {"failed": f"{type(exc).__name__}: {exc}"[:300]})
            handed = {id(a.job) for a in futures.values()}
            self.batch_timings["early"] = len(handed)
            resume = time.monotonic()
            self._manual = self.book.manual_grades()
            for job in jobs:
                key = keys[job.student_id, job.assignment_id, job.notebook] = self._keys(job)
                cached = None if self.force or id(job) in handed else state.load(self.out, job, key[0])
                if cached is not None:
                    reports.append(cached)
                else:
                    todo.append(job)
            self.skipped = len(jobs) - len(todo)
            if announce is not None:  # 몇 개를 실행하고 몇 개를 지난 결과로 쓰는지 (명령줄이 알립니다)
                announce(len(todo), self.skipped)
            self.batch_timings["resume_s"] = _since(resume)
            # 과제의 등록과 정리·채점 자료는 그 과제의 첫 제출물을 맡길 때 만듭니다(_context). 실패하면 그 과제의
            # 제출물마다 다시 시도하고 채점기 오류로 알리므로, 한 과제가 망가져도 다른 과제는 채점됩니다.
            progress = _Progress(len(todo), self.progress)
            rec = cleanup.enter_context(contextlib.closing(self.book.recorder()))
            waiting = (job for job in todo if id(job) not in handed)
            while True:
                arrived: list[Arrived] = []  # 맡길 수 없었던 것과 끝난 것: 이번에 함께 기록합니다
                while len(futures) < 2 * pool.capacity and (job := next(waiting, None)) is not None:
                    fut, a = self._submit(pool, job)
                    if fut is None:
                        arrived.append(a)
                    else:
                        futures[fut] = a
                if not futures and not arrived:
                    break
                if not arrived:
                    # 1초마다 깨어납니다: SIGTERM·Ctrl-C가 다른 스레드에 전달되어도 이 스레드가 곧 신호 처리기를 돌립니다
                    wait(futures, timeout=1.0, return_when=FIRST_COMPLETED)
                arrived += [_finished(fut, futures.pop(fut)) for fut in [f for f in futures if f.done()]]
                if not arrived:
                    continue
                start = time.monotonic()
                batch = self._record(rec, arrived)
                for a, rep in zip(arrived, batch, strict=True):
                    self._write(a, rep)
                    progress.done(rep)
                reports.extend(batch)
                unsaved.extend((a.job, rep) for a, rep in zip(arrived, batch, strict=True))
                if self._tables(reports):
                    for job, rep in unsaved:
                        state.save(self.out, job, keys[job.student_id, job.assignment_id, job.notebook], rep)
                    unsaved.clear()
                share = (time.monotonic() - start) / len(arrived)  # 기록, 파일, 표, 이어 채점하기 기록
                self.timings += [_timing(a, rep, share) for a, rep in zip(arrived, batch, strict=True) if "seconds" in a.result]
        progress.close()
        # 먼저 맡긴 제출물과 그 자료를 포함하되, 그 안에서 한 이어 채점하기 판단(resume_s)은 뺍니다
        self.batch_timings["grading_s"] = round(time.monotonic() - clock - self.batch_timings["resume_s"], 3)
        clock = time.monotonic()
        self._tables(reports, final=True)
        for job, rep in unsaved:
            state.save(self.out, job, keys[job.student_id, job.assignment_id, job.notebook], rep)
        report.write_timings(self.timings, self.out / "timings.csv")
        report.write_class(reports, self.out / "class.csv")
        export.write_wide(reports, self.out / "grades_wide.csv")
        report.write_summaries(reports, self.out / "summary")
        report.write_overview(reports, self.out / "overview.html", self.out / ".overview-figures")
        self.batch_timings["reports_s"] = _since(clock)
        workdir.write_json(self.out / "timings-batch.json", self.batch_timings)
        return reports


@contextlib.contextmanager
def _stop_on_sigterm():
    """SIGTERM과 Ctrl-C(SIGINT): 기다리는 일을 버리고 실행 중인 것을 끝낸 뒤 임시 자료를 지우고 끝납니다."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    # SIGINT도 직접 받습니다: 셸이 배경 작업으로 띄운 프로세스는 SIGINT를 무시하도록 물려받기 때문입니다.
    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@dataclass
class Arrived:
    """채점을 맡긴(또는 맡길 수 없었던) 제출물 하나와 그 결과(``submission`` 모듈의 결과 dict)."""

    job: Job
    task: dict
    result: dict
    #: 채점기가 이 제출물을 맡기는 데 쓴 시간(초)
    coordinator_s: float = 0.0


def _write_private(path: Path, data: dict) -> None:
    """채점기만 읽을 자료(숨은 테스트가 들어 있음)를 원자적으로 씁니다: 그것을 기다리는 실행 프로세스
    (:meth:`Grader._start_early`)는 반쯤 쓴 파일을 보지 않습니다."""
    tmp = path.with_name(path.name + ".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)


def _since(clock: float) -> float:
    return round(time.monotonic() - clock, 3)


def _finished(fut: Future, a: Arrived) -> Arrived:
    """끝난 채점의 결과를 ``a`` 에 담습니다. 맡긴 곳에서 난 예외도 채점기 오류라는 결과가 됩니다."""
    try:
        a.result = fut.result()
    except Exception as exc:
        log.error("채점기 오류 %s/%s:\n%s", a.job.student_id, a.job.assignment_id, traceback.format_exc())
        a.result = submission.unexecuted(Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300], a.task)
    if a.result.get("traceback"):  # 실행 프로세스 안에서 정리나 점수 셈이 실패함
        log.error("채점기 오류 %s/%s:\n%s", a.job.student_id, a.job.assignment_id, a.result["traceback"])
    return a


def _timing(a: Arrived, rep: feedback.Report, record_seconds: float) -> dict:
    """노트북 하나에 든 시간: 정리(실행하는 쪽), 실행(그중 커널이 셀을 돌린 시간), 기록(채점기 쪽, 함께 기록한
    결과들에 똑같이 나눈 몫). ``coordinator_s`` 는 채점기 프로세스가 그 노트북에 쓴 시간(맡기기 + 기록): 작업자를
    늘려도 줄지 않는 몫이라 처리량의 상한을 정합니다."""
    r = a.result
    return {"student_id": a.job.student_id, "assignment_id": a.job.assignment_id,
            "notebook": a.job.notebook, "status": rep.status,
            "prepare_s": round(r.get("prepare_seconds", 0.0), 3),
            "execute_s": round(r["seconds"] - r.get("context_wait_s", 0.0), 3),
            "kernel_s": round(r.get("kernel_seconds", 0.0), 3),
            "kernel_start": r.get("kernel_start", ""), "record_s": round(record_seconds, 3),
            "coordinator_s": round(a.coordinator_s + record_seconds, 3)}


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
