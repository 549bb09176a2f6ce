"""실행 프로세스 쪽: 요청 하나(노트북 실행, 또는 제출물 하나의 채점)를 처리하고 결과를 파일로 남깁니다 (the child side).

채점기(``autograder.worker.execute``)가 노트북마다 이 모듈의 :func:`main` 을 새 프로세스에서 부릅니다. 보통은
``autograder.worker.forkserver`` 가 갈라 낸 프로세스이고, 그것이 안 되면 ``python -m autograder.worker.runner`` 입니다.
노트북은 격리된 커널에서 실행하고(:func:`execute_notebook`), 채점 요청이면 그 앞뒤의 정리와 점수 셈도 여기서
합니다(``autograder.worker.submission``). 무슨 일이 있어도 예외를 밖으로 내지 않고 결과 파일에 ``grader_error`` 로 적습니다.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import json
import os
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .. import notebooks, workdir
from ..kernel import output_cap
from ..limits import Limits
from ..status import Status

#: 커널을 nbclient보다 먼저 띄울 때 주는 인자: nbclient가 파이썬 커널을 띄울 때 주는 것(nbgrader Execute의
#: ``extra_arguments`` 와 ``--HistoryManager.hist_file``)과 같습니다(tests/test_sandbox.py가 확인합니다).
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]

#: 커널에 미리 불러 둘 수 있는 모듈 이름의 모양
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

#: 노트북이 실행되는 커널에 주는 환경 변수(스레드 수는 Limits.thread_env가 더합니다).
KERNEL_ENV = {
    "MPLBACKEND": "Agg",
    "NBGRADER_EXECUTION": "autograde",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}



@dataclass
class Outcome:
    """실행 한 번의 결과. ``kernel_log`` 는 커널이 죽었을 때 커널 프로세스의 stdout/stderr 끝부분(강사용)."""

    nb: NotebookNode
    status: Status
    detail: str = ""
    isolation: str = ""
    kernel_log: str = ""
    #: 채점기가 바로잡은 것(학생에게 보이는 메모): 예) 출력이 너무 많아 잘랐음
    notes: list = field(default_factory=list)
    #: 커널마다 어떻게 떴는지: ``zygote`` (커널 씨앗에서 갈라 냄, sandbox.Zygote) 또는 ``fresh`` (새로 띄움)
    kernels: list = field(default_factory=list)

    @property
    def kernel_start(self) -> str:
        """timings.csv의 ``kernel_start``: 모든 커널이 같은 방식이면 그 이름, 섞였으면 ``zygote+fresh``."""
        return "+".join(sorted(set(self.kernels), reverse=True))


def execute_notebook(nb: NotebookNode, workdir: Path, limits: Limits,
                     go: Callable[[], bool] | None = None, phases: list[dict] | None = None,
                     kernel_imports: tuple[str, ...] = (), first: Started | None = None) -> Outcome:
    """이 프로세스에서 노트북을 실행합니다 (자식 프로세스 안에서 부름).

    ``phases`` 가 없으면 모든 셀을 커널에서 실행합니다(학생의 자가 점검). 채점이면 ``phases`` (과제의 라이브러리
    규칙, :func:`autograder.course.phases`)마다 커널 하나를 띄워, 학생 셀은 커널에서, 그 단계가 맡은 함수의 테스트
    셀은 이 프로세스에서(:mod:`autograder.worker.checker`) 실행합니다. 단계마다 그 단계가 막은 라이브러리는 커널에서
    보이지 않습니다. 학생 셀의 출력은 마지막 단계(막은 것이 가장 적은 환경)의 것을 씁니다.

    커널은 sandbox.make_kernel_manager가 만든 격리된 커널입니다. ``Outcome.isolation`` 은 실제로 걸린 격리의 설명.
    ``go`` 가 있으면 첫 커널을 먼저 띄워 두고, ``go()`` 가 돌아온 뒤에 셀을 실행합니다(거짓이면 실행하지 않음).
    단계에 ``zygote`` (커널 씨앗의 소켓, ``sandbox.Zygote``)가 있으면 그 단계의 커널을 씨앗에서 갈라 냅니다.
    ``kernel_imports`` (자가 점검만): 커널이 뜨면서 바로 불러 둘 모듈. 과제의 준비 셀이 부를 torch 같은 모듈을 이
    프로세스가 실행기를 준비하는 동안 불러 둡니다.
    ``first``: 이미 띄워 둔 첫 단계의 커널(:func:`start_first_kernel`). 그 단계의 라이브러리 규칙으로 띄운 것이면 그
    커널을 쓰고, 아니면 끄고 새로 띄웁니다.
    """
    if first is not None and (not phases or first.forbid != tuple(phases[0].get("forbid", ()))):
        first.stop()
        first = None
    if not phases:
        return _execute(nb, workdir, limits, go, None, kernel_imports=kernel_imports)
    claimed: set[str] = set()
    results = []
    for i, phase in enumerate(phases):
        mine = set(phase["functions"]) if phase.get("functions") is not None else None

        def grades(cell, mine=mine, claimed=frozenset(claimed)):
            fn = notebooks.function_of(notebooks.grade_id(cell) or "")
            return fn in mine if mine is not None else fn not in claimed

        outcome = _execute(copy.deepcopy(nb) if i < len(phases) - 1 else nb, workdir, limits, go if i == 0 else None,
                           grades, tuple(phase.get("forbid", ())), zygote=phase.get("zygote"),
                           started=first if i == 0 else None)
        results.append((grades, outcome))
        if mine is not None:
            claimed |= mine
        if outcome.status != Status.OK:
            break
    final = results[-1][1]
    final.notes = list(dict.fromkeys(note for _, outcome in results for note in outcome.notes))
    final.kernels = [kind for _, outcome in results for kind in outcome.kernels]
    by_id = {}
    for grades, outcome in results[:-1]:
        for cell in outcome.nb.cells:
            if cell.cell_type == "code" and notebooks.is_grade(cell) and grades(cell):
                by_id[notebooks.grade_id(cell)] = cell
    for index, cell in enumerate(final.nb.cells):
        if notebooks.grade_id(cell) in by_id:
            final.nb.cells[index] = by_id[notebooks.grade_id(cell)]
    return final


#: 셀 하나에서 받아 두는 stdout/stderr의 상한(글자). 넘는 출력은 세기만 하고 버립니다. nbclient는 받은 출력을 셀에
#: 이어 붙이므로, 수백 MB를 그대로 받으면 그 일만으로 몇 초씩 걸려 출력 기다리기 시간 제한에 걸립니다. 커널도 같은
#: 상한에서 한 글자 넘게는 보내지 않습니다(:mod:`autograder.kernel.output_cap`); 학생이 그것을 되돌려도 이 상한은 남습니다.
STREAM_CAP = output_cap.STREAM_CAP


class _OutputCap:
    """실행기에 섞는 것: 학생 셀의 stdout/stderr를 셀마다 :data:`STREAM_CAP` 까지만 받습니다."""

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            sizes = self.__dict__.setdefault("stream_sizes", {})
            before = sizes.get(cell_index, 0)
            text = msg["content"].get("text", "")
            sizes[cell_index] = before + len(text)
            if before >= STREAM_CAP:
                return None
            if sizes[cell_index] > STREAM_CAP:  # 상한을 넘기는 메시지는 상한까지만 남깁니다
                msg["content"]["text"] = text[:STREAM_CAP - before]
        return super().output(outs, msg, display_id, cell_index)

    def flooded(self) -> dict[int, int]:
        """출력이 상한을 넘은 셀(번호 → 글자 수)."""
        return {i: n for i, n in self.__dict__.get("stream_sizes", {}).items() if n > STREAM_CAP}


@functools.cache
def executor_class(grading: bool = True) -> type:
    """셀을 실행할 실행기 클래스. 채점이면 nbgrader의 ``Execute`` 를 이어받은 :class:`_TrustedExecute`, 자가 점검이면
    nbclient만 쓰는 :class:`_SelfCheckExecute` 입니다(포크 서버는 앞의 것을 미리 불러 둡니다).

    nbgrader의 전처리기 모음은 ``import nbgrader`` 가 서버 확장과 성적부(SQLAlchemy)까지 불러오므로 1초 남짓 듭니다.
    자가 점검은 테스트 셀까지 모두 커널에서 실행할 뿐이라 그중 쓰는 것이 없으므로, nbclient 위에 nbgrader의
    ``Execute`` 가 더하는 것(오류 응답을 출력으로 남기기)만 옮긴 실행기를 씁니다. 어느 쪽이든 커널을 먼저 띄워 놓고
    (:func:`_execute`) 그동안 불러옵니다."""
    if not grading:
        from nbclient import NotebookClient
        from nbformat import NotebookNode as Node

        class _SelfCheckExecute(_OutputCap, NotebookClient):
            """자가 점검의 실행기: nbconvert ``ExecutePreprocessor`` 의 ``preprocess`` 와 같은 순서로 모든 셀을 실행하고,
            nbgrader ``Execute.on_cell_executed`` 처럼 출력에 없는 오류 응답을 오류 출력으로 남깁니다."""

            grades = None

            def __init__(self, **kw):
                kw.setdefault("raise_on_iopub_timeout", True)  # nbgrader Execute의 기본값
                super().__init__(Node(), **kw)

            def preprocess(self, nb, resources, km):
                # 커널은 부른 쪽(:func:`_execute`)이 띄우고 거둡니다: nbclient가 끝에 커널을 정중히 끄지(0.6초) 않게.
                self.nb, self.km, self.owns_km, self.resources = nb, km, km is None, resources
                self.reset_execution_trackers()
                with self.setup_kernel():
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                    for index, cell in enumerate(self.nb.cells):
                        self.execute_cell(cell, index, store_history=True)
                self.set_widgets_metadata()
                return self.nb, self.resources

            def on_cell_executed(self, cell, execute_reply, **kwargs):
                content = execute_reply["content"]
                if content["status"] != "error" or any(
                        o.output_type == "error" and o.ename == content["ename"] for o in cell.outputs):
                    return
                cell.outputs.append(Node(output_type="error", ename=content["ename"], evalue=content["evalue"],
                                         traceback=content["traceback"] or [
                                             "ERROR: An error occurred while showtraceback was disabled"]))

        return _SelfCheckExecute

    from nbgrader.preprocessors import Execute

    class _TrustedExecute(_OutputCap, Execute):
        """nbgrader의 Execute에서 테스트 셀만 커널 대신 이 프로세스의 :class:`autograder.worker.checker.Checker` 로 돌립니다."""

        grades = None  # 테스트 셀 → 이 단계가 채점하는지

        def preprocess_cell(self, cell, resources, index):
            from . import checker

            if getattr(self, "checker", None) is None:
                self.checker = checker.Checker(self, self.timeout)
            if cell.cell_type == "code" and notebooks.is_grade(cell):
                if self.grades(cell):
                    self.checker.run_test(cell)
                return cell, self.resources
            cell, resources = super().preprocess_cell(cell, resources, index)
            self.checker.kernel_changed()
            if checker.is_setup(cell):
                self.checker.run_setup(cell)
            return cell, resources

    return _TrustedExecute


def _kernel_manager(workdir: Path, limits: Limits, forbid: tuple[str, ...] = (), zygote: str | None = None):
    """격리된 커널의 관리자(아직 띄우지 않음)와 걸릴 격리의 설명. 격리하지 않으면 관리자는 None(nbclient가 띄움)."""
    from . import sandbox

    env = {**KERNEL_ENV, **limits.thread_env()}
    os.environ.update(env)
    if limits.isolation == "none":
        return None, "없음 (격리하지 않음)"
    sandbox.ensure_matplotlib_font_cache()  # 커널에 복사해 줄 글꼴 캐시
    return sandbox.make_kernel_manager(workdir, limits, deny_paths=[Path(p) for p in limits.deny_paths if Path(p).exists()],
                                       isolation=limits.isolation, env=env, forbid=forbid, zygote=zygote)


def _start_kernel(km, workdir: Path, kernel_imports: tuple[str, ...] = ()) -> None:
    from jupyter_core.utils import run_sync

    preload = [f"--IPKernelApp.exec_lines=import {name}" for name in kernel_imports if _MODULE.fullmatch(name)]
    run_sync(km.start_kernel)(extra_arguments=[*KERNEL_ARGS, *preload], cwd=str(workdir))


def _shutdown_kernel(km) -> None:
    """커널을 곧바로 끄고 그 실행 폴더를 지웁니다. 커널이 이미 없을 수 있습니다."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)
    km.remove_rundir()


