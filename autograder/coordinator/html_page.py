"""채점기가 쓰는 HTML 쪽(학생 피드백, 강사 개요, 유사도 보고서)의 공통 틀.

한국어 문서 하나, 바깥 자원 없음(브라우저로 파일을 바로 엽니다), 같은 글꼴·표·코드 모양. 쪽마다 다른 것은 본문과
덧붙이는 CSS뿐입니다. 본문에 넣는 값은 부르는 쪽이 :func:`html.escape` 로 이스케이프합니다.

글꼴: 학생은 피드백을 제 컴퓨터에서 열고, 그 컴퓨터에 한글 글꼴이 있다는 보장은 없습니다. 그래서 쪽마다 나눔고딕
(보통 굵기, SIL 오픈 폰트 라이선스)을 base64 ``@font-face``로 넣습니다. 피드백 파일 하나만 보내도 한글이 그려집니다.
학생이 쓴 이름과 코드는 무엇이든 될 수 있으므로 한글 음절 11,172자를 모두 남기고, 자모와 CJK 기호·구두점(「」 등),
일반 구두점, 화살표, 그리스 문자, 수학 기호 가운데 나눔고딕에 있는 것을 더합니다(WOFF2 약 225 kB, 쪽마다 base64로
약 300 kB). 원본은 책의 그림과 사이트가 쓰는 것과 같은 koreanize-matplotlib의 나눔고딕입니다
(``book/_ext/korean_font.py``). 줄인 글꼴은 만드는 데 몇 초 걸리므로 사용자 캐시 폴더에 한 번 만들어 두고 씁니다.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import os
import tempfile
from pathlib import Path

from ..webfont import make_webfont as _make_webfont
from ..workdir import user_cache_dir

FONT_FAMILY = "Course Hangul"
#: 줄인 글꼴에 남기는 범위: 한글 자모, 일반 구두점, 화살표, CJK 기호와 구두점, 호환 자모, 자모 확장 A, 음절, 자모 확장 B,
#: 그리스 문자, 수학 기호
FONT_RANGES = ((0x1100, 0x11FF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x3000, 0x303F), (0x3130, 0x318F),
               (0xA960, 0xA97F), (0xAC00, 0xD7A3), (0xD7B0, 0xD7FF), (0x0370, 0x03FF), (0x2200, 0x22FF))
_RECIPE = "grader-nanumgothic-woff2-v1"

BASE_CSS = (
    f"body{{font-family:'{FONT_FAMILY}',sans-serif;"
    "margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}"
    f"pre,code{{font-family:'{FONT_FAMILY}',monospace}}"
    "table{border-collapse:collapse;margin-bottom:1.5rem}"
    "th,td{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.6rem;overflow-x:auto;font-size:.85rem}"
    ".note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem}"
)


def font_source() -> Path:
    """koreanize-matplotlib 안의 NanumGothic.ttf (사이트의 ``korean_font.font_folder()``와 같은 파일)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")  # import하면 Python 3.12에서 distutils로 실패합니다
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("한글 글꼴 패키지(koreanize-matplotlib)가 없습니다: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / "NanumGothic.ttf"


def make_webfont(source: Path) -> bytes:
    """VTT 표와 힌팅을 빼고 :data:`FONT_RANGES` 만 남긴 WOFF2 (``autograder.webfont``)."""
    return _make_webfont(source, (c for lo, hi in FONT_RANGES for c in range(lo, hi + 1)), layout_features=[])


@functools.cache
def webfont() -> bytes:
    """줄인 나눔고딕 WOFF2. 원본과 만드는 법이 같으면 캐시 폴더의 것을 씁니다(캐시에 쓸 수 없어도 동작합니다)."""
    source = font_source()
    stat = source.stat()
    key = hashlib.sha256(f"{_RECIPE} {FONT_RANGES} {stat.st_size} {stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cached = user_cache_dir() / f"grader-font-{key}.woff2"
    if cached.is_file():
        data = cached.read_bytes()
        if data[:4] == b"wOF2":
            return data
    data = make_webfont(source)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, cached)
    except OSError:
        pass
    return data


@functools.cache
def font_face_css() -> str:
    """쪽에 넣는 ``@font-face`` 하나(글꼴 파일을 base64로 담음)."""
    ranges = ",".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in FONT_RANGES)
    data = base64.b64encode(webfont()).decode("ascii")
    return (f"@font-face{{font-family:'{FONT_FAMILY}';font-style:normal;font-weight:400;"
            f"src:url(data:font/woff2;base64,{data}) format('woff2');unicode-range:{ranges}}}")


def page(title: str, body: str, *, width: str = "60rem", css: str = "") -> str:
    """제목(이스케이프함)과 본문(이미 HTML)으로 완성된 쪽 하나."""
    return (f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f"<style>{font_face_css()}\n{BASE_CSS}body{{max-width:{width}}}{css}</style></head><body>\n{body}\n</body></html>\n")
