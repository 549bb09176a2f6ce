"""커널 안의 탐침: 믿을 수 있는 쪽이 보낸 요청대로 학생 함수를 부르고 결과를 평범한 자료로 돌려줍니다.

신뢰 수준: **학생 프로세스(믿지 않음)**. 학생 코드는 이 모듈을 얼마든지 바꿀 수 있습니다. 그래도 괜찮은 까닭은
여기서 돌려주는 것이 "학생 함수가 이 입력에 이 값을 냈다"는 주장일 뿐이고, 그 값이 맞는지는 샌드박스 밖의
믿을 수 있는 쪽(``autograder.worker.checker``)이 정하기 때문입니다. 기대값, 허용 오차, 단언은 이 프로세스에
오지 않습니다.

테스트 셀 하나의 요청들은 실행 요청(execute_request) 한 번 안에서 오갑니다::

    __import__("autograder.kernel.probe").kernel.probe.serve_socket(경로, 토큰)

탐침은 믿을 수 있는 쪽이 커널의 실행 폴더에 열어 둔 유닉스 소켓에 붙어 토큰을 보내고, 요청(JSON)을 하나씩 받아 답을
돌려보내다가 :data:`END` 가 오면 끝냅니다(:func:`serve_socket`). 메시지는 길이(8바이트)와 UTF-8 본문입니다. Jupyter
메시지(서명, 머리글, 날짜)를 거치지 않으므로 학생 함수를 수백 번 부르는 숨은 테스트에서 요청 하나가 0.5밀리초
짧아집니다. 학생 함수가 믿을 수 있는 쪽의 함수(바꿔 끼운 참조 구현, 인자로 받은 함수)를 부르면, 탐침은 같은 소켓으로
그 호출을 넘기고 답을 기다립니다(:class:`Callback`).


요청의 종류(``op``):

- ``names``: 학생 네임스페이스의 이름들과 종류(``call``: 부를 수 있음, ``data``: 값).
- ``call``: ``target`` (이름 ``{"name": ...}``, 번호표 ``{"h": ...}``, 번호표의 속성 ``{"h": ..., "attr": ...}``)을
  ``args``/``kwargs`` 로 부르고, 값, 바뀐 인자 배열, 경고, 예외를 돌려줍니다.
- ``get``: 이름이나 번호표 속성의 값.
- ``set``/``restore``: 학생 네임스페이스의 이름 하나를 잠시 다른 것(참조 구현의 대리인)으로 바꾸거나 되돌립니다.
"""
from __future__ import annotations

import builtins
import json
import sys
import traceback
import warnings

from . import wire

#: 탐침이 믿을 수 있는 쪽에 보내는 콜백 요청의 머리말(답과 가르는 표시)
CALLBACK_PREFIX = "\x00autograder-callback:"
#: 예외 메시지의 최대 길이
MAX_MESSAGE = 2000

_handles: dict[int, object] = {}
#: 믿을 수 있는 쪽이 보낸 큰 배열의 사본(같은 배열을 다시 보낼 때는 키만 옵니다)
_arrays = wire.ArrayCache()
_stash: dict[str, object] = {}
_next = [1]
#: 학생 함수를 부르는 중인지(:mod:`.forbidden` 이 이것을 보고 막힌 라이브러리 호출을 오류로 만듭니다)
calling = [0]


class Callback:
    """믿을 수 있는 쪽의 함수를 대신하는 커널 쪽 대리인. 부르면 요청이 오는 소켓으로 그 호출을 넘깁니다."""

    def __init__(self, ident: int, name: str = ""):
        self._ident = ident
        self.__name__ = self.__qualname__ = name or f"callback_{ident}"

    def __call__(self, *args, **kwargs):
        request = {"op": "callback", "id": self._ident,
                   "args": wire.encode(list(args), _handle), "kwargs": wire.encode(kwargs, _handle)}
        conn = _channel[0]
        if conn is None:
            raise RuntimeError("채점 요청 밖에서는 참조 구현을 부를 수 없습니다.")
        _send(conn, CALLBACK_PREFIX + json.dumps(request))
        reply = json.loads(_receive(conn))
        if "error" in reply:
            raise _exception(reply["error"])
        return wire.decode(reply["value"], _special)

    def __repr__(self):
        return f"<참조 구현 {self.__name__}>"


class TrustedRef:
    """믿을 수 있는 쪽의 객체(참조 구현이 돌려준 모델 등)를 가리키는 번호표. 커널은 속을 볼 수 없습니다."""

    def __init__(self, ident: int):
        self.ident = ident

    def __repr__(self):
        return f"<채점기 쪽 객체 {self.ident}>"


