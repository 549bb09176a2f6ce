"""3장(평가: 교차 검증)의 실험이 쓰는 코드: 데이터 나누기, 표본 추출, 평가 지표, 비교할 두 모델.

나누기와 지표 함수의 이름·인자·반환값은 과제 ``ch03_evaluation``의 고정 API와 같습니다.
책 본문에는 풀이를 싣지 않고 여기서 import해 씁니다.

난수는 모두 ``np.random.default_rng(seed)``로 만든 생성기에서 뽑습니다. 전역 난수 상태
(``np.random.seed``)를 건드리면 이 함수를 부른 쪽의 다른 난수까지 바뀌기 때문입니다.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = [
    "holdout_split",
    "kfold_indices",
    "stratified_kfold_indices",
    "cross_validate",
    "cross_validate_folds",
    "accuracy",
    "confusion_matrix",
    "precision_recall_f1",
    "simple_random_sample",
    "systematic_sample",
    "first_n_sample",
    "stratified_sample",
    "cluster_sample",
    "fit_logistic",
    "predict_logistic",
    "fit_linear_classifier",
    "predict_linear_classifier",
    "predict_proba_logistic",
    "out_of_fold_predictions",
    "roc_points",
    "precision_recall_points",
    "area_under",
    "paired_interval",
]


# ---------------------------------------------------------------------------
# 데이터 나누기
# ---------------------------------------------------------------------------

def _check_k(m: int, k: int) -> None:
    if k < 2:
        raise ValueError(f"k는 2 이상이어야 합니다(받은 값: k={k}).")
    if k > m:
        raise ValueError(f"k는 샘플 수 m을 넘을 수 없습니다(받은 값: k={k}, m={m}).")


def _fold_sizes(m: int, k: int) -> np.ndarray:
    """앞의 m % k개 폴드가 한 개씩 더 많은 k개 폴드의 크기."""
    sizes = np.full(k, m // k, dtype=int)
    sizes[: m % k] += 1
    return sizes


def holdout_split(m, test_ratio=0.2, seed=0):
    """샘플 번호 0..m-1을 무작위로 훈련 세트와 테스트 세트로 나눕니다.

    Parameters
    ----------
    m : int
        샘플 수.
    test_ratio : float
        테스트 세트의 비율, 0과 1 사이.
    seed : int or None
        난수 시드. 같은 시드면 같은 분할이 나옵니다.

    Returns
    -------
    train_idx : ndarray of int, shape (m - ceil(test_ratio*m),)
    test_idx : ndarray of int, shape (ceil(test_ratio*m),)
    """
    if not 0 < test_ratio < 1:
        raise ValueError("test_ratio는 0과 1 사이여야 합니다.")
    n_test = math.ceil(test_ratio * m)
    perm = np.random.default_rng(seed).permutation(m)
    return perm[n_test:], perm[:n_test]


def kfold_indices(m, k, shuffle=False, seed=None):
    """K-겹 교차 검증의 (훈련 번호, 검증 번호) 쌍 k개.

    Parameters
    ----------
    m : int
        샘플 수.
    k : int
        폴드 수, 2 <= k <= m.
    shuffle : bool
        True이면 시드로 섞은 순서에서 폴드를 자릅니다.
    seed : int or None
        shuffle=True일 때 쓰는 시드.

    Returns
    -------
    folds : list of (train_idx, val_idx)
        val_idx의 크기는 앞의 m % k개가 m//k + 1, 나머지가 m//k. train_idx는 나머지 전부.
    """
    _check_k(m, k)
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    bounds = np.concatenate([[0], np.cumsum(_fold_sizes(m, k))])
    folds = []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        folds.append((np.concatenate([order[:start], order[stop:]]), order[start:stop]))
    return folds


def stratified_kfold_indices(y, k, seed=None):
    """폴드마다 클래스 비율이 전체와 거의 같은 K-겹 분할.

    클래스별로 모은 번호를 이어 붙인 뒤 0, 1, …, k-1, 0, 1, … 차례로 폴드에 나눠 줍니다.
    그러면 클래스 c의 샘플 n_c개는 폴드마다 floor(n_c/k)개 또는 ceil(n_c/k)개씩 들어갑니다.

    Parameters
    ----------
    y : ndarray, shape (m,)
        클래스 레이블.
    k : int
        폴드 수, 2 <= k <= m.
    seed : int or None
        None이면 섞지 않고, 정수이면 클래스 안의 순서를 그 시드로 섞습니다.

    Returns
    -------
    folds : list of (train_idx, val_idx)
    """
    y = np.asarray(y)
    m = y.shape[0]
    _check_k(m, k)
    rng = np.random.default_rng(seed) if seed is not None else None
    order = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if rng is not None:
            members = rng.permutation(members)
        order.append(members)
    order = np.concatenate(order)
    fold_of = np.empty(m, dtype=int)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]


def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    """K-겹 교차 검증으로 폴드마다 점수를 구합니다.

    Parameters
    ----------
    fit : callable
        ``fit(X_tr, y_tr)`` → 모델.
    predict : callable
        ``predict(model, X_val)`` → 예측, shape (m_val,).
    X : ndarray, shape (m, n)
    y : ndarray, shape (m,)
    k : int
    metric : callable or None
        ``metric(y_true, y_pred)`` → float. None이면 정확도.
    shuffle, seed
        ``kfold_indices``에 그대로 넘깁니다.

    Returns
    -------
    scores : ndarray, shape (k,)
        ``kfold_indices``의 폴드 순서대로의 점수.
    """
    folds = kfold_indices(len(X), k, shuffle=shuffle, seed=seed)
    return cross_validate_folds(fit, predict, X, y, folds, metric=metric)


def cross_validate_folds(fit, predict, X, y, folds, metric=None):
    """이미 만든 분할(예: 층화 K-겹) ``folds``로 교차 검증합니다.

    Parameters
    ----------
    fit, predict, X, y, metric
        ``cross_validate``와 같습니다.
    folds : list of (train_idx, val_idx)

    Returns
    -------
    scores : ndarray, shape (len(folds),)
    """
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in folds:
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(y[val_idx], predict(model, X[val_idx])))
    return np.asarray(scores, dtype=float)


# ---------------------------------------------------------------------------
# 평가 지표
# ---------------------------------------------------------------------------

def accuracy(y_true, y_pred):
    """맞힌 비율.

    Parameters
    ----------
    y_true, y_pred : ndarray, shape (m,)

    Returns
    -------
    float
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, num_classes=None):
    """혼동 행렬: 행은 실제 클래스, 열은 예측 클래스.

    Parameters
    ----------
    y_true, y_pred : ndarray, shape (m,)
        0..K-1의 레이블.
    num_classes : int or None
        K. None이면 두 배열에 나온 가장 큰 레이블 + 1.

    Returns
    -------
    C : ndarray of int, shape (K, K)
        C[i, j] = 실제 i를 j로 예측한 샘플 수.
    """
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    return np.bincount(t * K + p, minlength=K * K).reshape(K, K)


