"""ch05_cnn: 학생이 할 법한 실수들과, 다르게 썼지만 맞는 구현."""
from tests.catalogue import Variant, Wrong

WRONG = [
    # conv_output_size
    Wrong("output_size_pads_one_side_only", "conv_output_size", '''
def conv_output_size(n, f, stride=1, pad=0):
    size = (n + pad - f) // stride + 1
    if size < 1:
        raise ValueError("출력 크기가 1보다 작습니다.")
    return size
'''),
    Wrong("output_size_true_division_float", "conv_output_size", '''
def conv_output_size(n, f, stride=1, pad=0):
    size = (n + 2 * pad - f) / stride + 1
    if size < 1:
        raise ValueError("출력 크기가 1보다 작습니다.")
    return size
'''),
    Wrong("output_size_rounds_up", "conv_output_size", '''
def conv_output_size(n, f, stride=1, pad=0):
    size = -(-(n + 2 * pad - f) // stride) + 1
    if size < 1:
        raise ValueError("출력 크기가 1보다 작습니다.")
    return size
'''),
    Wrong("output_size_never_raises", "conv_output_size", '''
def conv_output_size(n, f, stride=1, pad=0):
    return (n + 2 * pad - f) // stride + 1
'''),
    # conv2d_forward
    Wrong("conv_flips_kernel_true_convolution", "conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w_flipped = w[:, :, ::-1, ::-1]
    out = np.zeros((N, n_filters, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w_flipped, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, stride, pad)
'''),
    Wrong("conv_pads_channel_axis_nhwc_confusion", "conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    out = np.zeros((N, n_filters, H_out, W_out))
    for n in range(N):
        for f in range(n_filters):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :C, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, stride, pad)
'''),
    Wrong("conv_window_ignores_stride", "conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, n_filters, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i:i + HH, j:j + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, stride, pad)
'''),
    Wrong("conv_forgets_bias", "conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, n_filters, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out, (x, w, b, stride, pad)
'''),
    Wrong("conv_caches_padded_input", "conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, n_filters, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x_pad, w, b, stride, pad)
'''),
    # conv2d_backward
    Wrong("conv_backward_ignores_stride", "conv2d_backward", '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    _, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i:i + HH, j:j + WW]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dx_pad[:, :, i:i + HH, j:j + WW] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
'''),
    Wrong("conv_backward_db_summed_over_wrong_axes", "conv2d_backward", '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    _, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(1, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            hs, ws = i * stride, j * stride
            window = x_pad[:, :, hs:hs + HH, ws:ws + WW]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dx_pad[:, :, hs:hs + HH, ws:ws + WW] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
'''),
    Wrong("conv_backward_padding_not_cropped", "conv2d_backward", '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    _, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            hs, ws = i * stride, j * stride
            window = x_pad[:, :, hs:hs + HH, ws:ws + WW]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dx_pad[:, :, hs:hs + HH, ws:ws + WW] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad, dw, db
'''),
    Wrong("conv_backward_overwrites_overlapping_windows", "conv2d_backward", '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    _, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            hs, ws = i * stride, j * stride
            window = x_pad[:, :, hs:hs + HH, ws:ws + WW]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dx_pad[:, :, hs:hs + HH, ws:ws + WW] = np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
'''),
    # maxpool2d_forward
    Wrong("pool_averages_instead_of_max", "maxpool2d_forward", '''
def maxpool2d_forward(x, pool=2, stride=2):
    N, C, H, W = x.shape
    H_out = conv_output_size(H, pool, stride)
    W_out = conv_output_size(W, pool, stride)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool].mean(axis=(2, 3))
    return out, (x, pool, stride)
'''),
    Wrong("pool_steps_by_pool_not_stride", "maxpool2d_forward", '''
def maxpool2d_forward(x, pool=2, stride=2):
    N, C, H, W = x.shape
    H_out = conv_output_size(H, pool, pool)
    W_out = conv_output_size(W, pool, pool)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * pool:i * pool + pool, j * pool:j * pool + pool].max(axis=(2, 3))
    return out, (x, pool, stride)
'''),
    Wrong("pool_max_across_channels", "maxpool2d_forward", '''
def maxpool2d_forward(x, pool=2, stride=2):
    N, C, H, W = x.shape
    H_out = conv_output_size(H, pool, stride)
    W_out = conv_output_size(W, pool, stride)
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool]
            out[:, :, i, j] = window.max(axis=(1, 2, 3))[:, None]
    return out, (x, pool, stride)
