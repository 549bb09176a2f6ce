"""사이트의 인터페이스를 한국어로: 테마와 확장이 쪽에 넣는 영어 문장(보이는 글과 화면 낭독기가 읽는 이름)을 바꿉니다.

``language: ko``여도 테마(pydata-sphinx-theme)에는 한국어 번역이 없고, 몇몇 문장은 번역 목록을 거치지 않습니다.
그래서 네 곳에서 고칩니다.

1. 번역 목록 ``book/_locale/ko/LC_MESSAGES/sphinx.po``: Sphinx와 테마가 ``_()``로 넣는 문장("Skip to main content",
   "Back to top", "Color mode", "Link to this heading" …). ``_config.yml``의 ``locale_dirs``가 가리키고 Sphinx가
   빌드할 때 .mo로 옮깁니다.
2. 부품 템플릿 ``book/_templates/``: 번역 목록을 거치지 않고 영어를 적어 둔 sphinx-book-theme의 작은 부품
   (사이드바 단추의 "Toggle primary/secondary sidebar", 차례의 랜드마크 이름 "Main", 인쇄용 차례의 "Page"는
   ``layout.html``의 ``docs_body`` 블록)과, 번역하면 어색해지는 부품(바닥글의 "By 지은이" → "으로 지은이")을
   같은 이름으로 덮어씁니다.
3. 설정: 검색창 안내 글(Jupyter Book의 기본값 "Search this book..."), 숨긴 코드 셀과 접어 둔 해답의 단추 글
   (``_config.yml``의 ``nb_code_prompt_show``, ``togglebutton_hint``). 검색 입구는 하나만 둡니다: 넓은 화면에서
   위쪽 막대와 사이드바에 검색 단추가 둘 보이던 것을 위쪽 막대에서 뺍니다(좁은 화면에서는 쪽 머리의 검색 단추 하나).
4. 만든 뒤 고치기(의존성에 대한 명시적인 패치, 브라우저 테스트가 지킴):

   - myst-nb가 숨긴 코드 셀의 ``<summary>``에 적어 두는 ``aria-label="Toggle hidden content"``를 뺍니다. 그러면
     화면 낭독기는 보이는 단추 글("코드 셀 보기")을 읽습니다.
   - sphinx-copybutton의 메시지 표에 한국어(``ko``)를 더하고(복사 단추의 말풍선과 이름), sphinx-togglebutton이
     접어 둔 해답 단추에 적는 영어 이름을 바꿉니다(:data:`STATIC_PATCHES`).
   - 검색 결과의 요약 글(Sphinx의 ``Search.htmlToText``)에서 코드 셀 단추 글과 인쇄용 차례를 빼고, 수식의 TeX 원문
     (``\\(J(\\Theta)\\)``)을 읽을 수 있는 글(``J(Θ)``)로 바꿉니다(``_static/korean-search-summary.js``).

   스크립트에서 고칠 자리를 찾지 못하면(의존성이 바뀌면) 경고하므로 ``-W`` 빌드가 실패합니다. 나머지는
   tests/test_browser.py가 쪽에 남은 영어 문장과 검색 결과의 TeX를 찾아 지킵니다.
"""
from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: 검색창의 안내 글(Jupyter Book의 기본값을 바꿉니다)
SEARCH_PLACEHOLDER = "책에서 찾기…"
JUPYTER_BOOK_SEARCH_TEXT = "Search this book..."

#: myst-nb가 숨긴 코드 셀의 <summary>에 넣는 영어 이름
MYST_NB_SUMMARY = '<summary aria-label="Toggle hidden content">'

#: 만든 사이트의 _static 파일 → (찾을 글, 바꿀 글): 스크립트에 영어로 적혀 있는 인터페이스 문장
STATIC_PATCHES = {
    # sphinx-copybutton: 메시지 표에 한국어(ko)가 없습니다. 쪽의 lang="ko"를 보고 이 표를 고릅니다.
    "copybutton.js": ("const messages = {",
                      "const messages = {\n  'ko': {'copy': '복사', 'copy_to_clipboard': '클립보드에 복사', "
                      "'copy_success': '복사했습니다', 'copy_failure': '복사하지 못했습니다'},"),
    # sphinx-togglebutton: 접어 둔 해답 단추의 이름
    "togglebutton.js": ('aria-label="Toggle hidden content"', 'aria-label="숨긴 내용 보기·숨기기"'),
}

SEARCH_SUMMARY_JS = "korean-search-summary.js"

