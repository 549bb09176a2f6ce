"""커널과 믿을 수 있는 쪽 사이를 오가는 값의 모양 (the wire format: plain data only, never pickle).

값은 JSON으로 오갑니다. JSON에 없는 것은 키 하나짜리 dict로 표시합니다.

- ``{"$nd": [dtype, shape, base64]}``: numpy 배열(바이트 그대로, C 순서). 객체 배열은 보내지 않습니다.
- ``{"$np": [dtype, base64]}``: numpy 스칼라(``np.float64(1.0)`` 등). 타입을 지켜야 테스트가 반환형을 볼 수 있습니다.
- ``{"$t": [dtype, shape, base64, requires_grad]}``: torch 텐서(배열과 같고 ``requires_grad`` 를 더함).
- ``{"$tuple": [...]}``, ``{"$set": [...]}``, ``{"$frozenset": [...]}``, ``{"$dict": [[키, 값], ...]}``,
  ``{"$bytes": base64}``, ``{"$complex": [실수부, 허수부]}``.
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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def real_torch():
    """불러온 torch 모듈. 없거나 라이브러리 규칙의 껍데기(``autograder.kernel.forbidden``)이면 None."""
    torch = sys.modules.get("torch")
    return torch if torch is not None and isinstance(getattr(torch, "Tensor", None), type) else None


def encode(value, other=None, _depth: int = 0):
    """``value`` 를 JSON으로 쓸 수 있는 값으로. 모르는 값은 ``other(value)`` 가 바꾸고, 없으면 :class:`WireError`."""
    if _depth > MAX_DEPTH:
        raise WireError("값이 너무 깊게 중첩되어 있습니다.")
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    np = sys.modules.get("numpy")
    d = _depth + 1
    if np is not None:
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
            arr = np.ascontiguousarray(value)
            return {"$nd": [arr.dtype.str, list(arr.shape), _b64(arr.tobytes())]}
        if isinstance(value, np.generic) and value.dtype.kind in "biufc":
            return {"$np": [value.dtype.str, _b64(value.tobytes())]}
    torch = real_torch()
    if torch is not None and isinstance(value, torch.Tensor) and not value.is_complex() and value.layout == torch.strided:
        arr = value.detach().cpu().contiguous().numpy()
        return {"$t": [arr.dtype.str, list(arr.shape), _b64(arr.tobytes()), bool(value.requires_grad)]}
    if isinstance(value, int):  # bool이 아닌 int의 하위 클래스(IntEnum 등)
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, complex):
        return {"$complex": [value.real, value.imag]}
    if isinstance(value, bytes):
        return {"$bytes": _b64(value)}
    if type(value) is list:
        return [encode(v, other, d) for v in value]
    if type(value) is tuple:
        return {"$tuple": [encode(v, other, d) for v in value]}
    if type(value) is dict:
        return {"$dict": [[encode(k, other, d), encode(v, other, d)] for k, v in value.items()]}
    if type(value) in (set, frozenset):
        return {"$" + type(value).__name__: [encode(v, other, d) for v in value]}
    if other is not None:
        return other(value)
    raise WireError(f"{type(value).__name__} 값은 보낼 수 없습니다.")


def decode(data, special=None, _depth: int = 0, _budget: list | None = None):
    """:func:`encode` 의 반대. ``special(tag, body)`` 는 이 모듈이 모르는 표시(``$h`` 등)를 풉니다."""
    if _budget is None:
        _budget = [MAX_BYTES]
    if _depth > MAX_DEPTH:
        raise WireError("값이 너무 깊게 중첩되어 있습니다.")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    d = _depth + 1
    if isinstance(data, list):
        return [decode(v, special, d, _budget) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("약속한 모양이 아닌 값을 받았습니다.")
    (tag, body), = data.items()
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
        if tag == "$t":
            import torch

            tensor = torch.from_numpy(arr)
            if len(body) > 3 and body[3] and tensor.is_floating_point():
                tensor.requires_grad_(True)
            return tensor
        return arr
    if tag == "$tuple":
        return tuple(decode(v, special, d, _budget) for v in _as_list(body))
    if tag in ("$set", "$frozenset"):
        items = [decode(v, special, d, _budget) for v in _as_list(body)]
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
                out[decode(pair[0], special, d, _budget)] = decode(pair[1], special, d, _budget)
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
