"""브라우저에 실어 보낼 글꼴 만들기: 사이트(book/_ext/korean_font.py)와 채점기의 HTML(coordinator/html_page.py)이
함께 씁니다 (shared vocabulary).

Debian의 Chromium은 VTT 힌팅 표가 있는 글꼴(koreanize-matplotlib의 나눔고딕)을 거부하므로 그 표와 힌팅을 빼고,
필요한 글자만 남긴 WOFF2를 만듭니다.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

#: Chromium이 거부하는 VTT 힌팅 표
VTT_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5", "TSIV", "TSIB", "TSID", "TSIJ", "TSIP", "TSIS")


def make_webfont(source: Path, unicodes: Iterable[int], layout_features: list[str] | None = None) -> bytes:
    """VTT 표와 힌팅을 빼고 ``unicodes`` 만 남긴 WOFF2. ``layout_features`` 는 fontTools의 것(기본: 모두 남김)."""
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
    options.layout_features = ["*"] if layout_features is None else layout_features
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=list(unicodes))
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
