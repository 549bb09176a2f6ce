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
    VOICE_MESSAGE,
    Term,
    glossary_problems,
    lint_course,
    lint_file,
    load_glossary,
    prose_lines,
)
from tests.tiny_book import REPO

GLOSSARY = REPO / "book" / "glossary.yml"
TERMS = [Term("경사 하강법", "gradient descent", ("경사하강법", "기울기 하강법")),
         Term("활성화 함수", "activation function", ("활성 함수",)),
         Term("특성", "feature", ("피처",))]


def found(text: str, terms=TERMS, suffix=".md", tmp_path=None, name="page") -> list[str]:
    path = tmp_path / f"{name}{suffix}"
    path.write_text(text, encoding="utf-8")
    return [f.found for f in lint_file(path, terms)]


def findings(text: str, tmp_path, name: str, terms=()) -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_file(path, list(terms))


GOOD_CHAPTER = "---\njupytext: {}\n---\n\n# 3. 평가: 교차 검증\n\n{term}`평가`(evaluation)를 합니다.\n"


# --- 용어집 자체 ------------------------------------------------------------------------


@pytest.mark.unit
def test_glossary_loads_and_is_consistent():
    terms = load_glossary(GLOSSARY)
    assert len(terms) >= 60
    assert glossary_problems(terms) == []


@pytest.mark.unit
def test_glossary_problems_catch_duplicates_and_avoid_hitting_a_term():
    terms = [Term("학습", "learning"), Term("학습", "training"), Term("학습률", "learning rate", ("학습",))]
    problems = glossary_problems(terms)
    assert any("'학습'가 2번" in p for p in problems)
    assert any("avoid '학습'" in p for p in problems)


@pytest.mark.unit
def test_glossary_rejects_entries_without_english(tmp_path):
    (tmp_path / "g.yml").write_text("- {ko: 학습}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ko와 en"):
        load_glossary(tmp_path / "g.yml")


# --- 린트가 찾는 것과 넘기는 것 -------------------------------------------------------------


@pytest.mark.unit
def test_flags_avoided_variants_with_particles_and_line_breaks(tmp_path):
    text = "경사하강법을 씁니다. 기울기\n하강법이 아니라 기울기 하강법은.\n피처를 고릅니다.\n"
    assert found(text, tmp_path=tmp_path) == ["경사하강법", "기울기 하강법", "피처"]


@pytest.mark.unit
def test_does_not_flag_variant_inside_a_longer_word(tmp_path):
    assert found("비활성 함수는 없습니다. 활성화 함수를 씁니다. 교차 엔트로피처럼.\n", tmp_path=tmp_path) == []


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "여기서 달러 기호는 수식의 시작입니다.",
    "로그 함수의 로그를 취합니다.",
    "당신은 이제 모델을 만들 수 있습니다.",
    "후드 아래에서는 행렬 곱을 합니다.",
    "직관을 구축해 봅시다.",
])
def test_flags_translation_artefacts(tmp_path, text):
    assert found(text + "\n", terms=[], tmp_path=tmp_path)


@pytest.mark.unit
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


@pytest.mark.unit
def test_reads_prose_inside_admonitions(tmp_path):
    text = "```{note}\n경사하강법은 주의.\n```\n:::{tip}\n피처를 봅니다.\n:::\n"
    assert found(text, tmp_path=tmp_path) == ["경사하강법", "피처"]


@pytest.mark.unit
def test_reads_markdown_cells_and_docstrings_of_notebooks(tmp_path):
    """노트북에서는 markdown 셀과, 코드 셀 안의 함수 docstring(학생이 읽는 설명)의 용어를 봅니다. 주석과 코드는 보지 않습니다."""
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 과제\n", "경사하강법을 구현합니다.\n"]},
        {"cell_type": "code", "metadata": {}, "source": "# 피처 스케일링\nx = 1", "outputs": [],
         "execution_count": None},
        {"cell_type": "code", "metadata": {}, "source": 'def f(x):\n    """활성 함수를 적용합니다."""\n    return x\n',
         "outputs": [], "execution_count": None},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert found(json.dumps(notebook), suffix=".ipynb", tmp_path=tmp_path) == ["경사하강법", "활성 함수"]


@pytest.mark.unit
def test_prose_lines_keep_line_numbers():
    assert prose_lines("---\na: 1\n---\n첫 줄\n\n```\ncode\n```\n끝\n") == [(4, "첫 줄"), (5, ""), (9, "끝")]


