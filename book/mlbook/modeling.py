"""1장(모델링)의 그림: 가설 공간과, 특성을 더해 구부러지는 결정 경계.

채점 대상 함수(add_intercept, sigmoid, feature_normalize …)는 여기에 없습니다. 경계를 구하는 데는
scikit-learn의 LogisticRegression을 씁니다(θ를 찾는 방법은 2장의 주제입니다).
"""
from __future__ import annotations

import numpy as np

__all__ = ["draw_hypothesis_spaces", "iris_middle_class", "draw_feature_boundaries"]


def _design(x, degree):
    """표준화한 x의 거듭제곱 열 [1, x, x², …, x^degree]."""
    return np.vander(x, degree + 1, increasing=True)


def draw_hypothesis_spaces(axes, x, y, degrees=(0, 1, 3), members: int = 30, seed: int = 0):
    """가설 공간 세 개(상수, 직선, 3차 다항식)에서 뽑은 가설 여러 개와, 데이터에 가장 잘 맞는 하나.

    Returns
    -------
    list of float
        가설 공간마다 가장 잘 맞는 가설의 비용 J = 1/(2m)·Σ(h(x) − y)².
    """
    rng = np.random.default_rng(seed)
    mu, sigma = x.mean(), x.std()
    xs = (x - mu) / sigma
    grid = np.linspace(x.min(), x.max(), 200)
    gs = (grid - mu) / sigma
    costs = []
    names = {0: "상수 함수", 1: "직선", 2: "2차 다항식", 3: "3차 다항식"}
    for ax, degree in zip(axes, degrees):
        A = _design(xs, degree)
        best, *_ = np.linalg.lstsq(A, y, rcond=None)
        cost = float(np.mean((A @ best - y) ** 2) / 2)
        costs.append(cost)
        G = _design(gs, degree)
        ax.scatter(x, y, s=6, alpha=0.35, color="0.4")
        spread = np.abs(best) * 0.6 + 15
        for _ in range(members):
            theta = best + rng.normal(scale=spread)
            ax.plot(grid, G @ theta, color="#5dade2", lw=0.8, alpha=0.45)
        ax.plot(grid, G @ best, color="#c0392b", lw=2.5)
        ax.set_title(f"{names.get(degree, f'{degree}차 다항식')}\n가장 잘 맞는 것의 J = {cost:,.0f}", fontsize=10)
        ax.set_xlabel("체질량 지수 (BMI)")
        ax.set_ylim(y.min() - 60, y.max() + 60)
    axes[0].set_ylabel("1년 뒤 병의 진행 정도")
    return costs


def iris_middle_class():
    """붓꽃 데이터의 꽃잎 길이·너비(표준화)와, 가운데 품종(versicolor)이면 1인 레이블."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    X = iris.data[:, 2:4]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (iris.target == 1).astype(int)
    return X, y


def _poly2(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1**2, x1 * x2, x2**2])


def draw_feature_boundaries(axes, X, y):
    """같은 데이터에 특성 (x₁, x₂)만 쓴 로지스틱 회귀와 2차 특성까지 더한 로지스틱 회귀의 결정 경계.

    Returns
    -------
    dict
        ``"linear"``, ``"quadratic"`` 각각의 훈련 정확도.
    """
    from sklearn.linear_model import LogisticRegression

    g1, g2 = np.meshgrid(np.linspace(-2.2, 2.2, 300), np.linspace(-2.2, 2.2, 300))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    accuracy = {}
    for ax, (name, features, title) in zip(axes, [
        ("linear", lambda A: A, "특성 x₁, x₂: 직선 경계"),
        ("quadratic", _poly2, "특성 x₁, x₂, x₁², x₁x₂, x₂²: 곡선 경계"),
    ]):
        clf = LogisticRegression(C=100.0, max_iter=5000).fit(features(X), y)
        accuracy[name] = float(clf.score(features(X), y))
        z = clf.decision_function(features(grid)).reshape(g1.shape)
        ax.contourf(g1, g2, z > 0, levels=[-0.5, 0.5, 1.5], colors=["#fdebd0", "#d6eaf8"], alpha=0.8)
        ax.contour(g1, g2, z, levels=[0], colors="k", linewidths=2)
        for value, marker, color, text in [(0, "x", "#b9770e", "다른 품종 (y = 0)"),
                                           (1, "o", "#1f618d", "versicolor (y = 1)")]:
            pick = y == value
            ax.scatter(X[pick, 0], X[pick, 1], marker=marker, s=16, color=color, label=text)
        ax.set_title(f"{title}\n훈련 정확도 {accuracy[name]:.2f}", fontsize=10)
        ax.set_xlabel("꽃잎 길이 (표준화)")
        ax.set_xlim(-2.2, 2.2)
        ax.set_ylim(-2.2, 2.2)
        ax.set_aspect("equal")
    axes[0].set_ylabel("꽃잎 너비 (표준화)")
    axes[0].legend(loc="upper left", fontsize=8)
    return accuracy