def _exception(spec):
    """믿을 수 있는 쪽에서 난 예외(참조 구현이 던진 ValueError 등)를 커널에서 다시 던질 예외로."""
    module, name, message = spec[:3]
    cls = getattr(builtins, name, None) if module == "builtins" else None
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = type(name, (RuntimeError,), {})
    return cls(message)


def _handle(value):
    if isinstance(value, TrustedRef):
        return {"$th": value.ident}
    ident = _next[0]
    _next[0] += 1
    _handles[ident] = value
    kind = type(value)
    try:
        text = repr(value)[:300]
    except Exception:
        text = f"<{kind.__name__}>"
    return {"$h": [ident, f"{kind.__module__}.{kind.__qualname__}", callable(value), text]}


def _special(tag, body):
    if tag == "$cb":
        return Callback(int(body[0]), str(body[1]))
    if tag == "$ref":
        return _handles[int(body)]
    if tag == "$name":
        return _lookup(str(body))
    if tag == "$th":
        return TrustedRef(int(body))
    if tag == "$code":  # 테스트가 학생 함수 자리에 넣은 스스로 완결된 참조 구현(checker.standin_source)
        scope: dict = {}
        exec(compile(str(body[0]), "<채점기가 보낸 대역>", "exec"), scope)
        return scope[str(body[1])]
    if tag == "$mod":
        from . import torch_view

        return torch_view.build(body, _special)
    raise wire.WireError(f"모르는 표시 {tag!r}")


def _user_ns() -> dict:
    return get_ipython().user_ns  # noqa: F821


def _lookup(name: str):
    if name in _stash:
        return _stash[name]
    return _user_ns()[name]


def _target(spec):
    obj = _lookup(spec["name"]) if "name" in spec else _handles[int(spec["h"])]
    if "attr" in spec:
        obj = getattr(obj, spec["attr"])
    return obj


def _inputs(value, path=()):
    """인자 안의 배열(과 텐서)을 (경로, 배열) 쌍으로: 호출 뒤에 바뀐 것을 돌려주려고."""
    np = sys.modules.get("numpy")
    torch = wire.real_torch()
    if (np is not None and isinstance(value, np.ndarray)) or (
            torch is not None and isinstance(value, (torch.Tensor, torch.nn.Module))):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _inputs(v, (*path, i))
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield from _inputs(v, (*path, k))


def _state(module) -> dict:
    """모듈의 매개변수·버퍼와 쌓인 기울기(``grad:이름``): 학생 함수가 바꿨는지 보고, 바뀌었으면 돌려줍니다."""
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    state.update({f"grad:{n}": p.grad.detach().clone() for n, p in module.named_parameters() if p.grad is not None})
    return state


def _snapshot(value):
    torch = wire.real_torch()
    if torch is not None and isinstance(value, torch.nn.Module):
        return _state(value)
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().clone()
    return value.copy()


def _same(before, after) -> bool:
    torch = wire.real_torch()
    if torch is not None and isinstance(after, torch.nn.Module):
        now = _state(after)
        return before.keys() == now.keys() and all(_same(before[k], now[k]) for k in now)
    if torch is not None and isinstance(after, torch.Tensor):
        return before.shape == after.shape and before.dtype == after.dtype and bool(torch.equal(before, after.detach()))
    return before.shape == after.shape and before.dtype == after.dtype and before.tobytes() == after.tobytes()


def _call(request):
    func = _target(request["target"])
    args = wire.decode(request["args"], _special, cache=_arrays)
    kwargs = wire.decode(request["kwargs"], _special, cache=_arrays)
    watched = [(path, arr, _snapshot(arr)) for path, arr in _inputs([args, kwargs])]
    np = sys.modules.get("numpy")
    err = request.get("err") or {}
    answer = {}
    legacy = np.random.get_state() if np is not None else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calling[0] += 1
        try:
            if np is not None and err:
                with np.errstate(**err):
                    value = func(*args, **kwargs)
            else:
                value = func(*args, **kwargs)
            answer["value"] = wire.encode(value, _handle)
        except Exception as exc:
            answer["error"] = _describe(exc)
        finally:
            calling[0] -= 1
    answer["changed"] = [[list(path), wire.encode(_state(arr) if hasattr(arr, "state_dict") else arr, _handle)]
                         for path, arr, before in watched if not _same(before, arr)]
    if legacy is not None:
        # numpy의 전역 난수 상태(np.random.seed 등)를 바꿨으면 그 상태를 돌려줘, 테스트 쪽 전역 상태도 똑같이 바뀌게 합니다.
        now = np.random.get_state()
        if not (np.array_equal(legacy[1], now[1]) and legacy[2:] == now[2:]):
            answer["np_random_state"] = wire.encode(list(now))
    answer["warnings"] = [[w.category.__module__, w.category.__qualname__, str(w.message)[:MAX_MESSAGE]]
                          for w in caught[:50]]
    return answer