'''),
    Wrong("pool_keeps_partial_windows_ceil", "maxpool2d_forward", '''
def maxpool2d_forward(x, pool=2, stride=2):
    N, C, H, W = x.shape
    H_out = -(-(H - pool) // stride) + 1
    W_out = -(-(W - pool) // stride) + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool].max(axis=(2, 3))
    return out, (x, pool, stride)
'''),
    # maxpool2d_backward
    Wrong("pool_backward_routes_to_every_tied_max", "maxpool2d_backward", '''
def maxpool2d_backward(dout, cache):
    x, pool, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool] += mask * dout[:, :, i, j][:, :, None, None]
    return dx
'''),
    Wrong("pool_backward_overwrites_overlaps", "maxpool2d_backward", '''
def maxpool2d_backward(dout, cache):
    x, pool, stride = cache
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + pool, j * stride:j * stride + pool]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * stride + r, j * stride + q] = dout[n, c, i, j]
    return dx
'''),
    Wrong("pool_backward_last_max_on_ties", "maxpool2d_backward", '''
def maxpool2d_backward(dout, cache):
    x, pool, stride = cache
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + pool, j * stride:j * stride + pool].ravel()
                    k = window.size - 1 - np.argmax(window[::-1])
                    dx[n, c, i * stride + k // pool, j * stride + k % pool] += dout[n, c, i, j]
    return dx
'''),
    Wrong("pool_backward_spreads_evenly", "maxpool2d_backward", '''
def maxpool2d_backward(dout, cache):
    x, pool, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            dx[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool] += dout[:, :, i, j][:, :, None, None] / pool ** 2
    return dx
'''),
    # batchnorm_forward
    Wrong("bn_variance_ddof_1", "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, beta, eps)
'''),
    Wrong("bn_forgets_eps", "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    return gamma * (x - mu) / x.std(axis=0) + beta, (x, gamma, beta, eps)
'''),
    Wrong("bn_eps_outside_sqrt", "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    return gamma * (x - mu) / (np.sqrt(x.var(axis=0)) + eps) + beta, (x, gamma, beta, eps)
'''),
    Wrong("bn_normalises_each_sample_axis_1", "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, gamma, beta, eps)
'''),
    Wrong("bn_gamma_beta_swapped", "batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return beta * x_hat + gamma, (x, gamma, beta, eps)
'''),
    # batchnorm_backward
    Wrong("bn_backward_treats_mean_var_as_constants", "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    mu, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return dout * gamma / np.sqrt(var + eps), (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    Wrong("bn_backward_dgamma_without_x_hat", "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (N * np.sqrt(var + eps))
    return dx, dout.sum(axis=0), dout.sum(axis=0)
'''),
    Wrong("bn_backward_variance_ddof_1", "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dx = (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (N * np.sqrt(var + eps))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    Wrong("bn_backward_drops_mean_path", "batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dx = (N * dx_hat - x_hat * (dx_hat * x_hat).sum(axis=0)) / (N * np.sqrt(var + eps))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    # spatial_batchnorm_forward
    Wrong("spatial_bn_statistics_per_image", "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    out = gamma[None, :, None, None] * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]
    return out, (x, gamma, beta, eps)
'''),
    Wrong("spatial_bn_reshape_without_moving_channels", "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    N, C, H, W = x.shape
    out, _ = batchnorm_forward(x.reshape(-1, C), gamma, beta, eps)
    return out.reshape(N, C, H, W), (x, gamma, beta, eps)
'''),
    Wrong("spatial_bn_variance_ddof_1", "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), ddof=1, keepdims=True)
    out = gamma[None, :, None, None] * (x - mu) / np.sqrt(var + eps) + beta[None, :, None, None]
    return out, (x, gamma, beta, eps)
'''),
    Wrong("spatial_bn_caches_flattened_input", "spatial_batchnorm_forward", '''
def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out, _ = batchnorm_forward(x_flat, gamma, beta, eps)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), (x_flat, gamma, beta, eps)
'''),
    # spatial_batchnorm_backward
    Wrong("spatial_bn_backward_mean_var_as_constants", "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    dx = dout * gamma[None, :, None, None] / np.sqrt(var + eps)
    return dx, (dout * x_hat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))
