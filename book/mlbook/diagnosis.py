"""3장의 진단 실험: 편향과 분산, 학습 곡선, 정보 누설.

모두 작고 빠른 실험입니다(합쳐서 1–2초). 난수는 ``np.random.default_rng(seed)``에서만 뽑습니다.
"""
from __future__ import annotations

import numpy as np

from .evaluation import accuracy, cross_validate_folds, stratified_kfold_indices
from .learning import least_squares, polynomial_features, standardize, with_intercept

__all__ = [
    "true_curve",
    "bias_variance_by_degree",
    "regression_learning_curve",
    "quadratic_features",
    "fit_nearest_centroid",
    "predict_nearest_centroid",
    "leakage_experiment",
]


def true_curve(x):
    """2장의 규제 실험과 같은 참 곡선 sin(2πx)."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


def bias_variance_by_degree(degrees, m=25, noise=0.25, repeats=200, seed=0):
    """다항식 차수마다 편향의 제곱, 분산, 새 데이터의 평균 제곱 오차를 잽니다.

    참 곡선 sin(2πx)에 잡음(표준편차 ``noise``)을 더한 훈련 세트 ``m``개를 ``repeats``번 새로 뽑아
    같은 차수의 다항식을 정규 방정식으로 맞춥니다. x의 격자 200곳에서 예측의 평균이 참값과 얼마나
    먼지(편향의 제곱)와 예측이 훈련 세트에 따라 얼마나 흔들리는지(분산)를 평균합니다.

    Returns
    -------
    dict of ndarray, shape (len(degrees),)
        ``bias2``, ``variance``, ``test_mse`` (새 잡음까지 더한 오차), 그리고 float ``noise2`` = noise².
    """
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.02, 0.98, 200)
    target = true_curve(grid)
    bias2, variance, test_mse = [], [], []
    samples = [(x := np.sort(rng.uniform(0, 1, m)), true_curve(x) + rng.normal(scale=noise, size=m))
               for _ in range(repeats)]
    fresh = target + rng.normal(scale=noise, size=(repeats, len(grid)))
    for degree in degrees:
        preds = np.empty((repeats, len(grid)))
        for r, (x, y) in enumerate(samples):
            if degree == 0:
                preds[r] = y.mean()
                continue
            P, mu, sigma = standardize(polynomial_features(x, degree))
            theta = least_squares(with_intercept(P), y)
            preds[r] = with_intercept(standardize(polynomial_features(grid, degree), mu, sigma)[0]) @ theta
        mean_pred = preds.mean(axis=0)
        bias2.append(np.mean((mean_pred - target) ** 2))
        variance.append(np.mean(preds.var(axis=0)))
        test_mse.append(np.mean((preds - fresh) ** 2))
    return {"bias2": np.array(bias2), "variance": np.array(variance), "test_mse": np.array(test_mse),
            "noise2": noise**2}


def quadratic_features(X):
    """특성 n개에 제곱과 서로 곱한 항 n(n+1)/2개를 더한 (m, n + n(n+1)/2) 배열."""
    X = np.asarray(X, dtype=float)
    n = X.shape[1]
    pairs = [X[:, j] * X[:, k] for j in range(n) for k in range(j, n)]
    return np.column_stack([X, *pairs])


def regression_learning_curve(X, y, sizes, val_size=100, repeats=20, lambda_=0.0, seed=0):
    """선형 회귀(정규 방정식)의 학습 곡선: 훈련 샘플 수마다 훈련 비용과 검증 비용.

    검증 세트 ``val_size``개를 한 번 떼어 두고, 남은 데이터에서 크기 ``sizes``의 훈련 세트를
    ``repeats``번 뽑아 학습합니다. 비용은 규제 항을 뺀 J = 1/(2m)·Σ(h − y)²의 평균입니다.
    특성 스케일링 통계는 그때그때의 훈련 세트에서만 구합니다.

    Returns
    -------
    train_cost, val_cost : ndarray, shape (len(sizes),)
    """
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    val, pool = perm[:val_size], perm[val_size:]
    train_cost, val_cost = np.zeros(len(sizes)), np.zeros(len(sizes))
    for s, size in enumerate(sizes):
        for _ in range(repeats):
            tr = rng.choice(pool, size=size, replace=False)
            A, mu, sigma = standardize(X[tr])
            theta = least_squares(with_intercept(A), y[tr], lambda_=lambda_)
            A_val = with_intercept(standardize(X[val], mu, sigma)[0])
            train_cost[s] += np.mean((with_intercept(A) @ theta - y[tr]) ** 2) / 2
            val_cost[s] += np.mean((A_val @ theta - y[val]) ** 2) / 2
    return train_cost / repeats, val_cost / repeats


def fit_nearest_centroid(X, y):
    """클래스마다 특성의 평균(중심)을 기억하는 가장 단순한 분류기."""
    classes = np.unique(y)
    return {"classes": classes, "centroids": np.stack([X[y == c].mean(axis=0) for c in classes])}


def predict_nearest_centroid(model, X):
    """가장 가까운 중심의 클래스."""
    distances = ((X[:, None, :] - model["centroids"][None]) ** 2).sum(axis=2)
    return model["classes"][np.argmin(distances, axis=1)]


def _top_features(X, y, count):
    """레이블과의 상관계수의 절댓값이 가장 큰 특성 ``count``개의 번호."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    corr = (Xc.T @ yc) / (np.linalg.norm(Xc, axis=0) * np.linalg.norm(yc) + 1e-12)
    return np.argsort(-np.abs(corr))[:count]


def leakage_experiment(m=50, n=2000, keep=20, k=5, repeats=20, seed=0):
    """특성 선택을 교차 검증 바깥에서 하면 생기는 일(Hastie 등 2009, 7.10.2절의 "잘못된 방법").

    특성 ``n``개가 모두 순수한 잡음이고 레이블도 동전 던지기라 어떤 분류기도 정확도 0.5를 넘을 수
    없는 데이터를 ``repeats``번 만듭니다. (가) 잘못된 방법: 데이터 **전체**에서 레이블과 상관이 가장 큰
    특성 ``keep``개를 고른 뒤, 그 특성으로 층화 ``k``-겹 교차 검증을 합니다. (나) 올바른 방법: 폴드마다
    **훈련 폴드 안에서만** 특성을 고르고 그 폴드의 검증 샘플로 잽니다.

    Returns
    -------
    wrong, right : ndarray, shape (repeats,)
        반복마다의 교차 검증 정확도.
    """
    rng = np.random.default_rng(seed)
    wrong, right = [], []
    for r in range(repeats):
        X = rng.normal(size=(m, n))
        y = rng.permutation(np.arange(m) % 2)
        folds = stratified_kfold_indices(y, k, seed=r)
        chosen = _top_features(X, y, keep)
        wrong.append(cross_validate_folds(fit_nearest_centroid, predict_nearest_centroid,
                                          X[:, chosen], y, folds).mean())
        scores = []
        for tr, va in folds:
            inner = _top_features(X[tr], y[tr], keep)
            model = fit_nearest_centroid(X[tr][:, inner], y[tr])
            scores.append(accuracy(y[va], predict_nearest_centroid(model, X[va][:, inner])))
        right.append(np.mean(scores))
    return np.array(wrong), np.array(right)