# --- 문체: 합쇼체 하나 ---------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("sentence", [
    "모델을 평가한다.", "이것이 교차 검증이다.", "정확도가 높았다.", "결과를 비교해 보자.",
    "점수가 부풀려진다(아래 그림).", "그래서 규칙이 생긴다!",
])
def test_flags_haerache_sentence_endings(tmp_path, sentence):
    result = findings(f"앞 문장입니다. {sentence}\n", tmp_path, "page.md")
    assert [f.message for f in result] == [VOICE_MESSAGE], result


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "모델을 평가합니다. 이것이 교차 검증입니다. 결과를 비교해 봅시다. 함께 합시다.\n",
    "> 깊이를 늘리는 데에 초점을 맞추어 조절해야 한다.\n",                 # 인용 블록
    '보고서에서 "두 모델은 같다."라고 쓰는 편이 정직합니다.\n',            # 따옴표 안
    "코드 `x = 1  # 한다.`와 수식 $\\text{한다.}$는 보지 않습니다.\n",
    "| 단계 | 가설의 모양 정하기 |\n",
])
def test_accepts_hapsyo_quotes_and_code(tmp_path, text):
    assert findings(text, tmp_path, "page.md") == []


# --- 장 파일: 번호 있는 제목과 용어집 링크 -----------------------------------------------------


@pytest.mark.unit
def test_good_chapter_passes(tmp_path):
    assert findings(GOOD_CHAPTER, tmp_path, "ch03_evaluation.md") == []


@pytest.mark.unit
@pytest.mark.parametrize("title", ["# 평가: 교차 검증", "# 4. 평가: 교차 검증", "# 3 평가"])
def test_flags_chapter_title_without_its_number(tmp_path, title):
    text = GOOD_CHAPTER.replace("# 3. 평가: 교차 검증", title)
    result = findings(text, tmp_path, "ch03_evaluation.md")
    assert len(result) == 1 and "장 번호" in result[0].message, result


@pytest.mark.unit
def test_flags_chapter_without_glossary_links(tmp_path):
    text = GOOD_CHAPTER.replace("{term}`평가`(evaluation)", "평가(evaluation)")
    result = findings(text, tmp_path, "ch03_evaluation.md")
    assert len(result) == 1 and "용어집 링크" in result[0].message, result


@pytest.mark.unit
def test_chapter_rules_apply_only_to_chapter_files(tmp_path):
    assert findings("# 용어집\n\n설명입니다.\n", tmp_path, "glossary.md") == []


# --- 용어: 용어집이 한 표기를 정한 개념 ------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("text, variant", [
    ("은닉층의 노드가 값을 가집니다.", "노드"),
    ("라벨 배열을 받습니다.", "라벨"),
    ("훈련 손실이 내려갑니다.", "손실"),
    ("숫자 손글씨를 분류합니다.", "숫자 손글씨"),
])
def test_real_glossary_flags_listed_variants(tmp_path, text, variant):
    assert found(text + "\n", terms=load_glossary(GLOSSARY), tmp_path=tmp_path) == [variant]


# --- 지금의 글 -------------------------------------------------------------------------

@pytest.mark.unit
def test_course_text_uses_glossary_terms():
    findings = lint_course(REPO)
    assert not findings, "용어 린트:\n" + "\n".join(map(str, findings))


# --- 용어집 쪽 -------------------------------------------------------------------------


def test_glossary_page_lists_every_term_in_korean_order(tiny_html):
    page = (tiny_html / "book" / "glossary.html").read_text(encoding="utf-8")
    page = page[page.index('<dl class="simple glossary">'):]
    terms = load_glossary(GLOSSARY)
    positions = {t.ko: page.find(f">{t.ko}<") for t in terms}
    assert all(p > 0 for p in positions.values()), [k for k, p in positions.items() if p < 0]
    hangul = sorted((t.ko for t in terms if "가" <= t.ko[0] <= "힣"), key=positions.get)
    assert hangul == sorted(hangul)
    for term in terms:
        assert term.en in page
        assert f'id="{make_id(term.en)}"' in page  # 바깥에서 거는 고정 주소 glossary.html#<영어>


def test_chapters_link_terms_to_the_glossary(tiny_html):
    page = (tiny_html / "book" / "network.html").read_text(encoding="utf-8")
    assert 'href="glossary.html#term-' in page


# --- 이슈 23: 절 번호, 글로 여는 장, 숨긴 준비 코드, 해요체, 새 용어 ---------------------------------------------

