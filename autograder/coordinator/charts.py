"""개요(overview.html)의 그림: 총점 분포, 함수별 통과율, 문항 분석.

그림은 SVG를 직접 씁니다. 글자는 책의 그림과 같은 글꼴(라틴 글자와 기호는 DejaVu Sans, 한글은 koreanize-matplotlib의
나눔고딕: 책의 ``font.family`` 순서와 같음)에서 fontTools로 꺼낸 글리프 모양(path)으로 들어가므로, 보는 컴퓨터에 한글
글꼴이 없어도 그대로 보입니다. 쪽은 ``<img src="data:image/svg+xml;base64,...">`` 로 그림을 품은 파일 하나로 남습니다
(자바스크립트 없음).

matplotlib으로 그리던 것을 바꾼 까닭은 시간입니다: matplotlib을 불러오고 제약 배치(constrained layout)로 그림 세 개를
그리는 데 과제 하나에 1초 남짓 들어, 결과 폴더에 처음 채점할 때(늦은 제출물 하나를 새 폴더에 채점할 때도) 채점기의
나머지 일보다 오래 걸렸습니다(benchmarks/overview.py). 그림은 막대, 축, 눈금, 글자뿐이라 직접 쓰는 편이 짧습니다.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..workdir import replaced_atomically, user_cache_dir
from .html_page import font_source
from .item_analysis import Item

#: 색: 색각 이상이 있어도 구별되는 Okabe–Ito 팔레트. 표시된 테스트는 색과 함께 빗금으로도 구별합니다.
BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#999999"
INK, GRID = "#222222", "#dddddd"
#: 길이의 단위는 포인트(1/72인치)이고 글자 크기도 포인트입니다(책의 그림과 같은 10pt가 기본).
FONT_SIZE = 10
TICK = 3.5
PAD = 3.5
MINUS = "\u2212"  # 음수의 빼기표(하이픈이 아닌 수학 기호, 책의 그림과 같음)


def _dejavu() -> Path:
    """matplotlib이 싣고 다니는 DejaVu Sans(불러오지 않고 파일만 찾습니다)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("DejaVu Sans 글꼴(matplotlib에 들어 있음)을 찾지 못했습니다: pip install -r requirements.txt")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


