"""책 전체를 PDF 한 권으로: 만든 HTML 사이트를 chromium으로 쪽마다 인쇄해 목차 순서대로 합칩니다.

    python -m tools.pdf                       # _build/html을 인쇄해 _build/pdf/book.pdf로
    python -m tools.pdf --build               # 먼저 jupyter-book build로 사이트를 만들고
    python -m tools.pdf --html DIR --out FILE

필요한 것: Debian 패키지 ``chromium``(브라우저를 따로 내려받지 않습니다), requirements.txt의
``playwright``(chromium을 부리는 클라이언트)와 ``pypdf``(합치기). 인쇄는 사이트의 수식(MathJax)이
다 그려진 뒤에 하고, 사이트 바깥 주소로 가는 요청은 막습니다.

한글 글꼴: 사이트가 싣고 다니는 나눔고딕 웹 글꼴(book/_ext/korean_font.py)이 그대로 쓰이므로 시스템에
한글 글꼴이 없어도 PDF의 한글은 그림과 같은 나눔고딕으로 찍히고, 라틴 글자와 코드는 사이트의 글꼴 그대로입니다.

PDF는 맨 앞에 차례(장과 절, 그 쪽 번호, 누르면 그 쪽으로)가 있고, 쪽 번호는 차례부터 끝까지 이어집니다(파일의
n번째 쪽에 n). 책갈피(outline)는 차례, 장, 그 아래 절입니다. 절의 쪽은 크롬이 쪽마다 인쇄하며 남기는 제목 목록
(``outline=True``)에서 읽고, 쪽 번호는 모든 쪽을 합친 뒤 번호만 찍힌 쪽을 겹쳐 찍어 답니다.
"""
from __future__ import annotations

import argparse
import html
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autograder import course
from tools import site_browser

REPO = Path(__file__).resolve().parents[1]

#: 인쇄본에만 더하는 CSS: 화면 요소를 감추고 긴 코드 줄을 접습니다(글꼴은 사이트의 것 그대로).
PRINT_CSS = """
.header-article, .prev-next-area, .bd-sidebar-primary, .bd-sidebar-secondary, #pst-back-to-top,
.bd-header, .bd-footer, .bd-footer-article, .search-button-field { display: none !important; }
div.highlight pre { white-space: pre-wrap; word-break: break-word; }
"""

