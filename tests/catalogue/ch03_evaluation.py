"""ch03_evaluation: 학생이 할 법한 실수들과, 다르게 썼지만 맞는 구현."""
from tests.catalogue import Variant, Wrong

WRONG = [
    # holdout_split
    Wrong("holdout_test_size_rounded_down", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    n_test = int(test_ratio * m)
    perm = np.random.default_rng(seed).permutation(m)
    return perm[n_test:], perm[:n_test]
'''),
    Wrong("holdout_test_size_rounded_to_nearest", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    n_test = round(test_ratio * m)
    perm = np.random.default_rng(seed).permutation(m)
    return perm[n_test:], perm[:n_test]
'''),
    Wrong("holdout_global_np_random_seed", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    np.random.seed(seed)
    perm = np.random.permutation(m)
    n_test = math.ceil(test_ratio * m)
    return perm[n_test:], perm[:n_test]
'''),
    Wrong("holdout_seed_ignored", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    perm = np.random.default_rng(42).permutation(m)
    n_test = math.ceil(test_ratio * m)
    return perm[n_test:], perm[:n_test]
'''),
    Wrong("holdout_train_keeps_test_rows", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    perm = np.random.default_rng(seed).permutation(m)
    n_test = math.ceil(test_ratio * m)
    return perm, perm[:n_test]
'''),
    Wrong("holdout_not_shuffled", "holdout_split", '''
def holdout_split(m, test_ratio=0.2, seed=0):
    n_test = math.ceil(test_ratio * m)
    idx = np.arange(m)
    return idx[: m - n_test], idx[m - n_test:]
'''),

    # kfold_indices
    Wrong("kfold_remainder_dropped", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    size = m // k
    folds = []
    for i in range(k):
        val = order[i * size:(i + 1) * size]
        train = np.setdiff1d(order, val)
        folds.append((train, val))
    return folds
'''),
    Wrong("kfold_remainder_in_last_fold", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    size = m // k
    folds = []
    for i in range(k):
        stop = (i + 1) * size if i < k - 1 else m
        val = order[i * size:stop]
        folds.append((np.concatenate([order[:i * size], order[stop:]]), val))
    return folds
'''),
    Wrong("kfold_extra_samples_in_last_folds", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    sizes = [m // k + (1 if i >= k - m % k else 0) for i in range(k)]
    folds, start = [], 0
    for size in sizes:
        folds.append((np.concatenate([order[:start], order[start + size:]]), order[start:start + size]))
        start += size
    return folds
'''),
    Wrong("kfold_validation_leaks_into_training", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    return [(order.copy(), part) for part in np.array_split(order, k)]
'''),
    Wrong("kfold_shuffle_ignores_seed", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng().permutation(m) if shuffle else np.arange(m)
    parts = np.array_split(order, k)
    return [(np.concatenate(parts[:i] + parts[i + 1:]), parts[i]) for i in range(k)]
'''),
    Wrong("kfold_global_np_random_seed", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    if shuffle:
        np.random.seed(seed)
        order = np.random.permutation(m)
    else:
        order = np.arange(m)
    parts = np.array_split(order, k)
    return [(np.concatenate(parts[:i] + parts[i + 1:]), parts[i]) for i in range(k)]
'''),
    Wrong("kfold_no_error_when_k_exceeds_m", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2:
        raise ValueError("k는 2 이상이어야 합니다.")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    parts = np.array_split(order, k)
    return [(np.concatenate(parts[:i] + parts[i + 1:]), parts[i]) for i in range(k)]
'''),
    Wrong("kfold_error_message_in_english", "kfold_indices", '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if k < 2 or k > m:
        raise ValueError(f"k must be between 2 and m (got k={k}, m={m})")
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    parts = np.array_split(order, k)
    return [(np.concatenate(parts[:i] + parts[i + 1:]), parts[i]) for i in range(k)]
'''),

    # stratified_kfold_indices
    Wrong("strat_per_class_remainder_dropped", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    rng = np.random.default_rng(seed)
    vals = [[] for _ in range(k)]
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        size = len(members) // k
        for i in range(k):
            vals[i].extend(members[i * size:(i + 1) * size])
    return [(np.setdiff1d(np.arange(m), v), np.array(v, dtype=int)) for v in vals]
'''),
    Wrong("strat_per_class_remainder_in_last_fold", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    rng = np.random.default_rng(seed)
    vals = [[] for _ in range(k)]
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        size = len(members) // k
        for i in range(k):
            stop = (i + 1) * size if i < k - 1 else len(members)
            vals[i].extend(members[i * size:stop])
    return [(np.setdiff1d(np.arange(m), v), np.array(v, dtype=int)) for v in vals]
'''),
    Wrong("strat_small_classes_put_in_first_fold", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    rng = np.random.default_rng(seed)
    vals = [[] for _ in range(k)]
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        if len(members) < k:
            vals[0].extend(members)
            continue
        for i, part in enumerate(np.array_split(members, k)):
            vals[i].extend(part)
    return [(np.setdiff1d(np.arange(m), v), np.array(v, dtype=int)) for v in vals]
'''),
    Wrong("strat_array_split_remainders_pile_into_first_folds", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = y.shape[0]
    if not 2 <= k <= m:
        raise ValueError(f"폴드 수 k={k}가 2 이상 m={m} 이하가 아닙니다.")
    rng = np.random.default_rng(seed)
    val_lists = [[] for _ in range(k)]
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if seed is not None:
            rng.shuffle(members)
        for i, chunk in enumerate(np.array_split(members, k)):
            val_lists[i].extend(chunk.tolist())
    folds = []
    for v in val_lists:
        val = np.array(sorted(v), dtype=int)
        folds.append((np.setdiff1d(np.arange(m), val), val))
    return folds
'''),
    Wrong("strat_error_message_in_english", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("invalid number of folds")
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)])
    fold_of = np.empty(m, dtype=int)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]
'''),
    Wrong("strat_ignores_labels", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.random.default_rng(seed).permutation(m)
    parts = np.array_split(order, k)
    return [(np.concatenate(parts[:i] + parts[i + 1:]), parts[i]) for i in range(k)]
'''),
    Wrong("strat_seed_ignored", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    order = np.argsort(y, kind="stable")
    fold_of = np.empty(m, dtype=int)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]
'''),
    Wrong("strat_global_np_random_seed", "stratified_kfold_indices", '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = len(y)
    if k < 2 or k > m:
        raise ValueError("k는 2 이상 m 이하여야 합니다.")
    np.random.seed(seed)
    order = np.concatenate([np.random.permutation(np.flatnonzero(y == c)) for c in np.unique(y)])
    fold_of = np.empty(m, dtype=int)
    fold_of[order] = np.arange(m) % k
    return [(np.flatnonzero(fold_of != i), np.flatnonzero(fold_of == i)) for i in range(k)]
'''),

    # accuracy
    Wrong("accuracy_returns_count", "accuracy", '''
def accuracy(y_true, y_pred):
    return float(np.sum(np.asarray(y_true) == np.asarray(y_pred)))
'''),
    Wrong("accuracy_returns_error_rate", "accuracy", '''
def accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) != np.asarray(y_pred)))
'''),
    Wrong("accuracy_in_percent", "accuracy", '''
