"""4장(신경망: 순전파와 역전파)의 실험이 쓰는 수치 코드와 그림 도우미.

층 수에 상관없이 쓰는 시그모이드 신경망입니다. 가중치는 층마다 하나씩 든 리스트
``thetas = [Θ^(1), Θ^(2), …]``로 다루고, ``Θ^(l)``의 모양은 ``(s_{l+1}, s_l + 1)``입니다
(0번 열이 편향 유닛의 가중치). 입력 ``X (m, n)``에는 편향 열이 없고, 한 행이 샘플 하나입니다.

과제의 채점 대상 함수(세 층 전용 인터페이스)와는 모양이 다른 일반형이며, 책의 실험을
돌리는 데만 쓰입니다.
"""
from __future__ import annotations

import numpy as np

from .numerics import sigmoid

__all__ = [
    "sigmoid",
    "init_weights",
    "forward",
    "cost_and_gradients",
    "predict_labels",
    "train",
    "unroll",
    "roll",
    "digits_split",
    "draw_network",
]


def init_weights(layer_sizes, epsilon=0.12, seed=None, zeros=False):
    """층 크기 목록에 맞는 가중치 행렬들을 만듭니다.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[s_1, s_2, …, s_L]`` (편향 유닛 제외). 예: ``[64, 25, 10]``.
    epsilon : float
        ``zeros=False``일 때 [−ε, ε]에서 고르게 뽑습니다.
    seed : int 또는 None
    zeros : bool
        True면 모두 0으로 둡니다(대칭 문제 실험용).

    Returns
    -------
    thetas : list of ndarray
        ``thetas[l]``의 모양은 ``(s_{l+2}, s_{l+1} + 1)``.
    """
    rng = np.random.default_rng(seed)
    shapes = [(s_out, s_in + 1) for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)]
    if zeros:
        return [np.zeros(s) for s in shapes]
    return [rng.uniform(-epsilon, epsilon, size=s) for s in shapes]


def forward(thetas, X):
    """순전파: 층마다 z와 a를 계산합니다.

    Parameters
    ----------
    thetas : list of ndarray
    X : ndarray, shape (m, n)

    Returns
    -------
    activations : list of ndarray
        ``activations[0]``은 편향 열을 붙인 입력 (m, n+1), 마지막 원소는 출력 (m, K).
        중간 층은 편향 열을 앞에 붙인 (m, s_l + 1).
    zs : list of ndarray
        ``zs[l]``은 ``activations[l] @ thetas[l].T``, 모양 (m, s_{l+2}).
    """
    X = np.asarray(X, dtype=float)
    ones = np.ones((X.shape[0], 1))
    a = np.hstack([ones, X])
    activations, zs = [a], []
    for l, theta in enumerate(thetas):
        z = a @ theta.T
        zs.append(z)
        a = sigmoid(z)
        if l < len(thetas) - 1:
            a = np.hstack([ones, a])
        activations.append(a)
    return activations, zs


def cost_and_gradients(thetas, X, Y, lambda_=0.0):
    """규제가 들어간 K-클래스 교차 엔트로피 비용과 역전파 기울기를 함께 계산합니다.

    Parameters
    ----------
    thetas : list of ndarray
    X : ndarray, shape (m, n)
    Y : ndarray, shape (m, K)
        원-핫 정답.
    lambda_ : float
        규제 세기 λ. 편향 열(0번 열)은 규제하지 않습니다.

    Returns
    -------
    J : float
    grads : list of ndarray
        ``thetas``와 같은 모양들.
    """
    m = X.shape[0]
    activations, zs = forward(thetas, X)
    out = activations[-1]
    # log(0)을 피하려고 아주 작은 값으로 자릅니다.
    out_c = np.clip(out, 1e-12, 1 - 1e-12)
    J = -np.sum(Y * np.log(out_c) + (1 - Y) * np.log(1 - out_c)) / m
    J += lambda_ / (2 * m) * sum(np.sum(t[:, 1:] ** 2) for t in thetas)

    grads = [None] * len(thetas)
    delta = out - Y
    for l in range(len(thetas) - 1, -1, -1):
        grads[l] = delta.T @ activations[l] / m
        grads[l][:, 1:] += lambda_ / m * thetas[l][:, 1:]
        if l > 0:
            g = sigmoid(zs[l - 1])
            delta = (delta @ thetas[l][:, 1:]) * g * (1 - g)
    return float(J), grads


def predict_labels(thetas, X):
    """출력층에서 값이 가장 큰 유닛의 번호를 라벨로 돌려줍니다. shape (m,)."""
    activations, _ = forward(thetas, X)
    return activations[-1].argmax(axis=1)


def train(thetas, X, Y, alpha=2.0, lambda_=1.0, num_iters=300, X_val=None, Y_val=None):
    """배치 경사 하강법으로 학습합니다. 들어온 가중치는 바꾸지 않습니다.

    Parameters
    ----------
    thetas : list of ndarray
        시작 가중치.
    X : ndarray, shape (m, n)
    Y : ndarray, shape (m, K)
    alpha, lambda_ : float
        학습률 α와 규제 세기 λ.
    num_iters : int
    X_val, Y_val : ndarray 또는 None
        주면 갱신할 때마다 이 세트의 비용(λ 없이)도 기록합니다.

    Returns
    -------
    thetas : list of ndarray
        학습된 가중치.
    history : dict
        ``"train"``: 갱신할 때마다 그 직후의 훈련 비용(λ 포함), shape (num_iters,). 2장의 ``descend``,
        과제의 ``J_history``와 같은 약속입니다(시작점의 비용은 넣지 않음).
        ``"val"``: 같은 때의 검증 비용, 검증 세트를 준 때만.
    """
    from threadpoolctl import threadpool_limits

    thetas = [np.array(t, dtype=float) for t in thetas]
    history = {"train": np.empty(num_iters)}
    if X_val is not None:
        history["val"] = np.empty(num_iters)
    # 행렬이 작아 BLAS 스레드를 여럿 띄우면 오히려 느려집니다(특히 다른 작업과 CPU를 나눌 때).
    with threadpool_limits(limits=1):
        _, grads = cost_and_gradients(thetas, X, Y, lambda_)
        for it in range(num_iters):
            for t, g in zip(thetas, grads, strict=True):
                t -= alpha * g
            history["train"][it], grads = cost_and_gradients(thetas, X, Y, lambda_)
            if X_val is not None:
                history["val"][it], _ = cost_and_gradients(thetas, X_val, Y_val)
    return thetas, history