'''),
    Wrong("spatial_bn_backward_sums_over_batch_only", "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    dout_flat = dout.transpose(0, 2, 3, 1).reshape(-1, C)
    dx_flat, _, _ = batchnorm_backward(dout_flat, (x_flat, gamma, beta, eps))
    x_hat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    return dx_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2), (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    Wrong("spatial_bn_backward_dout_not_transposed", "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    dx_flat, dgamma, dbeta = batchnorm_backward(dout.reshape(-1, C), (x_flat, gamma, beta, eps))
    return dx_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta
'''),
    Wrong("spatial_bn_backward_per_image_statistics", "spatial_batchnorm_backward", '''
def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    M = x.shape[2] * x.shape[3]
    mu = x.mean(axis=(2, 3), keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=(2, 3), keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = dout * gamma[None, :, None, None]
    dx = inv_std / M * (M * dx_hat - dx_hat.sum(axis=(2, 3), keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=(2, 3), keepdims=True))
    return dx, (dout * x_hat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))
'''),
    # ResidualBlock
    Wrong("residual_skip_added_after_relu", "ResidualBlock", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out))) + x
'''),
    Wrong("residual_without_final_relu", "ResidualBlock", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out)) + x
'''),
    Wrong("residual_ignores_batch_norm_flag", "ResidualBlock", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + x)
'''),
    Wrong("residual_conv_without_padding", "ResidualBlock", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(channels, channels, 3, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x[:, :, 2:-2, 2:-2])
'''),
    Wrong("residual_batch_norm_after_addition", "ResidualBlock", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out) + x))
