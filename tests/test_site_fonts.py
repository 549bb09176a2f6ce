"""사이트가 싣고 다니는 글꼴(book/_ext/korean_font.py): 쪽에 나온 라틴 문자 밖의 글자를 모두 사이트의 글꼴이 그립니다.

남길 글자는 손으로 적은 목록이 아니라 빌드한 쪽들에서 모읍니다. 나눔고딕에 있는 글자는 나눔고딕에, 없는 글자는
DejaVu Sans에 넣고, 둘 다에 없는 글자가 쪽에 있으면 빌드가 경고합니다(책은 ``-W``로 빌드하므로 실패). 실제 책의 쪽을
Chromium이 어느 글꼴로 그리는지는 tests/test_browser.py가 봅니다.
"""
from __future__ import annotations

import io
import re

import pytest

from autograder import webfont
from book._ext import korean_font
from tests.tiny_book import tiny_book_html


@pytest.mark.unit
def test_characters_are_read_from_drawn_text_only(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "page.html").write_text(
        '<html><head><style>a::after { content: "→" }</style><script>var s = "☃";</script></head>'
        '<body><p>연재 「머신러닝」 θ₀ café</p><input placeholder="책에서 찾기…"><a title="툴팁 ★">x</a></body></html>',
        encoding="utf-8")
    (tmp_path / "_static" / "translations.js").write_text('{"Searching": "검색 중"}', encoding="utf-8")
    found = korean_font.page_characters(tmp_path)
    assert set("「」θ₀…") <= set(found)
    assert found["「"] == "page.html" and found["…"] == "page.html"
    assert "검" in found and found["검"] in ("page.html", "_static/translations.js")
    assert not set("→☃★é") & set(found)  # 스타일, 스크립트, title(브라우저가 그리는 말풍선), 라틴 문자


@pytest.mark.unit
def test_coverage_puts_each_character_in_the_font_that_has_it():
    cover = korean_font.coverage(set("경사「」θ‘’✔₀−ก"))
    hangul, symbols, missing = set(cover.hangul), set(cover.symbols), set(cover.missing)
    assert {ord(c) for c in "「」θ‘’"} <= hangul
    assert all(c in hangul for c in range(0xAC00, 0xD7A4))  # 검색창에 치는 어떤 음절도
    nanum = korean_font._cmap(korean_font.source_fonts()[400])
    assert all(c in hangul for c in range(0x3000, 0x3040) if c in nanum)
    assert {ord(c) for c in "✔₀−"} == symbols
    assert missing == {ord("ก")}


@pytest.mark.unit
def test_webfont_keeps_what_it_is_asked_for():
    from fontTools.ttLib import TTFont

    data = webfont.make_webfont(korean_font.symbol_source_fonts()[400], [ord("✔"), ord("₀")])
    assert data[:4] == b"wOF2"
    assert {ord("✔"), ord("₀")} <= set(TTFont(io.BytesIO(data)).getBestCmap())


@pytest.mark.unit
def test_the_hangul_piece_is_the_same_whatever_the_pages_use():
    """나눔고딕의 한글 조각은 어느 책이든(채점기의 HTML도) 같은 글자라 한 번 만든 캐시 파일을 함께 씁니다. 쪽마다 다른
    글자는 나머지 조각과 기호 조각이 맡습니다."""
    one, other = (korean_font.pieces(korean_font.coverage(set(text))) for text in ("경사 θ ✔", "「역전파」 → ₀"))
    assert one[0].kept == other[0].kept == tuple(webfont.codepoints(webfont.HANGUL_RANGES))
    assert (one[0].family, one[1].family) == (korean_font.FAMILY, korean_font.FAMILY)
    assert one[1].shown == (ord("θ"),) and other[1].shown == (ord("→"),)
    assert one[2].shown == (ord("✔"),) and other[2].shown == (ord("₀"),)
    assert {0xAC00, 0x300C} <= set(one[0].shown) and not set(one[0].shown) & set(one[1].shown)
    assert korean_font.pieces(korean_font.coverage(set("경사")))[1:] == []  # 한글뿐이면 나머지 조각이 없음


@pytest.mark.unit
def test_a_webfont_is_made_once_per_cache_and_a_bad_cache_file_is_not_used(tmp_path, monkeypatch):
    made = []
    real = webfont.make_webfont
    monkeypatch.setattr(webfont, "make_webfont", lambda *a: (made.append(a), real(*a))[1])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source, chars = korean_font.symbol_source_fonts()[400], [ord("✔"), ord("₀")]
    first = webfont.cached_webfont(source, chars)
    assert webfont.cached_webfont(source, reversed(chars)) == first and len(made) == 1  # 같은 글자면 캐시의 것
    webfont.cached_webfont(source, chars[:1])
    assert len(made) == 2  # 글자가 다르면 새로
    (cached,) = (p for p in (tmp_path / "cache").rglob("*.woff2") if p.read_bytes() == first)
    cached.write_bytes(b"not a font")
    assert webfont.cached_webfont(source, chars) == first and len(made) == 3  # WOFF2가 아니면 다시 만듦
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # 캐시 폴더를 만들 수 없어도
    assert webfont.cached_webfont(source, chars) == first and len(made) == 4


@pytest.mark.unit
def test_unicode_range_joins_runs():
    assert korean_font.unicode_range([0x300C, 0x300D, 0x3B8, 0xAC00, 0xAC01, 0xAC02]) == "U+03B8, U+300C-300D, U+AC00-AC02"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_book_html(tmp_path_factory)


def test_build_warns_about_a_character_no_shipped_font_has(tiny):
    html, log = tiny
    assert "U+0E01" in log and "book/characters.html" in log, log[-3000:]
    css = (html / "_static" / korean_font.CSS_FILE).read_text(encoding="utf-8")
    ranges: dict[str, set[int]] = {}  # 가족 → 그 가족의 조각들이 맡은 글자
    faces = r'font-family: "([^"]+)"; font-style: normal; font-weight: 400;.*?unicode-range: ([^;]+);'
    for family, value in re.findall(faces, css):
        ranges.setdefault(family, set()).update(_codepoints(value))
    assert {0x300C, 0x300D, ord("θ")} <= ranges[korean_font.FAMILY]
    assert {ord("✔"), ord("₀")} <= ranges[korean_font.SYMBOLS_FAMILY]
    assert ord("ก") not in ranges[korean_font.FAMILY] | ranges[korean_font.SYMBOLS_FAMILY]


def _codepoints(unicode_range: str) -> set[int]:
    found = set()
    for part in unicode_range.split(","):
        lo, _, hi = part.strip().removeprefix("U+").partition("-")
        found |= set(range(int(lo, 16), int(hi or lo, 16) + 1))
    return found
