"""2장(학습: 비용 함수와 경사 하강법)의 실험이 쓰는 수치 코드.

비용 함수는 ``cost, grad = f(theta)`` 꼴의 함수 하나로 다룹니다. 그러면 경사 하강법과
기울기 검사(gradient checking)를 어떤 비용 함수에나 똑같이 쓸 수 있습니다.
과제의 채점 대상 함수(``compute_cost(X, y, theta)`` 등)와는 인터페이스가 다른 일반형이며,
책의 그림과 실험을 돌리는 데만 쓰입니다.

모양 약속: ``X (m, n+1)``은 절편 열 x₀ = 1이 붙은 데이터, ``y (m,)``, ``theta (n+1,)``.
"""
from __future__ import annotations

import numpy as np

from .numerics import relative_error, sigmoid

__all__ = [
    "with_intercept",
    "sigmoid",
    "squared_error",
    "cross_entropy",
    "descend",
    "central_difference",
    "forward_difference",
    "relative_error",
    "least_squares",
    "standardize",
    "polynomial_features",
    "diabetes_bmi",
    "breast_cancer_split",
]


def with_intercept(X):
    """맨 앞에 1로 채운 열(x₀)을 붙인 새 배열.

    Parameters
    ----------
    X : ndarray, shape (m,) 또는 (m, n)

    Returns
    -------
    ndarray, shape (m, n+1)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    return np.column_stack([np.ones(len(X)), X])


def _penalty(theta, lambda_, m):
    """규제 항 λ/(2m)·Σ_{j≥1} θ_j²과 그 기울기(θ₀ 자리는 0)."""
    reg = np.array(theta, dtype=float)
    reg[0] = 0.0
    return lambda_ / (2 * m) * reg @ reg, lambda_ / m * reg


def squared_error(X, y, lambda_=0.0):
    """선형 회귀의 제곱 오차 비용 함수를 만듭니다.

    J(θ) = 1/(2m)·‖Xθ − y‖² + λ/(2m)·Σ_{j≥1} θ_j².

    Parameters
    ----------
    X : ndarray, shape (m, n+1)
    y : ndarray, shape (m,)
    lambda_ : float
        규제 세기 λ. θ₀은 규제하지 않습니다.

    Returns
    -------
    callable
        ``theta (n+1,) -> (cost: float, grad: ndarray (n+1,))``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m = len(y)

    def f(theta):
        r = X @ theta - y
        pen, dpen = _penalty(theta, lambda_, m)
        return float(r @ r / (2 * m) + pen), X.T @ r / m + dpen

    return f


def cross_entropy(X, y, lambda_=0.0):
    """로지스틱 회귀의 교차 엔트로피 비용 함수를 만듭니다.

    J(θ) = (1/m)·Σ[y·log(1 + e^(−z)) + (1 − y)·log(1 + e^(z))] + λ/(2m)·Σ_{j≥1} θ_j², z = Xθ.
    −log g(z) = log(1 + e^(−z))를 ``np.logaddexp``로 계산하므로 |z|가 커도 유한합니다.

    Parameters
    ----------
    X : ndarray, shape (m, n+1)
    y : ndarray, shape (m,), 값은 0 또는 1
    lambda_ : float

    Returns
    -------
    callable
        ``theta (n+1,) -> (cost: float, grad: ndarray (n+1,))``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m = len(y)

    def f(theta):
        z = X @ theta
        data = np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))
        pen, dpen = _penalty(theta, lambda_, m)
        return float(data + pen), X.T @ (sigmoid(z) - y) / m + dpen

    return f


def descend(f, theta0, alpha, num_iters):
    """경사 하강법을 돌리며 지나온 길과 비용을 모두 기록합니다.

    Parameters
    ----------
    f : callable
        ``theta -> (cost, grad)``.
    theta0 : ndarray, shape (k,)
        시작점. 바꾸지 않습니다.
    alpha : float
        학습률.
    num_iters : int

    Returns
    -------
    theta : ndarray, shape (k,)
        마지막 θ.
    path : ndarray, shape (num_iters+1, k)
        시작점을 포함한 θ의 자취.
    history : ndarray, shape (num_iters,)
        갱신할 때마다 그 직후의 비용(과제의 ``J_history``와 같은 약속: 시작점의 비용은 넣지 않고,
        ``history[t]``는 t+1번째 갱신 뒤의 비용). 발산하면 inf나 nan이 들어 있을 수 있습니다.
    """
    theta = np.array(theta0, dtype=float)
    path = [theta.copy()]
    cost, grad = f(theta)
    history = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_iters):
            theta = theta - alpha * grad
            cost, grad = f(theta)
            path.append(theta.copy())
            history.append(cost)
    return theta, np.array(path), np.array(history)


def central_difference(cost, theta, eps=1e-4):
    """중앙 차분 (J(θ + εe_j) − J(θ − εe_j)) / (2ε)으로 기울기를 어림합니다.

    Parameters
    ----------
    cost : callable
        ``theta -> float``.
    theta : ndarray, 임의의 모양
    eps : float

    Returns
    -------
    ndarray, theta와 같은 모양
    """
    theta = np.asarray(theta, dtype=float)
    grad = np.empty_like(theta)
    for idx in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[idx] = eps
        grad[idx] = (cost(theta + step) - cost(theta - step)) / (2 * eps)
    return grad


def forward_difference(cost, theta, eps=1e-4):
    """전진 차분 (J(θ + εe_j) − J(θ)) / ε. 중앙 차분과 견주려고 둡니다.

    Parameters
    ----------
    cost : callable
        ``theta -> float``.
    theta : ndarray, 임의의 모양
    eps : float

    Returns
    -------
    ndarray, theta와 같은 모양
    """
    theta = np.asarray(theta, dtype=float)
    base = cost(theta)
    grad = np.empty_like(theta)
    for idx in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[idx] = eps
        grad[idx] = (cost(theta + step) - base) / eps
    return grad


def least_squares(X, y, lambda_=0.0):
    """정규 방정식(normal equation)으로 제곱 오차를 최소로 하는 θ를 한 번에 구합니다.

    λ = 0이면 유사역행렬로 θ = X⁺y, λ > 0이면 θ = (XᵀX + λL)⁻¹Xᵀy
    (L은 θ₀ 자리만 0인 단위행렬)를 풉니다.

    Parameters
    ----------
    X : ndarray, shape (m, n+1)
    y : ndarray, shape (m,)
    lambda_ : float

    Returns
    -------
    ndarray, shape (n+1,)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if lambda_ == 0:
        return np.linalg.pinv(X) @ y
    L = np.eye(X.shape[1])
    L[0, 0] = 0.0
    return np.linalg.solve(X.T @ X + lambda_ * L, X.T @ y)


