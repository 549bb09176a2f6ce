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


def relative_error(a, b) -> float:
    """두 배열의 상대 오차 ‖a − b‖ / (‖a‖ + ‖b‖). 둘 다 0이면 0.0.

    기울기 검사에서 해석적 기울기와 수치 미분을 비교할 때 씁니다. float64에서 1e-7보다 작으면 같은 값으로 봅니다.

    Parameters
    ----------
    a, b : array_like 또는 torch.Tensor, 같은 모양

    Returns
    -------
    float
    """
    a = np.ravel(np.asarray(a.detach() if hasattr(a, "detach") else a, dtype=np.float64))
    b = np.ravel(np.asarray(b.detach() if hasattr(b, "detach") else b, dtype=np.float64))
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0.0 else float(np.linalg.norm(a - b) / denom)