def accuracy(y_true, y_pred):
    return 100.0 * float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
'''),
    Wrong("accuracy_integer_division", "accuracy", '''
def accuracy(y_true, y_pred):
    correct = int(np.sum(np.asarray(y_true) == np.asarray(y_pred)))
    return float(correct // len(y_true))
'''),

    # confusion_matrix
    Wrong("confusion_transposed", "confusion_matrix", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else int(max(t.max(), p.max())) + 1
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (p, t), 1)
    return C
'''),
    Wrong("confusion_size_from_y_true_only", "confusion_matrix", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else int(t.max()) + 1
    C = np.zeros((K, K), dtype=int)
    for i, j in zip(t, p):
        if i < K and j < K:
            C[i, j] += 1
    return C
'''),
    Wrong("confusion_size_from_unique_labels", "confusion_matrix", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else len(np.unique(np.concatenate([t, p])))
    C = np.zeros((K, K), dtype=int)
    for i, j in zip(t, p):
        if i < K and j < K:
            C[i, j] += 1
    return C
'''),
    Wrong("confusion_fancy_index_increment", "confusion_matrix", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else int(max(t.max(), p.max())) + 1
    C = np.zeros((K, K), dtype=int)
    C[t, p] += 1
    return C
'''),
    Wrong("confusion_float_counts", "confusion_matrix", '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    K = num_classes if num_classes is not None else int(max(t.max(), p.max())) + 1
    C = np.zeros((K, K))
    for i, j in zip(t, p):
        C[i, j] += 1
    return C
'''),

    # precision_recall_f1
    Wrong("prf_precision_recall_swapped", "precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, positive=1):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    recall = tp / (tp + fp) if tp + fp else 0.0
    precision = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
'''),
    Wrong("prf_unguarded_division", "precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, positive=1):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp, fp, fn = np.sum(t & p), np.sum(~t & p), np.sum(t & ~p)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)
'''),
    Wrong("prf_f1_arithmetic_mean", "precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, positive=1):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (precision + recall) / 2
'''),
    Wrong("prf_positive_label_ignored", "precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, positive=1):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
'''),
    Wrong("prf_zero_denominator_gives_one", "precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, positive=1):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
'''),

    # cross_validate
    Wrong("cv_fits_on_all_rows", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X, y)
        scores.append(metric(y[val_idx], predict(model, X[val_idx])))
    return np.array(scores, dtype=float)
'''),
    Wrong("cv_scores_training_rows", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(y[train_idx], predict(model, X[train_idx])))
    return np.array(scores, dtype=float)
