"""ch04_neural_network의 틀린 구현 목록과, 다르게 썼지만 맞는 구현.

각 Wrong은 해당 함수의 풀이 셀을 통째로 바꾸며, 그 함수의 테스트 셀(test_<함수>, hidden_<함수>)에서만
점수를 잃어야 합니다. 준비 셀이 주는 이름(np, load_digits, sigmoid)만 씁니다.
"""
from tests.catalogue import Variant, Wrong

WRONG = [
    # ------------------------------------------------------------ sigmoid_gradient
    Wrong("sigmoid_gradient_g_times_one_minus_z", "sigmoid_gradient", '''
def sigmoid_gradient(z):
    return sigmoid(z) * (1 - z)
'''),
    Wrong("sigmoid_gradient_z_times_one_minus_z", "sigmoid_gradient", '''
def sigmoid_gradient(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)
'''),
    Wrong("sigmoid_gradient_tanh_derivative", "sigmoid_gradient", '''
def sigmoid_gradient(z):
    return 1 - sigmoid(z) ** 2
'''),
    Wrong("sigmoid_gradient_denominator_not_squared", "sigmoid_gradient", '''
def sigmoid_gradient(z):
    return np.exp(-z) / (1 + np.exp(-z))
'''),
    Wrong("sigmoid_gradient_overwrites_input", "sigmoid_gradient", '''
def sigmoid_gradient(z):
    z = np.asarray(z)
    z[...] = sigmoid(z)
    return z * (1 - z)
'''),
    # ------------------------------------------------------------ one_hot
    Wrong("one_hot_off_by_one", "one_hot", '''
def one_hot(y, num_classes):
    Y = np.zeros((len(y), num_classes))
    Y[np.arange(len(y)), y - 1] = 1.0
    return Y
'''),
    Wrong("one_hot_integer_matrix", "one_hot", '''
def one_hot(y, num_classes):
    return np.eye(num_classes, dtype=int)[y]
'''),
    Wrong("one_hot_ignores_num_classes", "one_hot", '''
def one_hot(y, num_classes):
    return np.eye(np.max(y) + 1)[y]
'''),
    Wrong("one_hot_transposed", "one_hot", '''
def one_hot(y, num_classes):
    return np.eye(num_classes)[:, y]
'''),
    # ------------------------------------------------------------ rand_initialize_weights
    Wrong("rand_init_zeros", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    return np.zeros((l_out, l_in + 1))
'''),
    Wrong("rand_init_only_positive", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return rng.random((l_out, l_in + 1)) * epsilon
'''),
    Wrong("rand_init_transposed_shape", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return rng.uniform(-epsilon, epsilon, size=(l_in + 1, l_out))
'''),
    Wrong("rand_init_no_bias_column", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return rng.uniform(-epsilon, epsilon, size=(l_out, l_in))
'''),
    Wrong("rand_init_ignores_seed", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    return np.random.uniform(-epsilon, epsilon, size=(l_out, l_in + 1))
'''),
    Wrong("rand_init_normal_distribution", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, epsilon, size=(l_out, l_in + 1))
'''),
    Wrong("rand_init_ignores_epsilon", "rand_initialize_weights", '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return rng.uniform(-0.12, 0.12, size=(l_out, l_in + 1))
'''),
    # ------------------------------------------------------------ forward_propagate
    Wrong("forward_a2_without_bias_column", "forward_propagate", '''
def forward_propagate(Theta1, Theta2, X):
    a1 = np.hstack([np.ones((X.shape[0], 1)), X])
    z2 = a1 @ Theta1.T
    a2 = sigmoid(z2)
    z3 = a2 @ Theta2[:, 1:].T + Theta2[:, 0]
    a3 = sigmoid(z3)
    return a1, z2, a2, z3, a3
'''),
    Wrong("forward_bias_column_last", "forward_propagate", '''
def forward_propagate(Theta1, Theta2, X):
    ones = np.ones((X.shape[0], 1))
    a1 = np.hstack([X, ones])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([sigmoid(z2), ones])
    z3 = a2 @ Theta2.T
    a3 = sigmoid(z3)
    return a1, z2, a2, z3, a3
'''),
    Wrong("forward_sigmoid_on_bias_column", "forward_propagate", '''
def forward_propagate(Theta1, Theta2, X):
    ones = np.ones((X.shape[0], 1))
    a1 = np.hstack([ones, X])
    z2 = a1 @ Theta1.T
    a2 = sigmoid(np.hstack([ones, z2]))
    z3 = a2 @ Theta2.T
    a3 = sigmoid(z3)
    return a1, z2, a2, z3, a3
'''),
    Wrong("forward_no_sigmoid_at_output", "forward_propagate", '''
def forward_propagate(Theta1, Theta2, X):
    ones = np.ones((X.shape[0], 1))
    a1 = np.hstack([ones, X])
    z2 = a1 @ Theta1.T
    a2 = np.hstack([ones, sigmoid(z2)])
    z3 = a2 @ Theta2.T
    return a1, z2, a2, z3, z3
'''),
    Wrong("forward_a1_without_bias_column", "forward_propagate", '''
def forward_propagate(Theta1, Theta2, X):
    a1 = X
    z2 = a1 @ Theta1[:, 1:].T + Theta1[:, 0]
    a2 = np.hstack([np.ones((X.shape[0], 1)), sigmoid(z2)])
    z3 = a2 @ Theta2.T
    a3 = sigmoid(z3)
    return a1, z2, a2, z3, a3
'''),
    # ------------------------------------------------------------ nn_cost
    Wrong("nn_cost_regularises_bias", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    return J + lambda_ / (2 * m) * (np.sum(Theta1 ** 2) + np.sum(Theta2 ** 2))
'''),
    Wrong("nn_cost_missing_one_over_m", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3))
    return J + lambda_ / 2 * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
