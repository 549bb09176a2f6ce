"""책의 개념 그림(다이어그램)을 그리는 함수들. 모두 빌드 때 matplotlib으로 그립니다.

- :func:`draw_computational_graph` (4장): 세 층 신경망의 계산 그래프, 변마다 국소 미분, 거꾸로 흐르는 δ
- :func:`draw_fan_out` (4장): 은닉 유닛 하나에서 출력 유닛 K개로 갈라지는 길과 연쇄 법칙의 합
- :func:`draw_conv_sliding` (5장): 패딩한 입력 위를 스트라이드만큼 미끄러지는 창과 출력 칸
- :func:`draw_residual_block` (5장): 잔차 블록의 두 길(F와 항등 지름길)
- :func:`draw_batchnorm_axes` (5장): (N, C, H, W) 텐서에서 배치 정규화가 통계를 모으는 곳

한 문자열 안에 한글과 ``$…$`` 수식을 섞지 않습니다(수식은 DejaVu Sans로만 그려 한글이 빠집니다).
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

__all__ = [
    "draw_computational_graph",
    "draw_fan_out",
    "draw_conv_sliding",
    "draw_residual_block",
    "draw_batchnorm_axes",
]

FORWARD = "#1f3b73"
BACKWARD = "#c0392b"
VALUE_FC = "#e8f0fe"
OP_FC = "#fff4dc"
PARAM_FC = "#e9f7ef"


def _box(ax, xy, text, fc, w=0.9, h=0.5, fontsize=13, ec="0.25"):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=fc, ec=ec, lw=1.3, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def _arrow(ax, start, end, color, style="-|>", lw=1.6, ls="-", rad=0.0, shrink=22):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color, lw=lw,
                                 linestyle=ls, shrinkA=shrink, shrinkB=shrink,
                                 connectionstyle=f"arc3,rad={rad}", zorder=1))


def draw_computational_graph(ax):
    """샘플 하나에 대한 세 층 신경망의 계산 그래프.

    가운데 줄은 값(변수), 위의 초록 상자는 매개변수와 정답입니다. 검은 화살표는 순전파,
    빨간 점선은 역전파이고, 빨간 글은 그 변의 국소 미분(머리 쪽 값을 꼬리 쪽 값으로 미분한 것)입니다.
    """
    y = 1.0
    xs = [0.0, 1.7, 3.4, 5.1, 6.8, 8.5]
    values = [r"$a^{(1)}$", r"$z^{(2)}$", r"$a^{(2)}$", r"$z^{(3)}$", r"$a^{(3)}$", r"$J$"]
    for x, text in zip(xs, values, strict=True):
        _box(ax, (x, y), text, VALUE_FC, w=0.8)
    ops = [r"$\Theta^{(1)} a^{(1)}$", r"$g$", r"$\Theta^{(2)} a^{(2)}$", r"$g$", r"$\mathrm{CE}$"]
    local = [None, r"$g'(z^{(2)})$", r"$(\Theta^{(2)})^T$", r"$g'(z^{(3)})$",
             r"$\frac{a^{(3)} - y}{a^{(3)}(1 - a^{(3)})}$"]
    for k in range(5):
        _arrow(ax, (xs[k], y + 0.05), (xs[k + 1], y + 0.05), FORWARD)
        ax.text((xs[k] + xs[k + 1]) / 2, y + 0.1, ops[k], ha="center", va="bottom", fontsize=9.5, color=FORWARD)
        if local[k] is not None:
            _arrow(ax, (xs[k + 1], y - 0.15), (xs[k], y - 0.15), BACKWARD, ls="--", rad=-0.45)
            ax.text((xs[k] + xs[k + 1]) / 2, y - 0.74, local[k], ha="center", va="top",
                    fontsize=13 if k == 4 else 10.5,
                    color=BACKWARD)
    # 매개변수와 정답이 들어오는 변, 그리고 그 변의 국소 미분
    for x_src, text, target, deriv in [(1.7, r"$\Theta^{(1)}$", 1, r"$a^{(1)}$"),
                                       (5.1, r"$\Theta^{(2)}$", 3, r"$a^{(2)}$"),
                                       (8.5, r"$y$", 5, None)]:
        _box(ax, (x_src, 2.5), text, PARAM_FC, w=0.8)
        _arrow(ax, (x_src, 2.5), (xs[target], y), FORWARD, shrink=16)
        if deriv is not None:
            ax.text(x_src + 0.12, 1.85, deriv, ha="left", va="center", fontsize=10.5, color=BACKWARD)
    # 거꾸로 모은 결과: δ와 가중치의 기울기
    ax.text(xs[3], -0.95, r"$\delta^{(3)} = \partial J/\partial z^{(3)} = a^{(3)} - y$", ha="center",
            fontsize=11.5, color=BACKWARD)
    ax.text(xs[1] - 0.2, -0.95, r"$\delta^{(2)} = (\Theta^{(2)})^T\delta^{(3)} \circ g'(z^{(2)})$",
            ha="center", fontsize=11.5, color=BACKWARD)
    ax.text(xs[3] - 0.9, 3.15, r"$\partial J/\partial\Theta^{(1)} = \delta^{(2)} (a^{(1)})^T$", ha="center",
            fontsize=11.5, color=BACKWARD)
    ax.text(xs[5] - 1.0, 3.15, r"$\partial J/\partial\Theta^{(2)} = \delta^{(3)} (a^{(2)})^T$",
            ha="center", fontsize=11.5, color=BACKWARD)
    ax.plot([], [], color=FORWARD, lw=2, label="순전파: 값을 계산")
    ax.plot([], [], color=BACKWARD, lw=2, ls="--", label="역전파: 국소 미분을 곱하며 거꾸로")
    ax.legend(loc="upper left", fontsize=9, frameon=False, bbox_to_anchor=(-0.02, 1.02))
    ax.set_xlim(-0.6, 9.1)
    ax.set_ylim(-1.35, 3.5)
    ax.set_axis_off()


def draw_fan_out(ax, K: int = 3):
    """은닉 유닛 하나 a_j에서 출력 유닛 K개로 가는 길. 연쇄 법칙은 길마다의 곱을 더합니다."""
    _box(ax, (0.0, 0.0), r"$z^{(2)}_j$", VALUE_FC, w=0.8)
    _box(ax, (1.4, 0.0), r"$a^{(2)}_j$", VALUE_FC, w=0.8)
    _arrow(ax, (0.0, 0.0), (1.4, 0.0), FORWARD)
    ax.text(0.7, 0.32, r"$g'(z^{(2)}_j)$", ha="center", fontsize=10, color=BACKWARD)
    ys = np.linspace(1.2, -1.2, K)
    for k, yk in enumerate(ys, start=1):
        name = f"{k}" if k < K else "K"
        _box(ax, (3.6, yk), rf"$z^{{(3)}}_{name}$", VALUE_FC, w=0.8)
        _arrow(ax, (1.4, 0.0), (3.6, yk), FORWARD)
        ax.text(2.5, yk * 0.55 + 0.12, rf"$\Theta^{{(2)}}_{{{name}j}}$", ha="center", fontsize=10, color=FORWARD)
        ax.text(4.15, yk, rf"$\delta^{{(3)}}_{name}$", ha="left", va="center", fontsize=11, color=BACKWARD)
    ax.text(2.3, -1.85, r"$\delta^{(2)}_j = \left(\sum_{k=1}^{K}\Theta^{(2)}_{kj}\,\delta^{(3)}_k\right) g'(z^{(2)}_j)$",
            ha="center", fontsize=12, color=BACKWARD)
    ax.set_xlim(-0.6, 5.0)
    ax.set_ylim(-2.2, 1.7)
    ax.set_axis_off()


def _grid(ax, x0, y0, rows, cols, cell=1.0, fc="white", ec="0.6", pad_fc=None, pad=0):
    for i in range(rows):
        for j in range(cols):
            is_pad = pad and (i < pad or j < pad or i >= rows - pad or j >= cols - pad)
            ax.add_patch(Rectangle((x0 + j * cell, y0 + (rows - 1 - i) * cell), cell, cell,
                                   fc=pad_fc if is_pad else fc, ec=ec, lw=0.8))


def draw_conv_sliding(axes, n: int = 5, f: int = 3, s: int = 2, p: int = 1, positions=((0, 0), (0, 1), (1, 0))):
    """패딩 p를 두른 n×n 입력 위에서 f×f 창이 스트라이드 s로 움직이는 모습과, 창마다 채워지는 출력 칸.

    ``axes``: 그림 칸들(창의 위치마다 하나). 회색 칸은 패딩(0), 색 테두리는 지금의 창,
    오른쪽 작은 격자는 출력이고 같은 색 칸이 이 창의 결과입니다.
    """
    size = n + 2 * p
    out = (n + 2 * p - f) // s + 1
    colors = ["#c0392b", "#2471a3", "#1e8449", "#7d3c98"]
    for idx, (ax, (u, v)) in enumerate(zip(axes, positions, strict=False)):
        color = colors[idx % len(colors)]
        _grid(ax, 0, 0, size, size, fc="white", pad_fc="0.85", pad=p)
        # 창
        ax.add_patch(Rectangle((v * s + 0.06, size - (u * s + f) + 0.06), f - 0.12, f - 0.12, fill=True,
                               fc=color, alpha=0.18, ec=color, lw=2.6))
        # 출력 격자
        ox = size + 1.2
        oy = (size - out) / 2
        _grid(ax, ox, oy, out, out, fc="white", ec="0.4")
        ax.add_patch(Rectangle((ox + v, oy + out - 1 - u), 1, 1, fc=color, alpha=0.55, ec=color, lw=2))
        ax.add_patch(FancyArrowPatch((v * s + f, size - u * s - f / 2), (ox + v + 0.5, oy + out - u - 0.5),
                                     arrowstyle="-|>", mutation_scale=12, color=color, lw=1.2,
                                     connectionstyle="arc3,rad=-0.25"))
        ax.text(size / 2, -0.8, f"출력 ({u}, {v}) 칸의 창", ha="center", fontsize=10)
        ax.text(size / 2, -1.55, f"행 {u * s}–{u * s + f - 1}, 열 {v * s}–{v * s + f - 1} (패딩 포함 좌표)",
                ha="center", fontsize=8.5, color="0.3")
        ax.set_xlim(-0.3, ox + out + 0.3)
        ax.set_ylim(-1.9, size + 0.3)
        ax.set_aspect("equal")
        ax.set_axis_off()
    return out


def draw_residual_block(ax):
    """잔차 블록: conv3×3 → BN → ReLU → conv3×3 → BN, 여기에 입력을 더하고 ReLU."""
    x = 0.0
    steps = [(5.2, r"$a^{(l)}$", VALUE_FC), (4.3, "conv 3×3", OP_FC), (3.6, "BN", OP_FC), (2.9, "ReLU", OP_FC),
             (2.2, "conv 3×3", OP_FC), (1.5, "BN", OP_FC)]
    for y, text, fc in steps:
        _box(ax, (x, y), text, fc, w=1.5, h=0.45, fontsize=11)
    for (y0, _, _), (y1, _, _) in zip(steps, steps[1:], strict=False):
        _arrow(ax, (x, y0), (x, y1), FORWARD, shrink=12)
    # 더하기와 마지막 ReLU
    ax.add_patch(plt_circle((x, 0.65), 0.22))
    ax.text(x, 0.65, "+", ha="center", va="center", fontsize=16, zorder=4)
    _arrow(ax, (x, 1.5), (x, 0.65), FORWARD, shrink=12)
    _box(ax, (x, -0.15), "ReLU", OP_FC, w=1.5, h=0.45, fontsize=11)
    _arrow(ax, (x, 0.65), (x, -0.15), FORWARD, shrink=12)
    _box(ax, (x, -1.0), r"$a^{(l+2)}$", VALUE_FC, w=1.5, h=0.45)
    _arrow(ax, (x, -0.15), (x, -1.0), FORWARD, shrink=12)
    # 지름길: 입력에서 오른쪽으로 나가 아래로 내려와 더하기로 들어갑니다.
    right = x + 1.6
    ax.plot([x + 0.78, right, right], [5.2, 5.2, 0.65], color=BACKWARD, lw=2.0, zorder=1)
    ax.add_patch(FancyArrowPatch((right, 0.65), (x + 0.22, 0.65), arrowstyle="-|>", mutation_scale=14,
                                 color=BACKWARD, lw=2.0, shrinkA=0, shrinkB=1, zorder=2))
    ax.text(x + 2.05, 2.9, "항등 지름길", ha="left", va="center", fontsize=11, color=BACKWARD)
    ax.text(x + 2.05, 2.45, r"$a^{(l)}$", ha="left", va="center", fontsize=12, color=BACKWARD)
    # F(a) 묶음
    ax.add_patch(Rectangle((x - 1.05, 1.15), 2.1, 3.45, fill=False, ec="0.5", ls=":", lw=1.2))
    ax.text(x - 1.2, 2.9, r"$F(a^{(l)})$", ha="right", va="center", fontsize=12)
    ax.text(x - 1.2, 2.4, "배울 잔차", ha="right", va="center", fontsize=10, color="0.3")
    ax.set_xlim(-3.0, 3.6)
    ax.set_ylim(-1.5, 5.7)
    ax.set_aspect("equal")
    ax.set_axis_off()


def plt_circle(center, radius):
    from matplotlib.patches import Circle
    return Circle(center, radius, fc="white", ec="0.25", lw=1.3, zorder=3)


def _sheet(ax, x, y, w, h, dx, dy, fc, ec="0.35", alpha=1.0, lw=0.8):
    """비스듬히 놓인 (H, W) 판 하나: 왼쪽 아래 (x, y), 가로 w, 세로 h, 깊이 방향 (dx, dy)만큼 밀림."""
    ax.add_patch(Polygon([(x + dx, y + dy), (x + dx + w, y + dy), (x + dx + w, y + dy + h), (x + dx, y + dy + h)],
                         closed=True, fc=fc, ec=ec, alpha=alpha, lw=lw))


def draw_batchnorm_axes(ax_conv, ax_dense, N: int = 4, C: int = 4, channel: int = 1):
    """배치 정규화가 평균과 분산을 구하는 값들.

    왼쪽: 합성곱 층 뒤의 (N, C, H, W) 텐서. 채널 c 하나의 통계는 모든 샘플의 그 채널 판(N×H×W개 값)에서 모읍니다.
    오른쪽: 완전 연결 층 뒤의 (N, D) 행렬. 특성 j 하나의 통계는 그 열(N개 값)에서 모읍니다.
    """
    highlight = "#f5b041"
    w = h = 1.6
    step = 0.32
    for n in range(N):
        x0 = n * 3.0
        for c in reversed(range(C)):
            fc = highlight if c == channel else "#d6eaf8"
            _sheet(ax_conv, x0, 0, w, h, c * step, c * step, fc)
            # 판 위의 H×W 격자 (맨 앞 판만)
            if c == 0:
                for t in range(1, 4):
                    ax_conv.plot([x0 + t * w / 4, x0 + t * w / 4], [0, h], color="0.6", lw=0.5)
                    ax_conv.plot([x0, x0 + w], [t * h / 4, t * h / 4], color="0.6", lw=0.5)
        ax_conv.text(x0 + w / 2 + 0.5, -0.45, f"샘플 {n + 1}", ha="center", fontsize=9)
    ax_conv.text(N * 3.0 / 2 - 0.5, h + C * step + 0.45, f"채널 c = {channel + 1}의 판을 모든 샘플에서 모음",
                 ha="center", fontsize=10, color="#b9770e")
    ax_conv.text(N * 3.0 / 2 - 0.5, -1.05, f"샘플마다 판 {C}장 = 채널 C개, 판 한 장 = H×W 특성 맵",
                 ha="center", fontsize=9, color="0.3")
    ax_conv.set_xlim(-0.6, N * 3.0)
    ax_conv.set_ylim(-1.3, h + C * step + 0.8)
    ax_conv.set_aspect("equal")
    ax_conv.set_axis_off()
    ax_conv.set_title("합성곱 층 뒤: (N, C, H, W)", fontsize=11)

    D = 6
    for i in range(N):
        for j in range(D):
            ax_dense.add_patch(Rectangle((j, N - 1 - i), 1, 1, fc=highlight if j == 2 else "#d6eaf8",
                                         ec="0.35", lw=0.8))
    for i in range(N):
        ax_dense.text(-0.2, N - 1 - i + 0.5, f"샘플 {i + 1}", ha="right", va="center", fontsize=9)
    ax_dense.text(2.5, N + 0.25, "특성 j의 열", ha="center", fontsize=10, color="#b9770e")
    ax_dense.set_xlim(-1.8, D + 0.2)
    ax_dense.set_ylim(-0.6, N + 1.0)
    ax_dense.set_aspect("equal")
    ax_dense.set_axis_off()
    ax_dense.set_title("완전 연결 층 뒤: (N, D)", fontsize=11)
