"""포크 서버: 무거운 모듈을 한 번 불러 둔 프로세스에서 노트북마다 실행 프로세스를 갈라 냅니다 (the fork server).

노트북마다 새 파이썬이 nbformat·nbgrader를 불러오면 CPU로 1–2초 듭니다. 채점기 프로세스(또는 Dask 작업자)마다
포크 서버 하나가 그 비용을 한 번만 치르고, 요청마다 ``fork`` 한 자식에서 :func:`autograder.worker.runner.main` 을 부릅니다.
포크 서버를 쓸 수 없으면 ``autograder.worker.execute`` 가 새 파이썬으로 대신하고, 그 사실을 한 번 알립니다.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from .. import startup, workdir

#: 포크 서버가 미리 불러 두는 모듈. 노트북마다 새 파이썬이 nbgrader의 전처리기(와 그것이 불러오는 nbconvert)를
#: 불러오면 CPU로 1초 가까이 듭니다. matplotlib은 커널에 줄 글꼴 캐시가 아직 없을 때만 불러옵니다(:func:`serve`).
_WARM_MODULES = ("autograder.worker.runner", "autograder.worker.sandbox", "autograder.worker.submission",
                 "autograder.worker.nbgrader_steps", "autograder.worker.checker", "autograder.kernel.zygote",
                 "autograder.kernel.torch_view", "nbgrader.preprocessors", "nbclient.exceptions", "jupyter_core.utils")


def warm_up() -> None:
    """실행 프로세스를 갈라 낼 포크 서버를 미리 띄웁니다(모듈을 불러오는 1–2초가 첫 노트북과 겹치지 않게).

    따로 도는 프로세스라 기다리지 않고 바로 돌아옵니다. 띄울 수 없으면 첫 실행 때 다시 해 봅니다.
    """
    with contextlib.suppress(OSError):
        ForkServer.shared()


class ForkServer:
    """``python -m autograder.worker.forkserver``: 무거운 모듈을 한 번 불러 두고, 요청마다 fork 하는 프로세스.

    이 프로세스(채점기나 Dask 작업자)마다 하나. 여러 스레드가 함께 쓰며, 요청 하나(한 줄)에 갈라 낸 자식의 pid
    한 줄로 답합니다. 채점기가 끝나 입력이 닫히면 끝납니다.
    """

    _shared: ForkServer | None = None
    _shared_lock = threading.Lock()

    def __init__(self, proc: subprocess.Popen | None = None):
        self.proc = proc or startup.fork_server_process()
        self.lock = threading.Lock()

    @classmethod
    def shared(cls) -> ForkServer:
        """이 프로세스의 포크 서버. ``python -m autograder grade`` 가 시작하자마자 띄운 것(``startup.early_fork_server``)이
        있으면 그것을 씁니다."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared.proc.poll() is not None:
                early, startup.early_fork_server = startup.early_fork_server, None
                cls._shared = cls(early if early is not None and early.poll() is None else None)
            return cls._shared

    def reap(self, pid: int) -> None:
        with self.lock, contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write(json.dumps({"reap": pid}) + "\n")
            self.proc.stdin.flush()

    def spawn(self, argv: list[str], stderr_path: Path, preload: tuple[str, ...] = ()) -> _Child:
        """``preload``: 갈라 내기 전에 포크 서버가 (아직이면) 불러 둘 모듈. 과제의 테스트 셀이 쓰는 torch·scikit-learn처럼
        무거운 모듈을 제출물마다 다시 불러오지 않게 합니다."""
        with self.lock:
            try:
                self.proc.stdin.write(json.dumps({"argv": argv, "stderr": str(stderr_path), "preload": list(preload)})
                                      + "\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (OSError, ValueError) as exc:
                raise OSError(f"zygote: {exc}") from None
        if not line.strip().isdigit():
            self.proc.kill()
            raise OSError(f"zygote: {line!r}")
        return _Child(int(line), self)


class _Child:
    """ForkServer가 갈라 낸 실행 프로세스. 이 프로세스의 자식이 아니므로 pidfd로 기다리고 pidfd로 끝냅니다.

    포크 서버는 채점기가 "다 썼다"(``reap``)고 알릴 때까지 자식을 거두지 않으므로, 그동안 그 pid는 다른 프로세스에게
    다시 쓰이지 않습니다. 신호는 언제나 pidfd로 보내므로 거둔 뒤에도 엉뚱한 프로세스에 닿지 않습니다.
    """

    def __init__(self, pid: int, server: ForkServer):
        self.pid = pid
        self._server = server
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # 벌써 끝났습니다
            self._fd = None

    def wait(self, timeout: float | None = None) -> int:
        if self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("autograder.worker.runner", timeout)
        return 0

    def kill(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._fd, signal.SIGKILL)

    def release(self) -> None:
        """끝난 자식을 포크 서버가 거두게 합니다(이 뒤로는 pid를 쓰지 않습니다)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._server.reap(self.pid)

    def __del__(self):
        if self._fd is not None:
            os.close(self._fd)


def serve() -> int:
    """채점기가 보낸 줄마다 하나: ``{"argv": ..., "stderr": ...}`` 면 자식을 갈라 내 pid로 답하고, ``{"reap": pid}`` 면
    끝난 자식을 거둡니다. 채점기가 죽어 입력이 닫히면(EOF) 남은 자식을 모두 끝내고 나옵니다. 자식은 이 서버가 죽으면
    부모 사망 신호(SIGKILL)로 함께 끝나고, 그 커널은 자식만 쥔 파이프의 EOF(sandbox._KERNEL_MAIN)와 bubblewrap의
    --die-with-parent(또는 런처의 같은 신호)로 끝납니다."""
    _die_with_parent()
    for name in _WARM_MODULES:
        importlib.import_module(name)
    from . import runner, sandbox

    runner.executor_class()
    _warm_caches()
    sandbox.ensure_matplotlib_font_cache()  # 새 컴퓨터에서는 여기서 한 번 만들어, 자식마다 만들지 않게
    workdir.remove_kernel_rundirs()  # 앞서 SIGKILL로 끝난 배치가 남긴 커널 실행 폴더
    children: set[int] = set()
    for line in sys.stdin:
        request = json.loads(line)
        if "reap" in request:
            pid = int(request["reap"])
            if pid in children:
                children.discard(pid)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
            continue
        _preload(request.get("preload", ()))
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _die_with_parent()
                os.setsid()  # 커널과 그 자손까지 한 번에 끝낼 수 있도록 제 세션을 가집니다
                null = os.open(os.devnull, os.O_RDWR)
                err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.dup2(err, 2)
                from ..kernel.zygote import reseed_after_fork
                from . import runner

                reseed_after_fork()
                code = runner.main(request["argv"])
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        children.add(pid)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
        # 채점기가 거두라고 알리지 못한 채 끝난 자식(좀비)도 쌓이지 않게, 끝난 것을 가끔 확인합니다.
        if len(children) > 64:
            for pid in list(children):
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        children.discard(pid)
    for pid in children:  # 채점기가 죽었습니다: 남은 실행 프로세스를 끝냅니다(아직 거두지 않은 우리 자식이라 pid가 안전합니다)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return 0


def _warm_caches() -> None:
    """자식마다 처음 한 번씩 하던 일을 갈라 내기 전에 여기서 한 번 해 둡니다(자식은 그 결과를 물려받습니다).

    - nbformat은 노트북 형식(4.4, 4.5)마다 JSON 스키마 검사기를 처음 쓸 때 만듭니다.
    - jupyter_client는 커널 명세를 찾을 때 IPython(``IPython.paths``)과 ipykernel의 명세 모듈을 불러옵니다.
    - nbgrader의 셀 메타데이터 검사기(``nbgrader_steps.fast_metadata_checks``)도 처음 쓸 때 스키마를 검사하고 만듭니다.
    - 쓸 수 있는 격리 방식(``sandbox.detect_isolation``)은 bubblewrap을 한 번 띄워 봐서 정합니다.
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from nbgrader.nbgraderformat import MetadataValidator

    from . import nbgrader_steps, sandbox

    for minor in (4, 5):
        cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ".", **({"id": "a"} if minor > 4 else {}),
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "."}]}
        nbformat.writes(nbformat.reads(json.dumps({"nbformat": 4, "nbformat_minor": minor, "metadata": {}, "cells": [cell]}),
                                       as_version=4))
    with nbgrader_steps.fast_metadata_checks():
        MetadataValidator().validate_cell(nbformat.v4.new_code_cell(metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": "a", "schema_version": 3}}))
    with contextlib.suppress(Exception):  # 명세가 없으면 자식이 제 자리에서 같은 오류를 냅니다
        KernelSpecManager().get_kernel_spec("python3")
    sandbox.detect_isolation()


#: 불러 둔 모듈이 처음 쓰일 때에야 불러오는 모듈. torch는 기울기를 직접 준 역전파(``out.backward(dout)``, 숨은 테스트가
#: autograd와 비교할 때)에서 처음으로 ``torch.fx.experimental.symbolic_shapes`` 와 sympy를 불러옵니다. 자식마다 0.7 CPU초가
#: 들던 것을 서버가 한 번 불러 둡니다. numpy 2는 ``np.random`` 을 처음 쓸 때, ``np.unique`` 는 ``numpy.ma`` 를 처음 부를 때
#: 불러옵니다(자식마다 CPU 0.03초 남짓).
_FIRST_USE_IMPORTS = {"torch": ("torch.fx.experimental.symbolic_shapes",), "numpy": ("numpy.random", "numpy.ma")}


def _preload(names) -> None:
    """테스트 셀이 쓰는 모듈(과 그 모듈이 처음 쓰일 때 불러오는 것, :data:`_FIRST_USE_IMPORTS`)을 이 프로세스에 불러
    둡니다(한 번만; 없거나 실패하는 것은 건너뜁니다: 그 테스트가 실행 프로세스에서 같은 오류를 제 자리에서 냅니다).
    불러오며 내는 경고는 버립니다."""
    import warnings

    names = names if isinstance(names, list) else []
    names = [*names, *(later for name in names if isinstance(name, str) for later in _FIRST_USE_IMPORTS.get(name, ()))]
    for name in names:
        if not isinstance(name, str) or name in sys.modules or name in _failed:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                importlib.import_module(name)
        except BaseException:  # 어떤 모듈이든 서버를 멈추게 두지 않습니다
            _failed.add(name)


_failed: set[str] = set()


def _die_with_parent() -> None:
    """부모가 죽으면 SIGKILL을 받게 합니다(리눅스 prctl PR_SET_PDEATHSIG)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)


if __name__ == "__main__":
    from ..startup import runner_process

    runner_process()
    sys.exit(serve())
