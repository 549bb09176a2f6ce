"""책 전체의 PDF(``python -m tools.pdf``): 목차의 모든 쪽이 한글과 조판된 수식으로 찍히고, 차례(장과 절의 쪽 번호,
누르면 그 쪽으로)와 처음부터 끝까지 이어지는 쪽 번호가 있습니다.

만든 사이트를 chromium으로 인쇄해 합치는 명령을 그대로 실행하고, pypdf로 읽어 확인합니다.
눈으로 보려면 ``pdftoppm -png -r 80 -f 5 -l 5 _build/pdf/book.pdf page``(poppler-utils).
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, require
from tools.pdf import TOC_TITLE, toc_docnames

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
def texts(pdf_path, pdf) -> list[str]:
    """쪽마다 뽑은 글(poppler의 pdftotext: 쪽 사이에 폼 피드). pypdf의 extract_text와 같은 글을 뽑지만(쪽마다 한글 수가
    같습니다) 190쪽에 15초 대신 1초가 안 걸립니다. 조판된 수식의 글자 사이에는 빈칸이 들어갑니다(``h θ (x)``)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    assert len(pages) == len(pdf.pages), (len(pages), len(pdf.pages))
    return pages


def test_pdf_has_a_bookmarked_part_for_every_page_of_the_toc(pdf):
    top = [item for item in pdf.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles[0] == TOC_TITLE and pdf.get_destination_page_number(top[0]) == 0, titles
    assert len(titles) == 1 + len(toc_docnames(REPO / "_toc.yml")), titles
    assert all(HANGUL.search(t) for t in titles), titles
    assert len(pdf.pages) >= 2 * len(titles)
    # 장 아래에 절의 책갈피가 있습니다.
    assert sum(isinstance(item, list) for item in pdf.outline) >= len(titles) - 3, pdf.outline


def _chapters(pdf) -> list[tuple[str, int]]:
    """장 책갈피(차례 뒤)의 (제목, 쪽 번호: 1부터)."""
    return [(item.title, pdf.get_destination_page_number(item) + 1)
            for item in pdf.outline[1:] if not isinstance(item, list)]


@pytest.fixture(scope="module")
def bottom_lines(pdf_path) -> list[str]:
    """쪽마다 아래 여백(쪽 번호 자리)에 찍힌 글(poppler의 pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    lines = []
    for page in re.split(r"<page ", xml)[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        lines.append(" ".join(text for y, text in words if float(y) > height - 45))
    return lines


def test_page_numbers_run_through_the_whole_book(pdf, bottom_lines):
    assert len(bottom_lines) == len(pdf.pages)
    wrong = [(i, line) for i, line in enumerate(bottom_lines, 1) if line != str(i)]
    assert not wrong, f"쪽 번호가 파일의 쪽과 다른 쪽 (쪽, 찍힌 번호): {wrong[:10]}"


@pytest.fixture(scope="module")
def toc_text(pdf_path, pdf) -> str:
    toc_pages = _chapters(pdf)[0][1] - 1
    return subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", str(toc_pages), str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_table_of_contents_lists_every_chapter_with_its_page_number(pdf, toc_text):
    assert toc_text.lstrip().startswith(TOC_TITLE)
    lines = [" ".join(line.split()) for line in toc_text.splitlines()]
    for title, page in _chapters(pdf):
        assert f"{' '.join(title.split())} {page}" in lines, f"차례에 '{title} … {page}' 줄이 없습니다:\n{toc_text[:2000]}"
    # 절도 있습니다: 장마다 적어도 하나.
    assert sum(bool(re.match(r"^\d\.\d+ ", line)) for line in lines) >= 10, toc_text[:2000]


def test_table_of_contents_lines_link_to_their_pages(pdf):
    chapters = dict(_chapters(pdf))
    targets = set()
    for page in pdf.pages[: min(chapters.values()) - 1]:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/GoTo":
                destination = action.get_object()["/D"]
                targets.add(pdf.get_page_number(destination[0].get_object()) + 1)
    assert set(chapters.values()) <= targets, (chapters, sorted(targets))


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
    assert re.search(r"h\s*θ\s*\(x\)", text), "조판된 가설 hθ(x)가 PDF 글에 없습니다"
    raw = re.findall(r"\\(?:theta|frac|sum|mathbf)\b|\\\(|\\\[", text)
    assert not raw, f"조판되지 않은 TeX: {raw[:5]}"