@dataclass
class Started:
    """정리·채점 자료를 기다리는 동안 먼저 띄운 첫 단계의 커널(:func:`start_first_kernel`)."""

    km: object | None
    isolation: str
    forbid: tuple[str, ...]

    def stop(self) -> None:
        """쓰지 않게 된 커널을 끕니다(노트북을 읽을 수 없는 제출물, 자료를 만들지 못한 채점기 등)."""
        if self.km is not None:
            _shutdown_kernel(self.km)
            self.km = None


def start_first_kernel(workdir: Path, limits: Limits, phases: list[dict], zygote: str | None = None) -> Started | None:
    """채점기가 과제의 정리·채점 자료를 아직 만드는 동안(과제를 성적부에 등록하는 0.5초 남짓) 첫 단계의 커널을 빈 작업
    폴더에서 먼저 띄웁니다. 제출 폴더의 파일은 정리가 끝난 뒤 같은 폴더로 복사되므로 커널이 그대로 봅니다. 셀은
    아직 하나도 실행하지 않습니다. ``zygote`` (첫 단계의 커널 씨앗)가 있으면 거기서 갈라 냅니다. 띄우지 못하면 None:
    평소처럼 실행할 때 다시 띄우고 그 오류를 알립니다."""
    forbid = tuple((phases or [{}])[0].get("forbid", ()))
    workdir.mkdir(parents=True, exist_ok=True)
    started = None
    try:
        km, isolation = _kernel_manager(workdir, limits, forbid, zygote)
        started = Started(km, isolation, forbid)
        if km is not None:
            _start_kernel(km, workdir)
        return started
    except Exception:
        if started is not None:
            started.stop()
        return None


