"""장마다의 연습문제(sphinx-exercise)와 참고 문헌(sphinxcontrib-bibtex)이 만든 사이트에 제대로 나오는지.

- 장마다 연습문제가 네 개 이상이고, "연습문제 N.k"로 장 번호부터 차례로 매겨지며, 영어 표기("Exercise",
  "Solution")가 남지 않습니다.
- 문제마다 해답이 하나씩 있고, 해답은 접힌 채(``dropdown``) 나오며 제목이 "연습문제 N.k … 해답"입니다.
- 참고 문헌 쪽에 항목이 12개 이상 있고, 장에서 건 인용은 모두 그 쪽의 항목으로 이어지며, .bib의 항목은
  모두 어딘가에서 인용됩니다.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.book

CHAPTERS = sorted(p.stem for p in (REPO / "book").glob("ch0*_*.md"))
TITLE = re.compile(r'<p class="admonition-title">(.*?)</p>', re.S)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_numbered_exercises_with_hidden_solutions(built_book, chapter):
    number = int(re.match(r"ch0*(\d+)_", chapter).group(1))
    html = (built_book / "book" / f"{chapter}.html").read_text(encoding="utf-8")
    exercises = re.findall(r'<div class="exercise admonition" id="([^"]+)"', html)
    solutions = re.findall(r'<div class="solution dropdown admonition" id="[^"]+"', html)
    assert len(exercises) >= 4, f"{chapter}: 연습문제 {len(exercises)}개"
    assert len(solutions) == len(exercises), f"{chapter}: 접힌 해답 {len(solutions)}개, 문제 {len(exercises)}개"
    titles = [_text(t) for t in TITLE.findall(html)]
    numbers = [m.group(1) for t in titles if (m := re.match(r"연습문제 (\d+\.\d+)", t)) and "해답" not in t]
    assert numbers == [f"{number}.{k}" for k in range(1, len(exercises) + 1)], numbers
    answers = [t for t in titles if t.endswith("해답")]
    assert len(answers) == len(exercises) and all(t.startswith("연습문제 ") for t in answers), answers
    assert not [t for t in titles if re.search(r"\b(Exercise|Solution)\b", t)], titles


def test_reference_page_lists_every_cited_source(built_book):
    page = (built_book / "book" / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="([^"]+)" role="listitem">', page)
    assert len(entries) >= 12, f"참고 문헌 {len(entries)}개"
    assert 'role="doc-biblioentry"' not in page  # axe-core: 폐기된 역할
    keys = re.findall(r"^@\w+\{([^,]+),", (REPO / "book" / "references.bib").read_text(encoding="utf-8"), re.M)
    assert len(entries) == len(keys), "인용되지 않은 .bib 항목이 있거나 목록이 항목을 빠뜨렸습니다"
    for chapter in CHAPTERS:
        html = (built_book / "book" / f"{chapter}.html").read_text(encoding="utf-8")
        targets = set(re.findall(r'href="references\.html#([^"]+)"', html))
        assert targets, f"{chapter}: 인용이 하나도 없습니다"
        assert targets <= set(entries), f"{chapter}: 목록에 없는 인용 {targets - set(entries)}"
