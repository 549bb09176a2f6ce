"""4장의 소프트맥스 절: 로짓 Z (m, K)에서 소프트맥스 확률과 범주형 교차 엔트로피.

식은 본문에 있습니다. 과제(ch04)의 채점 대상은 K개의 시그모이드를 쓰는 신경망이고, 이 모듈은
책의 실험과 그림에만 쓰입니다.
"""
from __future__ import annotations

import numpy as np

__all__ = ["logsumexp", "softmax", "categorical_cross_entropy", "naive_softmax", "draw_softmax_vs_sigmoids"]


def logsumexp(Z):
    """행마다 log Σ_k exp(Z_k)를 넘침 없이: 가장 큰 로짓 c를 빼고 계산한 뒤 다시 더합니다."""
    Z = np.asarray(Z, dtype=float)
    c = Z.max(axis=-1, keepdims=True)
    return (c + np.log(np.exp(Z - c).sum(axis=-1, keepdims=True)))[..., 0]


def softmax(Z):
    """행마다 exp(Z_k − logsumexp(Z)). 합이 1이고, 로짓이 ±1000이어도 경고가 없습니다."""
    Z = np.asarray(Z, dtype=float)
    return np.exp(Z - logsumexp(Z)[..., None])


def naive_softmax(Z):
    """식을 그대로 옮긴 소프트맥스(비교용): 로짓이 크면 exp가 넘쳐 inf/inf = nan이 됩니다."""
    E = np.exp(np.asarray(Z, dtype=float))
    return E / E.sum(axis=-1, keepdims=True)


def categorical_cross_entropy(Z, y):
    """평균 범주형 교차 엔트로피 −(1/m)Σ_i log softmax(z⁽ⁱ⁾)_{y⁽ⁱ⁾} = (1/m)Σ_i [logsumexp(z⁽ⁱ⁾) − z⁽ⁱ⁾_{y⁽ⁱ⁾}].

    ``y``는 레이블 0…K−1 (m,)입니다. ``torch.nn.functional.cross_entropy(Z, y)``와 같은 값입니다.
    """
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y)
    return float(np.mean(logsumexp(Z) - Z[np.arange(len(y)), y]))


def draw_softmax_vs_sigmoids(axes, logits_list, titles):
    """로짓 벡터마다 K개의 시그모이드와 소프트맥스를 나란히 막대로 그립니다(막대 위에 합)."""
    from .numerics import sigmoid

    for ax, z, title in zip(axes, logits_list, titles, strict=False):
        z = np.asarray(z, dtype=float)
        k = np.arange(len(z))
        sig, soft = sigmoid(z), softmax(z[None])[0]
        ax.bar(k - 0.2, sig, width=0.4, color="#5dade2", label="시그모이드 K개")
        ax.bar(k + 0.2, soft, width=0.4, color="#c0392b", label="소프트맥스")
        ax.set_xticks(k)
        ax.set_xticklabels([f"클래스 {i}" for i in k], fontsize=9)
        ax.set_ylim(0, 1.15)
        ax.set_title(f"{title}\n합: 시그모이드 {sig.sum():.2f}, 소프트맥스 {soft.sum():.2f}", fontsize=10)
    axes[0].set_ylabel("출력 (확률로 읽는 값)")
    axes[0].legend(loc="upper left", fontsize=8)
