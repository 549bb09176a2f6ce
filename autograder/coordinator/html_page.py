"""채점기가 쓰는 HTML 쪽(학생 피드백, 강사 개요, 유사도 보고서)의 공통 틀.

한국어 문서 하나, 바깥 자원 없음(브라우저로 파일을 바로 엽니다), 같은 글꼴·표·코드 모양. 쪽마다 다른 것은 본문과
덧붙이는 CSS뿐입니다. 본문에 넣는 값은 부르는 쪽이 :func:`html.escape` 로 이스케이프합니다.

글꼴: 학생은 피드백을 제 컴퓨터에서 열고, 그 컴퓨터에 한글 글꼴이 있다는 보장은 없습니다. 그래서 쪽마다 나눔고딕
(보통 굵기, SIL 오픈 폰트 라이선스)을 base64 ``@font-face``로 넣습니다. 피드백 파일 하나만 보내도 한글이 그려집니다.
학생이 쓴 이름과 코드는 무엇이든 될 수 있으므로 한글 음절 11,172자와 자모, CJK 기호·구두점(「」 등)을 모두 남긴 조각에,
일반 구두점, 화살표, 그리스 문자, 수학 기호 가운데 나눔고딕에 있는 것을 담은 작은 조각을 더합니다(WOFF2 약 225 kB와
9 kB, 쪽마다 base64로 약 310 kB). 원본은 책의 그림과 사이트가 쓰는 것과 같은 koreanize-matplotlib의 나눔고딕이고,
한글 조각은 사이트와 같은 파일입니다(:mod:`autograder.webfont`: 한 번 만들어 사용자 캐시 폴더에 둡니다).
"""
from __future__ import annotations

import base64
import functools
import html
from pathlib import Path

from .. import webfont

FONT_FAMILY = "Course Hangul"
#: 한글 조각(:data:`autograder.webfont.HANGUL_RANGES`, 사이트와 같은 캐시 파일) 밖에 더 싣는 글자: 그리스 문자,
#: 일반 구두점, 화살표, 수학 기호 가운데 나눔고딕에 있는 것
EXTRA_RANGES = ((0x0370, 0x03FF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2200, 0x22FF))

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
    """koreanize-matplotlib 안의 NanumGothic.ttf (사이트와 책의 그림이 쓰는 것과 같은 파일, 개요의 그림도 씀)."""
    return webfont.font_folder() / "NanumGothic.ttf"


@functools.cache
def webfonts() -> list[tuple[tuple[tuple[int, int], ...], bytes]]:
    """쪽에 넣는 나눔고딕 WOFF2 조각들: (글자 범위, 글꼴 파일). 사용자 캐시의 것을 씁니다
    (:func:`autograder.webfont.cached_webfont`)."""
    return [(ranges, webfont.cached_webfont(font_source(), webfont.codepoints(ranges)))
            for ranges in (webfont.HANGUL_RANGES, EXTRA_RANGES)]


@functools.cache
def font_face_css() -> str:
    """쪽에 넣는 ``@font-face`` (조각마다 하나, 글꼴 파일을 base64로 담음)."""
    faces = []
    for ranges, data in webfonts():
        unicode_range = ",".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in ranges)
        faces.append(f"@font-face{{font-family:'{FONT_FAMILY}';font-style:normal;font-weight:400;"
                     f"src:url(data:font/woff2;base64,{base64.b64encode(data).decode('ascii')}) format('woff2');"
                     f"unicode-range:{unicode_range}}}")
    return "".join(faces)


def page(title: str, body: str, *, width: str = "60rem", css: str = "") -> str:
    """제목(이스케이프함)과 본문(이미 HTML)으로 완성된 쪽 하나."""
    return (f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f"<style>{font_face_css()}\n{BASE_CSS}body{{max-width:{width}}}{css}</style></head><body>\n{body}\n</body></html>\n")
