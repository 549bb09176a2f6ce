"""matplotlib이 한글을 그리도록 설정합니다.

koreanize-matplotlib 패키지가 담아 오는 나눔고딕 글꼴 파일만 씁니다. 그 패키지를 import하면
Python 3.12부터 없는 ``distutils``를 불러 실패하므로, 글꼴 파일의 위치만 찾아 직접 등록합니다.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

KOREAN_FONT = "NanumGothic"


def korean_font_dir() -> Path:
    """나눔고딕 .ttf 파일이 있는 폴더(koreanize-matplotlib 안)를 돌려줍니다."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "한글 글꼴 패키지(koreanize-matplotlib)가 없습니다. "
            "`pip install -r requirements.txt`로 설치하세요."
        )
    return Path(list(spec.submodule_search_locations)[0]) / "fonts"


def setup_figures() -> None:
    """한글 글꼴을 등록하고 책 전체에서 쓰는 그림 기본값을 정합니다."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    if KOREAN_FONT not in names:
        for path in sorted(korean_font_dir().glob("*.ttf")):
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
