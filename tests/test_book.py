"""책 전체를 Jupyter Book으로 실제로 빌드합니다(셀 오류나 경고가 하나라도 있으면 실패)."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest

from tests.conftest import REPO
from tests.site_checks import external_resources, font_warnings
from tools.pdf import toc_docnames

pytestmark = pytest.mark.book


def toc_files() -> list[str]:
    return toc_docnames(REPO / "_toc.yml")


def test_every_toc_page_is_built(built_book):
    for f in toc_files():
        page = built_book / f"{f}.html"
        assert page.is_file(), f"{page} missing"
        assert "<h1" in page.read_text(encoding="utf-8")


def test_chapters_have_executed_figures(built_book):
    for f in toc_files():
        if "/ch0" in f:
            html = (built_book / f"{f}.html").read_text(encoding="utf-8")
            assert "<img" in html, f"{f}: no figure was produced by executed code"


def test_no_missing_hangul_glyphs_in_figures(built_book):
    assert font_warnings(built_book) == []


def test_no_page_loads_remote_resources(built_book):
    assert external_resources(built_book) == []


def test_every_chapter_states_its_goals_and_the_one_self_check_command(built_book):
    for f in toc_files():
        if "/ch0" not in f:
            continue
        text = re.sub(r"<[^>]+>", "", (built_book / f"{f}.html").read_text(encoding="utf-8"))
        slug = PurePosixPath(f).name
        assert "이 장의 목표" in text, f"{f}: 장 첫머리에 학습 목표가 없습니다"
        assert f"python -m autograder validate exercises/{slug}/{slug}.ipynb" in text, f"{f}: 자가 점검 명령이 다릅니다"