def _execute(nb: NotebookNode, workdir: Path, limits: Limits, go: Callable[[], bool] | None,
             grades: Callable | None, forbid: tuple[str, ...] = (), kernel_imports: tuple[str, ...] = (),
             zygote: str | None = None, started: Started | None = None) -> Outcome:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if started is not None:
        km, isolation = started.km, started.isolation
    else:
        km, isolation = _kernel_manager(workdir, limits, forbid, zygote)
    out = Outcome(nb, Status.OK, "", isolation)
    ep = None
    try:
        if km is not None and started is None:
            # 커널을 먼저 띄웁니다: 커널이 뜨는 동안(0.5초 남짓) 이 프로세스는 실행기를 준비하고, --jobs 이면 앞 노트북이
            # 실행 칸을 씁니다. nbclient는 이미 뜬 커널을 그대로 씁니다.
            _start_kernel(km, workdir, kernel_imports)
        ep = executor_class(grading=grades is not None)(
            timeout=limits.cell_timeout, interrupt_on_timeout=False, error_on_timeout={}, allow_errors=True, iopub_timeout=30)
        ep.grades = grades
        resources = {"metadata": {"path": str(workdir)}}
        if km is not None:
            out.kernels = ["zygote" if getattr(km, "from_zygote", False) else "fresh"]
        if go is not None and not go():
            out.status, out.detail = Status.GRADER_ERROR, "채점기가 실행을 취소했습니다."
        else:
            ep.preprocess(nb, resources, km=km)
    except CellTimeoutError as exc:
        out.status, out.detail = Status.TIMEOUT, (f"한 셀이 {limits.cell_timeout}초 안에 끝나지 않았습니다 (끝나지 않는 "
                                                  "반복문이거나, 학생 코드가 커널의 내장 함수·모듈을 바꿔 커널이 멈췄습니다).")
        if str(exc).startswith("테스트가 부른 학생 함수가"):
            out.detail = str(exc)
        if ep.flooded():
            index, size = max(ep.flooded().items(), key=lambda item: item[1])
            out.detail = (f"셀 {index + 1}이(가) 출력을 너무 많이 내서(적어도 {size / 1e6:,.0f}백만 자) 채점기가 시간 안에 "
                          "다 받지 못했습니다. print를 줄이세요.")
    except DeadKernelError:
        out.status, out.detail = Status.KERNEL_DIED, "실행 중에 커널이 죽었습니다 (프로세스 종료, 메모리·CPU 한도 초과 등)."
    except RuntimeError as exc:  # nbclient: 커널이 답하기 전에 죽었거나 시작하지 못함 등
        if "kernel" not in str(exc).lower():
            raise
        out.status, out.detail = Status.KERNEL_DIED, f"커널 오류: {exc}"[:300]
    finally:
        # 커널 관리자를 우리가 주었으므로 nbclient는 클라이언트의 채널을 닫지 않습니다. 열어 둔 채 버린 zmq 소켓은 다음
        # 단계의 테스트 셀 도중에 가비지 수집되며 ResourceWarning을 냅니다.
        if ep is not None and getattr(ep, "kc", None) is not None:
            with contextlib.suppress(Exception):
                ep.kc.stop_channels()
        if getattr(ep, "checker", None) is not None:
            ep.checker.close()  # 테스트 셀이 쓰던 요청 소켓
        if km is not None:
            _shutdown_kernel(km)
    for index in sorted(ep.flooded() if ep is not None else ()):
        out.notes.append(f"셀 {index + 1}의 출력이 너무 많아 앞의 {STREAM_CAP:,}자만 남겼습니다.")
    if out.status == Status.KERNEL_DIED and km is not None:
        # 커널 로그에는 학생 코드가 직접 쓴 것도 섞이므로 피드백(detail)에는 넣지 않고 강사용으로만 돌려줍니다.
        out.kernel_log = km.log_tail
    return out


