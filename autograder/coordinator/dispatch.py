"""제출물의 채점(정리·실행·점수 셈)을 어디로 보낼지 정합니다: 이 컴퓨터의 실행 프로세스, 또는 Dask 분산 클러스터.

채점기는 성적부 기록과 결과 파일 쓰기만 한 프로세스에서 하고, 노트북 하나의 일은 모두 여기서 고른 곳으로
보냅니다(``autograder.worker.submission``). 어느 쪽이든 ``grade`` 는 ``concurrent.futures.Future`` 를 돌려주므로, 받는 쪽은
``concurrent.futures.wait`` 로 똑같이 결과를 모읍니다.

Dask 작업자는 다른 컴퓨터에 있을 수 있어 채점기의 디스크를 보지 못합니다. 그래서 작업 폴더를 경로가 아니라
내용(상대 경로 → 바이트)으로 보내고, 작업자 쪽의 ``execute.grade_packed`` 가 제 임시 폴더에 되살립니다.
작업자에는 이 저장소와 같은 파이썬 환경(nbgrader, 커널, 과제가 쓰는 라이브러리)이 있어야 합니다.
스케줄러에는 과정이 없어도 됩니다: 스케줄러를 지나는 것은 코드째 보내는 ``_remote.call`` 과 기본 자료형뿐입니다.
"""
from __future__ import annotations

import dataclasses
import logging
import sys
import threading
import traceback
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

from .. import course, notebooks, workdir
from ..limits import Limits
from ..worker import execute, forkserver
from . import _remote

log = logging.getLogger(__name__)

#: 스케줄러에 연결하고 작업자를 기다리는 시간(초).
CONNECT_TIMEOUT = 10
WORKER_TIMEOUT = 60


class Pool:
    """노트북 실행을 받는 곳. ``with`` 블록이 끝나면 모든 실행이 끝나고 자원이 정리됩니다.

    Parameters
    ----------
    executor : concurrent.futures.Executor
        실행을 맡길 실행기.
    remote : bool
        실행기가 채점기의 디스크를 볼 수 없으면 True. 그때는 작업 폴더를 내용으로 보냅니다.
    where : str
        사람이 읽을 설명 (진행 기록에 씁니다).
    """

    def __init__(self, executor: Executor, *, remote: bool, where: str, capacity: int, client=None,
                 slots: threading.Semaphore | None = None):
        self.executor, self.remote, self.where = executor, remote, where
        #: 동시에 실행되는 노트북 수. 채점기는 이것의 두 배까지만 보내 두고(실행 중 + 다음 차례), 나머지는 기다리게 합니다.
        self.capacity = max(1, capacity)
        self._client = client
        self._slots = slots
        #: 원격: 과제 노트북의 정리·채점 자료를 클러스터에 한 번만 올려 둔 것(Dask Future). 작업마다 다시 보내지 않습니다.
        self._contexts: dict[Path, object] = {}
        #: 이 컴퓨터: 과제마다 맡긴 제출물 수, 실행할 것으로 알려 온 수(:meth:`expect`), 커널 씨앗(단계마다 하나,
        #: 띄울 수 없으면 None)
        self._seen: dict[str, int] = {}
        self._expected: dict[str, int] = {}
        self._zygotes: dict[str, list] = {}

    def expect(self, counts: dict[str, int]) -> None:
        """과제마다 이 배치에서 실행할 제출물 수. 둘 이상인 과제는 첫 제출물부터 커널 씨앗을 씁니다(:meth:`_with_zygotes`)."""
        self._expected.update(counts)

    def _with_zygotes(self, task: dict, limits: Limits) -> dict:
        """과제의 제출물을 둘 이상 실행하면 그 과제의 커널 씨앗(``sandbox.Zygote``)을 씁니다. 커널마다 새 파이썬이
        ipykernel과 준비 셀의 모듈(torch 등)을 불러오는 대신 씨앗이 한 번 불러 두고 갈라 냅니다. 씨앗은 실행할 제출물이
        둘 이상이라고 알려 온 과제(:meth:`expect`)면 첫 제출물에서, 아니면 두 번째 제출물에서 띄웁니다. 제출물 하나만
        실행하는 과제는 씨앗을 띄우는 값(커널 하나를 띄우는 것과 같음)을 치르지 않습니다."""
        from ..worker.sandbox import Zygote

        aid = task["assignment_id"]
        self._seen[aid] = self._seen.get(aid, 0) + 1
        if aid not in self._zygotes and (self._seen[aid] == 2 or self._expected.get(aid, 0) >= 2):
            self._zygotes[aid] = []
            for phase in course.phases(aid):
                try:
                    self._zygotes[aid].append(Zygote.start(limits, phase.get("forbid", ()), task.get("kernel_preload", ())))
                except Exception:  # 씨앗 없이도 채점은 됩니다(그 단계의 커널은 새로 띄움)
                    log.warning("커널 씨앗을 띄우지 못했습니다(%s):\n%s", aid, traceback.format_exc())
                    self._zygotes[aid].append(None)
        zygotes = [z.path if z is not None else None for z in self._zygotes.get(aid, [])]
        return {**task, "zygotes": zygotes} if any(zygotes) else task

    def grade(self, task: dict, context: Path, limits: Limits) -> Future:
        """제출물 하나의 채점(``execute.grade``: 정리·실행·점수 셈)을 맡깁니다. Future의 결과는 결과 dict입니다.

        ``context`` 는 과제 노트북의 정리·채점 자료(JSON 파일)입니다. 원격이면 그 내용과 제출 폴더의 파일(노트북과
        작업 폴더로 갈 파일)을 바이트로 보냅니다. 폴더가 ``limits.folder_mb`` 보다 크면 노트북만 보내고, 작업자가
        ``too_large`` 로 채점합니다(이 컴퓨터에서 채점할 때와 같은 결과)."""
        if not self.remote:
            return self.executor.submit(execute.grade, self._with_zygotes(task, limits), context, limits, self._slots)
        folder = Path(task["submission"]).parent
        files = {Path(task["submission"]).name: Path(task["submission"]).read_bytes()}
        try:
            workdir.check_size(folder, limits.folder_mb)
        except notebooks.SubmissionError as exc:
            task = {**task, "too_large": exc.detail}
        else:
            files.update(pack(folder))
        if context not in self._contexts:
            text = Path(context).read_text(encoding="utf-8")
            self._contexts[context] = self._client.scatter(text, hash=False) if self._client is not None else text
        return self.executor.submit(_remote.call, "autograder.worker.execute:grade_packed", task, files,
                                    self._contexts[context], dataclasses.asdict(limits))

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is not None:  # Ctrl-C, SIGTERM, 채점기의 오류: 기다리는 일은 버리고, 실행 중인 것은 끝냅니다
            self.executor.shutdown(wait=False, cancel_futures=True)
            execute.stop_all()
        self.executor.shutdown(wait=True)
        for zygote in (z for zygotes in self._zygotes.values() for z in zygotes if z is not None):
            zygote.stop()
        if not self.remote:
            # 끝낸 실행 프로세스의 커널 실행 폴더는 그 프로세스를 끝낸 스레드가 지웠습니다. 그때 아직 살아 있던 커널(씨앗에서
            # 갈라 낸 커널은 씨앗이 끝날 때 함께 끝남)이 그 뒤에 남긴 것까지, 만든 프로세스가 끝난 실행 폴더를 마저 지웁니다.
            workdir.remove_kernel_rundirs()
        if self._client is not None:
            self._client.close()


