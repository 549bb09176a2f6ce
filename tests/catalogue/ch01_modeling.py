"""ch01_modeling: 학생이 할 법한 실수들과, 다르게 썼지만 맞는 구현."""
from tests.catalogue import Variant, Wrong

WRONG = [
    # add_intercept
    Wrong("intercept_column_appended_last", "add_intercept", '''
def add_intercept(X):
    X = np.asarray(X, dtype=float)
    return np.hstack([X, np.ones((X.shape[0], 1))])
'''),
    Wrong("intercept_keeps_integer_dtype", "add_intercept", '''
def add_intercept(X):
    X = np.asarray(X)
    return np.hstack([np.ones((X.shape[0], 1), dtype=X.dtype), X])
'''),
    Wrong("intercept_modifies_input", "add_intercept", '''
def add_intercept(X):
    X[:, 0] = X[:, 0]  # harmless-looking
    out = np.empty((X.shape[0], X.shape[1] + 1))
    out[:, 1:] = X
    out[:, 0] = 1
    X *= 1.0001
    return out
'''),
    # linear_hypothesis
    Wrong("elementwise_product_not_summed", "linear_hypothesis", '''
def linear_hypothesis(X, theta):
    return (X * theta)[:, 0] + (X * theta)[:, -1]
'''),
    Wrong("column_vector_output", "linear_hypothesis", '''
def linear_hypothesis(X, theta):
    return X @ theta.reshape(-1, 1)
'''),
    Wrong("theta_zero_ignored", "linear_hypothesis", '''
def linear_hypothesis(X, theta):
    return X[:, 1:] @ theta[1:]
'''),
    # sigmoid
    Wrong("sigmoid_overflows", "sigmoid", '''
def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
'''),
    Wrong("sigmoid_sign_flipped", "sigmoid", '''
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -500, 500)
    return 1 / (1 + np.exp(z))
'''),
    Wrong("sigmoid_clips_too_early", "sigmoid", '''
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -10, 10)
    return 1 / (1 + np.exp(-z))
'''),
    Wrong("sigmoid_flattens_shape", "sigmoid", '''
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float).ravel(), -500, 500)
    return 1 / (1 + np.exp(-z))
'''),
    Wrong("sigmoid_scalar_in_zero_dim_array_out", "sigmoid", '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
'''),
    # logistic_hypothesis
    Wrong("logistic_without_sigmoid", "logistic_hypothesis", '''
def logistic_hypothesis(X, theta):
    return X @ theta
'''),
    Wrong("logistic_sigmoid_of_x_only", "logistic_hypothesis", '''
def logistic_hypothesis(X, theta):
    return sigmoid(X).sum(axis=1) * theta.sum() / X.shape[1]
'''),
    Wrong("logistic_one_minus", "logistic_hypothesis", '''
def logistic_hypothesis(X, theta):
    return 1 - sigmoid(X @ theta)
'''),
    # feature_normalize
    Wrong("normalize_with_ddof_1", "feature_normalize", '''
def feature_normalize(X):
    mu = X.mean(axis=0)
    sigma = X.std(axis=0, ddof=1)
    sigma = np.where(sigma == 0, 1.0, sigma)
    return (X - mu) / sigma, mu, sigma
'''),
    Wrong("constant_column_gives_nan", "feature_normalize", '''
def feature_normalize(X):
    mu = X.mean(axis=0)
    sigma = X.std(axis=0)
    with np.errstate(all="ignore"):
        return (X - mu) / sigma, mu, sigma
'''),
    Wrong("normalize_over_rows", "feature_normalize", '''
def feature_normalize(X):
    mu = X.mean(axis=1, keepdims=True)
    sigma = X.std(axis=1, keepdims=True)
    sigma = np.where(sigma == 0, 1.0, sigma)
    return (X - mu) / sigma, mu.ravel()[:X.shape[1]], sigma.ravel()[:X.shape[1]]
'''),
    Wrong("normalize_in_place", "feature_normalize", '''
def feature_normalize(X):
    mu = X.mean(axis=0)
    sigma = X.std(axis=0)
    sigma = np.where(sigma == 0, 1.0, sigma)
    X -= mu
    X /= sigma
    return X, mu, sigma
'''),
    # predict_binary
    Wrong("predict_returns_booleans", "predict_binary", '''
def predict_binary(X, theta, threshold=0.5):
    return logistic_hypothesis(X, theta) >= threshold
'''),
    Wrong("predict_returns_floats", "predict_binary", '''
def predict_binary(X, theta, threshold=0.5):
    return np.where(logistic_hypothesis(X, theta) >= threshold, 1.0, 0.0)
'''),
    Wrong("predict_strict_inequality", "predict_binary", '''
def predict_binary(X, theta, threshold=0.5):
    return (logistic_hypothesis(X, theta) > threshold).astype(int)
'''),
    Wrong("predict_ignores_threshold", "predict_binary", '''
def predict_binary(X, theta, threshold=0.5):
    return (X @ theta >= 0).astype(int)
'''),
]

VARIANTS = [
    Variant("loop_based_but_correct", {
        "add_intercept": '''
def add_intercept(X):
    m, n = np.shape(X)
    out = np.ones((m, n + 1))
    for i in range(m):
        for j in range(n):
            out[i, j + 1] = X[i][j]
    return out
''',
        "linear_hypothesis": '''
def linear_hypothesis(X, theta):
    h = np.zeros(len(X))
    for i in range(len(X)):
        for j in range(len(theta)):
            h[i] += X[i][j] * theta[j]
    return h
''',
        "sigmoid": '''
import math

def sigmoid(z):
    def one(v):
        if v >= 0:
            return 1.0 / (1.0 + math.exp(-v))
        e = math.exp(v)
        return e / (1.0 + e)
    arr = np.asarray(z, dtype=float)
    if arr.ndim == 0:
        return one(float(arr))
    return np.vectorize(one, otypes=[float])(arr)
''',
        "feature_normalize": '''
def feature_normalize(X):
    X = np.array(X, dtype=float)
    m, n = X.shape
    mu, sigma = np.zeros(n), np.ones(n)
    X_norm = np.zeros_like(X)
    for j in range(n):
        mu[j] = sum(X[:, j]) / m
        s = (sum((X[:, j] - mu[j]) ** 2) / m) ** 0.5
        sigma[j] = s if s > 0 else 1.0
        X_norm[:, j] = (X[:, j] - mu[j]) / sigma[j]
    return X_norm, mu, sigma
''',
        "predict_binary": '''
def predict_binary(X, theta, threshold=0.5):
    p = logistic_hypothesis(X, theta)
    return np.array([1 if v >= threshold else 0 for v in p], dtype=np.int64)
''',
    }),
    Variant("uses_tanh_identity", {
        "sigmoid": '''
def sigmoid(z):
    out = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
    return float(out) if out.ndim == 0 else out
''',
        "logistic_hypothesis": '''
def logistic_hypothesis(X, theta):
    return sigmoid(np.dot(X, theta))
''',
        "predict_binary": '''
def predict_binary(X, theta, threshold=0.5):
    # logistic_hypothesis를 거치지 않고 sigmoid를 직접 부릅니다(테스트는 sigmoid도 바꿔 끼웁니다).
    return np.where(sigmoid(np.asarray(X) @ np.asarray(theta)) >= threshold, 1, 0)
''',
    }),
]
