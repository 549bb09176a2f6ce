"""테스트 셀을 샌드박스 밖에서 실행합니다 (trust level: the trusted per-submission worker).

채점할 때 테스트 셀(공개·숨은)의 코드는 학생의 커널이 아니라 이 프로세스에서 돕니다. 기대값, 허용 오차, 단언,
참조 구현이 모두 여기 있고, 학생 커널은 테스트가 묻는 것(학생 함수에 이 입력을 넣은 값)만 계산해 평범한
자료(:mod:`autograder.kernel.wire`)로 돌려줍니다. PrairieLearn의 pytest 채점기와 같은 나눔입니다. 그래서 학생 셀이
IPython의 AST 변환기·입력 변환기·이벤트 콜백, ``sys.settrace``, numpy나 ``AssertionError`` 바꿔치기로 무엇을
하든 테스트의 판정에는 닿지 않습니다. 그런 것은 학생 커널 안에서만 돌기 때문입니다.

테스트 셀의 이름 찾기(:class:`Namespace`):

- 준비 셀(grade_id가 ``setup`` 으로 시작하는 잠긴 코드 셀, 출제자의 코드)은 커널과 이곳 **둘 다**에서 실행됩니다.
  ``np``, ``warnings``, 준비 셀의 도우미는 이곳의 것을 씁니다.
- 학생 커널에만 있는 이름(학생이 만든 함수와 클래스)은 :class:`RemoteFunction` 대리인이 됩니다. 부르면 인자를
  평범한 자료로 보내 커널에서 부르고, 값과 예외, 경고, 출력, 제자리에서 바뀐 인자 배열을 돌려받습니다.
- 테스트가 학생 함수 이름에 다른 것을 넣으면(``sigmoid = lambda z: ...``, 앞 함수의 실수를 떼어 놓는 참조
  구현) 학생 커널의 그 이름도 이 함수를 부르는 대리인(:class:`autograder.kernel.probe.Callback`)으로 바뀌고,
  원래 것(``sigmoid = _saved``)을 넣으면 되돌아갑니다. 셀이 끝나면 모두 되돌립니다.
- 커널이 평범한 자료로 줄 수 없는 값(torch 모델 등)은 :class:`RemoteObject` 번호표로 옵니다.

테스트 셀 하나의 시간 제한은 커널 셀과 같은 ``--cell-timeout`` 이고, 넘거나 커널이 죽으면 nbclient와 같은
``CellTimeoutError``/``DeadKernelError`` 로 노트북 실행이 끝납니다(테스트 코드의 ``except`` 가 삼킬 수 없게
:class:`_Abort` 로 빠져나옵니다).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import itertools
import json
import linecache
import os
import secrets
import socket
import sys
import time
import traceback
import warnings
from collections.abc import Callable

import zmq
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output

from .. import notebooks
from ..kernel import probe, wire

#: 테스트 셀이 부른 학생 함수가 시간 안에 답하지 않았을 때의 설명(runner가 grades.csv의 detail로 씁니다)
TEST_TIMEOUT = ("테스트가 부른 학생 함수가 {seconds}초 안에 답하지 않았습니다 (끝나지 않는 반복문이거나, 학생 코드가 커널의 "
                "내장 함수·모듈을 바꿔 커널이 요청을 받지 못합니다).")
#: 커널에 보내는 실행 요청: 탐침이 이 프로세스의 소켓에 붙어 요청을 받습니다(:func:`autograder.kernel.probe.serve_socket`).
_REQUEST_CODE = "__import__('autograder.kernel.probe').kernel.probe.serve_socket({path!r}, {token!r})"
#: 커널 실행 폴더 안의 요청 소켓 이름(소켓 경로 한도 안에 들도록 짧게: autograder.workdir.kernel_rundir)
_SOCKET_NAME = "probe"
#: 한 테스트 셀이 모아 두는 출력의 상한(글자). 넘는 것은 세기만 하고 버립니다.
MAX_CAPTURE = 1_000_000
_BUILTIN_NAMES = frozenset(dir(builtins))
#: 학생 커널에서 난 경고를 이 프로세스에서 다시 낼 때의 파일 이름(경고 필터의 모듈 이름도 됩니다)
STUDENT_CODE = "<학생 코드>"


class RemoteError(Exception):
    """학생 코드가 던진, 이 프로세스에 같은 클래스가 없는 예외. 클래스 이름은 학생 쪽 이름 그대로입니다."""


class _Abort(BaseException):
    """테스트 코드의 ``except Exception`` 이 삼키지 못하게 시간 초과와 커널 종료를 실어 나릅니다."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


