"""한국어 검색(book/_ext/korean_search.py): 색인에 한글 조각이 들어가고, 브라우저의 검색이
그 조각으로 맞는 쪽을 찾는지 봅니다.

작은 책을 실제로 빌드해 searchindex.js를 읽고, node가 있으면 사이트의 searchtools.js와
language_data.js를 그대로 돌려(tests/site_checks.site_search) 검색 결과까지 확인합니다.
"""
from __future__ import annotations

import json

import pytest

from book._ext import korean_search
from book._ext.glossary_lint import load_glossary
from tests.site_checks import site_search as search
from tests.tiny_book import REPO

needs_node = pytest.mark.requires("nodejs")


@pytest.fixture(scope="module")
def index(tiny_html):
    text = (tiny_html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


def pages_with(index, term: str) -> set[str]:
    """색인에서 ``term``이 본문이나 제목에 있는 쪽(docname)들."""
    found = set()
    for table in (index["terms"], index["titleterms"]):
        files = table.get(term, [])
        found |= {index["docnames"][i] for i in ([files] if isinstance(files, int) else files)}
    return found


# --- 쪼개기 규칙 ------------------------------------------------------------------------


@pytest.mark.unit
def test_index_terms_split_hangul_runs_into_syllables_and_bigrams():
    terms = korean_search.index_terms("경사하강법을 씁니다")
    assert {"경사", "사하", "하강", "강법", "법을"} <= set(terms)
    assert {"경", "사", "법"} <= set(terms)
    assert "경사하강법을" not in terms  # 통째 낱말은 어떤 검색어와도 맞지 않으므로 색인하지 않습니다


@pytest.mark.unit
def test_index_terms_bridge_words_separated_by_spaces_only():
    assert "사하" in korean_search.index_terms("경사 하강법")
    assert "사하" not in korean_search.index_terms("경사, 하강법")


@pytest.mark.unit
def test_index_terms_keep_latin_runs_whole():
    assert korean_search.index_terms("CNN의 F1점수") == ["CNN", "의", "F1", "점", "수", "점수"]


@pytest.mark.unit
@pytest.mark.parametrize(("query", "terms"), [
    ("경사", ["경사"]),
    ("경사하강법을", ["경사", "사하", "하강", "강법"]),       # 끝 조사를 뗍니다
    ("교차 검증", ["교차", "검증"]),
    ("평가", ["평가"]),                                       # 두 글자 낱말의 '가'는 조사가 아닙니다
    ("정의", ["정의"]),
    ("CNN에서", ["cnn"]),                                     # 영어 낱말 뒤의 조사는 버립니다
    ("층", ["층"]),
    ("Gradient Descent", ["gradient", "descent"]),
])
def test_query_terms(query, terms):
    assert korean_search.query_terms(query) == terms


# --- 빌드한 색인 -----------------------------------------------------------------------


def test_search_language_is_korean(tiny_html):
    language_data = (tiny_html / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "KOREAN_QUERY_PARTICLES" in language_data
    assert "EnglishPorterStemmer" in language_data


@pytest.mark.parametrize(("term", "page"), [
    ("경사", "book/intro"),       # 경사하강법을
    ("하강", "book/intro"),
    ("회귀", "book/intro"),       # 로지스틱 회귀는
    ("교차", "book/evaluation"),  # **교차** 검증: 꾸밈이 끼어도
    ("검증", "book/evaluation"),
    ("역전", "book/network"),
    ("전파", "book/network"),
    ("합성", "book/network"),
    ("cnn", "book/network"),      # CNN에서
    ("normal", "book/network"),   # normalization: 영어는 Porter 어간
])
def test_index_maps_subwords_to_pages(index, term, page):
    assert page in pages_with(index, term)


def test_index_does_not_map_subwords_to_pages_without_them(index):
    assert "book/network" not in pages_with(index, "회귀")
    assert "book/intro" not in pages_with(index, "합성")


def test_index_has_no_particle_unigrams(index):
    assert not {"은", "는", "을", "를", "의"} & set(index["terms"])


# --- 브라우저 쪽 검색 ------------------------------------------------------------------


@needs_node
def test_browser_splitter_matches_python(tiny_html):
    queries = ["경사", "경사하강법을", "교차 검증", "평가", "CNN에서", "층", "로지스틱 회귀는",
               "학습률 α", "F1 점수를", "원-핫 인코딩"]
    results = search(tiny_html, *queries)
    for query in queries:
        expected = [korean_search.SearchKorean({}).stem(t) for t in korean_search.query_terms(query)]
        expected = [t for t in expected if t not in korean_search.SearchKorean.stopwords]
        assert results[query]["terms"] == expected, query


@needs_node
@pytest.mark.parametrize(("query", "expected", "not_expected"), [
    ("경사", {"book/intro"}, {"book/evaluation"}),
    ("회귀", {"book/intro"}, {"book/network"}),
    ("교차 검증", {"book/evaluation"}, {"book/intro", "book/network"}),
    ("역전파", {"book/network"}, {"book/intro"}),
    ("합성곱", {"book/network"}, {"book/evaluation"}),
    ("경사하강법", {"book/intro", "book/glossary"}, set()),  # 붙여 쓴 검색어가 띄어 쓴 용어집도 찾습니다
    ("경사 하강법을", {"book/intro", "book/network"}, set()),
    ("과적합", {"book/evaluation"}, {"book/network"}),
    ("cross", {"book/evaluation"}, set()),
])
def test_browser_search_finds_pages(tiny_html, query, expected, not_expected):
    results = set(search(tiny_html, query)[query]["results"])
    assert expected <= results, f"{query}: {sorted(results)}"
    assert not (not_expected & results), f"{query}: {sorted(results)}"


@needs_node
def test_every_glossary_term_is_findable(tiny_html):
    terms = load_glossary(REPO / "book" / "glossary.yml")
    queries = [t.ko for t in terms] + [t.en for t in terms]
    results = search(tiny_html, *queries)
    missing = [q for q in queries if "book/glossary" not in results[q]["results"]]
    assert not missing, f"용어집 쪽을 찾지 못한 검색어: {missing}"