def precision_recall_f1(y_true, y_pred, positive=1):
    """양성 클래스 ``positive``에 대한 정밀도, 재현율, F1 점수. 분모가 0이면 0.0.

    Parameters
    ----------
    y_true, y_pred : ndarray, shape (m,)
    positive : 레이블

    Returns
    -------
    precision, recall, f1 : float
    """
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp = int(np.sum(t & p))
    fp = int(np.sum(~t & p))
    fn = int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------------------
# 표본 추출: 모두 m개 중 n개의 번호를 돌려줍니다.
# ---------------------------------------------------------------------------

def simple_random_sample(m, n, rng):
    """단순 무작위 추출: 모든 n개 조합이 같은 확률."""
    return np.sort(rng.choice(m, size=n, replace=False))


def systematic_sample(m, n, rng):
    """계통 추출: 무작위 시작점에서 m/n 간격으로 하나씩."""
    step = m / n
    start = rng.uniform(0, step)
    return np.floor(start + step * np.arange(n)).astype(int)


def first_n_sample(m, n, rng=None):
    """앞에서부터 n개. 데이터가 정렬되어 있으면 크게 치우칩니다."""
    return np.arange(n)


def stratified_sample(y, n, rng):
    """층화 추출: 클래스 비율대로 각 클래스에서 무작위로."""
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    quota = np.floor(n * counts / counts.sum()).astype(int)
    # 내림으로 모자란 몫은 소수 부분이 큰 클래스부터 채웁니다.
    short = n - quota.sum()
    quota[np.argsort(-(n * counts / counts.sum() - quota))[:short]] += 1
    picked = [rng.choice(np.flatnonzero(y == c), size=q, replace=False) for c, q in zip(classes, quota, strict=True)]
    return np.sort(np.concatenate(picked))


