"""5장(CNN과 초매개변수)의 실험에 쓰는 torch 모델, 학습 루프, 데이터 도우미.

책은 이 모듈을 import해서 실험만 보여 주고, 코드는 싣지 않습니다. 모든 실험은 CPU에서
몇 초 안에 끝나도록 작게 잡았습니다(digits 8×8 흑백 이미지, 채널 16개 안팎).
"""
from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

from .numerics import relative_error

__all__ = [
    "relative_error",
    "load_digits_data",
    "ResidualBlock",
    "build_cnn",
    "init_weights",
    "layer_gradient_norms",
    "build_mlp",
    "activation_stds",
    "moving_average",
    "count_parameters",
    "plain_log_labels",
    "recalibrate_batch_norm",
    "train_model",
    "run_experiment",
]

_ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def load_digits_data(val_ratio: float = 0.2, seed: int = 0, n_train: int | None = None):
    """scikit-learn의 손글씨 숫자를 NCHW 텐서로 나눠 돌려줍니다.

    픽셀 값 0–16을 16으로 나눠 [0, 1]로 맞추고, 클래스 비율을 지키며(층화 추출)
    훈련 세트와 검증 세트로 나눕니다.

    Parameters
    ----------
    val_ratio : float
        검증 세트 비율.
    seed : int
        나누기 난수 시드.
    n_train : int 또는 None
        주어지면 훈련 세트를 앞에서부터 이만큼만 씁니다(과적합 실험용).

    Returns
    -------
    X_train : torch.Tensor, shape (m_train, 1, 8, 8), float32
    y_train : torch.Tensor, shape (m_train,), int64
    X_val : torch.Tensor, shape (m_val, 1, 8, 8), float32
    y_val : torch.Tensor, shape (m_val,), int64
    """
    digits = load_digits()
    X = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    X_tr, X_val, y_tr, y_val = train_test_split(
        X, y, test_size=val_ratio, stratify=y, random_state=seed
    )
    if n_train is not None:
        X_tr, y_tr = X_tr[:n_train], y_tr[:n_train]
    return (torch.from_numpy(X_tr), torch.from_numpy(y_tr),
            torch.from_numpy(X_val), torch.from_numpy(y_val))


class ResidualBlock(nn.Module):
    """conv3×3 → BN → ReLU → conv3×3 → BN, 입력을 더한 뒤 ReLU를 거치는 잔차 블록.

    Parameters
    ----------
    channels : int
        입력과 출력의 채널 수(모양이 그대로 유지됩니다).
    batch_norm : bool
        False이면 두 BN 단계를 뺍니다.
    activation : str
        "relu"(기본), "sigmoid", "tanh". 실험용 확장입니다.

    입력과 출력 모두 shape (N, channels, H, W)입니다.
    """

    def __init__(self, channels: int, batch_norm: bool = True, activation: str = "relu"):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.act = _ACTIVATIONS[activation]()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.act(out + x)