def local(jobs: int) -> Pool:
    """이 컴퓨터에서 노트북 ``jobs`` 개를 동시에 실행합니다 (실행 자체는 노트북마다 자식 프로세스).

    실행 칸은 ``jobs`` 개이고, 칸마다 다음 노트북의 커널을 하나씩 미리 띄워 둡니다(``execute.run`` 의 ``slots``).
    커널이 뜨는 0.5초 남짓이 앞 노트북의 실행과 겹치므로, 노트북 사이에 칸이 비는 시간이 줄어듭니다.
    """
    jobs = max(1, jobs)
    forkserver.warm_up()  # 실행 프로세스를 갈라 낼 준비가 성적부 준비와 겹치게 합니다
    return Pool(ThreadPoolExecutor(max_workers=2 * jobs), remote=False, where=f"이 컴퓨터, 동시에 {jobs}개",
                capacity=jobs, slots=threading.Semaphore(jobs))


def dask(address: str) -> Pool:
    """``address`` 의 Dask 스케줄러(예: ``tcp://10.0.0.5:8786``)에 연결된 작업자들에게 실행을 보냅니다.

    작업자마다 스레드 수만큼 노트북을 동시에 실행합니다. 연결할 수 없거나, 작업자가 없거나,
    작업자가 이 채점기 패키지를 불러올 수 없으면 바로 멈추고 이유를 알려 줍니다.
    """
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise course.UsageError(f"Dask 스케줄러 {address} 에 연결할 수 없습니다: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError:
        client.close()
        raise course.UsageError(f"Dask 스케줄러 {address} 에 {WORKER_TIMEOUT}초 동안 작업자가 하나도 붙지 않았습니다.") from None
    try:
        # 실제 작업과 같은 길(스케줄러를 거치는 submit, 코드째 보내는 _remote.call)로 작업자마다 확인합니다.
        workers = list(client.scheduler_info()["workers"])
        futures = {w: client.submit(_remote.call, "autograder.coordinator.dispatch:_probe", workers=[w], pure=False,
                                    allow_other_workers=False) for w in workers}
        probes = {w: f.result(timeout=WORKER_TIMEOUT) for w, f in futures.items()}
    except Exception as exc:  # 스케줄러나 작업자가 작업을 풀지 못하거나, 작업자가 채점기를 불러오지 못함
        client.close()
        raise course.UsageError(
            f"Dask 클러스터에서 채점 작업을 돌릴 수 없습니다 ({type(exc).__name__}: {exc}). "
            "작업자를 이 저장소의 가상 환경(pip install -r requirements.txt)에서 띄우세요. 스케줄러에는 과정이 없어도 됩니다."
        ) from None
    here = _probe()
    for worker, info in probes.items():
        if info != here:
            log.warning("Dask 작업자 %s 의 환경이 채점기와 다릅니다: %s (채점기: %s)", worker, info, here)
    client.run(forkserver.warm_up)  # 작업자마다 실행 프로세스를 미리 띄웁니다
    threads = sum(client.nthreads().values())
    return Pool(client.get_executor(pure=False), remote=True, client=client, capacity=threads,
                where=f"Dask {address}, 작업자 {len(probes)}개, 동시에 {threads}개")


def pack(folder: Path) -> dict[str, bytes]:
    """작업 폴더로 갈 파일(``workdir.copied_files``: 노트북과 링크 빼고, 링크를 따라가지 않음)을
    {상대 경로(/ 구분): 내용} 으로 읽습니다."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in workdir.copied_files(folder)}


def _probe() -> dict[str, str]:
    """작업자 쪽 환경 요약. 작업자가 이 함수를 불러올 수 있다는 것 자체가 첫째 확인입니다."""
    import nbgrader

    return {"python": sys.version.split()[0], "nbgrader": nbgrader.__version__}
