"""만든 책 사이트(_build/html)를 읽어 독자가 겪을 문제를 찾는 도우미.

실제 책을 검사하는 테스트와 작은 시험용 책을 검사하는 테스트가 함께 씁니다.

- :func:`external_resources`: 쪽이 바깥 주소에서 불러오는 자원(스크립트, 스타일시트, 글꼴,
  그림, iframe …). 링크(``<a href>``)는 독자가 눌러야 가므로 세지 않습니다. 자바스크립트가
  실행 중에 부르는 주소는 여기서 알 수 없으니 브라우저 테스트의 몫입니다.
- :func:`font_warnings`: myst-nb가 셀의 stderr를 쪽에 넣은 것 가운데 matplotlib의 글꼴
  경고(``Glyph … missing from font(s)``, ``findfont: …``).
- :func:`site_search`: 사이트의 검색(searchtools.js + language_data.js + searchindex.js)을
  node로 그대로 돌려 검색어마다 결과 쪽을 돌려줍니다.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from tools.export_public import html_text

SEARCH_HARNESS = Path(__file__).resolve().parent / "js" / "sphinx_search.js"

# 자원을 불러오는 <link rel=…>. canonical, prev, next, search 같은 것은 불러오지 않습니다.
_LOADING_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest",
    "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch",
}
_SRC_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
_EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
_JS_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""")
# 자원이 아니라 이름으로만 쓰이는 주소(XML 이름공간).
_NOT_RESOURCES = re.compile(r"^(?:https?:)?//www\.w3\.org/")


def is_remote(url: str) -> bool:
    """``https://…``, ``//cdn…`` 처럼 사이트 바깥을 가리키는 주소인가."""
    return bool(_REMOTE.match(url)) and not url.lower().lstrip().startswith("file:")


@dataclass(frozen=True)
class Resource:
    page: str  # 사이트 폴더 기준 경로
    kind: str  # 'script', 'link stylesheet', 'css url', 'inline script' …
    url: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} {self.url}"


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[tuple[str, str]] = []
        self.stylesheets: list[str] = []
        self._in: str | None = None  # 'style' 또는 실행되는 'script' 안인가

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v or "") for k, v in attrs}
        for name in _SRC_ATTRS.get(tag, ()):
            if tag == "input" and attributes.get("type", "").lower() != "image":
                continue
            value = attributes.get(name)
            if value:
                urls = [part.split()[0] for part in value.split(",") if part.split()] \
                    if name == "srcset" else [value]
                self.resources += [(tag, url) for url in urls]
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & _LOADING_RELS and attributes.get("href"):
                self.resources.append((f"link {' '.join(sorted(rels))}", attributes["href"]))
                if "stylesheet" in rels:
                    self.stylesheets.append(attributes["href"])
        if "style" in attributes:
            self.resources += [("style attribute", u) for u in _css_urls(attributes["style"])]
        if tag == "style":
            self._in = "style"
        elif tag == "script" and not attributes.get("src") and \
                attributes.get("type", "").lower() in _EXECUTABLE_SCRIPT_TYPES:
            self._in = "script"

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.resources += [("inline style", u) for u in _css_urls(data)]
        elif self._in == "script":
            self.resources += [("inline script", m.group(1)) for m in _JS_URL.finditer(data)]


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(css)]


def external_resources(html_dir: str | Path) -> list[Resource]:
    """사이트의 모든 .html 쪽과 그 쪽들이 쓰는 .css에서 바깥 주소의 자원을 찾습니다."""
    root = Path(html_dir)
    found: list[Resource] = []
    stylesheets: set[Path] = set(root.rglob("*.css"))
    for page in sorted(root.rglob("*.html")):
        parser = _PageParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        relative = page.relative_to(root).as_posix()
        for kind, url in parser.resources:
            url = unescape(url)
            if is_remote(url) and not _NOT_RESOURCES.match(url):
                found.append(Resource(relative, kind, url))
        for href in parser.stylesheets:
            if not is_remote(href):
                stylesheets.add((page.parent / href.split("?")[0].split("#")[0]).resolve())
    for sheet in sorted(stylesheets):
        if sheet.is_file():
            for url in _css_urls(sheet.read_text(encoding="utf-8", errors="replace")):
                if is_remote(url) and not _NOT_RESOURCES.match(url):
                    found.append(Resource(sheet.relative_to(root.resolve()).as_posix()
                                          if sheet.is_absolute() else sheet.as_posix(),
                                          "css url", url))
    return found


# matplotlib이 한글(또는 다른) 글자를 그리지 못할 때 남기는 경고.
FONT_WARNING = re.compile(
    r"Glyph \d+ \([^)]*\) missing from (?:current )?font|findfont: |does not have a glyph for",
)


@dataclass(frozen=True)
class FontWarning:
    page: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}: {self.text}"


def font_warnings(html_dir: str | Path) -> list[FontWarning]:
    """쪽에 찍힌 셀 출력에서 matplotlib 글꼴 경고를 찾습니다(한 줄에 하나)."""
    root = Path(html_dir)
    found = []
    for page in sorted(root.rglob("*.html")):
        html = page.read_text(encoding="utf-8", errors="replace")
        if "Glyph" not in html and "findfont" not in html:
            continue
        for line in html_text(html).splitlines():
            if FONT_WARNING.search(line):
                found.append(FontWarning(page.relative_to(root).as_posix(), line.strip()))
    return found


def site_search(html_dir: str | Path, *queries: str) -> dict[str, dict[str, list[str]]]:
    """검색 페이지가 하는 그대로 찾습니다: ``{검색어: {"terms": [...], "results": [docname …]}}``.

    결과는 화면에 나오는 순서이며 같은 쪽이 여러 번(제목, 용어집 항목, 본문) 나올 수 있습니다.
    node가 없으면 RuntimeError를 냅니다.
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node가 없어 사이트 검색을 돌릴 수 없습니다.")
    proc = subprocess.run(
        [node, str(SEARCH_HARNESS), str(html_dir), *queries],
        capture_output=True, text=True, timeout=300, check=True,
    )
    return json.loads(proc.stdout)
