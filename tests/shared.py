"""테스트 작업자(pytest-xdist)들이 한 번만 만들고 함께 쓰는 것: 빌드한 책처럼 몇 분 걸리는 준비.

``python -m pytest`` 는 작업자 둘로 돕니다(pytest.ini의 ``-n``). 세션 픽스처는 작업자마다 따로 돌므로, 그대로 두면 책을
작업자 수만큼 빌드합니다. :func:`once` 는 모든 작업자가 함께 쓰는 임시 폴더(``basetemp`` 의 부모)에서 파일 잠금을 잡고,
먼저 온 작업자가 만든 결과(JSON으로 적을 수 있는 값, 실패면 그 까닭)를 뒤에 온 작업자가 그대로 읽습니다. 작업자 없이
(``-n 0``) 돌리면 그 프로세스 안에서 한 번입니다.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

_MADE: dict[str, object] = {}


def shared_root(tmp_path_factory) -> Path:
    """모든 작업자가 함께 보는 이번 실행의 임시 폴더."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, name: str, make: Callable[[Path], object]) -> object:
    """``make(폴더)`` 를 이번 실행에서 한 번만 부르고 그 값을 돌려줍니다(모든 작업자가 같은 값)."""
    if name not in _MADE:
        root = shared_root(tmp_path_factory)
        record = root / f"{name}.json"
        with FileLock(str(root / f"{name}.lock")):
            if record.is_file():
                value = json.loads(record.read_text(encoding="utf-8"))
            else:
                folder = root / name
                folder.mkdir(exist_ok=True)
                value = make(folder)
                record.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        _MADE[name] = value
    return _MADE[name]