def is_setup(cell: NotebookNode) -> bool:
    """이곳에서도 실행하는 출제자의 준비 셀인지: 잠긴 코드 셀이고 grade_id가 ``setup`` 으로 시작합니다."""
    meta = notebooks.nbgrader_meta(cell)
    return (cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade")
            and not meta.get("solution") and str(meta.get("grade_id", "")).startswith("setup"))


class RemoteFunction:
    """학생 커널의 이름 하나(함수나 클래스)를 대신합니다. 언제나 **학생이 정의한 것**을 부릅니다(테스트가 그 이름에
    참조 구현을 잠시 넣어 두었어도)."""

    def __init__(self, checker: Checker, name: str):
        self._checker = checker
        self.name = self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self._checker.call({"name": self.name}, args, kwargs)

    def __repr__(self):
        return f"<학생 함수 {self.name}>"


class RemoteObject:
    """학생 커널에 남아 있는 객체(평범한 자료로 바꿀 수 없는 값)의 번호표."""

    def __init__(self, checker: Checker, ident: int, kind: str, is_callable: bool, text: str):
        self._checker, self._ident, self._kind, self._callable, self._text = checker, ident, kind, is_callable, text

    def __call__(self, *args, **kwargs):
        return self._checker.call({"h": self._ident}, args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _BoundRemote(self._checker, {"h": self._ident, "attr": name})

    def __repr__(self):
        return self._text

    def view(self, name: str, *args):
        """``autograder.kernel.torch_view`` 의 함수 ``name`` 을 커널에서 이 객체에 불러 평범한 자료로 받습니다."""
        return self._checker.view({"h": self._ident}, name, args)


class _BoundRemote:
    """``remote.attr``: 부르면 커널에서 그 메서드를 부릅니다."""

    def __init__(self, checker: Checker, target: dict):
        self._checker, self._target = checker, target

    def __call__(self, *args, **kwargs):
        return self._checker.call(self._target, args, kwargs)


_MISSING = object()


class Namespace(dict):
    """테스트 셀의 전역 이름공간: 이곳에 없는 이름은 학생 커널에서 찾고, 학생 함수 이름에 넣는 것은 커널에도 알립니다."""

    def __init__(self, checker: Checker):
        super().__init__()
        self._checker = checker
        #: 준비 셀을 실행하는 동안에는 보통 dict처럼(커널에 알리지 않음)
        self.plain = False
        #: 바꿔 끼운 이름의 원래 값(이곳의 것, 없으면 _MISSING)
        self._before: dict[str, object] = {}

    def __missing__(self, name):
        if not isinstance(name, str) or name in _BUILTIN_NAMES or name.startswith("__"):
            raise KeyError(name)
        kind = self._checker.kernel_names().get(name)
        if kind == "call":
            return RemoteFunction(self._checker, name)
        if kind == "data":
            return self._checker.get({"name": name})
        raise KeyError(name)

    def __setitem__(self, name, value):
        checker = self._checker
        if not self.plain and isinstance(name, str) and (
                name in self._before or checker.kernel_names().get(name) == "call"):
            if isinstance(value, RemoteFunction) and value.name == name:
                self.restore(name)
                return
            self._before.setdefault(name, dict.get(self, name, _MISSING))
            checker.override(name, value)
        dict.__setitem__(self, name, value)

    def restore(self, name: str) -> None:
        """바꿔 끼운 이름 하나를 커널과 이곳 모두 원래대로."""
        self._checker.restore(name)
        before = self._before.pop(name, _MISSING)
        if before is _MISSING:
            self.pop(name, None)
        else:
            dict.__setitem__(self, name, before)

    def restore_all(self) -> None:
        for name in sorted(self._before):
            self.restore(name)


class _Capture:
    """테스트 셀의 stdout/stderr를 순서대로 모읍니다(학생 커널의 출력도 도착한 자리에 섞여 들어옵니다)."""

    def __init__(self):
        self.chunks: list[list[str]] = []
        self.size = 0
        self.dropped = 0

    def write(self, name: str, text: str) -> None:
        if self.size >= MAX_CAPTURE:
            self.dropped += len(text)
            return
        text = text[: MAX_CAPTURE - self.size]
        self.size += len(text)
        if self.chunks and self.chunks[-1][0] == name:
            self.chunks[-1][1] += text
        else:
            self.chunks.append([name, text])

    def stream(self, name: str):
        capture = self

        class _Writer(io.TextIOBase):
            def write(self, text):
                capture.write(name, str(text))
                return len(text)

        return _Writer()

    def outputs(self) -> list:
        outs = [new_output("stream", name=name, text=text) for name, text in self.chunks]
        if self.dropped:
            outs.append(new_output("stream", name="stdout",
                                   text=f"\n... (출력이 너무 길어 {self.dropped:,}자를 버렸습니다)\n"))
        return outs


class Checker:
    """제출물 하나(커널 하나)의 테스트 셀을 실행합니다. ``client`` 는 커널을 띄운 nbclient(`kc`, `km`)입니다."""

    def __init__(self, client, timeout: float):
        self.client = client
        self.timeout = timeout
        self.ns = Namespace(self)
        from ..kernel import torch_view

        torch_view._define = self.define  # 숨은 테스트의 torch_view.in_kernel이 학생 커널에 대역을 만들게
        self._names: dict[str, str] | None = None
        self._callbacks: dict[int, Callable] = {}
        self._trusted: dict[int, object] = {}
        self._ids = itertools.count(1)
        self._counter = itertools.count(1)
        self._deadline = float("inf")
        self._capture: _Capture | None = None
        self._in_callback = False
        #: 커널에 보낸 큰 배열의 목록(커널이 같은 것을 간직합니다)
        self._arrays = wire.ArrayCache()
        self._forget_next = False
        #: 열려 있는 요청 모음(커널의 실행 요청 msg_id)과, 그 모음의 탐침과 이어진 소켓(:class:`_Link`)
        self._session: str | None = None
        self._link: _Link | None = None
        #: (커널 클라이언트, stdin, iopub, 그 둘의 폴러, 요청 소켓): nbclient의 asyncio 소켓을 그림자로 쓰는 동기 소켓과,
        #: 이 커널의 탐침이 붙을 유닉스 소켓(:meth:`_channels`)
        self._sync: tuple | None = None

    # --- 커널의 상태 -------------------------------------------------------------------------------
    def kernel_changed(self) -> None:
        """커널에서 셀이 돌았으니 이름 목록을 다시 받아야 합니다."""
        self._names = None

    def kernel_names(self) -> dict[str, str]:
        if self._names is None:
            names = self._request({"op": "names"}).get("names", {})
            self._names = {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}
        return self._names

    def run_setup(self, cell: NotebookNode) -> None:
        """출제자의 준비 셀을 이곳에서도 실행합니다(실패하면 채점기 쪽 오류입니다)."""
        self.ns.plain = True
        try:
            exec(_compiled(cell.source, f"<준비 셀 {notebooks.grade_id(cell)}>"), self.ns)
        finally:
            self.ns.plain = False

    # --- 테스트 셀 ---------------------------------------------------------------------------------
    def run_test(self, cell: NotebookNode) -> None:
        """테스트 셀 하나를 실행하고 결과를 nbformat 출력으로 셀에 적습니다(nbgrader가 점수를 셉니다)."""
        import numpy as np

        capture = _Capture()
        self._capture = capture
        self._deadline = time.monotonic() + self.timeout
        error = None
        try:
            with contextlib.redirect_stdout(capture.stream("stdout")), \
                    contextlib.redirect_stderr(capture.stream("stderr")), \
                    warnings.catch_warnings(), np.errstate(all="warn", under="ignore"):
                warnings.resetwarnings()
                warnings.simplefilter("default")
                # 이 프로세스에서 나는 ResourceWarning은 채점기 객체(앞 단계 커널과의 zmq 소켓 등)가 가비지 수집될 때
                # 나므로, 그때 도는 테스트 셀의 학생 탓이 아닙니다. 학생 코드의 것(<학생 코드>로 전해 온 것)은 그대로 셉니다.
                warnings.filterwarnings("ignore", category=ResourceWarning)
                warnings.filterwarnings("default", category=ResourceWarning, module=STUDENT_CODE)
                try:
                    exec(_compiled(cell.source, f"<테스트 {notebooks.grade_id(cell)}>"), self.ns)
                except _Abort:
                    raise
                except BaseException as exc:  # 테스트의 실패(AssertionError)와 학생 함수가 던진 예외
                    error = exc
                finally:
                    self.ns.restore_all()
                    self._end_session()
        except _Abort as abort:
            cell.outputs = capture.outputs()
            raise abort.exc from None
        finally:
            self._capture = None
            self._deadline = float("inf")
        cell.outputs = capture.outputs()
        if error is not None:
            cell.outputs.append(_error_output(error))
        cell.execution_count = next(self._counter)

    # --- 학생 함수 부르기 --------------------------------------------------------------------------
    def call(self, target: dict, args: tuple, kwargs: dict):
        import numpy as np

        args = list(args)
        answer = self._send(lambda: {"op": "call", "target": target, "args": self._encode(args),
                                     "kwargs": self._encode(kwargs), "err": np.geterr()})
        self._write_back(answer.get("changed", []), [args, kwargs])
        if "np_random_state" in answer:  # 학생 함수가 numpy의 전역 난수 상태를 바꿨습니다: 이쪽도 똑같이
            with contextlib.suppress(Exception):
                np.random.set_state(tuple(self._decode(answer["np_random_state"])))
        for module, name, message in _triples(answer.get("warnings", [])):
            category = _resolve(module, name, Warning) or UserWarning
            warnings.warn_explicit(message, category, STUDENT_CODE, 0, registry={})
        if "error" in answer:
            raise _exception(answer["error"])
        return self._decode(answer.get("value"))

    def view(self, target: dict, name: str, args: tuple):
        answer = self._send(lambda: {"op": "view", "target": target, "name": name, "args": self._encode(list(args))})
        if "error" in answer:
            raise _exception(answer["error"])
        return self._decode(answer.get("value"))

    def _encode(self, value):
        """커널로 보낼 인자: 큰 배열은 커널이 이미 가졌으면 키만(:class:`autograder.kernel.wire.ArrayCache`)."""
        try:
            return wire.encode(value, self._outgoing, cache=self._arrays)
        except BaseException:
            self._forget()  # 키만 적어 두고 보내지 못한 배열이 있을 수 있습니다
            raise

    def _forget(self) -> None:
        """큰 배열 목록을 양쪽 모두 비웁니다(커널은 다음 요청과 함께 비웁니다)."""
        self._arrays.clear()
        self._forget_next = True

    def _send(self, build: Callable[[], dict]) -> dict:
        """``build()`` 로 만든 요청을 보냅니다. 커널의 큰 배열 목록이 이쪽과 달라졌으면(학생 코드가 건드렸거나 요청이
        중간에 끊김) 양쪽을 비우고 한 번 더 보냅니다."""
        for attempt in range(2):
            request = build()
            if self._forget_next:
                request["forget"], self._forget_next = True, False
            answer = self._request(request)
            error = answer.get("error")
            if not (answer.get("probe") and isinstance(error, list) and error[1:2] == ["CacheMiss"]) or attempt:
                return answer
            self._forget()
        return answer

    def define(self, source: str, name: str):
        """출제자의 대역 코드(예: 참조 잔차 블록)를 학생 커널에서 만들고 번호표를 받습니다(``torch_view.in_kernel``).
        대역은 학생 함수에 넣을 부품일 뿐이고, 판정은 여전히 이곳에서 합니다."""
        answer = self._request({"op": "define", "source": source, "name": name})
        if "error" in answer:
            raise _exception(answer["error"])
        return self._decode(answer.get("value"))

    def get(self, target: dict):
        answer = self._request({"op": "get", "target": target})
        if "error" in answer:
            raise _exception(answer["error"])
        return self._decode(answer.get("value"))

    def override(self, name: str, value) -> None:
        """학생 커널의 이름 ``name`` 을 ``value`` (이곳의 함수면 콜백 대리인)로 바꿉니다. 원래 것은 커널이 간직합니다."""
        self._request({"op": "set", "name": name, "value": wire.encode(value, self._outgoing)})

    def restore(self, name: str) -> None:
        self._request({"op": "restore", "name": name})

    def _decode(self, data):
        try:
            return wire.decode(data, self._incoming)
        except wire.WireError as exc:
            raise RemoteError(f"학생 함수의 반환값을 읽을 수 없습니다: {exc}") from None

    def _outgoing(self, value):
        """평범한 자료가 아닌 값을 커널로 보낼 때: 학생 것은 이름·번호표로, 이곳의 함수는 콜백으로."""
        if isinstance(value, RemoteFunction):
            return {"$name": value.name}
        if isinstance(value, RemoteObject):
            return {"$ref": value._ident}
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.nn.Module):
            from ..kernel import torch_view

            return {"$mod": torch_view.spec(value, self._outgoing)}
        code = standin_source(value)
        if code is not None:  # 스스로 완결된 numpy 참조 구현: 커널에서 돌게 코드로 보냅니다(콜백보다 수천 배 빠름)
            return {"$code": [code, value.__name__]}
        ident = next(self._ids)
        if callable(value):
            self._callbacks[ident] = value
            return {"$cb": [ident, getattr(value, "__name__", "")]}
        self._trusted[ident] = value
        return {"$th": ident}

    def _incoming(self, tag, body):
        if tag == "$h" and isinstance(body, list) and len(body) == 4:
            return RemoteObject(self, int(body[0]), str(body[1]), bool(body[2]), str(body[3]))
        if tag == "$th" and body in self._trusted:
            return self._trusted[body]
        raise wire.WireError(f"모르는 표시 {tag!r}")

    def _write_back(self, changed: list, root: list) -> None:
        """학생 함수가 제자리에서 바꾼 인자 배열을 이쪽 배열에도 똑같이 적습니다(입력을 바꾸면 안 된다는 테스트가 보도록)."""
        for entry in changed if isinstance(changed, list) else []:
            try:
                path, data = entry
                container = root
                for key in path[:-1]:
                    container = container[key]
                target = container[path[-1]]
                new = self._decode(data)
                torch = sys.modules.get("torch")
                if torch is not None and isinstance(target, torch.nn.Module) and isinstance(new, dict):
                    grads = {k[5:]: v for k, v in new.items() if k.startswith("grad:")}
                    with torch.no_grad():
                        target.load_state_dict({k: v for k, v in new.items() if not k.startswith("grad:")}, strict=False)
                    for name, param in target.named_parameters():  # 쌓인 기울기도 커널에서와 같게
                        param.grad = grads[name].detach().clone() if name in grads else None
                elif hasattr(target, "shape") and tuple(target.shape) == tuple(new.shape):
                    if torch is not None and isinstance(target, torch.Tensor):
                        with torch.no_grad():
                            target.copy_(new if isinstance(new, torch.Tensor) else torch.as_tensor(new))
                    else:
                        target[...] = new
            except (KeyError, IndexError, TypeError, ValueError, AttributeError, RemoteError):
                continue

    # --- 통신 --------------------------------------------------------------------------------------
    # 테스트 셀 하나의 요청은 커널의 실행 요청 하나(``probe.serve_socket``, "요청 모음") 안에서 오갑니다: 탐침이 이 커널의
    # 요청 소켓에 붙어 토큰을 보내면, 요청을 하나씩 보내고 답을 받습니다. 셀이 끝나면 :meth:`_end_session` 이 모음을
    # 닫아, nbclient가 다음 학생 셀을 실행할 수 있게 합니다.
    def _request(self, request: dict) -> dict:
        if self._in_callback:
            raise RemoteError("참조 구현 안에서 학생 함수를 다시 부를 수 없습니다.")
        try:
            answer = self._exchange(json.dumps(request))
        except (CellTimeoutError, DeadKernelError) as exc:
            self._close_session()
            raise _Abort(exc) from None
        if not isinstance(answer, str):
            return {"error": ["builtins", "RuntimeError", "학생 커널이 채점 요청에 답하지 않았습니다.", ""]}
        try:
            parsed = json.loads(answer)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return {"error": ["builtins", "RuntimeError", "학생 커널이 약속하지 않은 모양으로 답했습니다.", ""]}
        return parsed

    def _end_session(self) -> None:
        """요청 모음을 닫고 커널이 그 실행을 끝낼 때(idle)까지 기다립니다(학생 함수의 남은 출력도 이때 모두 옵니다)."""
        if self._session is None:
            return
        try:
            self._exchange(probe.END)
        except (CellTimeoutError, DeadKernelError) as exc:
            raise _Abort(exc) from None
        finally:
            self._close_session()

    def _close_session(self) -> None:
        self._session = None
        if self._link is not None:
            self._link.close()
            self._link = None

    def _channels(self) -> tuple:
        """커널의 stdin·iopub 소켓을 같은 소켓의 동기 그림자(``zmq.Socket.shadow``)로 씁니다. nbclient의 asyncio 소켓으로
        요청마다 이벤트 루프를 한 바퀴 돌리면 왕복 하나에 0.15밀리초가 더 듭니다(학생 함수를 수백 번 부르는 숨은
        테스트). 그림자는 소켓을 닫지 않으므로 nbclient는 셀 사이에 그대로 씁니다.

        요청 소켓(:class:`_Listener`)은 커널의 실행 폴더(``run/``, 샌드박스 안에서도 같은 경로)에 커널마다 하나 엽니다."""
        kc = self.client.kc
        if self._sync is None or self._sync[0] is not kc:
            self.close()
            stdin = zmq.Socket.shadow(kc.stdin_channel.socket.underlying)
            iopub = zmq.Socket.shadow(kc.iopub_channel.socket.underlying)
            poller = zmq.Poller()
            poller.register(stdin, zmq.POLLIN)
            poller.register(iopub, zmq.POLLIN)
            listener = _Listener(os.path.join(self.client.km.box.run, _SOCKET_NAME))
            self._sync = (kc, stdin, iopub, poller, listener)
        return self._sync

    def close(self) -> None:
        """요청 소켓을 닫습니다(커널을 끈 뒤)."""
        self._close_session()
        if self._sync is not None:
            self._sync[-1].close()
            self._sync = None

    def _exchange(self, text: str) -> str | None:
        """요청 ``text`` 하나를 보내고 답을 기다립니다. ``probe.END`` 면 모음이 끝날 때까지 기다리고 None.

        모음의 처음에는 실행 요청을 보내고 탐침이 토큰을 들고 붙기를 기다립니다. 탐침이 보낸 콜백 요청(학생 함수가 부른
        참조 구현)에는 그 자리에서 답합니다. 학생 함수가 쓴 출력(iopub의 stream)은 도착하는 대로 이 셀의 출력에
        모읍니다. 학생 코드의 ``input()`` (stdin의 input_request)에는 쓸 수 없다고 답합니다."""
        kc, stdin, iopub, poller, listener = self._channels()
        km, wire_session = self.client.km, kc.session

        if self._session is None:
            if text == probe.END:
                return None
            self._session = kc.execute(_REQUEST_CODE.format(path=listener.path, token=listener.token), silent=False,
                                       store_history=False, allow_stdin=True, stop_on_error=False)
        session = self._session
        outgoing: str | None = text  # 탐침에 보낼 것(요청, 또는 콜백의 답)
        while True:
            link = self._link
            if link is not None and link.ready:
                if outgoing is not None:
                    if not link.send(outgoing, self._deadline - time.monotonic()):
                        raise CellTimeoutError(TEST_TIMEOUT.format(seconds=f"{self.timeout:g}"))
                    outgoing = None
                frame = link.frame()
                if frame is not None:
                    if frame.startswith(probe.CALLBACK_PREFIX):
                        outgoing = self._callback(frame)
                    elif text != probe.END:
                        return frame
                    continue
            if link is not None and link.closed:
                self._link = link = None
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise CellTimeoutError(TEST_TIMEOUT.format(seconds=f"{self.timeout:g}"))
            waiting_on = (link if link is not None else listener).fileno()
            poller.register(waiting_on, zmq.POLLIN)
            try:
                ready = dict(poller.poll(timeout=int(min(left, 1.0) * 1000) + 1))
            finally:
                poller.unregister(waiting_on)
            if not ready:
                if not run_sync(km.is_alive)():
                    raise DeadKernelError("커널이 죽었습니다.")
                continue
            if waiting_on in ready:
                if link is None:
                    self._link = listener.accept()
                else:
                    link.fill()
            if stdin in ready:
                _, msg = wire_session.recv(stdin, mode=zmq.NOBLOCK)
                if msg is not None and msg["msg_type"] == "input_request":  # 학생 코드의 input()
                    reply = self._callback(str(msg["content"].get("prompt", "")))
                    wire_session.send(stdin, wire_session.msg("input_reply", {"value": reply}))
            if iopub in ready:
                _, msg = wire_session.recv(iopub, mode=zmq.NOBLOCK)
                if msg is None or msg.get("parent_header", {}).get("msg_id") != session:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream" and self._capture is not None:
                    self._capture.write("stderr" if content.get("name") == "stderr" else "stdout", str(content.get("text", "")))
                elif kind == "status" and content.get("execution_state") == "idle":
                    self._close_session()  # 모음이 끝났습니다(닫았거나, 학생 코드가 끝내 버렸거나)
                    return None

    def _callback(self, prompt: str) -> str:
        """학생 함수가 부른 이곳의 함수(참조 구현, 인자로 넘긴 함수)를 실행하고 답을 JSON으로."""
        if not prompt.startswith(probe.CALLBACK_PREFIX):
            return json.dumps({"error": ["builtins", "EOFError", "채점 중에는 input()을 쓸 수 없습니다."]})
        try:
            request = json.loads(prompt[len(probe.CALLBACK_PREFIX):])
            func = self._callbacks[int(request["id"])]
            args = self._decode(request["args"])
            kwargs = self._decode(request["kwargs"])
        except Exception as exc:
            return json.dumps({"error": ["builtins", "RuntimeError", f"잘못된 콜백 요청: {type(exc).__name__}"]})
        self._in_callback = True
        try:
            value = func(*args, **(kwargs if isinstance(kwargs, dict) else {}))
            return json.dumps({"value": wire.encode(value, self._outgoing)})
        except Exception as exc:
            kind = type(exc)
            return json.dumps({"error": [kind.__module__, kind.__qualname__, str(exc)[:2000]]})
        finally:
            self._in_callback = False


