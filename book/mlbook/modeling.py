"""1장(모델링)의 그림: 가설 공간과, 특성을 더해 구부러지는 결정 경계.

채점 대상 함수(add_intercept, sigmoid, feature_normalize …)는 여기에 없습니다. 경계를 구하는 데는
scikit-learn의 LogisticRegression을 씁니다(θ를 찾는 방법은 2장의 주제입니다).
"""
from __future__ import annotations

import numpy as np

__all__ = ["draw_hypothesis_spaces", "iris_middle_class", "draw_feature_boundaries", "draw_line_vs_logistic",
           "draw_one_vs_rest"]


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
    for ax, degree in zip(axes, degrees, strict=False):
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
    ], strict=False):
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


def _fit_line(x, y):
    A = np.column_stack([np.ones_like(x), x])
    return np.linalg.lstsq(A, y, rcond=None)[0]


def _fit_logistic(x, y):
    """1차원 로지스틱 회귀(규제 거의 없음). x를 표준화해 맞춘 뒤 원래 단위의 (θ₀, θ₁)로 돌려줍니다."""
    from sklearn.linear_model import LogisticRegression

    mu, sigma = x.mean(), x.std()
    clf = LogisticRegression(C=1e6, max_iter=5000).fit(((x - mu) / sigma)[:, None], y)
    t1 = clf.coef_[0, 0] / sigma
    return np.array([clf.intercept_[0] - t1 * mu, t1])


def draw_line_vs_logistic(axes, x, y, extra_x: float = 35.0, extra_n: int = 30, seed: int = 0):
    """0/1 레이블에 직선(최소 제곱)과 로지스틱 회귀를 맞춘 그림 두 개.

    왼쪽은 원래 데이터, 오른쪽은 ``extra_x``에 y = 1인 가상의 샘플 ``extra_n``개를 더한 데이터입니다.
    점선은 각 모델의 문턱값(출력 0.5)이 놓이는 x입니다.

    Returns
    -------
    dict
        ``(데이터, 모델)`` → (문턱값, 원래 데이터에서의 정확도).
    """
    from .numerics import sigmoid

    rng = np.random.default_rng(seed)
    out = {}
    grid = np.linspace(min(x.min(), 5), extra_x + 2, 300)
    for ax, (name, xs, ys) in zip(axes, [
        ("원래 데이터", x, y),
        ("큰 종양을 더한 데이터", np.r_[x, np.full(extra_n, extra_x)], np.r_[y, np.ones(extra_n)]),
    ], strict=False):
        jitter = rng.uniform(-0.04, 0.04, size=len(ys))
        ax.scatter(xs, ys + jitter, s=6, alpha=0.35, color="0.35")
        line, logit = _fit_line(xs, ys), _fit_logistic(xs, ys)
        for key, theta, color, h in [("직선", line, "#2471a3", lambda t, g: t[0] + t[1] * g),
                                     ("로지스틱", logit, "#c0392b", lambda t, g: sigmoid(t[0] + t[1] * g))]:
            cut = (0.5 - theta[0]) / theta[1] if key == "직선" else -theta[0] / theta[1]
            acc = float(np.mean(((theta[0] + theta[1] * x) >= (0.5 if key == "직선" else 0.0)) == y))
            out[name, key] = (float(cut), acc)
            ax.plot(grid, h(theta, grid), color=color, lw=2.2, label=f"{key} (문턱 x = {cut:.1f})")
            ax.axvline(cut, color=color, ls=":", lw=1.5)
        ax.axhline(0.5, color="0.6", lw=0.8)
        ax.set_ylim(-0.45, 1.45)
        ax.set_xlabel("평균 반지름")
        ax.set_title(name, fontsize=11)
        ax.legend(loc="upper left", fontsize=8.5)
    axes[0].set_ylabel("y (1 = 악성)")
    return out


def draw_one_vs_rest(ax, X, y, names):
    """세 클래스를 로지스틱 회귀 세 개(클래스마다 '이 클래스 대 나머지')로 가른 영역과 세 결정 경계."""
    from sklearn.linear_model import LogisticRegression

    g1, g2 = np.meshgrid(np.linspace(-2.2, 2.2, 300), np.linspace(-2.2, 2.2, 300))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    colors = ["#b9770e", "#1f618d", "#1e8449"]
    models = [LogisticRegression(C=100.0, max_iter=5000).fit(X, (y == k).astype(int)) for k in range(3)]
    scores = [clf.decision_function(grid).reshape(g1.shape) for clf in models]
    region = np.argmax(np.stack(scores), axis=0)
    ax.contourf(g1, g2, region, levels=[-0.5, 0.5, 1.5, 2.5], colors=["#fdebd0", "#d6eaf8", "#d5f5e3"], alpha=0.8)
    for k in range(3):
        ax.contour(g1, g2, scores[k], levels=[0], colors=colors[k], linewidths=1.6, linestyles="--")
    for k, marker in enumerate(["x", "o", "^"]):
        pick = y == k
        ax.scatter(X[pick, 0], X[pick, 1], marker=marker, s=16, color=colors[k], label=f"{names[k]} (y = {k})")
    ax.set_xlim(-2.2, 2.2)
    ax.set_ylim(-2.2, 2.2)
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=8)
    pred = np.argmax(np.stack([clf.decision_function(X) for clf in models]), axis=0)
    return float(np.mean(pred == y))
