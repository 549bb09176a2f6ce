"""채점기가 쓰는 HTML 쪽(학생 피드백, 강사 개요, 유사도 보고서)의 공통 틀.

한국어 문서 하나, 바깥 자원 없음(브라우저로 파일을 바로 엽니다), 같은 글꼴·표·코드 모양. 쪽마다 다른 것은 본문과
덧붙이는 CSS뿐입니다. 본문에 넣는 값은 부르는 쪽이 :func:`html.escape` 로 이스케이프합니다.
"""
from __future__ import annotations

import html

BASE_CSS = (
    "body{font-family:'NanumGothic','Noto Sans KR','Apple SD Gothic Neo','Malgun Gothic',sans-serif;"
    "margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}"
    "table{border-collapse:collapse;margin-bottom:1.5rem}"
    "th,td{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.6rem;overflow-x:auto;font-size:.85rem}"
    ".note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem}"
)


def page(title: str, body: str, *, width: str = "60rem", css: str = "") -> str:
    """제목(이스케이프함)과 본문(이미 HTML)으로 완성된 쪽 하나."""
    return (f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f"<style>{BASE_CSS}body{{max-width:{width}}}{css}</style></head><body>\n{body}\n</body></html>\n")