def _go_signal(fifo: str) -> Callable[[], bool]:
    """출발 신호를 기다릴 함수. FIFO는 지금(막히지 않게) 열어 둡니다: 채점기가 신호 없이 사라져 쓰는 쪽이 모두 닫히면,
    나중에 열었을 때처럼 영원히 막히지 않고 EOF를 읽어 실행하지 않고 끝납니다."""
    import select

    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)

    def go() -> bool:
        try:
            select.select([fd], [], [])
            return os.read(fd, 1) == b"1"
        finally:
            os.close(fd)

    return go


class ContextFailed(Exception):
    """채점기가 과제의 정리·채점 자료를 만들지 못했다는 표시를 그 자료 대신 썼습니다(``grade.Grader``)."""


def _read_context(path: Path, wait: bool) -> dict:
    """과제의 정리·채점 자료. ``wait`` 이면 채점기가 아직 쓰는 중이라(먼저 맡긴 제출물) 나타날 때까지 기다립니다.
    채점기는 자료를 원자적으로 쓰고, 만들지 못하면 그 까닭(``failed``)을 같은 자리에 씁니다. 채점기가 죽으면 이
    프로세스도 포크 서버와 함께 끝나므로 끝없이 기다리지 않습니다."""
    while wait and not path.exists():
        time.sleep(0.005)
    context = json.loads(path.read_text(encoding="utf-8"))
    if "failed" in context:
        raise ContextFailed(context["failed"])
    return context


