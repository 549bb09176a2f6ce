"""사이트가 싣고 다니는 글꼴: 책이 쓰는 라틴 문자 밖의 모든 글자를 사이트에 든 글꼴이 그립니다.

한글 글꼴이 없는 컴퓨터에서도(그리스 문자, 화살표, 「」 같은 기호를 그릴 글꼴이 없는 컴퓨터에서도) 모든 쪽과
PDF의 글자가 그려집니다.

- 한글과 그 밖의 글자는 그림(matplotlib)이 쓰는 koreanize-matplotlib의 나눔고딕(SIL 오픈 폰트 라이선스)으로
  그립니다(글꼴 이름 ``Book Hangul``). 한글(음절 11,172자를 모두 남기므로 검색창에 치는 글자도 그려집니다),
  CJK 기호와 구두점(U+3000–303F: 「」, 『』 …), 그리고 **빌드한 쪽들에 실제로 나온** 라틴 문자 밖의 글자 가운데
  나눔고딕에 있는 것(그리스 문자, 따옴표, 화살표, 일본어 가나, 한자 …)을 남깁니다.
- 나눔고딕에 없는 글자(✔, ₀, − …)는 matplotlib에 든 DejaVu Sans(Bitstream Vera 라이선스)에서 그 글자만 떼어
  ``Book Symbols``로 싣습니다.
- 둘 다에 없는 글자가 쪽에 있으면 경고합니다. 빌드는 ``-W``로 하므로 그 빌드는 실패합니다(어느 쪽의 어느 글자인지 적음).

"라틴 문자"는 U+0000–024F와 결합 발음 구별 부호(U+0300–036F)입니다. 이것은 테마의 글꼴(시스템 글꼴)이 그리고,
CSS(``_static/korean-font.css``)는 두 웹 글꼴을 ``unicode-range``로 제 글자에만 씁니다.

Debian의 chromium은 VTT 힌팅 표(``TSI0``–``TSI5``)가 든 글꼴을 거부합니다(``OTS parsing error: TSI3``).
그 표와 힌팅을 빼고 WOFF2(brotli)로 줄입니다(:mod:`autograder.webfont`).

나눔고딕은 굵기마다 두 조각(:func:`pieces`)으로 싣습니다: 한글과 CJK 기호의 **한글 조각**(어느 책이든 같은 글자,
약 225 kB)과 쪽에 나온 나머지 글자의 **나머지 조각**(수 kB). 한글 조각은 만드는 데 한 굵기에 8–10초가 걸리지만 늘
같으므로 사용자 캐시에 한 번 만들어 두고 모든 빌드와 채점기의 HTML이 함께 씁니다. 책을 고쳐 다시 펴내도 한글 조각은
바이트까지 같아, 독자의 브라우저는 캐시한 것을 다시 받지 않습니다. 어느 글자를 남길지는 빌드가 끝난 쪽들을 읽어
정하므로 글꼴은 ``build-finished``에서 씁니다.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from autograder.webfont import HANGUL_RANGES, cached_webfont, codepoints, font_folder

FAMILY = "Book Hangul"
SYMBOLS_FAMILY = "Book Symbols"
CSS_FILE = "korean-font.css"
FONT_DIR = "fonts"
#: 글꼴 굵기 → koreanize-matplotlib 안의 나눔고딕 파일 이름
WEIGHTS = {400: "NanumGothic.ttf", 700: "NanumGothicBold.ttf"}
#: 굵기 → matplotlib 안의 DejaVu Sans 파일 이름 (나눔고딕에 없는 글자)
SYMBOL_WEIGHTS = {400: "DejaVuSans.ttf", 700: "DejaVuSans-Bold.ttf"}
#: 테마의 글꼴(시스템 글꼴)이 그리는 라틴 문자: 기본 라틴, 라틴-1 보충, 라틴 확장 A·B, 결합 발음 구별 부호
LATIN_RANGES = ((0x0000, 0x024F), (0x0300, 0x036F))
#: 쪽에 그려지는 속성(검색창의 안내 글, 테마의 말풍선)
DRAWN_ATTRIBUTES = ("placeholder", "data-bs-title")
#: 쪽에 글을 보이는 스크립트(``_static/`` 안): Sphinx 검색 쪽의 번역 문장, 검색 결과 요약(korean_ui.py)
TEXT_SCRIPTS = ("translations.js", "korean-search-summary.js")


def symbol_font_folder() -> Path:
    """DejaVu Sans가 있는 matplotlib 안의 폴더."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib이 없습니다: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


def source_fonts() -> dict[int, Path]:
    """웹 글꼴로 만드는 나눔고딕 원본 파일(굵기 → 경로)."""
    return {weight: font_folder() / name for weight, name in WEIGHTS.items()}


