"""커널과 믿을 수 있는 쪽 사이를 오가는 값의 모양 (the wire format: plain data only, never pickle).

값은 JSON으로 오갑니다. JSON에 없는 것은 키 하나짜리 dict로 표시합니다.

- ``{"$nd": [dtype, shape, base64]}``: numpy 배열(바이트 그대로, C 순서). 객체 배열은 보내지 않습니다.
- ``{"$np": [dtype, base64]}``: numpy 스칼라(``np.float64(1.0)`` 등). 타입을 지켜야 테스트가 반환형을 볼 수 있습니다.
- ``{"$t": [dtype, shape, base64, requires_grad]}``: torch 텐서(배열과 같고 ``requires_grad`` 를 더함).
- ``{"$tuple": [...]}``, ``{"$set": [...]}``, ``{"$frozenset": [...]}``, ``{"$dict": [[키, 값], ...]}``,
  ``{"$bytes": base64}``, ``{"$complex": [실수부, 허수부]}``.
- ``{"$same": [키, "nd" 또는 "t", requires_grad]}``: 받는 쪽이 이미 받은 큰 배열(:class:`ArrayCache`). 처음 보낼 때는
  ``$nd``/``$t`` 의 끝에 키를 붙여 보내고, 받는 쪽은 그 사본을 간직합니다. 테스트가 같은 학습 자료(수백 kB)를 학생
  함수에 수백 번 넘길 때 한 번만 보내려는 것입니다.
- 그 밖의 값은 보내는 쪽이 ``other`` 로 정합니다(커널의 객체는 번호표 ``$h``, 믿을 수 있는 쪽의 함수는 ``$cb``).

받는 쪽은 깊이(:data:`MAX_DEPTH`)와 배열 바이트의 합(:data:`MAX_BYTES`)을 넘는 값을 거절합니다. 그래서 학생 코드가
돌려준 값이 무엇이든 믿을 수 있는 쪽에서 풀 때 재귀 오류나 메모리 폭발이 나지 않습니다.

이 모듈은 커널 안에서도 돌기 때문에 표준 라이브러리와 numpy(있으면 torch)만 씁니다.
"""
from __future__ import annotations

import base64
import json
import sys

MAX_DEPTH = 40
MAX_BYTES = 512 * 2**20


class WireError(ValueError):
    """평범한 자료로 바꿀 수 없거나, 받은 자료가 약속한 모양이 아님."""


#: 이보다 큰 배열(바이트)만 :class:`ArrayCache` 에 둡니다
CACHE_MIN_BYTES = 32 * 1024


class ArrayCache:
    """보낸(받은) 큰 배열의 목록. 보내는 쪽은 키만, 받는 쪽은 배열 사본을 간직하고, 둘 다 같은 규칙(가장 오래 쓰지 않은
    것부터, 합이 ``limit`` 바이트를 넘지 않게)으로 비우므로 같은 순서로 보내고 받는 한 두 목록은 늘 같습니다. 받는 쪽에서
    키를 찾지 못하면 :class:`CacheMiss` 이고, 보내는 쪽은 양쪽을 비우고 다시 보냅니다."""

    def __init__(self, limit: int = 128 * 2**20):
        from collections import OrderedDict

        self.limit = limit
        self.items: OrderedDict = OrderedDict()  # 키 → (바이트 수, 배열 또는 None)
        self.size = 0

    def clear(self) -> None:
        self.items.clear()
        self.size = 0

    def put(self, key: str, nbytes: int, arr=None) -> None:
        self.items[key] = (nbytes, arr)
        self.size += nbytes
        while self.size > self.limit and len(self.items) > 1:
            _, (old, _) = self.items.popitem(last=False)
            self.size -= old

    def get(self, key: str):
        if key not in self.items:
            raise CacheMiss(key)
        self.items.move_to_end(key)
        return self.items[key][1]

    def outgoing(self, arr) -> str | None:
        """보낼 배열 ``arr`` (C 순서)의 키와, 받는 쪽이 이미 가졌는지: (키, 가졌는지). 작은 배열이면 (None, False)."""
        if arr.nbytes < CACHE_MIN_BYTES:
            return None, False
        import hashlib

        key = hashlib.sha1(f"{arr.dtype.str}{arr.shape}".encode() + memoryview(arr).cast("B")).hexdigest()
        if key in self.items:
            self.items.move_to_end(key)
            return key, True
        self.put(key, arr.nbytes)
        return key, False