def main(argv: list[str]) -> int:
    """``REQUEST.json`` 하나를 처리합니다. ``task`` 가 있으면 제출물 하나를 채점하고(``autograder.worker.submission``),
    없으면 ``notebook`` 을 실행만 합니다. 어느 쪽이든 결과는 요청의 ``out`` 폴더의 ``result.json`` 하나에
    원자적으로 씁니다(채점된·실행된 노트북의 텍스트까지 그 안에)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.worker.runner")
    parser.add_argument("request", help="요청을 담은 JSON 파일 (autograder.execute가 씁니다)")
    parser.add_argument("--go", help="커널을 띄운 뒤 셀 실행 전에 출발 신호(한 바이트)를 기다릴 FIFO")
    args = parser.parse_args(argv)
    request = json.loads(Path(args.request).read_text(encoding="utf-8"))
    out, work = Path(request["out"]), Path(request["workdir"])
    limits = Limits.from_dict(request["limits"])
    go = _go_signal(args.go) if args.go else None
    early: list[Started] = []  # 자료를 기다리는 동안 먼저 띄운 커널(한 번만 씀)

    def run(nb: NotebookNode, phases: list[dict] | None = None, kernel_imports: tuple[str, ...] = ()) -> Outcome:
        try:
            return execute_notebook(nb, work, limits, go=go, phases=phases, kernel_imports=kernel_imports,
                                    first=early.pop() if early else None)
        except Exception as exc:  # 무슨 일이든 상태로 알리고, 배치를 멈추지 않습니다
            return Outcome(nb, Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:500])

    if "task" in request:
        from . import submission

        task = request["task"]
        try:
            if task.get("context_pending") and (first := start_first_kernel(work, limits, task.get("phases") or [],
                                                                            (task.get("zygotes") or [None])[0])):
                early.append(first)
            waited = time.monotonic()
            context = _read_context(Path(request["context"]), wait=bool(task.get("context_pending")))
            waited = time.monotonic() - waited
            result = submission.grade(task, context, work, limits, run, out)
            result["context_wait_s"] = waited  # 실행 시간(timings.csv의 execute_s)에서 뺍니다
        except ContextFailed as exc:  # 채점기가 자료를 만들지 못했습니다(그쪽 기록에 트레이스백이 있음)
            result = submission.unexecuted(Status.GRADER_ERROR, str(exc), task)
        except Exception as exc:  # 정리나 점수 셈의 실패: 채점기 오류로 알리고, 강사용 기록에 트레이스백을 남깁니다
            result = submission.unexecuted(Status.GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300], task)
            result["traceback"] = traceback.format_exc()
        finally:
            for kernel in early:  # 실행하지 않고 끝난 제출물
                kernel.stop()
        workdir.write_json(out / "result.json", result)
        return 0
    outcome = run(nbformat.read(request["notebook"], as_version=4), kernel_imports=tuple(request.get("kernel_imports", ())))
    workdir.write_json(out / "result.json", {"status": str(outcome.status), "detail": outcome.detail,
                                             "isolation": outcome.isolation, "kernel_log": outcome.kernel_log,
                                             "notebook": nbformat.writes(outcome.nb)})
    return 0


if __name__ == "__main__":
    import sys

    from ..startup import runner_process

    runner_process()
    code = main(sys.argv[1:])
    # 결과는 이미 파일에 있고 커널도 거두었습니다. 파이썬의 마무리(남은 스레드와 zmq 소켓 정리, 0.3초 남짓)를 기다리지
    # 않고 끝냅니다. 포크 서버의 자식도 같은 까닭으로 os._exit 합니다.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
