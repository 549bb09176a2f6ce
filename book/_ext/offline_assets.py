"""오프라인 읽기: 만든 사이트가 바깥 주소에서 아무것도 불러오지 않게 합니다.

- 수식: Sphinx는 MathJax를 CDN에서 불러옵니다. 이 확장은 ``mathjax_path``를 사이트 안의
  ``_static/mathjax/tex-mml-chtml.js``로 바꾸고, 빌드가 끝나면 MathJax 3 파일을 설치된
  패키지(PyPI ``django-static-mathjax``, requirements.txt에 고정)에서 빌드 결과의
  ``_static/mathjax/``로 복사합니다. 원본 쪽 ``_static/``에는 두지 않습니다. Jupyter Book이
  그곳의 ``*.js``를 모든 쪽에 ``<script>``로 넣기 때문입니다.
- thebe: 실행 단추(launch_buttons.thebe)를 켜지 않았으면 sphinx-thebe가 모든 쪽에 넣는
  스크립트(바깥 CDN 주소를 담은 설정 포함)를 뺍니다.
- 그 밖에 바깥 주소(``https://…``)의 스크립트나 스타일시트가 쪽에 들어가려 하면 빼고 경고합니다.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# 사이트 안에서 MathJax가 놓이는 곳(``_static/`` 아래)과 불러오는 묶음.
# tex-mml-chtml은 Sphinx의 기본값(CDN)과 같은 묶음입니다.
MATHJAX_SITE_DIR = "mathjax"
MATHJAX_BUNDLE = "tex-mml-chtml.js"
# 묶음이 필요할 때 불러오는 것들: TeX 확장(autoload), MathML 입력, CHTML 글꼴,
# 오른쪽 단추 메뉴와 접근성(읽어 주기) 모듈.
MATHJAX_PARTS = (
    MATHJAX_BUNDLE,
    "input/tex/extensions",
    "input/mml",
    "output/chtml",
    "ui",
    "a11y",
    "sre",
)


def mathjax_source_dir() -> Path:
    """설치된 MathJax 3 배포본(es5 폴더)의 위치."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "MathJax 패키지(django-static-mathjax)가 없습니다. "
            "`pip install -r requirements.txt`로 설치하세요."
        )
    es5 = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax" / "es5"
    if not (es5 / MATHJAX_BUNDLE).is_file():
        raise RuntimeError(f"MathJax 묶음 {MATHJAX_BUNDLE}이 {es5}에 없습니다.")
    return es5


def use_local_mathjax(app, config) -> None:
    if "://" in (config.mathjax_path or "") or config.mathjax_path.startswith("//"):
        config.mathjax_path = f"{MATHJAX_SITE_DIR}/{MATHJAX_BUNDLE}"


def copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source_dir()
    target = Path(app.outdir) / "_static" / MATHJAX_SITE_DIR
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    shutil.copy2(source.parent / "LICENSE", target / "LICENSE")


def _is_remote(filename: str | None) -> bool:
    return bool(filename) and ("://" in filename or filename.startswith("//"))


def _thebe_enabled(app) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    return launch.get("thebe") is True


def drop_remote_assets(app, pagename, templatename, context, doctree) -> None:
    """쪽에 들어갈 스크립트·스타일시트 목록에서 바깥 주소를 뺍니다."""
    thebe = _thebe_enabled(app)

    def keep(asset) -> bool:
        filename = asset.filename or ""
        body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
        if not thebe and (filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body):
            return False
        if _is_remote(filename):
            logger.warning(
                "바깥 주소의 자원을 쪽에서 뺐습니다(사이트는 오프라인으로 읽혀야 합니다): %s",
                filename, location=pagename, type="offline_assets", subtype="remote",
            )
            return False
        return True

    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if keep(asset)]


def setup(app):
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", use_local_mathjax)
    # 다른 확장(MathJax, thebe, 테마)이 쪽마다 자원을 더한 다음에 거릅니다.
    app.connect("html-page-context", drop_remote_assets, priority=900)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
