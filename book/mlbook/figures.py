"""matplotlib이 한글을 그리도록 설정합니다.

글꼴은 사이트의 웹 글꼴과 같은 나눔고딕이고, 그 파일을 찾는 곳은 한 군데(``book/_ext/korean_font.py``의
``font_folder``)입니다. 장의 커널은 ``book/``에서 돌므로 ``mlbook``과 같은 자리에서 ``_ext``를 찾습니다.
"""
from __future__ import annotations

import matplotlib as mpl
from _ext.korean_font import font_folder
from matplotlib import font_manager

KOREAN_FONT = "NanumGothic"


def setup_figures() -> None:
    """한글 글꼴을 등록하고 책 전체에서 쓰는 그림 기본값을 정합니다."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    if KOREAN_FONT not in names:
        # 굵기 네 벌을 모두 등록해야 matplotlib이 굵은 글씨(bold)에 맞는 파일을 찾고 경고하지 않습니다.
        for path in sorted(font_folder().glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))
    # 라틴 글자·숫자·수학 기호(−, ≥)는 DejaVu Sans가, 한글은 나눔고딕이 그립니다.
    # (로그 축 눈금처럼 mathtext로 그리는 글자는 첫 글꼴만 쓰므로 DejaVu Sans가 앞에 와야 합니다.)
    mpl.rcParams["font.family"] = ["DejaVu Sans", KOREAN_FONT]
    mpl.rcParams["axes.unicode_minus"] = True
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 100
    mpl.rcParams["figure.figsize"] = (6.4, 4.0)
    mpl.rcParams["axes.grid"] = True
    mpl.rcParams["grid.alpha"] = 0.3
