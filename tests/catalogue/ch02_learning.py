"""ch02_learning: 학생이 할 법한 실수들과, 다르게 썼지만 맞는 구현."""
from tests.catalogue import Variant, Wrong

WRONG = [
    # compute_cost
    Wrong("cost_one_over_m", "compute_cost", '''
def compute_cost(X, y, theta):
    m = len(y)
    return float(np.sum((X @ theta - y) ** 2) / m)
'''),
    Wrong("cost_sum_not_mean", "compute_cost", '''
def compute_cost(X, y, theta):
    return float(np.sum((X @ theta - y) ** 2) / 2)
'''),
    Wrong("cost_m_from_columns", "compute_cost", '''
def compute_cost(X, y, theta):
    m = X.shape[1]
    return float(np.sum((X @ theta - y) ** 2) / (2 * m))
'''),
    Wrong("cost_per_sample_array", "compute_cost", '''
def compute_cost(X, y, theta):
    return (X @ theta - y) ** 2 / (2 * len(y))
'''),
    Wrong("cost_square_of_sum", "compute_cost", '''
def compute_cost(X, y, theta):
    return float(np.sum(X @ theta - y) ** 2 / (2 * len(y)))
'''),
    # compute_gradient
    Wrong("gradient_sign_flipped", "compute_gradient", '''
def compute_gradient(X, y, theta):
    return X.T @ (y - X @ theta) / len(y)
'''),
    Wrong("gradient_missing_one_over_m", "compute_gradient", '''
def compute_gradient(X, y, theta):
    return X.T @ (X @ theta - y)
'''),
    Wrong("gradient_divides_by_2m", "compute_gradient", '''
def compute_gradient(X, y, theta):
    return X.T @ (X @ theta - y) / (2 * len(y))
'''),
    Wrong("gradient_sum_without_axis", "compute_gradient", '''
def compute_gradient(X, y, theta):
    residual = X @ theta - y
    return np.sum(X * residual[:, None]) / len(y)
'''),
    # gradient_descent
    Wrong("descent_updates_theta_in_place", "gradient_descent", '''
def gradient_descent(X, y, theta, alpha, num_iters):
    J_history = []
    for _ in range(num_iters):
        theta -= alpha * compute_gradient(X, y, theta)
        J_history.append(compute_cost(X, y, theta))
    return theta, np.array(J_history)
'''),
    Wrong("descent_records_cost_before_update", "gradient_descent", '''
def gradient_descent(X, y, theta, alpha, num_iters):
    theta = theta.copy()
    J_history = []
    for _ in range(num_iters):
        J_history.append(compute_cost(X, y, theta))
        theta = theta - alpha * compute_gradient(X, y, theta)
    return theta, np.array(J_history)
'''),
    Wrong("descent_history_includes_start", "gradient_descent", '''
def gradient_descent(X, y, theta, alpha, num_iters):
    theta = theta.copy()
    J_history = [compute_cost(X, y, theta)]
    for _ in range(num_iters):
        theta = theta - alpha * compute_gradient(X, y, theta)
        J_history.append(compute_cost(X, y, theta))
    return theta, np.array(J_history)
'''),
    Wrong("descent_not_simultaneous", "gradient_descent", '''
def gradient_descent(X, y, theta, alpha, num_iters):
    theta = theta.copy()
    J_history = []
    for _ in range(num_iters):
        for j in range(len(theta)):
            theta[j] = theta[j] - alpha * compute_gradient(X, y, theta)[j]
        J_history.append(compute_cost(X, y, theta))
    return theta, np.array(J_history)
'''),
    Wrong("descent_divides_by_m_twice", "gradient_descent", '''
def gradient_descent(X, y, theta, alpha, num_iters):
    m = len(y)
    theta = theta.copy()
    J_history = []
    for _ in range(num_iters):
        theta = theta - alpha / m * compute_gradient(X, y, theta)
        J_history.append(compute_cost(X, y, theta))
    return theta, np.array(J_history)
'''),
    # logistic_cost
    Wrong("logistic_cost_log_of_sigmoid", "logistic_cost", '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    h = sigmoid(X @ theta)
    data = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    return float(data + lambda_ / (2 * m) * np.sum(theta[1:] ** 2))
'''),
    Wrong("logistic_cost_clipped_probabilities", "logistic_cost", '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    h = np.clip(sigmoid(X @ theta), 1e-15, 1 - 1e-15)
    data = -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))
    return float(data + lambda_ / (2 * m) * np.sum(theta[1:] ** 2))
'''),
    Wrong("logistic_cost_regularizes_theta0", "logistic_cost", '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    z = X @ theta
    data = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return float(data + lambda_ / (2 * m) * np.sum(theta ** 2))
'''),
    Wrong("logistic_cost_lambda_over_m", "logistic_cost", '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    z = X @ theta
    data = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return float(data + lambda_ / m * np.sum(theta[1:] ** 2))
'''),
    Wrong("logistic_cost_missing_minus", "logistic_cost", '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    z = X @ theta
    data = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return float(-data + lambda_ / (2 * m) * np.sum(theta[1:] ** 2))
'''),
    # logistic_gradient
    Wrong("logistic_gradient_regularizes_theta0", "logistic_gradient", '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    return X.T @ (sigmoid(X @ theta) - y) / m + lambda_ / m * theta
'''),
    Wrong("logistic_gradient_sign_flipped", "logistic_gradient", '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    grad = X.T @ (y - sigmoid(X @ theta)) / m
    grad[1:] += lambda_ / m * theta[1:]
    return grad
'''),
    Wrong("logistic_gradient_penalty_missing_one_over_m", "logistic_gradient", '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    grad = X.T @ (sigmoid(X @ theta) - y) / m
    grad[1:] += lambda_ * theta[1:]
    return grad
'''),
    Wrong("logistic_gradient_of_squared_error", "logistic_gradient", '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    h = sigmoid(X @ theta)
    grad = X.T @ ((h - y) * h * (1 - h)) / m
    grad[1:] += lambda_ / m * theta[1:]
    return grad
'''),
    Wrong("logistic_gradient_zeroes_theta0_of_input", "logistic_gradient", '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    grad = X.T @ (sigmoid(X @ theta) - y) / m
    theta[0] = 0.0
    return grad + lambda_ / m * theta
'''),
    # numerical_gradient
    Wrong("numerical_forward_difference", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    grad = np.zeros_like(theta)
    base = f(theta)
    for idx in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[idx] = eps
        grad[idx] = (f(theta + step) - base) / eps
    return grad
'''),
    Wrong("numerical_divides_by_eps", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    grad = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[idx] = eps
        grad[idx] = (f(theta + step) - f(theta - step)) / eps
    return grad
'''),
    Wrong("numerical_restores_theta_by_arithmetic", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    grad = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        theta[idx] += eps
        f_plus = f(theta)
        theta[idx] -= 2 * eps
        f_minus = f(theta)
        theta[idx] += eps
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad
'''),
    Wrong("numerical_moves_theta_without_copy", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    grad = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        plus = theta
        plus[idx] += eps
        f_plus = f(plus)
        minus = theta
        minus[idx] -= 2 * eps
        f_minus = f(minus)
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad
'''),
    Wrong("numerical_only_one_dimensional", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    n = len(theta)
    grad = np.zeros(n)
    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        grad[j] = (f(theta + e) - f(theta - e)) / (2 * eps)
    return grad
'''),
    Wrong("numerical_ignores_eps_argument", "numerical_gradient", '''
def numerical_gradient(f, theta, eps=1e-4):
    h = 1e-5
    grad = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[idx] = h
        grad[idx] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad
'''),
    # normal_equation
    Wrong("normal_equation_plain_inverse", "normal_equation", '''
def normal_equation(X, y):
    return np.linalg.inv(X.T @ X) @ X.T @ y
'''),
    Wrong("normal_equation_solve", "normal_equation", '''
def normal_equation(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)
'''),
    Wrong("normal_equation_adds_intercept_again", "normal_equation", '''
def normal_equation(X, y):
    Xb = np.hstack([np.ones((X.shape[0], 1)), X])
    return np.linalg.pinv(Xb) @ y
'''),
    Wrong("normal_equation_forgets_transpose_on_y", "normal_equation", '''
def normal_equation(X, y):
    return np.linalg.pinv(X.T @ X) @ y
'''),
]

VARIANTS = [
    Variant("loop_based_but_correct", {
        "compute_cost": '''
def compute_cost(X, y, theta):
    m, cols = X.shape
    total = 0.0
    for i in range(m):
        prediction = 0.0
        for j in range(cols):
            prediction += X[i, j] * theta[j]
        total += (prediction - y[i]) ** 2
    return total / (2 * m)
''',
        "compute_gradient": '''
def compute_gradient(X, y, theta):
    m, cols = X.shape
    grad = np.zeros(cols)
    for i in range(m):
        error = X[i] @ theta - y[i]
        for j in range(cols):
            grad[j] += error * X[i, j] / m
    return grad
''',
        "gradient_descent": '''
def gradient_descent(X, y, theta, alpha, num_iters):
    current = [float(t) for t in theta]
    J_history = []
    for _ in range(num_iters):
        grad = compute_gradient(X, y, np.array(current))
        current = [current[j] - alpha * grad[j] for j in range(len(current))]
        J_history.append(compute_cost(X, y, np.array(current)))
    return np.array(current), J_history
''',
        "logistic_cost": '''
def logistic_cost(X, y, theta, lambda_=0.0):
    m = len(y)
    total = 0.0
    for i in range(m):
        z = float(X[i] @ theta)
        # log(1 + e^z) - y·z, e^(−|z|)만 계산해서 넘치지 않게
        total += max(z, 0.0) + np.log1p(np.exp(-abs(z))) - y[i] * z
    penalty = sum(theta[j] ** 2 for j in range(1, len(theta)))
    return total / m + lambda_ / (2 * m) * penalty
''',
        "logistic_gradient": '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m, cols = X.shape
    grad = np.zeros(cols)
    for i in range(m):
        error = sigmoid(X[i] @ theta) - y[i]
        grad += error * X[i]
    grad /= m
    for j in range(1, cols):
        grad[j] += lambda_ / m * theta[j]
    return grad
''',
        "numerical_gradient": '''
def numerical_gradient(f, theta, eps=1e-4):
    grad = np.empty(theta.shape)
    for idx in np.ndindex(theta.shape):
        saved = theta[idx]          # 되돌릴 때 더하고 빼지 않고 원래 값을 그대로 넣습니다
        theta[idx] = saved + eps
        f_plus = f(theta)
        theta[idx] = saved - eps
        f_minus = f(theta)
        theta[idx] = saved
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
        "normal_equation": '''
def normal_equation(X, y):
    theta, *_ = np.linalg.lstsq(X, y, rcond=None)
    return theta
''',
    }),
    Variant("library_and_identities_but_correct", {
        "compute_cost": '''
def compute_cost(X, y, theta):
    return 0.5 * np.mean(np.square(np.einsum("ij,j->i", X, theta) - y)).item()
''',
        "compute_gradient": '''
def compute_gradient(X, y, theta):
    return np.mean((X @ theta - y)[:, None] * X, axis=0)
''',
        "gradient_descent": '''
def gradient_descent(X, y, theta, alpha, num_iters):
    m = X.shape[0]
    theta = theta + 0.0
    J_history = np.empty(num_iters)
    for k in range(num_iters):
        residual = X @ theta - y
        theta = theta - alpha / m * (residual @ X)
        J_history[k] = np.sum((X @ theta - y) ** 2) / (2 * m)
    return theta, J_history
''',
        "logistic_cost": '''
def logistic_cost(X, y, theta, lambda_=0.0):
    z = X @ theta
    sign = 2 * y - 1                     # 정답 쪽이면 +, 아니면 −
    data = np.mean(np.logaddexp(0, -sign * z))
    reg = theta.copy()
    reg[0] = 0
    return float(data + lambda_ * (reg @ reg) / (2 * len(y)))
''',
        "logistic_gradient": '''
def logistic_gradient(X, y, theta, lambda_=0.0):
    m = len(y)
    mask = np.ones_like(theta)
    mask[0] = 0
    h = 0.5 * (1 + np.tanh(0.5 * (X @ theta)))
    return (h - y) @ X / m + lambda_ / m * mask * theta
''',
        "numerical_gradient": '''
def numerical_gradient(f, theta, eps=1e-4):
    basis = np.eye(theta.size).reshape((theta.size,) + theta.shape) * eps
    values = [(f(theta + e) - f(theta - e)) / (2 * eps) for e in basis]
    return np.array(values).reshape(theta.shape)
''',
        "normal_equation": '''
def normal_equation(X, y):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > s.max() * max(X.shape) * np.finfo(float).eps
    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])
''',
    }),
]