'''),
    # build_cnn
    Wrong("cnn_ignores_depth", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        return [nn.Conv2d(c_in, channels, 3, padding=1), nn.BatchNorm2d(channels) if batch_norm else nn.Identity(), nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(2)]
    else:
        for _ in range(4):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_stacks_depth_residual_blocks", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers + [nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_odd_depth_silently_floored", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1:
        raise ValueError("depth는 1 이상이어야 합니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers + [nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_always_batch_norm", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        return [nn.Conv2d(c_in, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_flatten_without_global_pooling", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers + [nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels * 8 * 8, num_classes))
'''),
    Wrong("cnn_without_relu_is_linear", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_relu_before_batch_norm", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1), nn.ReLU()]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_global_max_pooling_head", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers + [nn.ReLU()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    Wrong("cnn_tanh_instead_of_relu", "build_cnn", '''
def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1 or (residual and depth % 2):
        raise ValueError("depth가 올바르지 않습니다.")
    def unit(c_in):
        layers = [nn.Conv2d(c_in, channels, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        return layers + [nn.Tanh()]
    layers = unit(1)
    if residual:
        layers += [ResidualBlock(channels, batch_norm) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += unit(channels)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes))
'''),
    # layer_gradient_norms
    Wrong("grad_norms_accumulate_without_zero_grad", "layer_gradient_norms", '''
def layer_gradient_norms(model, x, y):
    F.cross_entropy(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
'''),
    Wrong("grad_norms_include_batchnorm_weights", "layer_gradient_norms", '''
def layer_gradient_norms(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    return [m.weight.grad.norm().item() for m in model.modules()
            if getattr(m, "weight", None) is not None and m.weight.grad is not None]
'''),
    Wrong("grad_norms_output_layer_first", "layer_gradient_norms", '''
def layer_gradient_norms(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    return [m.weight.grad.norm().item() for m in reversed(layers)]
'''),
    Wrong("grad_norms_summed_loss", "layer_gradient_norms", '''
def layer_gradient_norms(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y, reduction="sum").backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
'''),
    Wrong("grad_norms_include_bias", "layer_gradient_norms", '''
def layer_gradient_norms(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    norms = []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            sq = (m.weight.grad ** 2).sum()
            if m.bias is not None:
                sq = sq + (m.bias.grad ** 2).sum()
            norms.append(sq.sqrt().item())
    return norms
'''),
]

VARIANTS = [
    Variant("loop_based_but_correct", {
        "conv_output_size": '''
def conv_output_size(n, f, stride=1, pad=0):
    count = 0
    start = 0
    while start + f <= n + 2 * pad:
        count += 1
        start += stride
    if count == 0:
        raise ValueError("필터가 입력 안에 한 번도 들어가지 않습니다.")
    return count
''',
        "conv2d_forward": '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:pad + H, pad:pad + W] = x
    out = np.zeros((N, n_filters, H_out, W_out))
    for n in range(N):
        for f in range(n_filters):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, stride, pad)
''',
        "conv2d_backward": '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:pad + H, pad:pad + W] = x
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(n_filters):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    g = dout[n, f, i, j]
                    db[f] += g
                    dw[f] += g * x_pad[n, :, hs:hs + HH, ws:ws + WW]
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += g * w[f]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
''',
        "maxpool2d_forward": '''
def maxpool2d_forward(x, pool=2, stride=2):
    N, C, H, W = x.shape
    H_out = conv_output_size(H, pool, stride)
    W_out = conv_output_size(W, pool, stride)
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * stride:i * stride + pool, j * stride:j * stride + pool])
    return out, (x, pool, stride)
''',
        "maxpool2d_backward": '''
def maxpool2d_backward(dout, cache):
    x, pool, stride = cache
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    best_r, best_q = i * stride, j * stride
                    for r in range(i * stride, i * stride + pool):
                        for q in range(j * stride, j * stride + pool):
                            if x[n, c, r, q] > x[n, c, best_r, best_q]:
                                best_r, best_q = r, q
                    dx[n, c, best_r, best_q] += dout[n, c, i, j]
    return dx
''',
        "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    N, D = x.shape
    out = np.empty((N, D))
    for j in range(D):
        col = x[:, j]
        mu = sum(col) / N
        var = sum((v - mu) ** 2 for v in col) / N
        out[:, j] = gamma[j] * (col - mu) / (var + eps) ** 0.5 + beta[j]
    return out, (x, gamma, beta, eps)
''',
        "batchnorm_backward": '''
def batchnorm_backward(dout, cache):
    # 계산 그래프를 한 단계씩 거꾸로 따라갑니다.
    x, gamma, beta, eps = cache
    N = x.shape[0]
    mu = np.sum(x, axis=0) / N
    xc = x - mu
    var = np.sum(xc ** 2, axis=0) / N
    std = np.sqrt(var + eps)
    inv = 1.0 / std
    x_hat = xc * inv
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dinv = np.sum(dx_hat * xc, axis=0)
    dxc = dx_hat * inv
    dstd = -dinv / std ** 2
    dvar = dstd * 0.5 / std
    dxc += 2.0 * xc * dvar / N
    dmu = -np.sum(dxc, axis=0)
    dx = dxc + dmu / N
    return dx, dgamma, dbeta
''',
    }),
    Variant("im2col_and_other_torch_styles", {
        "conv2d_forward": '''
def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    H_out = conv_output_size(H, HH, stride, pad)
    W_out = conv_output_size(W, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    # im2col: 창마다 (C·HH·WW) 길이의 열 하나
    cols = np.empty((N, H_out, W_out, C * HH * WW))
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW].reshape(N, -1)
    out = cols @ w.reshape(n_filters, -1).T + b
    return out.transpose(0, 3, 1, 2), (x, w, b, stride, pad)
''',
        "conv2d_backward": '''
def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    n_filters, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    cols = np.empty((N, H_out, W_out, C * HH * WW))
    for i in range(H_out):
        for j in range(W_out):
            cols[:, i, j, :] = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW].reshape(N, -1)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, n_filters)
    dw = (d.T @ cols.reshape(-1, C * HH * WW)).reshape(w.shape)
    db = d.sum(axis=0)
    dcols = (d @ w.reshape(n_filters, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dx_pad = np.zeros_like(x_pad)
    for i in range(H_out):
        for j in range(W_out):
            dx_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += dcols[:, i, j]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
''',
        "ResidualBlock": '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, batch_norm=True):
        super().__init__()
        layers = [nn.Conv2d(channels, channels, 3, stride=1, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        layers += [nn.ReLU(), nn.Conv2d(channels, channels, 3, stride=1, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        self.body = nn.Sequential(*layers)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.body(x) + x)
''',
        "build_cnn": '''
class _DigitsCNN(nn.Module):
    def __init__(self, stem, body, head):
        super().__init__()
        self.stem = stem
        self.body = nn.ModuleList(body)
        self.head = head

    def forward(self, x):
        x = self.stem(x)
        for layer in self.body:
            x = layer(x)
        return self.head(x.mean(dim=(2, 3)))


def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if not depth >= 1:
        raise ValueError("몸통의 합성곱 층 수(depth)는 1 이상이어야 합니다.")
    if residual and depth % 2 == 1:
        raise ValueError("잔차 블록을 쓰려면 depth가 짝수여야 합니다.")

    def unit(c_in):
        parts = [nn.Conv2d(c_in, channels, kernel_size=(3, 3), padding=(1, 1))]
        parts += [nn.BatchNorm2d(channels)] if batch_norm else []
        return nn.Sequential(*parts, nn.ReLU(inplace=True))

    if residual:
        body = [ResidualBlock(channels, batch_norm=batch_norm) for _ in range(depth // 2)]
    else:
        body = [unit(channels) for _ in range(depth)]
    return _DigitsCNN(unit(1), body, nn.Linear(channels, num_classes))
''',
        "layer_gradient_norms": '''
def layer_gradient_norms(model, x, y):
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, [m.weight for m in layers])
    return [float(torch.sqrt((g ** 2).sum())) for g in grads]
''',
    }),
    Variant("spatial_bn_by_axes_and_functional_cnn", {
        "spatial_batchnorm_forward": '''
def spatial_batchnorm_forward(x, gamma, beta, eps=1e-5):
    axes = (0, 2, 3)
    mu = np.mean(x, axis=axes, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=axes, keepdims=True)
    g = gamma.reshape(1, -1, 1, 1)
    b = beta.reshape(1, -1, 1, 1)
    return g * (x - mu) / np.sqrt(var + eps) + b, (x, gamma, beta, eps)
''',
        "spatial_batchnorm_backward": '''
def spatial_batchnorm_backward(dout, cache):
    x, gamma, beta, eps = cache
    axes = (0, 2, 3)
    M = x.size // x.shape[1]
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * x_hat).sum(axis=axes)
    dx_hat = dout * gamma.reshape(1, -1, 1, 1)
    dx = inv_std / M * (M * dx_hat - dx_hat.sum(axis=axes, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=axes, keepdims=True))
    return dx, dgamma, dbeta
''',
        "build_cnn": '''
class _Net(nn.Module):
    def __init__(self, depth, channels, num_classes, batch_norm, residual):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(1, channels, 3, padding=1)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(channels) if batch_norm else nn.Identity()])
        self.blocks = nn.ModuleList()
        if residual:
            self.blocks.extend(ResidualBlock(channels, batch_norm) for _ in range(depth // 2))
        else:
            for _ in range(depth):
                self.convs.append(nn.Conv2d(channels, channels, 3, padding=1))
                self.norms.append(nn.BatchNorm2d(channels) if batch_norm else nn.Identity())
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = torch.clamp(norm(conv(x)), min=0)   # ReLU
        for block in self.blocks:
            x = block(x)
        return self.fc(torch.mean(x, dim=(-2, -1)))


def build_cnn(depth, channels=16, num_classes=10, batch_norm=True, residual=False):
    if depth < 1:
        raise ValueError("depth는 1 이상이어야 합니다.")
    if residual and depth % 2:
        raise ValueError("잔차 블록을 쓰려면 depth가 짝수여야 합니다.")
    return _Net(depth, channels, num_classes, batch_norm, residual)
''',
    }),
]