class _Listener:
    """커널 하나의 요청 소켓: 커널의 실행 폴더(``run/``)에 여는 유닉스 소켓. 붙은 쪽이 실행 요청에 실어 보낸 토큰을 먼저
    보내야 요청을 받습니다(:class:`_Link`).

    ``run/`` 은 커널이 쓸 수 있는 폴더라, 만든 뒤에 경로로 권한을 바꾸면(chmod, chown은 심볼릭 링크를 따라감) 그 사이에
    학생이 바꿔 놓은 링크를 따라 채점기 권한으로 엉뚱한 파일을 바꿀 수 있습니다. 그래서 경로로는 bind(마지막 이름이
    링크면 따라가지 않고 실패) 하나만 하고, 권한은 만들 때의 umask로 정합니다. 커널 uid가 채점기와 다를 수 있으므로
    누구나 붙을 수 있게(0666) 두고, 확인은 토큰으로 합니다(샌드박스 안에서는 다른 학생의 커널에 이 폴더가 보이지도
    않습니다)."""

    def __init__(self, path: str):
        self.path = path
        self.token = secrets.token_hex(16)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # 링크면 링크만 지웁니다
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.setblocking(False)
        old = os.umask(0o111)
        try:
            self._sock.bind(path)
        finally:
            os.umask(old)
        self._sock.listen(8)

    def fileno(self) -> int:
        return self._sock.fileno()

    def accept(self) -> _Link | None:
        try:
            conn, _ = self._sock.accept()
        except (BlockingIOError, InterruptedError):
            return None
        return _Link(conn, self.token)

    def close(self) -> None:
        self._sock.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