def cluster_sample(groups, n_clusters, rng):
    """군집 추출: 군집(그룹) 몇 개를 골라 그 안의 샘플을 모두."""
    groups = np.asarray(groups)
    chosen = rng.choice(np.unique(groups), size=n_clusters, replace=False)
    return np.flatnonzero(np.isin(groups, chosen))


# ---------------------------------------------------------------------------
# 비교할 두 모델 (1·2장): 모델은 dict로, 특성 스케일링 통계도 훈련 데이터에서만 구합니다.
# ---------------------------------------------------------------------------

def _scaler(X):
    mu = X.mean(axis=0)
    sigma = X.std(axis=0)
    sigma[sigma == 0] = 1.0
    return mu, sigma


def _design(X, mu, sigma):
    Xn = (X - mu) / sigma
    return np.column_stack([np.ones(len(X)), Xn])


def fit_logistic(X, y, alpha=0.5, num_iters=300, lambda_=0.0):
    """경사 하강법으로 학습한 로지스틱 회귀(이진 분류, y는 0/1).

    Parameters
    ----------
    X : ndarray, shape (m, n)
    y : ndarray, shape (m,)
    alpha, num_iters, lambda_ : 학습률, 반복 횟수, 규제 세기(θ₀ 제외)

    Returns
    -------
    model : dict
        ``mu``, ``sigma`` (n,) 스케일링 통계, ``theta`` (n+1,).
    """
    mu, sigma = _scaler(X)
    A = _design(X, mu, sigma)
    m = len(y)
    theta = np.zeros(A.shape[1])
    reg = np.full_like(theta, lambda_ / m)
    reg[0] = 0.0
    for _ in range(num_iters):
        h = 0.5 * (1 + np.tanh(0.5 * (A @ theta)))
        theta = theta - alpha * (A.T @ (h - y) / m + reg * theta)
    return {"mu": mu, "sigma": sigma, "theta": theta}


def predict_logistic(model, X, threshold=0.5):
    """h_θ(x) ≥ threshold이면 1.

    Returns
    -------
    ndarray of int, shape (m,)
    """
    z = _design(X, model["mu"], model["sigma"]) @ model["theta"]
    return (0.5 * (1 + np.tanh(0.5 * z)) >= threshold).astype(int)


def fit_linear_classifier(X, y):
    """선형 회귀 분류기: 원-핫 목표에 정규 방정식으로 h_θ(x) = θᵀx를 맞춥니다.

    Parameters
    ----------
    X : ndarray, shape (m, n)
    y : ndarray, shape (m,)
        훈련 세트에 나온 클래스만 예측할 수 있습니다.

    Returns
    -------
    model : dict
        ``classes`` (K,), ``mu``, ``sigma`` (n,), ``Theta`` (n+1, K).
    """
    mu, sigma = _scaler(X)
    A = _design(X, mu, sigma)
    classes, codes = np.unique(y, return_inverse=True)
    Y = np.eye(len(classes))[codes]
    Theta = np.linalg.lstsq(A, Y, rcond=None)[0]
    return {"classes": classes, "mu": mu, "sigma": sigma, "Theta": Theta}


def predict_linear_classifier(model, X):
    """θᵀx가 가장 큰 클래스.

    Returns
    -------
    ndarray, shape (m,)
    """
    scores = _design(X, model["mu"], model["sigma"]) @ model["Theta"]
    return model["classes"][np.argmax(scores, axis=1)]


# ---------------------------------------------------------------------------
# 문턱값과 곡선, 폴드를 모은 예측, 짝지은 비교 (3장의 뒷부분)
# ---------------------------------------------------------------------------

def predict_proba_logistic(model, X):
    """로지스틱 회귀의 h_θ(x), 곧 y = 1일 확률의 추정값.

    Returns
    -------
    ndarray of float, shape (m,)
    """
    z = _design(X, model["mu"], model["sigma"]) @ model["theta"]
    return 0.5 * (1 + np.tanh(0.5 * z))


