"""개요(overview.html)의 그림: 총점 분포, 함수별 통과율, 문항 분석.

그림은 책과 같은 도구(matplotlib)와 같은 글꼴(koreanize-matplotlib의 나눔고딕, 라틴 글자와 기호는 DejaVu Sans)로
그리고 SVG로 냅니다. SVG의 글자는 모양(path)으로 들어가므로 보는 컴퓨터에 한글 글꼴이 없어도 그대로 보이고,
쪽은 ``<img src="data:image/svg+xml;base64,...">`` 로 그림을 품은 파일 하나로 남습니다(자바스크립트 없음).

matplotlib은 불러오는 데 시간이 들므로 이 모듈을 불러올 때가 아니라 그림을 처음 그릴 때 불러옵니다. 채점기는
개요를 쓸 때만 이 모듈을 씁니다. pyplot을 쓰지 않고 ``Figure``를 직접 만들므로 전역 상태(열린 그림, 백엔드)를 건드리지 않습니다.
"""
from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Sequence
from pathlib import Path

from ..workdir import replaced_atomically
from .html_page import font_source
from .item_analysis import Item

KOREAN_FONT = "NanumGothic"
#: 색: 색각 이상이 있어도 구별되는 Okabe–Ito 팔레트. 표시된 테스트는 색과 함께 빗금으로도 구별합니다.
BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#999999"


@functools.cache
def _rc() -> dict:
    """책의 그림 설정(``book/mlbook/figures.py``)과 같은 글꼴 순서. 나눔고딕 파일은 한 번만 등록합니다."""
    from matplotlib import font_manager

    if KOREAN_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        for path in sorted(font_source().parent.glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))
    return {"font.family": ["DejaVu Sans", KOREAN_FONT], "axes.unicode_minus": True, "axes.grid": True,
            "grid.alpha": 0.3, "svg.fonttype": "path", "svg.hashsalt": "overview", "font.size": 10}


def _svg(draw, size: tuple[float, float]) -> bytes:
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with mpl.rc_context(_rc()):
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasSVG(fig)
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


class FigureCache:
    """그린 그림(SVG)을 결과 폴더의 ``folder`` 에 남겨 두고, 다음 채점에서 같은 자료면 그리지 않고 씁니다.

    다시 채점하기(이어 채점하기, 늦은 제출물 하나)는 대개 과제 하나의 결과만 바꾸므로, 나머지 과제의 그림을 다시
    그리지 않고 matplotlib도 불러오지 않습니다(그림 하나에 0.1초 남짓, 불러오기 0.5초). 열쇠는 그림의 종류와 자료,
    그리고 그리는 코드(이 파일)와 matplotlib의 판입니다. 이번에 쓰지 않은 그림은 :meth:`prune` 이 지웁니다."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()

    def svg(self, kind: str, data, draw) -> bytes:
        import hashlib
        import json

        if self.folder is None:
            return draw()
        key = hashlib.sha256(json.dumps([kind, data, _code_version()], ensure_ascii=False, default=str)
                             .encode()).hexdigest()[:32]
        path = self.folder / f"{key}.svg"
        self.used.add(path.name)
        try:
            return path.read_bytes()
        except OSError:
            pass
        svg = draw()
        with contextlib.suppress(OSError), replaced_atomically(path, binary=True) as f:  # 남겨 두지 못해도 개요는 씁니다
            f.write(svg)
        return svg

    def prune(self) -> None:
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.svg"):
                if path.name not in self.used:
                    path.unlink()


@functools.cache
def _code_version() -> str:
    import hashlib
    from importlib.metadata import version

    return f"{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}-{version('matplotlib')}"


def score_histogram(scores: Sequence[float], max_score: float) -> bytes:
    """과제 하나의 총점 분포(막대 하나가 점수 구간 하나). 가로축은 0점부터 만점까지."""
    def draw(fig):
        ax = fig.subplots()
        top = max(max_score, max(scores, default=0))
        bins = min(20, max(1, int(round(top))))
        ax.hist(scores, bins=bins, range=(0, top or 1), color=BLUE, edgecolor="white")
        ax.set_xlabel("점수")
        ax.set_ylabel("제출물 수")
        ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(draw, (6.0, 2.6))


def pass_rate_chart(rows: Sequence[dict]) -> bytes:
    """함수마다 공개·숨은 테스트 통과율(%)의 가로 막대 두 개(``item_analysis.function_pass_rates``의 행)."""
    def draw(fig):
        ax = fig.subplots()
        names = [r["function"] for r in rows]
        ys = range(len(rows))
        h = 0.38
        for offset, key, label, color, hatch in ((-h / 2, "visible", "공개 테스트", BLUE, ""),
                                                 (h / 2, "hidden", "숨은 테스트", ORANGE, "//")):
            values = [r[key] for r in rows]
            bars = ax.barh([y + offset for y in ys], [(v or 0) * 100 for v in values], height=h, label=label,
                           color=color, hatch=hatch, edgecolor="white")
            ax.bar_label(bars, labels=["" if v is None else f"{v * 100:.0f}%" for v in values], padding=2, fontsize=7)
        ax.set_yticks(list(ys), names)
        ax.invert_yaxis()
        ax.set_xlim(0, 112)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("통과율(%)")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    return _svg(draw, (6.0, 0.9 + 0.42 * len(rows)))


def item_chart(items: Sequence[Item]) -> bytes:
    """테스트마다 통과율(왼쪽)과 변별도(오른쪽) 가로 막대. 표시된 테스트는 주황빛 빨강에 빗금, 변별도가 없으면 회색 ×."""
    def draw(fig):
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1, 1])
        ys = list(range(len(items)))
        colors = [VERMILLION if it.flags else BLUE for it in items]
        hatches = ["//" if it.flags else "" for it in items]
        for y, it, c, hatch in zip(ys, items, colors, hatches, strict=True):
            left.barh(y, it.p * 100, color=c, hatch=hatch, edgecolor="white", height=0.7)
            left.text(it.p * 100 + 2, y, f"{it.p * 100:.0f}%" + (" 살펴보기" if it.flags else ""), va="center",
                      fontsize=7, color=VERMILLION if it.flags else "#222")
            if it.discrimination is None:
                right.plot([0], [y], marker="x", color=GREY, linestyle="none")
            else:
                right.barh(y, it.discrimination, color=c, hatch=hatch, edgecolor="white", height=0.7)
        left.set_yticks(ys, [("(숨은) " if it.hidden else "") + it.grade_id for it in items], fontsize=8)
        left.invert_yaxis()
        left.set_xlim(0, 140)
        left.set_xticks(range(0, 101, 25))
        left.set_xlabel("통과율(%)")
        right.set_xlim(-1, 1)
        right.axvline(0, color="#333", linewidth=0.8)
        right.set_xlabel("변별도(나머지 점수와의 상관)")
    return _svg(draw, (7.0, 1.0 + 0.3 * len(items)))
