"""4장의 옵티마이저 실험: 같은 64-25-10 신경망을 경사 하강법, 미니배치 SGD, 모멘텀, Adam으로 학습합니다.

가중치는 :mod:`mlbook.neural`처럼 층마다 하나씩 든 리스트 ``thetas``이고, 기울기도
:func:`mlbook.neural.cost_and_gradients`에서 얻습니다. 옵티마이저는 기울기를 받아 갱신량을
돌려주는 작은 객체입니다(식은 4장 본문에 있습니다).

- ``sgd``:      Θ := Θ − α·∇J_B
- ``momentum``: v := β·v + ∇J_B,  Θ := Θ − α·v
- ``adam``:     m := β₁m + (1−β₁)∇J_B,  s := β₂s + (1−β₂)(∇J_B)²,
                m̂ = m/(1−β₁ᵗ),  ŝ = s/(1−β₂ᵗ),  Θ := Θ − α·m̂/(√ŝ + ε)
"""
from __future__ import annotations

import time

import numpy as np

from .neural import cost_and_gradients, predict_labels

__all__ = ["Optimizer", "make_optimizer", "train_minibatch", "compare_optimizers"]


class Optimizer:
    """기울기 리스트를 받아 가중치 리스트를 제자리에서 고치는 옵티마이저."""

    def __init__(self, kind: str, alpha: float, beta: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        if kind not in ("sgd", "momentum", "adam"):
            raise ValueError(f"모르는 옵티마이저: {kind}")
        self.kind, self.alpha, self.beta, self.beta2, self.eps = kind, alpha, beta, beta2, eps
        self.t = 0
        self.first = None   # 모멘텀의 v, Adam의 m
        self.second = None  # Adam의 s

    def step(self, thetas, grads):
        self.t += 1
        if self.first is None:
            self.first = [np.zeros_like(g) for g in grads]
            self.second = [np.zeros_like(g) for g in grads]
        for k, (theta, grad) in enumerate(zip(thetas, grads, strict=True)):
            if self.kind == "sgd":
                theta -= self.alpha * grad
            elif self.kind == "momentum":
                self.first[k] = self.beta * self.first[k] + grad
                theta -= self.alpha * self.first[k]
            else:
                self.first[k] = self.beta * self.first[k] + (1 - self.beta) * grad
                self.second[k] = self.beta2 * self.second[k] + (1 - self.beta2) * grad**2
                m_hat = self.first[k] / (1 - self.beta**self.t)
                s_hat = self.second[k] / (1 - self.beta2**self.t)
                theta -= self.alpha * m_hat / (np.sqrt(s_hat) + self.eps)


def make_optimizer(kind: str, alpha: float, **kwargs) -> Optimizer:
    return Optimizer(kind, alpha, **kwargs)


def train_minibatch(thetas, X, Y, optimizer: Optimizer, *, epochs: int = 20, batch_size: int | None = 64,
                    lambda_: float = 1.0, seed: int = 0, X_val=None, y_val=None):
    """미니배치로 ``epochs`` 에포크 학습합니다. ``batch_size=None``이면 훈련 세트 전체(경사 하강법).

    Returns
    -------
    thetas, history
        ``history["cost"]``: 에포크마다(그리고 시작점) 훈련 세트 전체의 비용 J(Θ) (규제 포함, 길이 epochs+1),
        ``history["updates"]``: 그때까지의 갱신 횟수, ``history["val_acc"]``: 에포크 끝의 검증 정확도,
        ``history["seconds"]``: 학습에 든 시간.
    """
    thetas = [t.copy() for t in thetas]
    rng = np.random.default_rng(seed)
    m = X.shape[0]
    size = m if batch_size is None else batch_size
    history = {"cost": [cost_and_gradients(thetas, X, Y, lambda_)[0]], "updates": [0], "val_acc": []}
    updates = 0
    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(m) if batch_size is not None else np.arange(m)
        for lo in range(0, m, size):
            batch = order[lo:lo + size]
            _, grads = cost_and_gradients(thetas, X[batch], Y[batch], lambda_ * len(batch) / m)
            optimizer.step(thetas, grads)
            updates += 1
        history["cost"].append(cost_and_gradients(thetas, X, Y, lambda_)[0])
        history["updates"].append(updates)
        if X_val is not None:
            history["val_acc"].append(float(np.mean(predict_labels(thetas, X_val) == y_val)))
    history["seconds"] = time.perf_counter() - start
    return thetas, history


def compare_optimizers(thetas0, X, Y, settings, *, epochs: int = 20, lambda_: float = 1.0, seed: int = 0,
                       X_val=None, y_val=None):
    """``settings``: 이름 → (kind, alpha, batch_size). 같은 초기 가중치에서 모두 학습해 기록을 돌려줍니다."""
    runs = {}
    for name, (kind, alpha, batch_size) in settings.items():
        _, runs[name] = train_minibatch(thetas0, X, Y, make_optimizer(kind, alpha), epochs=epochs,
                                        batch_size=batch_size, lambda_=lambda_, seed=seed,
                                        X_val=X_val, y_val=y_val)
    return runs
