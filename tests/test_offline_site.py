"""오프라인 읽기(book/_ext/offline_assets.py): 수식은 사이트 안의 MathJax로 그리고,
어떤 쪽도 바깥 주소에서 스크립트·스타일·글꼴·그림을 불러오지 않습니다.

검사 도구(tests/site_checks.py)가 정말 바깥 자원을 잡는지는 일부러 만든 쪽으로 먼저 확인합니다.
"""
from __future__ import annotations

import pytest

from tests.site_checks import external_resources, is_remote


@pytest.mark.unit
def test_checker_finds_each_kind_of_remote_resource(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_text(
        "@font-face { src: url(https://fonts.gstatic.com/s/nanum.woff2); }\n"
        ".logo { background: url('../_images/local.png'); }\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("""<!doctype html><html><head>
      <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css2?family=Nanum+Gothic">
      <link rel="stylesheet" href="_static/theme.css">
      <link rel="canonical" href="https://example.org/book/page.html">
      <style>@import "https://example.org/extra.css";</style>
      <script>var s = document.createElement("script"); s.src = "https://unpkg.com/thebe";</script>
      <script type="text/x-thebe-config">{ binderUrl: "https://mybinder.org" }</script>
    </head><body>
      <img srcset="_images/a.png 1x, https://example.org/b.png 2x">
      <svg xmlns="http://www.w3.org/2000/svg"></svg>
      <a href="https://scikit-learn.org">링크는 자원이 아닙니다</a>
    </body></html>""", encoding="utf-8")
    found = {(r.kind, r.url) for r in external_resources(tmp_path)}
    assert found == {
        ("script", "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"),
        ("link stylesheet", "//fonts.googleapis.com/css2?family=Nanum+Gothic"),
        ("inline style", "https://example.org/extra.css"),
        ("inline script", "https://unpkg.com/thebe"),
        ("img", "https://example.org/b.png"),
        ("css url", "https://fonts.gstatic.com/s/nanum.woff2"),
    }


@pytest.mark.unit
@pytest.mark.parametrize(("url", "remote"), [
    ("https://cdn.example/x.js", True), ("//cdn.example/x.js", True),
    ("_static/x.js", False), ("../_static/x.js", False), ("data:image/png;base64,AA", False),
])
def test_is_remote(url, remote):
    assert is_remote(url) is remote


def test_built_pages_load_nothing_from_outside(tiny_html):
    found = external_resources(tiny_html)
    assert not found, "바깥 주소의 자원:\n" + "\n".join(map(str, found))


def test_math_uses_mathjax_from_the_site(tiny_html):
    page = (tiny_html / "book" / "evaluation.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-mml-chtml.js"' in page
    mathjax = tiny_html / "_static" / "mathjax"
    assert (mathjax / "tex-mml-chtml.js").is_file()
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("MathJax_Main-Regular.woff"))
    assert (mathjax / "input" / "tex" / "extensions" / "ams.js").is_file()
    assert (mathjax / "LICENSE").is_file()


def test_mathjax_is_not_injected_into_every_page(tiny_html):
    # 원본 _static/에 두었다면 Jupyter Book이 MathJax 파일들을 모든 쪽에 <script>로 넣었을 것입니다.
    page = (tiny_html / "book" / "evaluation.html").read_text(encoding="utf-8")
    assert page.count("_static/mathjax/") == 1


def test_thebe_loader_is_left_out_when_thebe_is_off(tiny_html):
    page = (tiny_html / "book" / "network.html").read_text(encoding="utf-8")
    assert "THEBE_JS_URL" not in page and "sphinx-thebe.js" not in page