class _Link:
    """요청 소켓에 붙은 탐침 하나(:func:`autograder.kernel.probe.serve_socket`). 메시지는 길이(8바이트)와 UTF-8 본문.
    첫 메시지가 토큰과 같아야 ``ready`` 가 되고, 아니면 닫습니다. 읽기는 막히지 않게, 도착한 만큼만 합니다."""

    #: 한 메시지의 최대 크기. 넘는다고 알리면 연결을 닫습니다(학생 커널이 채점기의 메모리를 채우지 못하게).
    MAX_FRAME = 512 * 2**20

    def __init__(self, conn: socket.socket, token: str):
        conn.setblocking(False)
        self._conn, self._token = conn, token
        self._buf = bytearray()
        self.ready = self.closed = False

    def fileno(self) -> int:
        return self._conn.fileno()

    def fill(self) -> None:
        """도착한 것을 모두 읽어 둡니다. 상대가 닫았으면 ``closed``."""
        while True:
            try:
                chunk = self._conn.recv(1 << 20)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                chunk = b""
            if not chunk:
                self.close()
                break
            self._buf += chunk
        if not self.ready and not self.closed:
            first = self._take()
            if first is not None:
                if secrets.compare_digest(first, self._token):
                    self.ready = True
                else:
                    self.close()

    def _take(self) -> str | None:
        if len(self._buf) < probe._LENGTH:
            return None
        size = int.from_bytes(self._buf[:probe._LENGTH], "big")
        if size > self.MAX_FRAME:
            self.close()
            return None
        end = probe._LENGTH + size
        if len(self._buf) < end:
            return None
        data = bytes(self._buf[probe._LENGTH:end])
        del self._buf[:end]
        return data.decode("utf-8", "replace")

    def frame(self) -> str | None:
        """받아 둔 메시지 하나(없으면 None)."""
        return self._take() if self.ready else None

    def send(self, text: str, seconds: float) -> bool:
        """보냅니다. ``seconds`` 안에 다 보내지 못하면(탐침이 읽지 않음) 거짓."""
        self._conn.settimeout(max(seconds, 0.001))
        try:
            self._conn.sendall(probe.encode_frame(text))
        except TimeoutError:
            return False
        except OSError:
            self.close()
        finally:
            if not self.closed:
                self._conn.setblocking(False)
        return True

    def close(self) -> None:
        self.closed = True
        self._conn.close()