class CacheMiss(KeyError):
    """받는 쪽의 :class:`ArrayCache` 에 없는 키를 받았습니다."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def real_torch():
    """불러온 torch 모듈. 없거나 라이브러리 규칙의 껍데기(``autograder.kernel.forbidden``)이면 None."""
    torch = sys.modules.get("torch")
    return torch if torch is not None and isinstance(getattr(torch, "Tensor", None), type) else None


def encode(value, other=None, _depth: int = 0, cache: ArrayCache | None = None):
    """``value`` 를 JSON으로 쓸 수 있는 값으로. 모르는 값은 ``other(value)`` 가 바꾸고, 없으면 :class:`WireError`.
    ``cache`` 가 있으면 큰 배열은 받는 쪽이 이미 가졌을 때 키만 보냅니다."""
    if _depth > MAX_DEPTH:
        raise WireError("값이 너무 깊게 중첩되어 있습니다.")
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    np = sys.modules.get("numpy")
    d = _depth + 1
    if np is not None:
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
            arr = np.ascontiguousarray(value)
            key, known = cache.outgoing(arr) if cache is not None else (None, False)
            if known:
                return {"$same": [key, "nd", False]}
            return {"$nd": [arr.dtype.str, list(arr.shape), _b64(arr.tobytes()), *([key] if key else [])]}
        if isinstance(value, np.generic) and value.dtype.kind in "biufc":
            return {"$np": [value.dtype.str, _b64(value.tobytes())]}
    torch = real_torch()
    if torch is not None and isinstance(value, torch.Tensor) and not value.is_complex() and value.layout == torch.strided:
        arr = value.detach().cpu().contiguous().numpy()
        key, known = cache.outgoing(arr) if cache is not None else (None, False)
        if known:
            return {"$same": [key, "t", bool(value.requires_grad)]}
        return {"$t": [arr.dtype.str, list(arr.shape), _b64(arr.tobytes()), bool(value.requires_grad), *([key] if key else [])]}
    if isinstance(value, int):  # bool이 아닌 int의 하위 클래스(IntEnum 등)
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, complex):
        return {"$complex": [value.real, value.imag]}
    if isinstance(value, bytes):
        return {"$bytes": _b64(value)}
    if type(value) is list:
        return [encode(v, other, d, cache) for v in value]
    if type(value) is tuple:
        return {"$tuple": [encode(v, other, d, cache) for v in value]}
    if type(value) is dict:
        return {"$dict": [[encode(k, other, d, cache), encode(v, other, d, cache)] for k, v in value.items()]}
    if type(value) in (set, frozenset):
        return {"$" + type(value).__name__: [encode(v, other, d, cache) for v in value]}
    if other is not None:
        return other(value)
    raise WireError(f"{type(value).__name__} 값은 보낼 수 없습니다.")


def decode(data, special=None, _depth: int = 0, _budget: list | None = None, cache: ArrayCache | None = None):
    """:func:`encode` 의 반대. ``special(tag, body)`` 는 이 모듈이 모르는 표시(``$h`` 등)를 풉니다. ``cache`` 가 없으면
    ``$same`` 은 받지 않습니다."""
    if _budget is None:
        _budget = [MAX_BYTES]
    if _depth > MAX_DEPTH:
        raise WireError("값이 너무 깊게 중첩되어 있습니다.")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    d = _depth + 1
    if isinstance(data, list):
        return [decode(v, special, d, _budget, cache) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("약속한 모양이 아닌 값을 받았습니다.")
    (tag, body), = data.items()
    if tag == "$same" and cache is not None and isinstance(body, list) and len(body) == 3:
        arr = cache.get(str(body[0])).copy()  # 받는 쪽(학생 함수)이 바꿔도 간직한 것은 그대로
        return _tensor(arr, body[2]) if body[1] == "t" else arr
    if tag in ("$nd", "$t", "$np"):
        import numpy as np

        try:
            if tag == "$np":
                dtype, raw = body
                shape = ()
            else:
                dtype, shape, raw = body[:3]
            dtype = np.dtype(dtype)
            if dtype.kind not in "biufc" or not all(isinstance(s, int) and s >= 0 for s in shape):
                raise WireError("배열의 dtype이나 모양이 올바르지 않습니다.")
            _budget[0] -= len(raw) * 3 // 4
            if _budget[0] < 0:
                raise WireError("배열이 너무 큽니다.")
            buf = base64.b64decode(raw, validate=True)
            arr = np.frombuffer(buf, dtype=dtype).reshape(shape).copy()
        except WireError:
            raise
        except Exception as exc:
            raise WireError(f"배열을 되살릴 수 없습니다: {type(exc).__name__}") from None
        if tag == "$np":
            return arr[()]
        key = body[4 if tag == "$t" else 3] if len(body) > (4 if tag == "$t" else 3) else None
        if cache is not None and isinstance(key, str):
            cache.put(key, arr.nbytes, arr.copy())
        if tag == "$t":
            return _tensor(arr, len(body) > 3 and body[3])
        return arr
    if tag == "$tuple":
        return tuple(decode(v, special, d, _budget, cache) for v in _as_list(body))
    if tag in ("$set", "$frozenset"):
        items = [decode(v, special, d, _budget, cache) for v in _as_list(body)]
        try:
            return set(items) if tag == "$set" else frozenset(items)
        except TypeError:
            raise WireError("집합의 원소를 해시할 수 없습니다.") from None
    if tag == "$dict":
        out = {}
        for pair in _as_list(body):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("dict 항목의 모양이 올바르지 않습니다.")
            try:
                out[decode(pair[0], special, d, _budget, cache)] = decode(pair[1], special, d, _budget, cache)
            except TypeError:
                raise WireError("dict의 키를 해시할 수 없습니다.") from None
        return out
    if tag == "$bytes":
        return base64.b64decode(body, validate=True)
    if tag == "$complex":
        return complex(*_as_list(body))
    if special is not None:
        return special(tag, body)
    raise WireError(f"모르는 표시 {tag!r}를 받았습니다.")


def _tensor(arr, requires_grad) -> object:
    import torch

    tensor = torch.from_numpy(arr)
    if requires_grad and tensor.is_floating_point():
        tensor.requires_grad_(True)
    return tensor


def _as_list(body) -> list:
    if not isinstance(body, list):
        raise WireError("약속한 모양이 아닌 값을 받았습니다.")
    return body


def dumps(value, other=None) -> str:
    return json.dumps(encode(value, other), ensure_ascii=True, separators=(",", ":"))


def loads(text: str, special=None):
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise WireError("JSON으로 읽을 수 없는 값을 받았습니다.") from None
    return decode(data, special)
