"""용어 린트(book/_ext/glossary_lint.py)와 용어집 쪽(book/_ext/yaml_glossary.py).

린트는 책의 장과 과제 원본의 글에서 용어집의 ``avoid`` 표기와 번역 흔적을 찾고, 지금의
글에서는 아무것도 찾지 않아야 합니다. 용어집 쪽은 YAML의 모든 용어를 담고 장에서 이어집니다.
"""
from __future__ import annotations

import json

import pytest
from docutils.nodes import make_id

from book._ext.glossary_lint import (
    IGNORE_MARKER,
    Term,
    glossary_problems,
    lint_course,
    lint_file,
    load_glossary,
    prose_lines,
)
from tests.tiny_book import REPO, tiny_book_html

GLOSSARY = REPO / "book" / "glossary.yml"
TERMS = [Term("경사 하강법", "gradient descent", ("경사하강법", "기울기 하강법")),
         Term("활성화 함수", "activation function", ("활성 함수",)),
         Term("특성", "feature", ("피처",))]


def found(text: str, terms=TERMS, suffix=".md", tmp_path=None) -> list[str]:
    path = tmp_path / f"page{suffix}"
    path.write_text(text, encoding="utf-8")
    return [f.found for f in lint_file(path, terms)]


# --- 용어집 자체 ------------------------------------------------------------------------


def test_glossary_loads_and_is_consistent():
    terms = load_glossary(GLOSSARY)
    assert len(terms) >= 60
    assert glossary_problems(terms) == []


def test_glossary_problems_catch_duplicates_and_avoid_hitting_a_term():
    terms = [Term("학습", "learning"), Term("학습", "training"), Term("학습률", "learning rate", ("학습",))]
    problems = glossary_problems(terms)
    assert any("'학습'가 2번" in p for p in problems)
    assert any("avoid '학습'" in p for p in problems)


def test_glossary_rejects_entries_without_english(tmp_path):
    (tmp_path / "g.yml").write_text("- {ko: 학습}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ko와 en"):
        load_glossary(tmp_path / "g.yml")


# --- 린트가 찾는 것과 넘기는 것 -------------------------------------------------------------


def test_flags_avoided_variants_with_particles_and_line_breaks(tmp_path):
    text = "경사하강법을 씁니다. 기울기\n하강법이 아니라 기울기 하강법은.\n피처를 고릅니다.\n"
    assert found(text, tmp_path=tmp_path) == ["경사하강법", "기울기 하강법", "피처"]


def test_does_not_flag_variant_inside_a_longer_word(tmp_path):
    assert found("비활성 함수는 없습니다. 활성화 함수를 씁니다. 교차 엔트로피처럼.\n", tmp_path=tmp_path) == []


@pytest.mark.parametrize("text", [
    "여기서 달러 기호는 수식의 시작입니다.",
    "로그 함수의 로그를 취합니다.",
    "당신은 이제 모델을 만들 수 있습니다.",
    "후드 아래에서는 행렬 곱을 합니다.",
    "직관을 구축해 봅시다.",
])
def test_flags_translation_artefacts(tmp_path, text):
    assert found(text + "\n", terms=[], tmp_path=tmp_path)


def test_skips_code_math_front_matter_and_marked_lines(tmp_path):
    text = (
        "---\ntitle: 경사하강법\n---\n"
        "```{code-cell} ipython3\n# 경사하강법 구현\n```\n"
        "```python\n피처 = 1\n```\n"
        "````markdown\n```{note}\n경사하강법\n```\n````\n"
        "$$\n\\text{경사하강법}\n$$\n"
        "인라인 코드 `경사하강법`과 수식 $\\text{피처}$, [링크](https://example.org/경사하강법).\n"
        f"기울기 하강법(이 책에서는 쓰지 않는 표기) {IGNORE_MARKER}\n"
    )
    assert found(text, tmp_path=tmp_path) == []


def test_reads_prose_inside_admonitions(tmp_path):
    text = "```{note}\n경사하강법은 주의.\n```\n:::{tip}\n피처를 봅니다.\n:::\n"
    assert found(text, tmp_path=tmp_path) == ["경사하강법", "피처"]


def test_reads_only_markdown_cells_of_notebooks(tmp_path):
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 과제\n", "경사하강법을 구현합니다.\n"]},
        {"cell_type": "code", "metadata": {}, "source": "# 피처 스케일링\nx = 1", "outputs": [],
         "execution_count": None},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert found(json.dumps(notebook), suffix=".ipynb", tmp_path=tmp_path) == ["경사하강법"]


def test_prose_lines_keep_line_numbers():
    assert prose_lines("---\na: 1\n---\n첫 줄\n\n```\ncode\n```\n끝\n") == [(4, "첫 줄"), (5, ""), (9, "끝")]


# --- 지금의 글 -------------------------------------------------------------------------


def test_course_text_uses_glossary_terms():
    findings = lint_course(REPO)
    assert not findings, "용어 린트:\n" + "\n".join(map(str, findings))


# --- 용어집 쪽 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return tiny_book_html(tmp_path_factory)[0]


def test_glossary_page_lists_every_term_in_korean_order(html):
    page = (html / "book" / "glossary.html").read_text(encoding="utf-8")
    page = page[page.index('<dl class="simple glossary">'):]
    terms = load_glossary(GLOSSARY)
    positions = {t.ko: page.find(f">{t.ko}<") for t in terms}
    assert all(p > 0 for p in positions.values()), [k for k, p in positions.items() if p < 0]
    hangul = sorted((t.ko for t in terms if "가" <= t.ko[0] <= "힣"), key=positions.get)
    assert hangul == sorted(hangul)
    for term in terms:
        assert term.en in page
        assert f'id="{make_id(term.en)}"' in page  # 바깥에서 거는 고정 주소 glossary.html#<영어>


def test_chapters_link_terms_to_the_glossary(html):
    page = (html / "book" / "network.html").read_text(encoding="utf-8")
    assert 'href="glossary.html#term-' in page