def _describe(exc: BaseException) -> list:
    kind = type(exc)
    text = str(exc)[:MAX_MESSAGE]
    frames = traceback.format_exception(kind, exc, exc.__traceback__)
    return [kind.__module__, kind.__qualname__, text, "".join(frames)[-4000:]]


#: 요청 모음을 끝내라는 요청(:func:`serve_socket`)
END = '{"op": "end"}'


#: :func:`serve_socket` 이 믿을 수 있는 쪽과 이어 둔 소켓(그동안 :class:`Callback` 도 이것으로 넘깁니다)
_channel: list = [None]
#: 소켓 메시지의 머리(본문 길이)
_LENGTH = 8


def encode_frame(text: str) -> bytes:
    """소켓 메시지 하나: 본문 길이(:data:`_LENGTH` 바이트)와 UTF-8 본문. 믿을 수 있는 쪽도 이것으로 보냅니다."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data).to_bytes(_LENGTH, "big") + data


def _send(conn, text: str) -> None:
    conn.sendall(encode_frame(text))


def _exactly(conn, size: int) -> bytes:
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = conn.recv_into(view[got:])
        if not n:
            raise EOFError("채점기와의 연결이 끊겼습니다.")
        got += n
    return bytes(buf)


def _receive(conn) -> str:
    return _exactly(conn, int.from_bytes(_exactly(conn, _LENGTH), "big")).decode("utf-8", "surrogatepass")


def _flush_pending() -> None:
    """학생 함수가 쓴 출력이 있으면 답보다 먼저 보냅니다. ipykernel의 스트림은 비울 것이 없어도 flush마다 출력 스레드와
    두 번 주고받으므로(요청 하나에 0.4밀리초), 보낼 것이 있을 때만 비웁니다. ipykernel의 것이 아닌 스트림은 늘 비웁니다."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and (getattr(stream, "_flush_pending", True)
                                   or getattr(stream, "_subprocess_flush_pending", False)):
            stream.flush()


def serve_socket(path: str, token: str) -> None:
    """믿을 수 있는 쪽의 유닉스 소켓 ``path`` 에 붙어 ``token`` 을 보내고, :data:`END` 가 올 때까지 요청마다 답합니다."""
    import socket

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        _send(conn, token)
        _channel[0] = conn
        text = _receive(conn)
        while text != END:
            answer = serve(text)
            _flush_pending()
            _send(conn, answer)
            text = _receive(conn)
    finally:
        _channel[0] = None
        conn.close()


def serve(text: str) -> str:
    """요청 하나를 처리하고 답을 JSON으로 돌려줍니다."""
    try:
        request = json.loads(text)
        op = request["op"]
        if request.get("forget"):
            _arrays.clear()
        if op == "call":
            answer = _call(request)
        elif op == "names":
            answer = {"names": {k: ("call" if callable(v) else "data") for k, v in _user_ns().items()
                                if isinstance(k, str) and not k.startswith("_") and k not in _HIDDEN}}
        elif op == "get":
            answer = {"value": wire.encode(_target(request["target"]), _handle)}
        elif op == "set":
            name = request["name"]
            if name not in _stash and name in _user_ns():
                _stash[name] = _user_ns()[name]
            _user_ns()[name] = wire.decode(request["value"], _special)
            answer = {}
        elif op == "define":
            # 출제자가 보낸 대역(예: 참조 잔차 블록)을 만듭니다. 점수를 정하는 코드가 아니라 학생 함수에 넣을 부품입니다.
            from . import torch_view

            answer = {"value": _handle(torch_view.in_kernel(request["source"], request["name"]))}
        elif op == "restore":
            name = request["name"]
            if name in _stash:
                _user_ns()[name] = _stash.pop(name)
            answer = {}
        elif op == "view":
            from . import torch_view

            if request["name"] not in torch_view.VIEWS:
                raise ValueError(f"모르는 도우미 {request['name']!r}")
            obj = _target(request["target"])
            args = wire.decode(request["args"], _special, cache=_arrays)
            calling[0] += 1
            try:
                answer = {"value": wire.encode(getattr(torch_view, request["name"])(obj, *args), _handle)}
            except Exception as exc:
                answer = {"error": _describe(exc)}
            finally:
                calling[0] -= 1
        else:
            answer = {"error": ["builtins", "ValueError", f"모르는 요청 {op!r}", ""]}
    except Exception as exc:
        answer = {"error": _describe(exc), "probe": True}
    return json.dumps(answer)


#: 학생 이름으로 보지 않는 IPython의 이름
_HIDDEN = {"In", "Out", "exit", "quit", "get_ipython", "open"}
