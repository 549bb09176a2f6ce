"""한글 웹 글꼴: 사이트가 나눔고딕을 싣고 다녀, 한글 글꼴이 없는 컴퓨터에서도 모든 쪽과 PDF의 한글이 그려집니다.

그림(matplotlib)이 쓰는 koreanize-matplotlib의 나눔고딕(SIL 오픈 폰트 라이선스)을 fontTools로 다듬어
``_static/fonts/``에 WOFF2로 둡니다.

- Debian의 chromium은 VTT 힌팅 표(``TSI0``–``TSI5``)가 든 글꼴을 거부합니다(``OTS parsing error: TSI3``).
  그 표와 힌팅을 빼고, 한글(음절, 자모, 호환 자모)만 남겨 WOFF2(brotli)로 줄입니다:
  보통·굵게 두 벌이 원본 TTF 9.3 MB에서 약 450 kB가 됩니다. 11,172 음절을 모두 남기므로 검색창에 치는 글자도 그려집니다.
- CSS(``_static/korean-font.css``)는 이 글꼴을 ``unicode-range``로 한글에만 씁니다. 라틴 글자, 숫자, 코드는
  테마의 글꼴 그대로입니다.

글꼴 파일은 원본과 이 모듈의 설정이 바뀌었을 때만 다시 만듭니다(첫 빌드에 몇 초, 그다음은 그대로).
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
from pathlib import Path

FAMILY = "Book Hangul"
CSS_FILE = "korean-font.css"
FONT_DIR = "fonts"
#: 글꼴 굵기 → koreanize-matplotlib 안의 파일 이름
WEIGHTS = {400: "NanumGothic.ttf", 700: "NanumGothicBold.ttf"}
#: 한글 자모, 호환 자모, 자모 확장 A, 음절, 자모 확장 B
HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7A3), (0xD7B0, 0xD7FF))
#: Chromium이 거부하는 VTT(Visual TrueType) 원본 표들
VTT_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5", "TSIV", "TSIB", "TSID", "TSIJ", "TSIP", "TSIS")
_RECIPE = "hangul-woff2-unhinted-v1"


def font_folder() -> Path:
    """나눔고딕 .ttf 파일들(보통, 굵게, 아주 굵게, 가늘게)이 있는 koreanize-matplotlib 안의 폴더. 사이트의 웹 글꼴과
    책의 그림(``mlbook.figures``)이 모두 이 함수로 같은 파일을 찾습니다."""
    spec = importlib.util.find_spec("koreanize_matplotlib")  # import하면 Python 3.12에서 distutils로 실패합니다
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("한글 글꼴 패키지(koreanize-matplotlib)가 없습니다: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts"


def source_fonts() -> dict[int, Path]:
    """웹 글꼴로 만드는 나눔고딕 원본 파일(굵기 → 경로)."""
    return {weight: font_folder() / name for weight, name in WEIGHTS.items()}


def webfont_name(weight: int) -> str:
    return f"{Path(WEIGHTS[weight]).stem}-hangul.woff2"


def make_webfont(source: Path) -> bytes:
    """VTT 표와 힌팅을 빼고 한글만 남긴 WOFF2."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    for tag in VTT_TABLES:
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in HANGUL_RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def stylesheet() -> str:
    ranges = ", ".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in HANGUL_RANGES)
    faces = "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: {weight}; font-display: swap; '
        f'src: url("{FONT_DIR}/{webfont_name(weight)}") format("woff2"); unicode-range: {ranges}; }}'
        for weight in WEIGHTS
    )
    return f"""/* 한글은 사이트에 든 나눔고딕(SIL OFL 1.1)으로, 나머지는 테마의 글꼴로 그립니다. korean_font.py가 만듭니다. */
{faces}
:root {{
  --pst-font-family-base: "{FAMILY}", var(--pst-font-family-base-system);
  --pst-font-family-heading: "{FAMILY}", var(--pst-font-family-base-system);
  --pst-font-family-monospace: "{FAMILY}", var(--pst-font-family-monospace-system);
}}
"""


def write_assets(static: Path) -> list[Path]:
    """``static``(사이트의 ``_static``)에 글꼴과 CSS를 씁니다. 이미 같은 것이 있으면 글꼴은 다시 만들지 않습니다."""
    fonts = static / FONT_DIR
    fonts.mkdir(parents=True, exist_ok=True)
    written = []
    for weight, source in source_fonts().items():
        target = fonts / webfont_name(weight)
        stamp = target.with_suffix(".stamp")
        key = hashlib.sha256(f"{_RECIPE} {source.stat().st_size} {source.stat().st_mtime_ns}".encode()).hexdigest()
        if not (target.is_file() and stamp.is_file() and stamp.read_text() == key):
            target.write_bytes(make_webfont(source))
            stamp.write_text(key)
        written.append(target)
    (fonts / "README.txt").write_text(
        "NanumGothic (c) NAVER Corporation, SIL Open Font License 1.1 (https://openfontlicense.org).\n"
        "Subset to Hangul, VTT tables and hinting removed, converted to WOFF2 with fontTools.\n", encoding="utf-8")
    (static / CSS_FILE).write_text(stylesheet(), encoding="utf-8")
    return written


def _write(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_assets(Path(app.outdir) / "_static")


def setup(app):
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _write)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