def out_of_fold_predictions(fit, predict, X, y, folds):
    """샘플마다 그 샘플을 검증 폴드로 둔 모델의 예측을 모읍니다.

    폴드가 ``range(m)``을 나누므로 샘플마다 예측이 정확히 하나씩 생기고, 어느 예측도 그 샘플로 학습한
    모델에서 나오지 않습니다. 이 예측 전체로 지표를 한 번 계산하면(폴드를 모은 지표) 폴드마다의 분모가
    작거나 0이어서 생기는 문제가 없습니다.

    Parameters
    ----------
    fit, predict : ``cross_validate``와 같습니다. ``predict``는 레이블 대신 점수(확률)를 돌려줘도 됩니다.
    X : ndarray, shape (m, n)
    y : ndarray, shape (m,)
    folds : list of (train_idx, val_idx)

    Returns
    -------
    ndarray, shape (m,)
    """
    out = None
    for train_idx, val_idx in folds:
        pred = np.asarray(predict(fit(X[train_idx], y[train_idx]), X[val_idx]))
        if out is None:
            out = np.empty(len(X), dtype=pred.dtype)
        out[val_idx] = pred
    return out


def roc_points(y_true, scores):
    """ROC 곡선의 점: 문턱값을 가장 높은 점수부터 낮춰 가며 (거짓 양성률, 참 양성률).

    Parameters
    ----------
    y_true : ndarray of 0/1, shape (m,)
    scores : ndarray, shape (m,)
        클수록 양성(1)에 가깝다는 점수(예: h_θ(x)).

    Returns
    -------
    fpr, tpr : ndarray, shape (T + 1,)
        (0, 0)에서 시작해 (1, 1)에서 끝납니다. T는 서로 다른 점수의 개수.
    thresholds : ndarray, shape (T + 1,)
        ``scores >= thresholds[t]``이면 양성으로 예측할 때의 점. 첫 값은 +∞.
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y_true[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]   # 같은 점수 묶음의 마지막 자리
    tp = np.cumsum(t == 1)[last]
    fp = np.cumsum(t != 1)[last]
    positives, negatives = max(tp[-1], 1), max(fp[-1], 1)
    return (np.r_[0.0, fp / negatives], np.r_[0.0, tp / positives], np.r_[np.inf, s[last]])


def precision_recall_points(y_true, scores):
    """정밀도-재현율 곡선의 점(문턱값을 가장 높은 점수부터 낮춰 가며).

    Returns
    -------
    precision, recall, thresholds : ndarray, shape (T,)
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y_true[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tp = np.cumsum(t == 1)[last]
    predicted = last + 1
    return tp / predicted, tp / max(int(np.sum(y_true == 1)), 1), s[last]


def area_under(x, y):
    """꺾은선 (x, y) 아래의 넓이(사다리꼴 공식). ROC 곡선이면 AUC."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def paired_interval(differences, test_fraction, level=0.95):
    """같은 폴드에서 짝지은 점수 차이의 평균과 신뢰 구간(보정한 반복 t 구간).

    K-겹을 시드를 바꿔 되풀이하면 폴드의 훈련 세트가 서로 겹쳐 차이들이 독립이 아닙니다.
    그래서 보통의 t 구간은 너무 좁습니다. Nadeau와 Bengio(2003)는 분산에
    ``1/n_d + n_test/n_train``을 곱해 이를 보정했습니다(n_d는 차이의 개수).

    Parameters
    ----------
    differences : ndarray
        폴드마다의 점수 차이(두 모델, 같은 폴드). 모양은 상관없이 모두 씁니다.
    test_fraction : float
        검증 폴드의 크기 / 훈련 세트의 크기 (K-겹이면 1/(K−1)).
    level : float

    Returns
    -------
    mean, low, high : float
    """
    from scipy import stats

    d = np.ravel(np.asarray(differences, dtype=float))
    n_d = len(d)
    var = d.var(ddof=1) * (1 / n_d + test_fraction)
    half = stats.t.ppf(0.5 + level / 2, df=n_d - 1) * np.sqrt(var)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)
