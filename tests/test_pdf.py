"""책 전체의 PDF(``python -m tools.pdf``): 목차의 모든 쪽이 한글과 조판된 수식으로 찍힙니다.

만든 사이트를 chromium으로 인쇄해 합치는 명령을 그대로 실행하고, pypdf로 읽어 확인합니다.
눈으로 보려면 ``pdftoppm -png -r 80 -f 5 -l 5 _build/pdf/book.pdf page``(poppler-utils).
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, require
from tools.pdf import toc_docnames

pytestmark = pytest.mark.book

HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def pdf_path(built_book, tmp_path_factory):
    require("chromium", "poppler-utils")
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    proc = subprocess.run([sys.executable, "-m", "tools.pdf", "--html", str(built_book), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def pdf(pdf_path):
    from pypdf import PdfReader

    return PdfReader(pdf_path)


@pytest.fixture(scope="module")
def texts(pdf) -> list[str]:
    """쪽마다 뽑은 글(pypdf extract_text)."""
    return [page.extract_text() or "" for page in pdf.pages]


def test_pdf_has_a_bookmarked_part_for_every_page_of_the_toc(pdf):
    titles = [item.title for item in pdf.outline]
    assert len(titles) == len(toc_docnames(REPO / "_toc.yml")), titles
    assert all(HANGUL.search(t) for t in titles), titles
    assert len(pdf.pages) >= 2 * len(titles)


def test_pdf_pages_carry_hangul_text_in_an_embedded_korean_font(pdf_path, texts):
    with_hangul = [i for i, text in enumerate(texts) if len(HANGUL.findall(text)) >= 20]
    assert len(with_hangul) >= 0.9 * len(texts), \
        f"한글이 20자 이상인 쪽이 {len(with_hangul)}/{len(texts)}뿐입니다"
    # poppler의 pdffonts: 쪽마다 쓴 글꼴과 PDF에 박혔는지(emb). 한글은 사이트가 싣고 다니는 나눔고딕이어야 합니다.
    listing = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    nanum = [line.split() for line in listing.splitlines()[2:] if "NanumGothic" in line]
    assert nanum, listing
    assert all(cols[-5] == "yes" for cols in nanum), f"나눔고딕이 PDF에 박히지 않았습니다:\n{listing}"


def test_pdf_math_is_typeset_not_raw_tex(texts):
    text = "\n".join(texts)
    assert "hθ(x)" in text, "조판된 가설 hθ(x)가 PDF 글에 없습니다"
    raw = re.findall(r"\\(?:theta|frac|sum|mathbf)\b|\\\(|\\\[", text)
    assert not raw, f"조판되지 않은 TeX: {raw[:5]}"
