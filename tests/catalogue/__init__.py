"""틀린 구현 목록(catalogue): 채점기가 흔한 실수를 실제로 잡아내는지 증명하는 데 씁니다.

모듈 ``tests/catalogue/<과제 id>.py``마다 ``WRONG``(틀린 구현)과 ``VARIANTS``(다르게 썼지만 맞는 구현)를
둡니다. 각 항목의 코드는 정답 제출물에서 해당 함수의 풀이 셀을 통째로 바꿉니다.
"""
from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Wrong:
    """함수 ``function`` 하나를 틀리게 구현한 풀이 셀. 그 함수에서만 점수를 잃어야 합니다."""

    name: str
    function: str
    source: str

    def cells(self) -> dict[str, str]:
        return {self.function: textwrap.dedent(self.source).strip() + "\n"}


@dataclass(frozen=True)
class Variant:
    """다르게 썼지만 맞는 구현들(함수 이름 → 풀이 셀 코드). 만점이어야 합니다."""

    name: str
    sources: dict[str, str] = field(default_factory=dict)

    def cells(self) -> dict[str, str]:
        return {fn: textwrap.dedent(src).strip() + "\n" for fn, src in self.sources.items()}


def load(assignment_id: str):
    """과제의 목록 모듈을 불러옵니다. 없으면 None."""
    try:
        return importlib.import_module(f"tests.catalogue.{assignment_id}")
    except ModuleNotFoundError as exc:
        if exc.name == f"tests.catalogue.{assignment_id}":
            return None
        raise