# TeX 명령 → 글자. 검색 결과 요약에서 수식을 읽을 수 있게 바꿀 때 씁니다(그 밖의 명령은 이름만 남깁니다).
TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "Theta": "Θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "Sigma": "Σ",
    "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "cdot": "·", "times": "×", "odot": "⊙", "circ": "∘",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "in": "∈",
    "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←", "ldots": "…", "dots": "…", "cdots": "…",
    "top": "T", "mid": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖",
}


_SEARCH_SUMMARY_JS = r"""/* 검색 결과의 요약 글: 코드 셀 단추 글과 인쇄용 차례를 빼고 수식의 TeX 원문을 읽을 수 있는 글로
   바꿉니다. korean_ui.py가 만듭니다. */
(function () {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  var symbols = __SYMBOLS__;
  var group = function (s) { return /^[\w.]*$/.test(s.trim()) ? s.trim() : "(" + s.trim() + ")"; };
  var texToText = function (tex) {
    var text = tex.replace(/^\s*(\\\(|\\\[|\$\$)/, "").replace(/(\\\)|\\\]|\$\$)\s*$/, "");
    // 안쪽 묶음부터: 위·아래 첨자의 {…}를 풀고(x^{(i)} → x(i)), 괄호 없는 분수를 a/b로
    for (var i = 0; i < 5; i++) {
      text = text.replace(/[_^]\{([^{}]*)\}/g, "$1")
                 .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g,
                          function (m, a, b) { return group(a) + "/" + group(b); });
    }
    return text.replace(/\\\\/g, " ")
      .replace(/\\(left|right|bigg?|Bigg?)\b/g, "")
      .replace(/\\[,;:! ]|\\q?quad\b/g, " ")
      .replace(/\\([A-Za-z]+)/g, function (m, name) {
        if (symbols[name] !== undefined) return symbols[name];
        return /^(mathbf|mathrm|mathit|mathcal|boldsymbol|text|operatorname|hat|bar|tilde|vec)$/.test(name) ? "" : name;
      })
      .replace(/[{}_^&\\]/g, "").replace(/\s+/g, " ").trim();
  };
  var original = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll("details.hide > summary, .toggle-button, .copybtn, .onlyprint").forEach(function (el) { el.remove(); });
    doc.querySelectorAll("div.math").forEach(function (el) { el.textContent = " " + texToText(el.textContent) + " "; });
    doc.querySelectorAll("span.math").forEach(function (el) { el.textContent = texToText(el.textContent); });
    return original("<!DOCTYPE html>" + doc.documentElement.outerHTML, anchor);
  };
})();
"""


def search_summary_js() -> str:
    return _SEARCH_SUMMARY_JS.replace("__SYMBOLS__", json.dumps(TEX_SYMBOLS, ensure_ascii=False))


def set_interface_options(app, config) -> None:
    options = config.html_theme_options
    if options.get("search_bar_text", JUPYTER_BOOK_SEARCH_TEXT) == JUPYTER_BOOK_SEARCH_TEXT:
        options["search_bar_text"] = SEARCH_PLACEHOLDER
    # 검색 입구 하나: 위쪽 막대의 검색 단추를 빼고 사이드바(넓은 화면)와 쪽 머리(좁은 화면)의 것만 둡니다.
    options.setdefault("navbar_persistent", [])


def patch_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if isinstance(body, str) and MYST_NB_SUMMARY in body:
        context["body"] = body.replace(MYST_NB_SUMMARY, "<summary>")
    if pagename == "search":
        app.add_js_file(SEARCH_SUMMARY_JS, priority=900, defer="defer")


def write_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    (static / SEARCH_SUMMARY_JS).write_text(search_summary_js(), encoding="utf-8")
    for name, (old, new) in STATIC_PATCHES.items():
        path = static / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if new in text:
            continue  # 이전 빌드에서 이미 고쳤고 Sphinx가 다시 복사하지 않았습니다
        if old not in text:
            logger.warning("%s에서 %r를 찾지 못해 그 인터페이스 문장이 영어로 남습니다(의존성이 바뀌었습니다).", name, old,
                           type="korean_ui", subtype="static_patch")
            continue
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def setup(app):
    app.connect("config-inited", set_interface_options)
    app.connect("html-page-context", patch_page)
    # korean_font의 build-finished(쪽과 _static의 글자를 모아 글꼴을 만듦)보다 먼저 씁니다.
    app.connect("build-finished", write_assets, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