class _Font:
    """글꼴 하나: 글자의 너비와 모양(글꼴 단위의 SVG path)."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont

        self.font = TTFont(str(path), lazy=True)
        self.cmap = self.font.getBestCmap()
        self.glyphs = self.font.getGlyphSet()
        self.units = self.font["head"].unitsPerEm
        self.metrics = self.font["hmtx"]
        self._outlines: dict[str, str] = {}

    def outline(self, name: str) -> str:
        if name not in self._outlines:
            from fontTools.pens.svgPathPen import SVGPathPen

            pen = SVGPathPen(self.glyphs, ntos=lambda v: f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}")
            self.glyphs[name].draw(pen)
            self._outlines[name] = pen.getCommands()
        return self._outlines[name]


@functools.cache
def _fonts() -> tuple[_Font, _Font]:
    return _Font(_dejavu()), _Font(font_source())


#: 글리프 캐시의 판. 캐시에 적는 것이나 글꼴을 고르는 규칙이 바뀌면 올립니다.
_GLYPH_CACHE_VERSION = 1
#: 캐시에서 읽은 글리프 모양으로 받아들이는 것: SVG path의 명령과 수만(쪽에 그대로 들어가므로)
_OUTLINE = re.compile(r"[MLHVCSQTZmlhvcsqtz0-9 .\-]*")


class _Glyph(NamedTuple):
    """글자 하나: 글꼴(0 DejaVu Sans, 1 나눔고딕), 글리프 이름, 너비와 글꼴 단위(unitsPerEm), 모양(글꼴 단위의 path)."""

    font: int
    name: str
    advance: float
    units: int
    outline: str


class _GlyphCache:
    """한 번 꺼낸 글자의 :class:`_Glyph` 를 사용자 캐시(``workdir.user_cache_dir``)에 둡니다. 글꼴 파일은 캐시에 없는
    글자가 나올 때에만 엽니다: 나눔고딕의 글자표(1만 7천 자)를 읽는 것만으로 2코어 컴퓨터에서 0.15초가 들어, 그림을
    그리는 배치마다(늦은 제출물 하나를 새 폴더에 채점할 때도) 치르던 값입니다. 캐시 파일의 이름에 두 글꼴 파일의
    크기와 수정 시각이 들어가므로 글꼴이 바뀌면 새로 만듭니다. 읽을 수 없거나 모양이 어긋난 캐시는 쓰지 않습니다."""

    def __init__(self):
        self.path: Path | None = None
        self.glyphs: dict[str, _Glyph] = {}
        self.dirty = False

    def load(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            fonts = [(str(f), (st := f.stat()).st_size, st.st_mtime_ns) for f in (_dejavu(), font_source())]
            stamp = hashlib.sha256(repr([_GLYPH_CACHE_VERSION, *fonts]).encode())
            self.path = user_cache_dir() / "chart-glyphs" / f"{stamp.hexdigest()[:20]}.json"
            with contextlib.suppress(OSError, ValueError, TypeError):
                data = json.loads(self.path.read_text(encoding="utf-8"))
                glyphs = {ch: _Glyph(*g) for ch, g in data.items()}
                if all(len(ch) == 1 and g.font in (0, 1) and _OUTLINE.fullmatch(g.outline) for ch, g in glyphs.items()):
                    self.glyphs = glyphs

    def get(self, ch: str) -> _Glyph:
        if ch not in self.glyphs:
            fonts = _fonts()
            index = 0 if ord(ch) in fonts[0].cmap else 1  # DejaVu Sans에 있으면 그것, 없으면(한글) 나눔고딕
            font = fonts[index]
            name = font.cmap.get(ord(ch), ".notdef")
            self.glyphs[ch] = _Glyph(index, name, float(font.metrics[name][0]), int(font.units), font.outline(name))
            self.dirty = True
        return self.glyphs[ch]

    def save(self) -> None:
        """새로 꺼낸 글자가 있으면 캐시 파일을 원자적으로 다시 씁니다(쓸 수 없으면 그대로 둡니다)."""
        if self.dirty and self.path is not None:
            with contextlib.suppress(OSError), replaced_atomically(self.path) as f:
                json.dump({ch: list(g) for ch, g in self.glyphs.items()}, f, ensure_ascii=False)
            self.dirty = False


@functools.cache
def _glyph_cache() -> _GlyphCache:
    cache = _GlyphCache()
    cache.load()
    return cache


def _glyphs(text: str) -> list[_Glyph]:
    """글자마다 그릴 글리프(:class:`_Glyph`): DejaVu Sans에 있으면 그것, 없으면(한글) 나눔고딕."""
    cache = _glyph_cache()
    return [cache.get(ch) for ch in text]


def _advances(glyphs: list[_Glyph], size: float) -> list[float]:
    return [g.advance * size / g.units for g in glyphs]


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(_advances(_glyphs(text), size))


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _label(v: float) -> str:
    """눈금 글: 정수는 정수로, 음수는 수학 빼기표로."""
    s = f"{v:g}" if not float(v).is_integer() else str(int(v))
    return s.replace("-", MINUS)


def nice_ticks(top: float, integer: bool = False, most: int = 6) -> list[float]:
    """0부터 ``top`` 까지의 눈금(1, 2, 2.5, 5의 10배수 간격, ``most`` 개 이하)."""
    top = top if top > 0 else 1
    raw = top / (most - 1)
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw - 1e-12)
    if integer:
        step = max(1, math.ceil(step))
    return [round(i * step, 10) for i in range(int(top / step + 1e-9) + 1)]


class Canvas:
    """SVG 한 장. 글자는 글리프 모양을 한 번씩 ``<defs>`` 에 두고 ``<use>`` 로 찍습니다."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.body: list[str] = []
        self._ids: dict[tuple[int, str], str] = {}
        self._defs: list[str] = []
        self._hatch = False

    def rect(self, x: float, y: float, w: float, h: float, fill: str, hatch: bool = False) -> None:
        if w <= 0 or h <= 0:
            return
        box = f'x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"'
        self.body.append(f'<rect {box} fill="{fill}" stroke="white" stroke-width="1"/>')
        if hatch:
            self._hatch = True
            self.body.append(f'<rect {box} fill="url(#hatch)"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str = INK, width: float = 0.8) -> None:
        self.body.append(f'<path d="M{_num(x1)} {_num(y1)}L{_num(x2)} {_num(y2)}" stroke="{color}" '
                         f'stroke-width="{width}" fill="none"/>')

    def frame(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.body.append(f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" height="{_num(y1 - y0)}" '
                         f'fill="none" stroke="{INK}" stroke-width="0.8"/>')

    def cross(self, x: float, y: float, color: str = GREY, r: float = 3) -> None:
        self.body.append(f'<path d="M{_num(x - r)} {_num(y - r)}L{_num(x + r)} {_num(y + r)}M{_num(x - r)} '
                         f'{_num(y + r)}L{_num(x + r)} {_num(y - r)}" stroke="{color}" stroke-width="1.2"/>')

    def text(self, text: str, x: float, y: float, size: float = FONT_SIZE, anchor: str = "start",
             color: str = INK, rotate: bool = False) -> None:
        """``(x, y)`` 에 글 한 줄: ``y`` 는 글의 세로 가운데, ``anchor`` 는 start/middle/end. ``rotate``: 90도 돌림."""
        glyphs = _glyphs(text)
        advances = _advances(glyphs, size)
        width = sum(advances)
        shift = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
        place = f"translate({_num(x)} {_num(y)})" + (" rotate(-90)" if rotate else "")
        uses, pen = [], shift
        for glyph, advance in zip(glyphs, advances, strict=True):
            if glyph.outline:
                key = (glyph.font, glyph.name)
                if key not in self._ids:
                    self._ids[key] = f"g{len(self._ids)}"
                    self._defs.append(f'<path id="{self._ids[key]}" d="{glyph.outline}"/>')
                k = size / glyph.units
                uses.append(f'<use xlink:href="#{self._ids[key]}" '
                            f'transform="translate({_num(pen)} {_num(0.36 * size)}) scale({k:.5f} {-k:.5f})"/>')
            pen += advance
        self.body.append(f'<g transform="{place}" fill="{color}">{"".join(uses)}</g>')

    def svg(self) -> bytes:
        _glyph_cache().save()
        defs = list(self._defs)
        if self._hatch:
            defs.append('<pattern id="hatch" patternUnits="userSpaceOnUse" width="5" height="5">'
                        '<path d="M0 5L5 0M-1 1L1 -1M4 6L6 4" stroke="white" stroke-width="1"/></pattern>')
        out = io.StringIO()
        out.write('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n')
        out.write(f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
                  f'width="{_num(self.width)}pt" height="{_num(self.height)}pt" '
                  f'viewBox="0 0 {_num(self.width)} {_num(self.height)}">')
        out.write(f'<rect width="100%" height="100%" fill="white"/><defs>{"".join(defs)}</defs>')
        out.write("".join(self.body))
        out.write("</svg>\n")
        return out.getvalue().encode("utf-8")


class Axes:
    """그림 칸 하나: 자료 좌표를 칸 안의 점으로 옮기고, 격자·눈금·테두리·축 이름을 그립니다."""

    def __init__(self, canvas: Canvas, box: tuple[float, float, float, float], xlim: tuple[float, float],
                 ylim: tuple[float, float], invert_y: bool = False):
        self.c, self.box, self.xlim, self.ylim, self.invert_y = canvas, box, xlim, ylim, invert_y

    def x(self, v: float) -> float:
        x0, _, x1, _ = self.box
        return x0 + (v - self.xlim[0]) / (self.xlim[1] - self.xlim[0]) * (x1 - x0)

    def y(self, v: float) -> float:
        _, y0, _, y1 = self.box
        t = (v - self.ylim[0]) / (self.ylim[1] - self.ylim[0])
        return y0 + t * (y1 - y0) if self.invert_y else y1 - t * (y1 - y0)

    def grid_x(self, ticks: Sequence[float]) -> None:
        _, y0, _, y1 = self.box
        for v in ticks:
            self.c.line(self.x(v), y0, self.x(v), y1, GRID, 0.8)
            self.c.line(self.x(v), y1, self.x(v), y1 + TICK)
            self.c.text(_label(v), self.x(v), y1 + TICK + PAD + FONT_SIZE / 2, FONT_SIZE, "middle")

    def grid_y(self, ticks: Sequence[float], labels: Sequence[str] | None = None, size: float = FONT_SIZE,
               grid: bool = True) -> None:
        x0, _, x1, _ = self.box
        for i, v in enumerate(ticks):
            if grid:
                self.c.line(x0, self.y(v), x1, self.y(v), GRID, 0.8)
            self.c.line(x0 - TICK, self.y(v), x0, self.y(v))
            if labels is not None:
                self.c.text(labels[i], x0 - TICK - PAD, self.y(v), size, "end")

    def xlabel(self, text: str) -> None:
        x0, _, x1, y1 = self.box
        self.c.text(text, (x0 + x1) / 2, y1 + TICK + PAD + FONT_SIZE + PAD + FONT_SIZE / 2, FONT_SIZE, "middle")

    def frame(self) -> None:
        self.c.frame(*self.box)


#: 가로축 눈금 글과 축 이름이 차지하는 아래 여백
_BOTTOM = TICK + PAD + FONT_SIZE + PAD + FONT_SIZE + 6


class FigureCache:
    """그린 그림(SVG)을 결과 폴더의 ``folder`` 에 남겨 두고, 다음 채점에서 같은 자료면 그리지 않고 씁니다.

    다시 채점하기(이어 채점하기, 늦은 제출물 하나)는 대개 과제 하나의 결과만 바꾸므로, 나머지 과제의 그림을 다시
    그리지 않고 글꼴도 읽지 않습니다. 열쇠는 그림의 종류와 자료, 그리고 그리는 코드(이 파일)와 fontTools의 판입니다.
    이번에 쓰지 않은 그림은 :meth:`prune` 이 지웁니다."""

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
    """그리는 코드(이 파일)와 글리프를 꺼내는 fontTools의 판."""
    import hashlib
    from importlib.metadata import version

    return f"{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}-{version('fonttools')}"


def score_histogram(scores: Sequence[float], max_score: float) -> bytes:
    """과제 하나의 총점 분포(막대 하나가 점수 구간 하나). 가로축은 0점부터 만점까지."""
    top = max(max_score, max(scores, default=0)) or 1
    bins = min(20, max(1, int(round(top))))
    counts = [0] * bins
    for s in scores:
        if 0 <= s <= top:
            counts[min(int(s / top * bins), bins - 1)] += 1
    yticks = nice_ticks(max(counts, default=0) or 1, integer=True)
    ylabels = [_label(v) for v in yticks]
    c = Canvas(6.0 * 72, 2.6 * 72)
    left = 4 + FONT_SIZE + PAD + max(text_width(t) for t in ylabels) + PAD + TICK
    ax = Axes(c, (left, 8, c.width - 12, c.height - _BOTTOM), (-0.05 * top, 1.05 * top),
              (0, max(yticks[-1], max(counts, default=0)) * 1.05))
    ax.grid_x(nice_ticks(top))
    ax.grid_y(yticks, ylabels)
    for i, n in enumerate(counts):
        x0, x1 = ax.x(i / bins * top), ax.x((i + 1) / bins * top)
        c.rect(x0, ax.y(n), x1 - x0, ax.y(0) - ax.y(n), BLUE)
    ax.frame()
    ax.xlabel("점수")
    c.text("제출물 수", 4 + FONT_SIZE / 2, (ax.box[1] + ax.box[3]) / 2, FONT_SIZE, "middle", rotate=True)
    return c.svg()


def pass_rate_chart(rows: Sequence[dict]) -> bytes:
    """함수마다 공개·숨은 테스트 통과율(%)의 가로 막대 두 개(``item_analysis.function_pass_rates``의 행)."""
    names = [r["function"] for r in rows]
    c = Canvas(6.0 * 72, (0.9 + 0.42 * len(rows)) * 72)
    legend = 8
    left = 6 + max((text_width(n) for n in names), default=0) + PAD + TICK
    ax = Axes(c, (left, 6 + legend + 10, c.width - 12, c.height - _BOTTOM), (0, 112),
              (-0.5 - 0.1, len(rows) - 0.5 + 0.1), invert_y=True)
    ax.grid_x(range(0, 101, 20))
    ax.grid_y(range(len(rows)), names, grid=False)
    h = 0.38
    series = ((-h / 2, "visible", "공개 테스트", BLUE, False), (h / 2, "hidden", "숨은 테스트", ORANGE, True))
    for offset, key, _, color, hatch in series:
        for i, r in enumerate(rows):
            v = r[key]
            y0, y1 = ax.y(i + offset - h / 2), ax.y(i + offset + h / 2)
            c.rect(ax.x(0), y0, ax.x((v or 0) * 100) - ax.x(0), y1 - y0, color, hatch)
            if v is not None:
                c.text(f"{v * 100:.0f}%", ax.x(v * 100) + 2, (y0 + y1) / 2, 7)
    ax.frame()
    ax.xlabel("통과율(%)")
    # 범례: 그림 칸 위 가운데에 견본 막대와 이름
    items = [(label, color, hatch) for _, _, label, color, hatch in series]
    widths = [14 + 4 + text_width(label, legend) for label, _, _ in items]
    x = (ax.box[0] + ax.box[2]) / 2 - (sum(widths) + 16) / 2
    for (label, color, hatch), w in zip(items, widths, strict=True):
        c.rect(x, 6, 14, legend - 1, color, hatch)
        c.text(label, x + 18, 6 + (legend - 1) / 2, legend)
        x += w + 16
    return c.svg()


def item_chart(items: Sequence[Item]) -> bytes:
    """테스트마다 통과율(왼쪽)과 변별도(오른쪽) 가로 막대. 표시된 테스트는 주황빛 빨강에 빗금, 변별도가 없으면 회색 ×."""
    labels = [("(숨은) " if it.hidden else "") + it.grade_id for it in items]
    c = Canvas(7.0 * 72, (1.0 + 0.3 * len(items)) * 72)
    left = 6 + max((text_width(t, 8) for t in labels), default=0) + PAD + TICK
    gap, right_edge, top = 24, c.width - 14, 8
    width = (right_edge - left - gap) / 2
    ylim = (-0.5 - 0.15, len(items) - 0.5 + 0.15)
    bottom = c.height - _BOTTOM
    p_ax = Axes(c, (left, top, left + width, bottom), (0, 140), ylim, invert_y=True)
    d_ax = Axes(c, (left + width + gap, top, right_edge, bottom), (-1, 1), ylim, invert_y=True)
    ys = range(len(items))
    p_ax.grid_x(range(0, 101, 25))
    d_ax.grid_x([-1, -0.5, 0, 0.5, 1])
    p_ax.grid_y(ys, labels, size=8)
    d_ax.grid_y(ys)
    for y, it in zip(ys, items, strict=True):
        color, y0, y1 = VERMILLION if it.flags else BLUE, p_ax.y(y - 0.35), p_ax.y(y + 0.35)
        c.rect(p_ax.x(0), y0, p_ax.x(it.p * 100) - p_ax.x(0), y1 - y0, color, bool(it.flags))
        c.text(f"{it.p * 100:.0f}%" + (" 살펴보기" if it.flags else ""), p_ax.x(it.p * 100 + 2), p_ax.y(y), 7,
               color=VERMILLION if it.flags else INK)
        if it.discrimination is None:
            c.cross(d_ax.x(0), d_ax.y(y))
        else:
            a, b = sorted((d_ax.x(0), d_ax.x(it.discrimination)))
            c.rect(a, y0, b - a, y1 - y0, color, bool(it.flags))
    c.line(d_ax.x(0), top, d_ax.x(0), bottom, "#333333", 0.8)  # 막대 위에(matplotlib의 axvline처럼)
    p_ax.frame()
    d_ax.frame()
    p_ax.xlabel("통과율(%)")
    d_ax.xlabel("변별도(나머지 점수와의 상관)")
    return c.svg()
