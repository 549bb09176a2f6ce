"""브라우저에 실어 보낼 글꼴 만들기: 사이트(book/_ext/korean_font.py)와 채점기의 HTML(coordinator/html_page.py)이
함께 씁니다 (shared vocabulary).

Debian의 Chromium은 VTT 힌팅 표가 있는 글꼴(koreanize-matplotlib의 나눔고딕)을 거부하므로 그 표와 힌팅을 빼고,
필요한 글자만 남긴 WOFF2를 만듭니다.

두 곳 모두 한글 글꼴을 두 조각으로 싣습니다(CSS ``unicode-range`` 로 나눈 한 글꼴 가족). 한글과 CJK 기호를 담은
:data:`HANGUL_RANGES` 조각은 늘 같은 글자이고 만드는 데 한 굵기에 8–10초가 걸리므로, 사용자 캐시 폴더에 한 번 만들어
두고(:func:`cached_webfont`) 사이트의 빌드와 채점기의 HTML이 모두 그 파일을 씁니다. 쪽마다 다른 나머지 글자(그리스
문자, 화살표 …)는 작은 조각이라 금방 만듭니다.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import io
from collections.abc import Iterable
from pathlib import Path

from .workdir import replaced_atomically, user_cache_dir

#: Chromium이 거부하는 VTT 힌팅 표
VTT_TABLES = ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5", "TSIV", "TSIB", "TSID", "TSIJ", "TSIP", "TSIS")
#: 한글 조각의 글자: 한글 자모, CJK 기호와 구두점(「」, 『』 …), 호환 자모, 자모 확장 A, 음절 11,172자(검색창이나
#: 학생의 이름에 어느 음절이 와도 그려지게), 자모 확장 B
HANGUL_RANGES = ((0x1100, 0x11FF), (0x3000, 0x303F), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7A3),
                 (0xD7B0, 0xD7FF))
#: 만드는 법이 바뀌면 올립니다(캐시의 이름에 들어가므로 예전 것을 쓰지 않게 됩니다).
_RECIPE = "woff2-unhinted-all-features-v2"


def font_folder() -> Path:
    """나눔고딕 .ttf 파일들(보통, 굵게, 아주 굵게, 가늘게)이 있는 koreanize-matplotlib 안의 폴더. 사이트의 웹 글꼴, 책의
    그림(``mlbook.figures``), 채점기의 HTML이 모두 이 함수로 같은 파일을 찾습니다."""
    spec = importlib.util.find_spec("koreanize_matplotlib")  # import하면 Python 3.12에서 distutils로 실패합니다
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("한글 글꼴 패키지(koreanize-matplotlib)가 없습니다: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts"


def codepoints(ranges: Iterable[tuple[int, int]]) -> list[int]:
    """(처음, 끝) 구간들(끝 포함)의 코드 포인트."""
    return [c for lo, hi in ranges for c in range(lo, hi + 1)]


def make_webfont(source: Path, unicodes: Iterable[int]) -> bytes:
    """VTT 표와 힌팅을 빼고 ``unicodes`` 만 남긴(레이아웃 기능은 모두 남김) WOFF2."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)  # 원본의 시각을 두어, 같은 원본과 글자면 바이트까지 같은 파일
    for tag in VTT_TABLES:
        if tag in font:
            del font[tag]
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=list(unicodes))
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cached_webfont(source: Path, unicodes: Iterable[int]) -> bytes:
    """:func:`make_webfont` 의 결과. 원본 파일, 글자, 만드는 법이 같으면 사용자 캐시 폴더(``webfonts/``)의 것을 씁니다.

    동시에 둘이 같은 글꼴을 찾으면(책 빌드 둘, 채점기 둘) 하나가 만드는 동안 다른 하나는 잠금 파일에서 기다렸다가 그
    파일을 씁니다. 캐시에 쓸 수 없어도 동작합니다(만들어서 돌려줄 뿐). WOFF2가 아닌 캐시 파일은 쓰지 않습니다."""
    chars = sorted(set(unicodes))
    stat = Path(source).stat()
    key = hashlib.sha256(f"{_RECIPE} {Path(source).name} {stat.st_size} {stat.st_mtime_ns} {chars}".encode()).hexdigest()
    cached = user_cache_dir() / "webfonts" / f"{Path(source).stem}-{key[:20]}.woff2"

    def read() -> bytes | None:
        data = cached.read_bytes() if cached.is_file() else b""
        return data if data[:4] == b"wOF2" else None

    try:
        if (data := read()) is not None:
            return data
        cached.parent.mkdir(parents=True, exist_ok=True)
        with open(cached.parent / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # 다른 프로세스가 만드는 중이면 끝나기를 기다립니다
            if (data := read()) is not None:
                return data
            data = make_webfont(source, chars)
            with contextlib.suppress(OSError), replaced_atomically(cached, binary=True) as f:
                f.write(data)
            return data
    except OSError:  # 캐시 폴더를 만들거나 잠글 수 없음
        return make_webfont(source, chars)
