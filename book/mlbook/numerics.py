"""여러 장이 함께 쓰는 수치 도우미 (한 번만 씁니다)."""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """넘침 경고 없는 시그모이드 g(z) = 1 / (1 + e^(−z)).

    Parameters
    ----------
    z : float 또는 ndarray

    Returns
    -------
    float 또는 ndarray
        z와 같은 모양.
    """
    # tanh 꼴은 |z|가 아무리 커도 넘치지 않습니다: g(z) = (1 + tanh(z/2)) / 2
    out = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
    return float(out) if out.ndim == 0 else out


def relative_error(a, b, eps: float = 1e-12) -> float:
    """두 배열의 상대 오차 max|a − b| / max(|a| + |b|, eps). 기울기 검사에 씁니다."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(a) + np.abs(b))), eps))
