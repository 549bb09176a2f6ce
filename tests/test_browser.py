"""진짜 브라우저로 읽는 책: Debian의 chromium(Playwright 클라이언트)으로 만든 사이트를 엽니다.

사이트는 127.0.0.1의 http.server에서 내보이고, 브라우저가 그 출처 밖으로 보내는 요청은 모두 막고
적어 둡니다(tools/site_browser.py). 확인하는 것:

- 한국어 검색: ``경사``, ``회귀``, ``교차 검증``, ``역전파``, ``합성곱``이 맞는 장을 찾습니다.
- 모든 쪽: 수식이 MathJax로 조판되고(``mjx-container``, 오류 없음), 모든 그림이 불러와지고
  (``naturalWidth > 0``), 콘솔 오류가 없고, 사이트 밖으로 나가는 요청도, 사이트 안의 404도 없습니다.
- 사이트는 하위 경로(``/course/``, GitHub Pages의 프로젝트 사이트처럼)에 올려 엽니다. 그 아래에서 검색과 과제 노트북
  내려받기가 됩니다.

- 한글 글꼴: 모든 쪽과 검색 쪽의 한글을 사이트에 든 나눔고딕 웹 글꼴이 그립니다(시스템 글꼴로 대신하지 않음).
  Chromium에게 DevTools 프로토콜(``CSS.getPlatformFontsForNode``)로 직접 묻습니다.
- 접근성: 쪽마다 axe-core로 WCAG 2 A/AA 위반이 하나도 없습니다.

필요한 것(Debian의 chromium, npm의 axe-core)은 README의 설치 단계(``python3 tools/system_deps.py``)가 깝니다.
테스트는 아무것도 설치하지 않습니다.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO, require
from tools import site_browser
from tools.pdf import toc_docnames
from tools.system_deps import AXE

pytestmark = pytest.mark.book

SEARCHES = [
    ("경사", {"book/ch02_learning"}),
    ("회귀", {"book/ch01_modeling", "book/ch02_learning"}),
    ("교차 검증", {"book/ch03_evaluation"}),
    ("역전파", {"book/ch04_neural_network"}),
    ("합성곱", {"book/ch05_cnn"}),
]
PAGES = toc_docnames(REPO / "_toc.yml")
MATH_PAGES = [d for d in PAGES if re.search(r"/ch\d\d_", d)]  # 장마다 수식이 있습니다


@pytest.fixture(scope="module")
def playwright(built_book):
    require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


class Session:
    """사이트 하나(주소 하나)를 연 브라우저. 쪽마다 콘솔 오류와 사이트 안의 실패한 요청을 모읍니다."""

    def __init__(self, browser: site_browser.Browser, base: str):
        self.browser, self.base = browser, base
        self.console_errors: list[str] = []
        self.bad_responses: list[str] = []
        self._shared: dict[str, object] = {}
        #: 함께 읽는 쪽마다, 그 쪽을 여는 동안 사이트 밖으로 나가려다 막힌 요청
        self.blocked_while_opening: dict[str, list[str]] = {}

    def open(self, path: str):
        page = self.browser.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(f"{path}: {m.text}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"{path}: {e}"))
        page.on("response", lambda r: r.status >= 400 and self.bad_responses.append(f"{path}: {r.status} {r.url}"))
        page.goto(self.base + path, wait_until="load")
        site_browser.wait_until_ready(page)
        return page

    def shared(self, path: str):
        """이 모듈의 테스트가 함께 읽는 쪽: 처음 부를 때 한 번 열어(검색 쪽이면 결과의 요약 글까지 기다려) 둡니다.

        쪽마다 글꼴, 인터페이스 말, 접근성을 따로 보는 테스트가 같은 쪽을 다섯 번 불러 MathJax로 다시 조판하지 않게
        합니다. 테스트는 쪽을 읽기만 하고, 표시를 붙이는 것(한글·글자 검사의 ``data-*-probe``)도 본문 안에 붙이므로
        다른 테스트가 보는 것(테마가 넣은 말, 접근성 규칙)을 바꾸지 않습니다. 닫는 것은 모듈이 끝날 때 브라우저입니다."""
        if path not in self._shared:
            before = len(self.browser.blocked)
            page = self.open(path)
            if path.startswith("search.html"):
                page.wait_for_selector("#search-results ul.search li p.context", timeout=60_000)
            self.blocked_while_opening[path] = self.browser.blocked[before:]
            self._shared[path] = page
        return self._shared[path]

    def search(self, query: str) -> list[str]:
        """검색 쪽에서 찾아 결과 쪽들(docname, 화면 순서, 중복 없이)을 돌려줍니다."""
        page = self.open("search.html?q=" + query)
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results p.search-summary');"
            " return s && s.innerText.trim().length > 0; }", timeout=60_000)
        hrefs = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
        page.close()
        root = urlsplit(self.base).path
        found: list[str] = []
        for href in hrefs:
            path = unquote(urlsplit(href).path)
            assert path.startswith(root), f"검색 결과가 사이트 밖을 가리킵니다: {href}"
            docname = path[len(root):].removesuffix(".html")
            if docname not in found:
                found.append(docname)
        return found


#: 사이트를 올리는 하위 경로. GitHub Pages의 프로젝트 사이트(``https://<계정>.github.io/<저장소>/``)처럼 모든 쪽을
#: 하위 경로 아래에서 엽니다. 하위 경로에서 되는 사이트는 맨 위(``/``)에서도 됩니다(상대 주소만 쓰므로). 거꾸로는
#: 아니어서, ``/``로 시작하는 주소가 하나라도 있으면 이 모듈의 테스트가 404나 빠진 그림으로 잡습니다.
PREFIX = "/course/"


@pytest.fixture(scope="module")
def site(built_book, playwright):
    with site_browser.serve(built_book, prefix=PREFIX) as base, \
            site_browser.open_browser(base, playwright=playwright, accept_downloads=True) as browser:
        yield Session(browser, base)


@pytest.mark.parametrize(("query", "chapters"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_korean_search_finds_the_chapter(site, query, chapters):
    before = len(site.console_errors)
    found = site.search(query)
    assert chapters <= set(found), f"{query!r}의 검색 결과 {found}에 {sorted(chapters - set(found))}가 없습니다"
    assert site.console_errors[before:] == [], site.console_errors[before:]
    assert not site.browser.blocked and not site.bad_responses, (site.browser.blocked, site.bad_responses)


@pytest.mark.parametrize("docname", PAGES)
def test_page_renders_offline_with_math_images_and_no_errors(site, built_book, docname):
    if not (built_book / f"{docname}.html").is_file():
        pytest.fail(f"목차의 {docname}이 사이트에 없습니다")
    path = docname + ".html"
    page = site.shared(path)
    math = page.eval_on_selector_all("mjx-container", "els => els.length")
    math_errors = page.eval_on_selector_all("mjx-merror, .MathJax_Error", "els => els.map(e => e.textContent)")
    raw_tex = page.eval_on_selector_all(".math:not(:has(mjx-container))", "els => els.map(e => e.textContent)")
    images = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth}))")
    if docname in MATH_PAGES:
        assert math > 0, f"{docname}: 조판된 수식(mjx-container)이 없습니다"
    assert not math_errors, f"{docname}: MathJax 오류 {math_errors[:5]}"
    assert not raw_tex, f"{docname}: 조판되지 않은 수식 {raw_tex[:5]}"
    broken = [i["src"] for i in images if not i["w"]]
    assert not broken, f"{docname}: 불러오지 못한 그림 {broken}"
    errors = [e for e in site.console_errors if e.startswith(f"{path}: ")]
    assert errors == [], "콘솔 오류:\n" + "\n".join(errors)
    failed = [r for r in site.bad_responses if r.startswith(f"{path}: ")]
    assert failed == [], "사이트 안의 실패한 요청:\n" + "\n".join(failed)
    assert site.blocked_while_opening[path] == [], "사이트 밖으로 나간 요청:\n" + "\n".join(site.blocked_while_opening[path])


def test_search_works_under_a_sub_path(site):
    assert urlsplit(site.base).path == PREFIX
    assert "book/ch02_learning" in site.search("경사")
    assert not site.browser.blocked and not site.bad_responses, (site.browser.blocked, site.bad_responses)


def _chapters_with_exercises(built_book) -> list[str]:
    return [d for d in PAGES if (REPO / "exercises" / Path(d).name).is_dir()
            and (built_book / f"{d}.html").is_file()]


def test_exercise_notebooks_download_under_a_sub_path(site, built_book, tmp_path):
    chapters = _chapters_with_exercises(built_book)
    assert chapters, "과제가 있는 장이 사이트에 없습니다"
    for docname in chapters:
        aid = Path(docname).name
        page = site.shared(docname + ".html")
        link = page.locator(f".exercise-download a[download][href$='{aid}.ipynb']")
        assert link.count() == 1, f"{docname}: 장 끝의 과제 노트북 링크가 없습니다"
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / f"{aid}.ipynb"
        info.value.save_as(saved)
        assert urlsplit(info.value.url).path == f"{PREFIX}exercises/{aid}/{aid}.ipynb"
        committed = json.loads((REPO / "exercises" / aid / f"{aid}.ipynb").read_text(encoding="utf-8"))
        assert json.loads(saved.read_text(encoding="utf-8")) == committed, f"{aid}: 내려받은 노트북이 exercises/와 다릅니다"
        # 쪽 머리의 내려받기 메뉴에도 같은 노트북이 있습니다. 다른 테스트가 함께 읽는 쪽이므로 메뉴는 다시 닫아 둡니다.
        toggle = ".dropdown-download-buttons button.dropdown-toggle"
        page.click(toggle)
        with page.expect_download() as info:
            page.click(".btn-download-exercise-button")
        assert urlsplit(info.value.url).path == f"{PREFIX}exercises/{aid}/{aid}.ipynb"
        if page.get_attribute(toggle, "aria-expanded") == "true":
            page.click(toggle)
        assert page.get_attribute(toggle, "aria-expanded") != "true", f"{docname}: 내려받기 메뉴가 닫히지 않습니다"
    assert not site.console_errors, site.console_errors
    assert not site.browser.blocked and not site.bad_responses, (site.browser.blocked, site.bad_responses)


HANGUL_PROBE = """
() => {
  // 본문에서 한글이 가장 많은 요소 하나에 표시를 하고, 그 요소의 바로 아래 글 노드에 든 한글 수를 돌려줍니다.
  const hangul = t => (t.match(/[\\uac00-\\ud7a3]/g) || []).length;
  const own = el => Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('');
  let best = null, count = 0;
  for (const el of document.querySelectorAll('main h1, main p, main li, #search-results p, #search-results a')) {
    const n = hangul(own(el));
    if (n > count) { best = el; count = n; }
  }
  if (best) best.setAttribute('data-hangul-probe', '1');
  return count;
}
"""


def _fonts_drawing_hangul(page) -> tuple[int, list[dict]]:
    """(표시한 요소의 한글 글자 수, Chromium이 그 글을 그린 글꼴들)."""
    count = page.evaluate(HANGUL_PROBE)
    return count, site_browser.fonts_drawing(page, "[data-hangul-probe]")


FONT_PAGES = [d + ".html" for d in PAGES] + ["search.html?q=경사"]


@pytest.mark.parametrize("path", FONT_PAGES)
def test_hangul_is_drawn_by_the_shipped_web_font(site, path):
    count, fonts = _fonts_drawing_hangul(site.shared(path))
    assert count >= 5, f"{path}: 한글이 있는 본문 요소를 찾지 못했습니다"
    web = [f for f in fonts if f["isCustomFont"] and f["familyName"] == "NanumGothic"]
    assert web and sum(f["glyphCount"] for f in web) >= count, \
        f"{path}: 한글 {count}자를 그린 글꼴이 사이트의 나눔고딕이 아닙니다: {fonts}"


def test_shipped_fonts_are_small_and_licensed(built_book):
    fonts = built_book / "_static" / "fonts"
    woff2 = sorted(p.name for p in fonts.glob("*.woff2"))
    assert {"NanumGothic-hangul.woff2", "NanumGothicBold-hangul.woff2"} <= set(woff2), woff2
    assert set(woff2) <= {"NanumGothic-hangul.woff2", "NanumGothicBold-hangul.woff2", "NanumGothic-extra.woff2",
                          "NanumGothicBold-extra.woff2", "DejaVuSans-subset.woff2", "DejaVuSans-Bold-subset.woff2"}, woff2
    assert all((fonts / name).read_bytes()[:4] == b"wOF2" for name in woff2)
    sizes = {name: (fonts / name).stat().st_size for name in woff2}
    assert sum(sizes.values()) < 1_000_000, sizes
    licenses = (fonts / "README.txt").read_text(encoding="utf-8")
    assert "Open Font License" in licenses and "Bitstream Vera" in licenses


NON_LATIN_PROBE = """
() => {
  // 쪽에 보이는 글(수식은 MathJax가 제 글꼴로 그리므로 빼고)의 라틴 문자 밖 글자를 모아, 본문 문단과 코드 안에 한 벌씩 넣습니다.
  const latin = c => c.codePointAt(0) <= 0x24f || (c.codePointAt(0) >= 0x300 && c.codePointAt(0) <= 0x36f);
  const chars = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest('script, style, mjx-container, .MathJax') || !parent.getClientRects().length) continue;
    for (const c of n.textContent) if (!latin(c) && /\\S/.test(c)) chars.add(c);
  }
  const text = [...chars].join('');
  const hosts = [document.querySelector('main p, #search-results p'), document.querySelector('main pre, main code')];
  hosts.forEach((host, i) => {
    if (!host) return;
    const span = document.createElement('span');
    span.setAttribute('data-non-latin-probe', String(i));
    span.textContent = text;
    host.appendChild(span);
  });
  document.body.offsetWidth;  // 글꼴이 unicode-range에 맞춰 불러와지도록 배치를 다시 합니다
  return document.fonts.ready.then(() => text);
}
"""


@pytest.mark.parametrize("path", FONT_PAGES)
def test_every_non_latin_character_on_the_page_is_drawn_by_a_shipped_font(site, path):
    page = site.shared(path)
    text = page.evaluate(NON_LATIN_PROBE)
    assert text, f"{path}: 라틴 문자 밖의 글자(한글)가 없습니다"
    checked = 0
    for probe in ("0", "1"):
        fonts = site_browser.fonts_drawing(page, f"[data-non-latin-probe='{probe}']")
        if not fonts:
            continue
        checked += 1
        system = [f for f in fonts if not f["isCustomFont"]]
        assert not system, f"{path}: 사이트에 든 글꼴이 아닌 글꼴이 그린 글자가 있습니다({text!r}): {system}"
        assert sum(f["glyphCount"] for f in fonts) >= len(text), (text, fonts)
    assert checked, f"{path}: 글자를 넣을 본문 요소가 없습니다"


ENGLISH_UI_PROBE = """
() => {
  // 테마와 확장이 쪽에 넣은 것(보이는 글, 화면 낭독기가 읽는 이름: aria-label, title, placeholder, 말풍선)에서 영어 낱말을
  // 찾습니다. 책의 내용(본문, 장·절 제목이 든 차례와 이전·다음 링크, 검색 결과)은 보지 않습니다. 이름과 말풍선은 지금
  // 감춰진 요소(인쇄용 차례, 열리기 전의 검색 창)도 보고, 글은 화면에 그려진 것만 봅니다.
  const content = 'article.bd-article, .bd-sidenav a, nav.bd-toc-nav a, .prev-next-title, '
    + '.bd-breadcrumbs .breadcrumb-item:not(.breadcrumb-home) a, #search-results';
  const controls = 'summary, .headerlink, button, .btn, .copybtn, .toggle-button';
  const allowed = new Set(['Ctrl', 'ipynb', 'md', 'pdf']);  // 자판 글쇠 이름과 파일 확장자
  const word = /(^|[^\\w.])([A-Za-z][a-z]{2,})(?![\\w])/g;
  const shown = el => {
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const found = new Set();
  const check = (text, where) => {
    for (const m of (text || '').matchAll(word)) {
      if (!allowed.has(m[2])) found.add(`${where}: "${text.trim().slice(0, 80)}"`);
    }
  };
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || el.closest('mjx-container')) continue;
    if (el.closest(content) && !el.closest(controls)) continue;
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
    const where = el.tagName.toLowerCase() + cls;
    for (const attr of ['aria-label', 'title', 'placeholder', 'data-bs-title', 'data-tooltip', 'alt'])
      check(el.getAttribute(attr), `${where} @${attr}`);
    if (el.tagName.toLowerCase() === 'title' && el.closest('svg') && el.closest(controls)) check(el.textContent, 'svg title');
    if (el.closest('svg') || !shown(el)) continue;
    check(Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join(' '), where);
  }
  return [...found].sort();
}
"""


@pytest.mark.parametrize("path", FONT_PAGES + ["genindex.html"])
def test_site_interface_speaks_korean(site, path):
    english = site.shared(path).evaluate(ENGLISH_UI_PROBE)
    assert english == [], f"{path}: 테마·확장이 넣은 영어 문장:\n" + "\n".join(english)


SEARCH_ENTRIES = ".search-button__button, form.bd-search input[type=search]"
VISIBLE = "els => els.filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').length"


@pytest.mark.parametrize("width", [1280, 900, 500])
def test_one_search_entry_at_each_width(site, width):
    # 함께 읽는 쪽의 창 크기를 너비마다 바꿔 보고, 다른 테스트가 보는 배치가 그대로이도록 원래 크기로 되돌립니다.
    page = site.shared("book/ch02_learning.html")
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 900})
    try:
        visible = page.eval_on_selector_all(SEARCH_ENTRIES, VISIBLE)
    finally:
        page.set_viewport_size(before)
    assert visible == 1, f"너비 {width}px에서 보이는 검색 입구가 {visible}개입니다"


RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]+|\$\$")


@pytest.mark.parametrize("query", ["시그모이드", "비용 함수", "기울기", "합성곱"])
def test_search_summaries_show_no_raw_tex_or_button_labels(site, query):
    page = site.open("search.html?q=" + query)
    page.wait_for_selector("#search-results ul.search li", timeout=60_000)
    # 요약 글은 결과 쪽을 하나씩 불러와 채우고, 다 채운 뒤에 찾은 쪽 수를 알립니다.
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results p.search-summary');"
        " return s && /\\d/.test(s.innerText); }", timeout=60_000)
    summaries = page.eval_on_selector_all("#search-results li p.context", "ps => ps.map(p => p.textContent)")
    page.close()
    assert summaries, f"{query}: 요약 글이 있는 결과가 없습니다"
    tex = [s for s in summaries if RAW_TEX.search(s)]
    assert not tex, f"{query}: 요약에 TeX 원문이 있습니다: {[RAW_TEX.search(s).group() for s in tex]} — {tex[0][:200]}"
    labels = [s for s in summaries if "코드 셀 보기" in s or "Show code cell" in s]
    assert not labels, f"{query}: 요약에 코드 셀 단추 글이 있습니다: {labels[0][:200]}"


AXE_RUN = """
async () => {
  // resultTypes: 통과·해당 없음 결과는 규칙마다 요소 하나만 적습니다. 위반은 그대로 모두 적고, 검사하는 규칙과
  // 요소도 같습니다. 수식(MathJax)이 많은 장은 요소가 2만 개를 넘어, 통과한 요소마다 결과를 만들지 않으면 쪽마다
  // 1초쯤 빨라집니다(ch04: 6.0–6.5초 → 5.5초).
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                          resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length}곳, 예: `
                                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}
"""


@pytest.mark.requires("axe-core")
@pytest.mark.parametrize("path", FONT_PAGES)
def test_page_has_no_wcag2_a_or_aa_violations(site, path):
    page = site.shared(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert violations == [], f"{path}:\n" + "\n".join(violations)
