"""책 전체를 PDF 한 권으로: 만든 HTML 사이트를 chromium으로 쪽마다 인쇄해 목차 순서대로 합칩니다.

    python -m tools.pdf                       # _build/html을 인쇄해 _build/pdf/book.pdf로
    python -m tools.pdf --build               # 먼저 jupyter-book build로 사이트를 만들고
    python -m tools.pdf --html DIR --out FILE

필요한 것: Debian 패키지 ``chromium``(브라우저를 따로 내려받지 않습니다), requirements.txt의
``playwright``(chromium을 부리는 클라이언트)와 ``pypdf``(합치기). 인쇄는 사이트의 수식(MathJax)이
다 그려진 뒤에 하고, 사이트 바깥 주소로 가는 요청은 막습니다.

한글 글꼴: 사이트가 싣고 다니는 나눔고딕 웹 글꼴(book/_ext/korean_font.py)이 그대로 쓰이므로 시스템에
한글 글꼴이 없어도 PDF의 한글은 그림과 같은 나눔고딕으로 찍히고, 라틴 글자와 코드는 사이트의 글꼴 그대로입니다.

PDF는 쪽마다 장 제목으로 책갈피(outline)가 붙고, 아래쪽에 쪽 번호가 찍힙니다.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
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


FOOTER = ('<div style="width:100%; font-size:8px; text-align:center; color:#666;">'
          '<span class="pageNumber"></span></div>')


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


def print_site(html_dir: Path, out: Path, toc_file: Path, timeout_ms: int = 120_000) -> list[tuple[str, int]]:
    """사이트의 쪽들을 인쇄해 ``out``에 합칩니다. (쪽 제목, PDF 쪽수) 목록을 돌려줍니다."""
    from pypdf import PdfReader, PdfWriter

    docnames = [d for d in toc_docnames(toc_file) if (html_dir / f"{d}.html").is_file()]
    missing = [d for d in toc_docnames(toc_file) if d not in docnames]
    if missing:
        print(f"경고: 목차에 있지만 사이트에 없는 쪽을 건너뜁니다: {', '.join(missing)}", file=sys.stderr)
    if not docnames:
        raise SystemExit(f"{html_dir}에 인쇄할 쪽이 없습니다. 먼저 책을 빌드하세요(--build).")
    parts: list[tuple[str, Path]] = []
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as tmp, \
            site_browser.serve(html_dir) as base, \
            site_browser.open_browser(base) as browser:
        page = browser.context.new_page()
        for i, docname in enumerate(docnames):
            page.goto(base + docname + ".html", wait_until="load", timeout=timeout_ms)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print")
            site_browser.wait_until_ready(page, timeout_ms)
            title = page.evaluate("() => (document.querySelector('main h1') || {}).innerText || document.title")
            title = title.replace("#", "").strip()
            target = Path(tmp) / f"{i:03d}.pdf"
            page.pdf(path=str(target), format="A4", print_background=True,
                     margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                     display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
            parts.append((title, target))
        if browser.blocked:
            raise SystemExit("사이트 바깥으로 가는 요청을 막았습니다(사이트가 오프라인이 아닙니다):\n"
                             + "\n".join(sorted(set(browser.blocked))))
        writer = PdfWriter()
        summary = []
        for title, path in parts:
            reader = PdfReader(path)
            writer.append(reader, outline_item=title)
            summary.append((title, len(reader.pages)))
        book = yaml.safe_load((toc_file.parent / "_config.yml").read_text(encoding="utf-8")) \
            if (toc_file.parent / "_config.yml").is_file() else {}
        writer.add_metadata({"/Title": str(book.get("title", "")), "/Author": str(book.get("author", ""))})
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as handle:
            writer.write(handle)
    return summary


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
