"""그림의 한글: 책의 그림 설정(mlbook.setup_figures)으로 그린 그림은 글꼴 경고가 없고,
검사 도구(tests/site_checks.font_warnings)는 설정 없이 그린 그림의 경고를 실제로 잡습니다.

작은 책의 두 쪽을 실제로 실행해 myst-nb가 쪽에 넣은 셀의 stderr를 봅니다.
"""
from __future__ import annotations

import pytest

from tests.site_checks import font_warnings
from tests.tiny_book import tiny_book_html


@pytest.fixture(scope="module")
def warnings_by_page(tmp_path_factory):
    html = tiny_book_html(tmp_path_factory)[0]
    by_page: dict[str, list[str]] = {}
    for warning in font_warnings(html):
        by_page.setdefault(warning.page, []).append(warning.text)
    return by_page


def test_checker_catches_missing_hangul_glyphs(warnings_by_page):
    found = warnings_by_page.get("book/figures_default_font.html", [])
    assert any("missing from font" in w and "HANGUL" in w for w in found), found


def test_book_figure_setup_draws_hangul_and_minus_without_warnings(warnings_by_page):
    assert "book/figures_korean.html" not in warnings_by_page, warnings_by_page


@pytest.mark.unit
def test_checker_reads_findfont_lines(tmp_path):
    (tmp_path / "page.html").write_text(
        '<div class="output stderr"><pre>findfont: Font family \'NanumGothic\' not found.\n'
        "정상 출력</pre></div>", encoding="utf-8")
    assert [w.text for w in font_warnings(tmp_path)] == ["findfont: Font family 'NanumGothic' not found."]