def _compiled(source: str, filename: str):
    """셀 코드를 컴파일하고 linecache에 올려 둡니다(그 안에서 정의한 함수의 소스를 :func:`standin_source` 가 읽도록)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec")


#: 대역 코드가 쓸 수 있는 모듈(이 이름 그대로 커널의 대역 코드에 주어집니다)
_STANDIN_MODULES = {"numpy", "math", "warnings"}


def standin_source(func, _seen: set | None = None) -> str | None:
    """테스트가 학생 함수 자리에 넣는 참조 구현이 스스로 완결된 numpy 계산(테스트·준비 셀에서 ``def`` 로 정의하고,
    기본값 인자가 없고, numpy·math·warnings, 상수, 그런 함수만 부르며, assert·raise·try가 없음)이면 그 소스(의존하는
    함수까지)를, 아니면 None.

    이런 대역은 학생 함수가 반복문 안에서 수만 번 부르기도 하므로(예: 샘플마다 도는 역전파가 부르는 순전파), 콜백 대신
    코드로 보내 커널에서 돌게 합니다. 대역은 학생 함수에 넣는 입력일 뿐 판정이 아니고, 커널 쪽에서 바꿔 치기해도 바뀌는
    것은 학생 자신의 출력뿐입니다."""
    import inspect
    import textwrap
    import types

    seen = set() if _seen is None else _seen
    if (not isinstance(func, types.FunctionType) or func.__name__ == "<lambda>" or func.__closure__
            or func.__defaults__ or func.__kwdefaults__):
        return None
    if not func.__code__.co_filename.startswith(("<테스트 ", "<준비 셀 ")):
        return None
    if func.__name__ in seen:
        return ""
    seen.add(func.__name__)
    try:
        source = textwrap.dedent(inspect.getsource(func))
        names = inspect.getclosurevars(func)
        tree = ast.parse(source)
    except (OSError, TypeError, ValueError, SyntaxError):
        return None
    # 판정(assert, 예외)을 담은 함수는 커널로 보내지 않습니다: 그런 함수는 콜백으로 이곳에서 돕니다.
    if any(isinstance(node, (ast.Assert, ast.Raise, ast.Try)) for node in ast.walk(tree)):
        return None
    header = []
    for name, value in names.globals.items():
        if isinstance(value, types.ModuleType):
            if value.__name__ not in _STANDIN_MODULES:
                return None
            header.append(f"import {value.__name__} as {name}" if value.__name__ != name else f"import {name}")
        elif isinstance(value, types.FunctionType):
            dependency = standin_source(value, seen)
            if dependency is None:
                return None
            header.append(dependency)
            if value.__name__ != name:
                header.append(f"{name} = {value.__name__}")
        elif isinstance(value, (bool, int, float, str, type(None))):
            header.append(f"{name} = {value!r}")
        else:
            return None
    return "\n".join([*header, source])


def _triples(items) -> list:
    return [item[:3] for item in items if isinstance(item, list) and len(item) >= 3] if isinstance(items, list) else []


def _resolve(module, name, base: type) -> type | None:
    """학생 쪽 예외·경고 클래스를 이쪽의 같은 클래스로: 이미 불러온 모듈에서만 찾습니다(학생이 고른 모듈을 import하지 않음)."""
    if not isinstance(module, str) or not isinstance(name, str):
        return None
    owner = builtins if module == "builtins" else sys.modules.get(module)
    cls = owner
    for part in name.split("."):
        cls = getattr(cls, part, None)
    return cls if isinstance(cls, type) and issubclass(cls, base) else None


def _exception(spec) -> BaseException:
    """학생 함수가 던진 예외를 이쪽 예외로 다시 만듭니다. 같은 클래스가 없으면 같은 이름의 :class:`RemoteError`."""
    if not isinstance(spec, list) or len(spec) < 3:
        return RemoteError("학생 커널이 알 수 없는 오류를 보냈습니다.")
    module, name, message = spec[:3]
    message = str(message)
    cls = _resolve(module, name, Exception)
    if cls is not None:
        with contextlib.suppress(Exception):
            return cls(message)
    short = str(name).rsplit(".", 1)[-1] if isinstance(name, str) and str(name).isascii() else "RemoteError"
    if not short.isidentifier():
        short = "RemoteError"
    return type(short, (RemoteError,), {"__module__": "학생 코드"})(message)


def _error_output(exc: BaseException):
    kind = type(exc)
    tb = traceback.format_exception(kind, exc, exc.__traceback__)
    return new_output("error", ename=kind.__name__, evalue=str(exc), traceback=[line.rstrip("\n") for line in tb])


__all__ = ["Checker", "Namespace", "RemoteError", "RemoteFunction", "RemoteObject", "is_setup"]