def unroll(thetas):
    """가중치 행렬들을 한 줄 벡터로 펼칩니다(기울기 검사처럼 매개변수 벡터 하나를 다루는 도구에 넘길 때).

    Parameters
    ----------
    thetas : list of ndarray

    Returns
    -------
    ndarray, shape (전체 원소 수,)
    """
    return np.concatenate([np.ravel(t) for t in thetas])


def roll(vector, shapes):
    """:func:`unroll`의 반대: 한 줄 벡터를 주어진 모양의 행렬들로 되접습니다.

    Parameters
    ----------
    vector : ndarray, shape (전체 원소 수,)
    shapes : list of tuple

    Returns
    -------
    list of ndarray
    """
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(np.reshape(vector[start:start + size], shape))
        start += size
    return out


def digits_split(test_size=397, seed=0, val_size=0):
    """scikit-learn의 손글씨 숫자(8×8)를 훈련 세트와 테스트 세트(와 검증 세트)로 나눕니다.

    화소 값 0–16을 16으로 나눠 0–1로 맞춥니다. ``val_size > 0``이면 테스트 세트가 아닌 쪽에서
    그만큼을 검증 세트로 떼어 ``X_val``, ``y_val``, ``Y_val``로 함께 돌려줍니다.

    Returns
    -------
    dict
        ``X_train (m, 64)``, ``y_train (m,)``, ``Y_train (m, 10)`` 원-핫,
        ``X_test``, ``y_test``, ``Y_test``, ``images_test (m_test, 8, 8)``,
        그리고 ``val_size > 0``이면 ``X_val``, ``y_val``, ``Y_val``.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0
    y = digits.target
    perm = np.random.default_rng(seed).permutation(len(y))
    test, tr = perm[:test_size], perm[test_size:]
    eye = np.eye(10)
    out = {"X_test": X[test], "y_test": y[test], "Y_test": eye[y[test]], "images_test": digits.images[test]}
    if val_size:
        val, tr = tr[:val_size], tr[val_size:]
        out.update({"X_val": X[val], "y_val": y[val], "Y_val": eye[y[val]]})
    out.update({"X_train": X[tr], "y_train": y[tr], "Y_train": eye[y[tr]]})
    return out


def draw_network(ax, layer_sizes, layer_names=None, node_labels=None, bias=True,
                 edge_labels=None):
    """층 구조를 원(노드)과 선(가중치)으로 그립니다.

    Parameters
    ----------
    ax : matplotlib Axes
    layer_sizes : sequence of int
        층마다 유닛 수(편향 제외).
    layer_names : sequence of str 또는 None
        층 아래에 쓸 이름.
    node_labels : list of list of str 또는 None
        ``node_labels[l][i]``: l번째 층 i번째 노드의 글자. 편향 유닛이 있으면 0번이 편향.
    bias : bool
        마지막 층을 뺀 층마다 맨 위에 편향 유닛(회색)을 그립니다.
    edge_labels : dict 또는 None
        ``{(l, i, j): 글자}``: l번째 층 i번째 노드에서 다음 층 j번째 노드로 가는 선의 이름.
    """
    import matplotlib.patches as mpatches

    L = len(layer_sizes)
    radius = 0.28
    positions = []
    for l, s in enumerate(layer_sizes):
        has_bias = bias and l < L - 1
        count = s + (1 if has_bias else 0)
        ys = np.linspace((count - 1) / 2, -(count - 1) / 2, count)
        positions.append([(l * 2.6, y) for y in ys])

    for l in range(L - 1):
        has_bias_next = bias and l + 1 < L - 1
        targets = positions[l + 1][1:] if has_bias_next else positions[l + 1]
        for i, (x0, y0) in enumerate(positions[l]):
            for j, (x1, y1) in enumerate(targets):
                ax.plot([x0 + radius, x1 - radius], [y0, y1], color="0.55", lw=0.8, zorder=1)
                if edge_labels and (l, i, j) in edge_labels:
                    t = 0.3
                    ax.text(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + 0.12,
                            edge_labels[(l, i, j)], fontsize=9, color="C3", ha="center")

    for l, nodes in enumerate(positions):
        has_bias = bias and l < L - 1
        for i, (x, y) in enumerate(nodes):
            is_bias = has_bias and i == 0
            face = "0.85" if is_bias else ("C0" if l == 0 else "C1" if l < L - 1 else "C2")
            ax.add_patch(mpatches.Circle((x, y), radius, facecolor=face, edgecolor="k",
                                         alpha=0.9 if not is_bias else 1.0, zorder=2))
            if node_labels is not None:
                ax.text(x, y, node_labels[l][i], ha="center", va="center", fontsize=10,
                        zorder=3, color="k" if is_bias else "white")
        if layer_names is not None:
            ax.text(nodes[0][0], min(y for _, y in nodes) - 0.75, layer_names[l],
                    ha="center", va="top", fontsize=11)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