CHAPTER_HEAD = "---\njupytext: {}\n---\n\n# 3. 평가: 교차 검증\n\n{term}`평가`(evaluation)를 합니다.\n\n"


@pytest.mark.unit
def test_numbered_sections_in_order_and_fixed_end_sections_pass(tmp_path):
    text = CHAPTER_HEAD + "## 3.1 홀드아웃\n\n글.\n\n## 3.2 K-겹\n\n## 연습문제\n\n## 과제 안내\n\n## 요약\n\n## 더 읽을거리\n"
    assert findings(text, tmp_path, "ch03_evaluation.md") == []


@pytest.mark.unit
@pytest.mark.parametrize("sections", [
    "## 홀드아웃\n",                        # 번호 없음
    "## 3.1 홀드아웃\n\n## 3.3 K-겹\n",       # 건너뜀
    "## 4.1 홀드아웃\n",                     # 다른 장 번호
])
def test_flags_unnumbered_or_misnumbered_sections(tmp_path, sections):
    result = findings(CHAPTER_HEAD + sections, tmp_path, "ch03_evaluation.md")
    assert len(result) == 1 and "절 제목" in result[0].message, result


@pytest.mark.unit
def test_flags_chapter_that_opens_with_visible_code(tmp_path):
    text = "---\njupytext: {}\n---\n\n# 3. 평가\n\n```{code-cell} ipython3\nx = 1\n```\n\n{term}`평가`를 합니다.\n"
    result = findings(text, tmp_path, "ch03_evaluation.md")
    assert [f.found for f in result] == ["{code-cell}"], result


@pytest.mark.unit
def test_hidden_setup_cell_before_prose_is_allowed(tmp_path):
    text = ("---\njupytext: {}\n---\n\n# 3. 평가\n\n```{code-cell} ipython3\n:tags: [remove-input]\n"
            "from mlbook import setup_figures\nsetup_figures()\n```\n\n{term}`평가`를 합니다.\n")
    assert findings(text, tmp_path, "ch03_evaluation.md") == []


@pytest.mark.unit
@pytest.mark.parametrize("tags, flagged", [("", True), (":tags: [hide-input]\n", False), (":tags: [remove-cell]\n", False)])
def test_flags_visible_import_only_cells(tmp_path, tags, flagged):
    cell = ("```{code-cell} ipython3\n" + tags + "import numpy as np\n\nfrom mlbook.evaluation import (\n"
            "    accuracy, confusion_matrix,\n)\n```\n")
    result = findings(CHAPTER_HEAD + cell, tmp_path, "ch03_evaluation.md")
    assert [f.found for f in result] == (["import"] if flagged else []), result


@pytest.mark.unit
def test_cell_that_imports_and_computes_is_not_setup(tmp_path):
    cell = "```{code-cell} ipython3\nimport numpy as np\nx = np.zeros(3)\n```\n"
    assert findings(CHAPTER_HEAD + cell, tmp_path, "ch03_evaluation.md") == []


@pytest.mark.unit
@pytest.mark.parametrize("sentence", ["답은 0에 가깝습니다. 평범한 수인데도 말이죠.", "상자에 담았다고 치자(10개씩).",
                                      "그렇게 보는 것이 편하죠?"])
def test_flags_haeyo_and_haerache_before_parentheses(tmp_path, sentence):
    result = findings(f"앞 문장입니다. {sentence}\n", tmp_path, "page.md")
    assert len(result) == 1, result


@pytest.mark.unit
@pytest.mark.parametrize("text, variant", [
    ("특징이 창 안에서 움직입니다.", "특징"),
    ("앞쪽 차분의 오차는 ε에 비례합니다.", "앞쪽 차분"),
    ("평균으로는 맞습니다(치우침 없음).", "치우침"),
    ("임계값을 낮춥니다.", "임계값"),
    ("데이터 누수를 막습니다.", "데이터 누수"),
])
def test_real_glossary_flags_issue23_variants(tmp_path, text, variant):
    assert found(text + "\n", terms=load_glossary(GLOSSARY), tmp_path=tmp_path) == [variant]


@pytest.mark.unit
def test_glossary_has_the_terms_the_chapters_agree_on():
    korean = {t.ko for t in load_glossary(GLOSSARY)}
    assert {"K-겹 교차 검증", "중앙 차분", "전진 차분", "상대 차이", "정보 누설", "학습 곡선", "문턱값",
            "편향-분산 트레이드오프", "편향 보정", "역 드롭아웃"} <= korean