'''),
    Wrong("nn_cost_mean_over_all_outputs", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.mean(Y * np.log(a3) + (1 - Y) * np.log(1 - a3))
    return J + lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
'''),
    Wrong("nn_cost_missing_negative_term", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3)) / m
    return J + lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
'''),
    Wrong("nn_cost_lambda_over_m", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    return J + lambda_ / m * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
'''),
    Wrong("nn_cost_only_theta2_regularised", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    return J + lambda_ / (2 * m) * np.sum(Theta2[:, 1:] ** 2)
'''),
    Wrong("nn_cost_log_of_saturated_a3", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    return float(J)
'''),
    Wrong("nn_cost_clips_a3_finite_but_inaccurate", "nn_cost", '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a3 = np.clip(forward_propagate(Theta1, Theta2, X)[4], 1e-15, 1 - 1e-15)
    J = -np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m
    J += lambda_ / (2 * m) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    return float(J)
'''),
    # ------------------------------------------------------------ backprop
    Wrong("backprop_delta2_keeps_bias_row", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = a3 - Y
    delta2 = (delta3 @ Theta2) * sigmoid_gradient(np.hstack([np.ones((m, 1)), z2]))
    Theta1_grad = delta2.T @ a1 / m
    Theta2_grad = delta3.T @ a2 / m
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return Theta1_grad, Theta2_grad
'''),
    Wrong("backprop_missing_one_over_m", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = a3 - Y
    delta2 = (delta3 @ Theta2[:, 1:]) * sigmoid_gradient(z2)
    Theta1_grad = delta2.T @ a1
    Theta2_grad = delta3.T @ a2
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return Theta1_grad, Theta2_grad
'''),
    Wrong("backprop_regularises_bias", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = a3 - Y
    delta2 = (delta3 @ Theta2[:, 1:]) * sigmoid_gradient(z2)
    Theta1_grad = delta2.T @ a1 / m + lambda_ / m * Theta1
    Theta2_grad = delta3.T @ a2 / m + lambda_ / m * Theta2
    return Theta1_grad, Theta2_grad
'''),
    Wrong("backprop_gradient_of_activation", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = a3 - Y
    delta2 = (delta3 @ Theta2[:, 1:]) * sigmoid_gradient(a2[:, 1:])
    Theta1_grad = delta2.T @ a1 / m
    Theta2_grad = delta3.T @ a2 / m
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return Theta1_grad, Theta2_grad
'''),
    Wrong("backprop_squared_error_output_delta", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = (a3 - Y) * sigmoid_gradient(z3)
    delta2 = (delta3 @ Theta2[:, 1:]) * sigmoid_gradient(z2)
    Theta1_grad = delta2.T @ a1 / m
    Theta2_grad = delta3.T @ a2 / m
    Theta1_grad[:, 1:] += lambda_ / m * Theta1[:, 1:]
    Theta2_grad[:, 1:] += lambda_ / m * Theta2[:, 1:]
    return Theta1_grad, Theta2_grad
'''),
    Wrong("backprop_ignores_lambda", "backprop", '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    a1, z2, a2, z3, a3 = forward_propagate(Theta1, Theta2, X)
    delta3 = a3 - Y
    delta2 = (delta3 @ Theta2[:, 1:]) * sigmoid_gradient(z2)
    return delta2.T @ a1 / m, delta3.T @ a2 / m
'''),
    # ------------------------------------------------------------ predict
    Wrong("predict_argmax_wrong_axis", "predict", '''
def predict(Theta1, Theta2, X):
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    return np.argmax(a3, axis=0)
'''),
    Wrong("predict_one_based_labels", "predict", '''
def predict(Theta1, Theta2, X):
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    return np.argmax(a3, axis=1) + 1
'''),
    Wrong("predict_returns_probability", "predict", '''
def predict(Theta1, Theta2, X):
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    return np.max(a3, axis=1)
'''),
    Wrong("predict_float_labels", "predict", '''
def predict(Theta1, Theta2, X):
    a3 = forward_propagate(Theta1, Theta2, X)[4]
    return np.argmax(a3, axis=1).astype(float)
'''),
]

VARIANTS = [
    Variant("per_example_loop_backprop", {
        "backprop": '''
def backprop(Theta1, Theta2, X, Y, lambda_=0.0):
    m = X.shape[0]
    Delta1 = np.zeros(Theta1.shape)
    Delta2 = np.zeros(Theta2.shape)
    for i in range(m):
        a1 = np.concatenate([[1.0], X[i]])
        z2 = Theta1 @ a1
        a2 = np.concatenate([[1.0], sigmoid(z2)])
        a3 = sigmoid(Theta2 @ a2)
        delta3 = a3 - Y[i]
        delta2 = (Theta2.T @ delta3)[1:] * sigmoid_gradient(z2)
        Delta1 += np.outer(delta2, a1)
        Delta2 += np.outer(delta3, a2)
    reg1 = lambda_ * Theta1
    reg1[:, 0] = 0.0
    reg2 = lambda_ * Theta2
    reg2[:, 0] = 0.0
    return (Delta1 + reg1) / m, (Delta2 + reg2) / m
''',
        "predict": '''
def predict(Theta1, Theta2, X):
    z3 = forward_propagate(Theta1, Theta2, X)[3]  # g는 증가 함수라 z3의 argmax = a3의 argmax
    labels = np.zeros(X.shape[0], dtype=int)
    for i in range(X.shape[0]):
        best = 0
        for k in range(1, z3.shape[1]):
            if z3[i, k] > z3[i, best]:
                best = k
        labels[i] = best
    return labels
''',
    }),
    Variant("other_formulas_but_correct", {
        "sigmoid_gradient": '''
def sigmoid_gradient(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2
''',
        "one_hot": '''
def one_hot(y, num_classes):
    return np.eye(num_classes)[np.asarray(y)]
''',
        "rand_initialize_weights": '''
def rand_initialize_weights(l_in, l_out, epsilon=0.12, seed=None):
    rng = np.random.default_rng(seed)
    return epsilon * (2.0 * rng.random((l_out, l_in + 1)) - 1.0)
''',
        "forward_propagate": '''
def forward_propagate(Theta1, Theta2, X):
    a1 = np.insert(X, 0, 1.0, axis=1)
    z2 = (Theta1 @ a1.T).T
    a2 = np.c_[np.ones(len(X)), 1.0 / (1.0 + np.exp(-z2))]
    z3 = np.einsum("kj,mj->mk", Theta2, a2)
    a3 = 1.0 / (1.0 + np.exp(-z3))
    return a1, z2, a2, z3, a3
''',
        "nn_cost": '''
def nn_cost(Theta1, Theta2, X, Y, lambda_=0.0):
    # 로짓 z3에서 바로: −[y log g(z) + (1−y) log(1−g(z))] = max(z, 0) − y·z + log(1 + e^(−|z|))
    m, K = Y.shape
    z3 = forward_propagate(Theta1, Theta2, X)[-2]
    total = 0.0
    for k in range(K):
        z, y = z3[:, k], Y[:, k]
        total += np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))
    penalty = sum(np.sum(T[:, 1:] * T[:, 1:]) for T in (Theta1, Theta2))
    return total / m + lambda_ * penalty / (2 * m)
''',
    }),
]