def build_cnn(depth: int, channels: int = 16, num_classes: int = 10, batch_norm: bool = True,
              residual: bool = False, *, activation: str = "relu", kernel_size: int = 3,
              dropout: float = 0.0) -> nn.Module:
    """digits(N, 1, 8, 8)를 받아 (N, num_classes) 로짓을 내는 CNN을 만듭니다.

    줄기(stem) 합성곱 1개 + 몸통 합성곱 ``depth``개 → 전역 평균 풀링 → Linear 1개.
    평범한(plain) 몸통은 conv→BN→ReLU를 ``depth``번, 잔차 몸통은 ``ResidualBlock``을
    ``depth/2``번 쌓습니다. 따라서 ``nn.Conv2d``는 정확히 ``depth + 1``개입니다.

    Parameters
    ----------
    depth : int
        몸통의 합성곱 층 수(1 이상, residual이면 짝수).
    channels, num_classes : int
    batch_norm, residual : bool
    activation : str
        실험용 확장: "relu"(기본), "sigmoid", "tanh".
    kernel_size : int
        실험용 확장: 몸통 필터 크기(홀수, 잔차 블록은 3만).
    dropout : float
        실험용 확장: Linear 앞 드롭아웃 확률.

    Returns
    -------
    nn.Sequential

    Raises
    ------
    ValueError
        depth < 1이거나, residual=True인데 depth가 홀수일 때.
    """
    if depth < 1:
        raise ValueError(f"depth는 1 이상이어야 합니다 (받은 값: {depth}).")
    if residual and depth % 2 != 0:
        raise ValueError(f"잔차 블록은 합성곱 2개씩이라 depth가 짝수여야 합니다 (받은 값: {depth}).")
    act = _ACTIVATIONS[activation]

    def conv_unit(c_in: int, k: int) -> list[nn.Module]:
        layers: list[nn.Module] = [nn.Conv2d(c_in, channels, k, padding=k // 2, bias=not batch_norm)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels))
        layers.append(act())
        return layers

    layers = conv_unit(1, 3)
    if residual:
        layers += [ResidualBlock(channels, batch_norm, activation) for _ in range(depth // 2)]
    else:
        for _ in range(depth):
            layers += conv_unit(channels, kernel_size)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(channels, num_classes))
    return nn.Sequential(*layers)


def build_mlp(hidden=(256, 256), num_classes: int = 10, dropout: float = 0.0) -> nn.Module:
    """digits(N, 1, 8, 8)를 펼쳐 받는 완전 연결 신경망(과적합·드롭아웃 실험용).

    Linear → ReLU → (드롭아웃)을 은닉층마다 쌓고 마지막에 Linear(…, num_classes).

    Parameters
    ----------
    hidden : tuple of int
        은닉층의 유닛 수.
    num_classes : int
    dropout : float
        은닉층 뒤 드롭아웃 확률(0이면 넣지 않음).
    """
    layers: list[nn.Module] = [nn.Flatten()]
    width = 64
    for units in hidden:
        layers += [nn.Linear(width, units), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = units
    layers.append(nn.Linear(width, num_classes))
    return nn.Sequential(*layers)


def init_weights(model: nn.Module, scheme: str | float) -> nn.Module:
    """합성곱·Linear 가중치를 다시 초기화하고 편향은 0으로 둡니다(제자리에서 바꾸고 model을 돌려줌).

    Parameters
    ----------
    scheme : {"xavier", "he"} 또는 float
        "xavier": 분산 2/(n_in + n_out)인 정규분포, "he": 분산 2/n_in인 정규분포,
        float s: 표준편차 s인 정규분포(작거나 큰 초기화를 흉내 낼 때).
    """
    gen = torch.Generator().manual_seed(0)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            w = m.weight
            fan_in = w[0].numel()
            fan_out = w.shape[0] * w[0, 0].numel()
            if scheme == "xavier":
                std = (2.0 / (fan_in + fan_out)) ** 0.5
            elif scheme == "he":
                std = (2.0 / fan_in) ** 0.5
            else:
                std = float(scheme)
            with torch.no_grad():
                w.copy_(torch.randn(w.shape, generator=gen) * std)
                if m.bias is not None:
                    m.bias.zero_()
    return model


def layer_gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """교차 엔트로피 손실을 한 번 역전파한 뒤 합성곱·Linear 층 가중치 기울기의 노름 목록.

    Parameters
    ----------
    model : nn.Module
    x : torch.Tensor, shape (N, ...)
    y : torch.Tensor, shape (N,), int64

    Returns
    -------
    list of float
        입력 쪽 층부터 차례로 ‖∂J/∂W‖.
    """
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return [float(m.weight.grad.norm()) for m in model.modules()
            if isinstance(m, (nn.Conv2d, nn.Linear))]


def activation_stds(model: nn.Sequential, x: torch.Tensor, kind=nn.ReLU) -> list[float]:
    """평범한 Sequential 모델에서 ``kind`` 층(활성화 함수)을 지날 때마다 출력의 표준편차.

    Returns
    -------
    list of float
        입력 쪽 활성화부터 차례로.
    """
    stds = []
    with torch.no_grad():
        h = x
        for layer in model:
            h = layer(h)
            if isinstance(layer, kind):
                stds.append(float(h.std()))
    return stds


def moving_average(values, k: int = 5) -> np.ndarray:
    """길이 k 창의 이동 평균(앞부분은 있는 만큼만 평균). 들쭉날쭉한 미니배치 손실 곡선을 읽기 쉽게 합니다."""
    values = np.asarray(values, dtype=float)
    csum = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(idx - k, 0)
    return (csum[idx] - csum[lo]) / (idx - lo)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain_log_labels(ax, axis: str = "y") -> None:
    """로그 눈금의 숫자를 수식 글꼴 없이 10⁻³처럼 씁니다.

    matplotlib의 기본 로그 눈금은 수식(mathtext)으로 그려져 한글 글꼴에 없는 빼기 기호(−)가
    빈 네모로 나오므로, 같은 모양을 보통 글자(위 첨자)로 씁니다.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator

    def label(value, _pos):
        if value <= 0:
            return ""
        exponent = np.log10(value)
        if not np.isclose(exponent, round(exponent)):
            return ""
        return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(LogLocator(base=10, numticks=8))
    target.set_major_formatter(FuncFormatter(label))
    target.set_minor_formatter(FuncFormatter(lambda _v, _p: ""))


def count_parameters(model: nn.Module) -> int:
    """학습되는 매개변수의 개수."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def recalibrate_batch_norm(model: nn.Module, X: torch.Tensor) -> None:
    """배치 정규화 층의 이동 평균을 지금 가중치로 X 전체에서 잰 평균·분산으로 바꿉니다.

    학습 중의 이동 평균은 최근 미니배치 몇 개의 통계라서, 가중치가 빠르게 바뀌는 짧은 학습에서는
    평가 모드의 정확도가 크게 흔들립니다. 평가 직전에 한 번 다시 재면 그 흔들림이 사라집니다.
    """
    layers = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not layers:
        return
    was_training = model.training
    momenta = [m.momentum for m in layers]
    for m in layers:
        m.reset_running_stats()
        m.momentum = None  # None이면 누적 평균: 한 번의 순전파로 X 전체의 통계가 됩니다.
    model.train()
    with torch.no_grad():
        model(X)
    for m, momentum in zip(layers, momenta, strict=True):
        m.momentum = momentum
    model.train(was_training)


def _evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """평가 모드(배치 정규화는 이동 평균, 드롭아웃은 끔)에서 (손실, 정확도)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    model.train(was_training)
    return loss, acc


def _optimizer(name: str, params, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=weight_decay)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"모르는 옵티마이저입니다: {name}")


def train_model(model: nn.Module, data, *, epochs: int = 3, lr: float = 1e-2,
                batch_size: int = 64, optimizer: str = "adam", weight_decay: float = 0.0,
                seed: int = 0, recalibrate: bool = True) -> dict:
    """미니배치 학습을 하고 기록을 돌려줍니다.

    Parameters
    ----------
    model : nn.Module
    data : tuple
        ``load_digits_data``가 돌려주는 (X_train, y_train, X_val, y_val).
    epochs, batch_size : int
    lr : float
        학습률.
    optimizer : {"adam", "sgd", "momentum", "rmsprop"}
    seed : int
        미니배치 순서의 시드.
    recalibrate : bool
        에포크마다 평가하기 전에 ``recalibrate_batch_norm``으로 배치 정규화의 통계를 다시 잴지.

    Returns
    -------
    dict
        "loss": 미니배치마다의 훈련 손실(list), "train_acc"·"val_acc"·"train_loss"·"val_loss":
        에포크가 끝날 때마다 평가 모드로 잰 정확도와 손실(list, 길이 epochs), "seconds": 걸린 시간.
    """
    X_tr, y_tr, X_val, y_val = data
    gen = torch.Generator().manual_seed(seed)
    opt = _optimizer(optimizer, model.parameters(), lr, weight_decay)
    history = {"loss": [], "train_acc": [], "val_acc": [], "train_loss": [], "val_loss": []}
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(X_tr), generator=gen)
        for i in range(0, len(X_tr), batch_size):
            idx = perm[i:i + batch_size]
            if len(idx) < 2:  # 배치 정규화는 샘플 하나로 분산을 잴 수 없습니다.
                continue
            loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            history["loss"].append(loss.item())
        if recalibrate:
            recalibrate_batch_norm(model, X_tr)
        for part, X, y in (("train", X_tr, y_tr), ("val", X_val, y_val)):
            loss_value, acc = _evaluate(model, X, y)
            history[f"{part}_loss"].append(loss_value)
            history[f"{part}_acc"].append(acc)
    history["seconds"] = time.perf_counter() - start
    return history


def run_experiment(data, seed: int = 0, init: str | float | None = None, train_kwargs=None,
                   **cnn_kwargs):
    """시드를 고정하고 ``build_cnn(**cnn_kwargs)``를 만들어 학습합니다.

    Returns
    -------
    model : nn.Module
    history : dict
        ``train_model``의 기록.
    """
    torch.manual_seed(seed)
    model = build_cnn(**cnn_kwargs)
    if init is not None:
        init_weights(model, init)
    history = train_model(model, data, seed=seed, **(train_kwargs or {}))
    return model, history