#: 쪽마다 같은 여백. 쪽 번호는 아래 여백 가운데에 찍습니다.
MARGIN = {"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}

TOC_TITLE = "차례"
#: 차례 쪽의 주소(사이트 폴더에는 없고, 인쇄하는 브라우저에만 내보입니다). 사이트의 글꼴 CSS를 그대로 씁니다.
TOC_PAGE = "__book_toc__.html"
#: 차례의 줄이 가리키는 PDF 쪽. 크롬은 바깥 주소 링크만 PDF 링크로 남기므로 이 주소로 인쇄한 뒤 PDF 안의 이동으로 바꿉니다.
TOC_LINK = "https://book-page.invalid/"

TOC_HTML = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="_static/korean-font.css">
<style>
body {{ font-family: "Book Hangul", "Book Symbols", sans-serif; font-size: 11pt; color: #222; margin: 0; }}
h1 {{ font-size: 22pt; font-weight: 700; margin: 0 0 14pt; }}
ol {{ list-style: none; padding: 0; margin: 0; }}
li.chapter {{ font-weight: 700; margin-top: 9pt; break-inside: avoid; }}
li.section {{ font-weight: 400; margin-left: 1.6em; margin-top: 2pt; break-inside: avoid; }}
a {{ display: flex; align-items: baseline; color: inherit; text-decoration: none; }}
.dots {{ flex: 1 1 auto; border-bottom: 1px dotted #999; margin: 0 .4em; min-width: 1em; }}
.page {{ flex: none; font-variant-numeric: tabular-nums; }}
</style></head><body><h1>{title}</h1><ol>
{items}
</ol></body></html>
"""

#: 쪽 번호만 찍힌 쪽들: 책의 모든 쪽 위에 겹쳐 찍어 1쪽부터 끝까지 이어지는 번호를 답니다.
NUMBERS_HTML = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
body {{ margin: 0; }}
.sheet {{ position: relative; height: 297mm; break-after: page; }}
.sheet:last-child {{ break-after: auto; }}
.number {{ position: absolute; left: 0; right: 0; bottom: 9mm; text-align: center; font: 8pt sans-serif; color: #666; }}
</style></head><body>
{sheets}
</body></html>
"""


def toc_docnames(toc_file: Path) -> list[str]:
    """_toc.yml(jb-book)의 문서를 읽는 순서대로: root, parts/chapters/sections."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    order: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                order.append(str(entry["file"]).removesuffix(".md").removesuffix(".ipynb"))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    order.append(str(toc["root"]).removesuffix(".md").removesuffix(".ipynb"))
    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return order


@dataclass
class Heading:
    """쪽 하나(장)를 인쇄한 PDF 안의 제목: 깊이(1 = 장 제목 아래의 절), PDF 안의 쪽(0부터), 쪽 안의 높이."""

    title: str
    depth: int
    page: int
    top: float | None


@dataclass
class Part:
    """목차의 쪽 하나를 인쇄한 PDF."""

    title: str
    path: Path
    pages: int = 0
    headings: list[Heading] = field(default_factory=list)
    start: int = 0  # 책 PDF에서 첫 쪽의 번호(0부터)


def _clean_title(title: str) -> str:
    title = " ".join(title.replace("#", "").split())
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        return title[:half]  # 크롬이 쪽 경계에 걸린 제목을 두 번 적는 경우
    return title


def headings(reader, skip: set[str]) -> list[Heading]:
    """크롬이 인쇄하며 만든 제목 목록(outline)에서 장 제목 아래의 절들(h2, h3)을 꺼냅니다. ``skip``의 제목은 뺍니다."""
    found: list[Heading] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            title = _clean_title(item.title)
            if depth >= 1 and title not in skip:
                found.append(Heading(title, depth, reader.get_destination_page_number(item), item.get("/Top")))

    walk(reader.outline, 0)
    return [h for h in found if h.depth <= 2]


def toc_html(parts: list[Part], first_page: int) -> str:
    """차례 쪽(장과 절, 그 쪽 번호). 쪽 번호는 1부터, ``first_page``는 본문 첫 쪽의 번호(0부터)입니다."""
    items = []
    for part in parts:
        entries = [(part.title, "chapter", part.start, None)]
        entries += [(h.title, "section", part.start + h.page, h.top) for h in part.headings if h.depth == 1]
        for title, kind, page, top in entries:
            number = first_page + page + 1
            target = f"{TOC_LINK}{number}" + (f"/{top:.1f}" if top is not None else "")
            items.append(f'<li class="{kind}"><a href="{target}"><span class="title">{html.escape(title)}</span>'
                         f'<span class="dots"></span><span class="page">{number}</span></a></li>')
    return TOC_HTML.format(title=TOC_TITLE, items="\n".join(items))


def _serving(body: str):
    """브라우저의 요청 하나에 ``body``를 HTML로 돌려주는 route 처리기."""
    return lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)


def _print_toc(page, base: str, parts: list[Part], target: Path) -> int:
    """차례를 인쇄하고 차례의 쪽 수를 돌려줍니다. 차례가 길어져 본문의 쪽 번호가 밀리면 그 번호로 다시 인쇄합니다."""
    from pypdf import PdfReader

    toc_pages = 1
    for _ in range(5):
        body = toc_html(parts, toc_pages)
        page.route(base + TOC_PAGE, _serving(body))
        page.goto(base + TOC_PAGE, wait_until="load")
        site_browser.wait_until_ready(page)
        page.pdf(path=str(target), format="A4", print_background=True, margin=MARGIN)
        page.unroute(base + TOC_PAGE)
        printed = len(PdfReader(target).pages)
        if printed == toc_pages:
            return toc_pages
        toc_pages = printed
    raise RuntimeError("차례의 쪽 수가 정해지지 않습니다")


def _link_toc_to_pages(writer, toc_pages: int) -> None:
    """차례 쪽의 링크(:data:`TOC_LINK`)를 PDF 안의 그 쪽(절이면 그 높이)으로 가는 이동으로 바꿉니다."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject

    for page in writer.pages[:toc_pages]:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(TOC_LINK):
                continue
            number, _, top = uri[len(TOC_LINK):].partition("/")
            target = writer.pages[int(number) - 1].indirect_reference
            destination = ArrayObject([target, NameObject("/XYZ"), NullObject(),
                                       FloatObject(float(top)) if top else NullObject(), NullObject()])
            annotation[NameObject("/A")] = DictionaryObject(
                {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): destination})


def _number_pages(page, writer, scratch: Path) -> None:
    """모든 쪽 아래에 1부터 이어지는 쪽 번호를 겹쳐 찍습니다."""
    from pypdf import PdfReader

    sheets = "\n".join(f'<div class="sheet"><div class="number">{n}</div></div>'
                       for n in range(1, len(writer.pages) + 1))
    page.set_content(NUMBERS_HTML.format(sheets=sheets), wait_until="load")
    page.pdf(path=str(scratch), prefer_css_page_size=True, print_background=False)
    numbers = PdfReader(scratch)
    if len(numbers.pages) != len(writer.pages):
        raise RuntimeError(f"쪽 번호 {len(numbers.pages)}쪽과 책 {len(writer.pages)}쪽이 맞지 않습니다")
    for book_page, number_page in zip(writer.pages, numbers.pages, strict=True):
        book_page.merge_page(number_page)
        book_page.compress_content_streams()  # 합친 내용은 압축되지 않은 채로 남습니다


def print_site(html_dir: Path, out: Path, toc_file: Path, timeout_ms: int = 120_000) -> list[tuple[str, int]]:
    """사이트의 쪽들을 인쇄해 ``out``에 합칩니다. (쪽 제목, PDF 쪽수) 목록을 돌려줍니다(맨 앞은 차례).

    책은 차례, 목차 순서의 쪽들입니다. 쪽 번호는 차례부터 끝까지 이어지고(파일의 n번째 쪽에 n), 차례의 줄마다 장과 절의
    쪽 번호가 있으며 누르면 그 쪽으로 갑니다. 책갈피는 차례, 장, 그 아래 절입니다.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit

    docnames = [d for d in toc_docnames(toc_file) if (html_dir / f"{d}.html").is_file()]
    missing = [d for d in toc_docnames(toc_file) if d not in docnames]
    if missing:
        print(f"경고: 목차에 있지만 사이트에 없는 쪽을 건너뜁니다: {', '.join(missing)}", file=sys.stderr)
    if not docnames:
        raise SystemExit(f"{html_dir}에 인쇄할 쪽이 없습니다. 먼저 책을 빌드하세요(--build).")
    parts: list[Part] = []
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as tmp, \
            site_browser.serve(html_dir) as base, \
            site_browser.open_browser(base) as browser:
        page = browser.context.new_page()
        start = 0
        for i, docname in enumerate(docnames):
            page.goto(base + docname + ".html", wait_until="load", timeout=timeout_ms)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            site_browser.wait_until_ready(page, timeout_ms)
            title = page.evaluate("() => (document.querySelector('main h1') || {}).innerText || document.title")
            # 쪽마다 테마가 인쇄본 첫머리에 넣는 그 쪽의 차례 제목("내용")은 책갈피와 차례에 넣지 않습니다.
            print_toc = page.evaluate("() => ((document.querySelector('#jb-print-toc h2') || {}).innerText || '').trim()")
            part = Part(_clean_title(title), Path(tmp) / f"{i:03d}.pdf")
            page.pdf(path=str(part.path), format="A4", print_background=True, margin=MARGIN, outline=True, tagged=True)
            reader = PdfReader(part.path)
            part.pages, part.start = len(reader.pages), start
            part.headings = headings(reader, {print_toc} - {""})
            start += part.pages
            parts.append(part)
        toc_path = Path(tmp) / "toc.pdf"
        toc_pages = _print_toc(page, base, parts, toc_path)
        if browser.blocked:
            raise SystemExit("사이트 바깥으로 가는 요청을 막았습니다(사이트가 오프라인이 아닙니다):\n"
                             + "\n".join(sorted(set(browser.blocked))))
        writer = PdfWriter()
        writer.append(PdfReader(toc_path), import_outline=False)
        writer.add_outline_item(title=TOC_TITLE, page_number=0, fit=Fit.fit())
        for part in parts:
            writer.append(PdfReader(part.path), import_outline=False)
            first = toc_pages + part.start
            chapter = writer.add_outline_item(title=part.title, page_number=first, fit=Fit.fit(), is_open=False)
            parent = {0: chapter}
            for h in part.headings:
                fit = Fit.xyz(top=h.top) if h.top is not None else Fit.fit()
                parent[h.depth] = writer.add_outline_item(
                    title=h.title, page_number=first + h.page, parent=parent.get(h.depth - 1, chapter),
                    fit=fit, is_open=False)
        _link_toc_to_pages(writer, toc_pages)
        _number_pages(page, writer, Path(tmp) / "numbers.pdf")
        book = yaml.safe_load((toc_file.parent / "_config.yml").read_text(encoding="utf-8")) \
            if (toc_file.parent / "_config.yml").is_file() else {}
        writer.add_metadata({"/Title": str(book.get("title", "")), "/Author": str(book.get("author", ""))})
        writer.page_mode = "/UseOutlines"
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as handle:
            writer.write(handle)
    return [(TOC_TITLE, toc_pages)] + [(part.title, part.pages) for part in parts]


def build_site(repo: Path) -> Path:
    jupyter_book = course.venv_bin() / "jupyter-book"
    subprocess.run([str(jupyter_book), "build", str(repo)], cwd=repo, check=True)
    return repo / "_build" / "html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="책 전체를 PDF 한 권으로 만듭니다(chromium 인쇄).")
    parser.add_argument("--html", type=Path, default=REPO / "_build" / "html", help="만든 사이트 폴더")
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "pdf" / "book.pdf", help="PDF 파일")
    parser.add_argument("--toc", type=Path, default=REPO / "_toc.yml", help="쪽 순서를 정하는 _toc.yml")
    parser.add_argument("--build", action="store_true", help="먼저 jupyter-book build로 사이트를 만듭니다")
    args = parser.parse_args(argv)
    html = build_site(REPO) if args.build else args.html
    if not (html / "index.html").is_file():
        raise SystemExit(f"{html}에 만든 사이트가 없습니다. `jupyter-book build .`를 먼저 하거나 --build를 붙이세요.")
    summary = print_site(html.resolve(), args.out, args.toc)
    for title, pages in summary:
        print(f"{pages:4d}쪽  {title}")
    print(f"{args.out}: 모두 {sum(p for _, p in summary)}쪽")
    return 0


if __name__ == "__main__":
    sys.exit(main())