def symbol_source_fonts() -> dict[int, Path]:
    return {weight: symbol_font_folder() / name for weight, name in SYMBOL_WEIGHTS.items()}


def webfont_name(weight: int, part: str) -> str:
    """나눔고딕 조각의 파일 이름: ``part`` 는 ``hangul`` (늘 같은 한글 조각) 또는 ``extra`` (쪽에 나온 나머지 글자)."""
    return f"{Path(WEIGHTS[weight]).stem}-{part}.woff2"


def symbol_webfont_name(weight: int) -> str:
    return f"{Path(SYMBOL_WEIGHTS[weight]).stem}-subset.woff2"


def is_latin(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in LATIN_RANGES)


class _TextParser(HTMLParser):
    """쪽에 그려지는 글(스크립트·스타일 밖의 글과 :data:`DRAWN_ATTRIBUTES`)의 글자들."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chars: set[str] = set()
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in DRAWN_ATTRIBUTES and value:
                self.chars.update(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.chars.update(data)


def page_characters(html_dir: Path) -> dict[str, str]:
    """빌드한 쪽들에 나온 라틴 문자 밖의 글자 → 그 글자가 처음 나온 쪽(사이트 폴더 기준 경로).

    모든 ``.html`` 쪽의 글과, 자바스크립트가 쪽에 보이는 글(:data:`TEXT_SCRIPTS`)을 읽습니다.
    """
    html_dir = Path(html_dir)
    found: dict[str, str] = {}

    def add(chars, where: str) -> None:
        for char in sorted(chars):
            if not is_latin(char) and char.isprintable() and char not in found:
                found[char] = where

    for page in sorted(html_dir.rglob("*.html")):
        parser = _TextParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        add(parser.chars, page.relative_to(html_dir).as_posix())
    for name in TEXT_SCRIPTS:
        script = html_dir / "_static" / name
        if script.is_file():
            add(set(script.read_text(encoding="utf-8")), f"_static/{name}")
    return found


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(path, lazy=True).getBestCmap())


#: 늘 싣는 한글 조각의 글자(쪽에 나오지 않아도): 한글과 CJK 기호와 구두점(「」, 『』, 〈〉, 。 …)
_HANGUL = frozenset(codepoints(HANGUL_RANGES))


@dataclass(frozen=True)
class Coverage:
    """어느 글자를 어느 웹 글꼴에 넣는가, 어느 글자는 어디에도 없는가."""

    hangul: tuple[int, ...]  # 나눔고딕(Book Hangul)에 남길 코드 포인트
    symbols: tuple[int, ...]  # DejaVu Sans(Book Symbols)에 남길 코드 포인트
    missing: tuple[int, ...]  # 사이트의 어느 글꼴에도 없는 글자

    @property
    def core(self) -> tuple[int, ...]:
        """나눔고딕의 한글 조각이 그리는 글자(어느 책이든 같음)."""
        return tuple(c for c in self.hangul if c in _HANGUL)

    @property
    def extra(self) -> tuple[int, ...]:
        """나눔고딕의 나머지 조각이 그리는 글자: 쪽에 나온 그리스 문자, 따옴표, 화살표 …"""
        return tuple(c for c in self.hangul if c not in _HANGUL)


def coverage(chars) -> Coverage:
    """쪽에 나온 글자들(``chars``)을 두 웹 글꼴로 나눕니다. 두 굵기 모두에 있는 글자만 그 글꼴의 것으로 칩니다."""
    nanum = set.intersection(*(_cmap(p) for p in source_fonts().values()))
    dejavu = set.intersection(*(_cmap(p) for p in symbol_source_fonts().values()))
    wanted = {ord(c) for c in chars if not is_latin(c)}
    hangul = (wanted | _HANGUL) & nanum
    symbols = (wanted - nanum) & dejavu
    return Coverage(tuple(sorted(hangul)), tuple(sorted(symbols)), tuple(sorted(wanted - nanum - dejavu)))


@dataclass(frozen=True)
class Piece:
    """사이트에 싣는 웹 글꼴 한 조각(굵기마다 파일 하나): CSS가 이 파일에 맡기는 글자(``shown``)와 파일에 남기는
    글자(``kept``). 한글 조각은 쪽과 상관없이 늘 같은 글자를 남겨, 채점기의 HTML과 같은 캐시 파일을 씁니다."""

    family: str
    files: dict[int, str]  # 굵기 → _static/fonts/ 안의 파일 이름
    sources: dict[int, Path]  # 굵기 → 원본 .ttf
    shown: tuple[int, ...]
    kept: tuple[int, ...]


def pieces(cover: Coverage) -> list[Piece]:
    """싣는 조각들: 나눔고딕의 한글 조각과 나머지 조각, DejaVu Sans의 기호 조각(맡을 글자가 없는 조각은 뺌)."""
    nanum, dejavu = source_fonts(), symbol_source_fonts()
    return [piece for piece in (
        Piece(FAMILY, {w: webfont_name(w, "hangul") for w in WEIGHTS}, nanum, cover.core, tuple(sorted(_HANGUL))),
        Piece(FAMILY, {w: webfont_name(w, "extra") for w in WEIGHTS}, nanum, cover.extra, cover.extra),
        Piece(SYMBOLS_FAMILY, {w: symbol_webfont_name(w) for w in WEIGHTS}, dejavu, cover.symbols, cover.symbols),
    ) if piece.shown]


def unicode_range(codepoints) -> str:
    """코드 포인트들을 CSS ``unicode-range`` 값으로(이어진 것은 구간으로)."""
    runs: list[list[int]] = []
    for c in sorted(codepoints):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return ", ".join(f"U+{lo:04X}" if lo == hi else f"U+{lo:04X}-{hi:04X}" for lo, hi in runs)


def stylesheet(cover: Coverage) -> str:
    faces = [
        f'@font-face {{ font-family: "{piece.family}"; font-style: normal; font-weight: {weight}; font-display: swap; '
        f'src: url("{FONT_DIR}/{name}") format("woff2"); unicode-range: {unicode_range(piece.shown)}; }}'
        for piece in pieces(cover) for weight, name in piece.files.items()
    ]
    stack = f'"{FAMILY}", "{SYMBOLS_FAMILY}"'
    return f"""/* 라틴 문자 밖의 글자는 사이트에 든 나눔고딕(SIL OFL 1.1)과 DejaVu Sans(Bitstream Vera)로,
   라틴 문자는 테마의 글꼴로 그립니다. korean_font.py가 빌드한 쪽들의 글자로 만듭니다. */
{chr(10).join(faces)}
:root {{
  --pst-font-family-base: {stack}, var(--pst-font-family-base-system);
  --pst-font-family-heading: {stack}, var(--pst-font-family-base-system);
  --pst-font-family-monospace: {stack}, var(--pst-font-family-monospace-system);
}}
"""


def _write_font(target: Path, source: Path, codepoints: tuple[int, ...]) -> None:
    data = cached_webfont(source, codepoints)
    if not (target.is_file() and target.read_bytes() == data):  # 같으면 그대로 두어 다시 빌드해도 파일이 바뀌지 않게
        target.write_bytes(data)


def write_assets(static: Path, html_dir: Path) -> dict[str, str]:
    """``static``(사이트의 ``_static``)에 글꼴과 CSS를 씁니다. 글자는 ``html_dir``의 쪽들에서 모읍니다.

    사이트의 어느 글꼴에도 없는 글자 → 그 글자가 나온 쪽을 돌려줍니다(없으면 빈 dict).
    """
    chars = page_characters(html_dir)
    cover = coverage(chars)
    fonts = static / FONT_DIR
    fonts.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for piece in pieces(cover):
        for weight, name in piece.files.items():
            _write_font(fonts / name, piece.sources[weight], piece.kept)
            wanted.add(name)
    for old in [*fonts.glob("*.woff2"), *fonts.glob("*.stamp")]:  # 예전 이름, 이제 필요 없는 조각, 예전 빌드의 표
        if old.name not in wanted:
            old.unlink()
    (fonts / "README.txt").write_text(
        "NanumGothic (c) NAVER Corporation, SIL Open Font License 1.1 (https://openfontlicense.org).\n"
        "DejaVu Sans (c) Bitstream, DejaVu changes are in the public domain; Bitstream Vera Fonts license\n"
        "(https://dejavu-fonts.github.io/License.html).\n"
        "Subset to the characters the site uses, VTT tables and hinting removed, converted to WOFF2 with fontTools.\n",
        encoding="utf-8")
    (static / CSS_FILE).write_text(stylesheet(cover), encoding="utf-8")
    return {chr(c): chars[chr(c)] for c in cover.missing}


def _write(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    missing = write_assets(Path(app.outdir) / "_static", Path(app.outdir))
    for char, page in missing.items():
        logging.getLogger(__name__).warning(
            "사이트의 글꼴(나눔고딕, DejaVu Sans) 어디에도 없는 글자 %r(U+%04X)가 %s에 있습니다. "
            "독자의 컴퓨터에서 빈 네모로 보일 수 있으니 다른 글자로 바꾸세요.",
            char, ord(char), page, type="korean_font", subtype="missing_glyph")


def setup(app):
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _write)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