def standardize(X, mu=None, sigma=None):
    """열마다 평균을 빼고 표준편차(ddof=0)로 나눕니다. 상수 열의 σ는 1로 둡니다.

    Parameters
    ----------
    X : ndarray, shape (m, n)
    mu, sigma : ndarray, shape (n,), optional
        주어지면 그 값으로 변환합니다(검증 데이터에 훈련 세트의 값을 쓸 때).

    Returns
    -------
    X_std : ndarray, shape (m, n)
    mu : ndarray, shape (n,)
    sigma : ndarray, shape (n,)
    """
    X = np.asarray(X, dtype=float)
    if mu is None:
        mu = X.mean(axis=0)
        sigma = X.std(axis=0)
        sigma = np.where(sigma == 0, 1.0, sigma)
    return (X - mu) / sigma, mu, sigma


def polynomial_features(x, degree):
    """x, x², …, x^degree를 열로 쌓습니다(절편 열은 붙이지 않음).

    Parameters
    ----------
    x : ndarray, shape (m,)
    degree : int

    Returns
    -------
    ndarray, shape (m, degree)
    """
    x = np.asarray(x, dtype=float)
    return np.column_stack([x**d for d in range(1, degree + 1)])


def diabetes_bmi():
    """당뇨병 데이터(scikit-learn 동봉)에서 BMI 하나와 1년 뒤 진행 정도를 가져옵니다.

    Returns
    -------
    bmi : ndarray, shape (442,)
        체질량지수(원래 단위, kg/m²).
    y : ndarray, shape (442,)
        1년 뒤 질병 진행 정도를 나타내는 수치.
    """
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    bmi = data.data[:, list(data.feature_names).index("bmi")]
    return bmi.astype(float), data.target.astype(float)


def breast_cancer_split(test_size=0.3, seed=0):
    """유방암 데이터(scikit-learn 동봉)를 훈련 세트와 테스트 세트로 나눕니다.

    Parameters
    ----------
    test_size : float
    seed : int

    Returns
    -------
    X_train : ndarray, shape (m_train, 30)
    X_test : ndarray, shape (m_test, 30)
    y_train, y_test : ndarray, 값은 1(악성) 또는 0(악성 아님). 책 전체의 약속대로
        찾고 싶은 쪽(악성)이 1입니다(scikit-learn의 target은 양성 종양이 1이라 뒤집습니다).
    feature_names : list of str
    """
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    malignant = 1.0 - data.target
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data.target))
    n_test = int(round(test_size * len(order)))
    test, train = order[:n_test], order[n_test:]
    return (data.data[train].astype(float), data.data[test].astype(float),
            malignant[train], malignant[test], list(data.feature_names))


def validation_split(X, y, val_size=0.25, seed=0):
    """훈련 세트에서 검증 세트를 떼어 냅니다(테스트 세트는 건드리지 않습니다).

    Returns
    -------
    X_fit, X_val, y_fit, y_val : ndarray
    """
    order = np.random.default_rng(seed).permutation(len(y))
    n_val = int(round(val_size * len(order)))
    val, fit = order[:n_val], order[n_val:]
    return X[fit], X[val], y[fit], y[val]