'''),
    Wrong("cv_metric_arguments_swapped", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(predict(model, X[val_idx]), y[val_idx]))
    return np.array(scores, dtype=float)
'''),
    Wrong("cv_shuffle_and_seed_not_passed", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k):
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(y[val_idx], predict(model, X[val_idx])))
    return np.array(scores, dtype=float)
'''),
    Wrong("cv_returns_mean", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(y[val_idx], predict(model, X[val_idx])))
    return float(np.mean(scores))
'''),
    Wrong("cv_scores_sorted", "cross_validate", '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    metric = accuracy if metric is None else metric
    scores = []
    for train_idx, val_idx in kfold_indices(len(X), k, shuffle=shuffle, seed=seed):
        model = fit(X[train_idx], y[train_idx])
        scores.append(metric(y[val_idx], predict(model, X[val_idx])))
    return np.sort(np.array(scores, dtype=float))
'''),
]

VARIANTS = [
    Variant("loops_and_set_operations", {
        "holdout_split": '''
def holdout_split(m, test_ratio=0.2, seed=0):
    rng = np.random.default_rng(seed)
    test_idx = rng.choice(m, size=int(np.ceil(test_ratio * m)), replace=False)
    train_idx = np.setdiff1d(np.arange(m), test_idx)
    return train_idx, test_idx
''',
        "kfold_indices": '''
def kfold_indices(m, k, shuffle=False, seed=None):
    if not 2 <= k <= m:
        raise ValueError(f"폴드 수 k={k}가 2 이상 m={m} 이하가 아닙니다.")
    order = np.arange(m)
    if shuffle:
        order = np.random.default_rng(seed).permutation(order)
    folds = []
    for val in np.array_split(order, k):
        train = np.array([i for i in order if i not in set(val.tolist())], dtype=int)
        folds.append((train, val))
    return folds
''',
        "stratified_kfold_indices": '''
def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    m = y.shape[0]
    if not 2 <= k <= m:
        raise ValueError(f"폴드 수 k={k}가 2 이상 m={m} 이하가 아닙니다.")
    rng = np.random.default_rng(seed)
    val_lists = [[] for _ in range(k)]
    start = 0  # 앞 클래스가 끝난 다음 폴드부터 조각을 나눠 줍니다(나머지가 한 폴드에 몰리지 않게).
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if seed is not None:
            rng.shuffle(members)
        for i, chunk in enumerate(np.array_split(members, k)):
            val_lists[(start + i) % k].extend(chunk.tolist())
        start = (start + len(members)) % k
    folds = []
    for v in val_lists:
        val = np.array(sorted(v), dtype=int)
        folds.append((np.setdiff1d(np.arange(m), val), val))
    return folds
''',
        "accuracy": '''
def accuracy(y_true, y_pred):
    correct = 0
    for t, p in zip(y_true, y_pred):
        if t == p:
            correct += 1
    return correct / len(y_true)
''',
        "confusion_matrix": '''
def confusion_matrix(y_true, y_pred, num_classes=None):
    t = [int(v) for v in y_true]
    p = [int(v) for v in y_pred]
    K = num_classes if num_classes is not None else max(t + p) + 1
    return np.bincount(np.array(t) * K + np.array(p), minlength=K * K).reshape(K, K)
''',
        "precision_recall_f1": '''
def precision_recall_f1(y_true, y_pred, positive=1):
    tp = fp = fn = 0
    for t, p in zip(y_true, y_pred):
        if p == positive and t == positive:
            tp += 1
        elif p == positive:
            fp += 1
        elif t == positive:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1
''',
        "cross_validate": '''
def cross_validate(fit, predict, X, y, k=5, metric=None, shuffle=False, seed=None):
    score = metric or accuracy
    folds = kfold_indices(X.shape[0], k, shuffle, seed)
    models = [fit(X[tr], y[tr]) for tr, _ in folds]
    return np.array([score(y[va], predict(model, X[va])) for model, (_, va) in zip(models, folds)])
''',
    }),
]
