"""Dask 스케줄러를 거쳐 작업자에게 가는 단 하나의 함수.

요즘 Dask의 스케줄러는 받은 작업 그래프를 역직렬화합니다. 채점기 함수를 이름으로(pickle by reference) 보내면
스케줄러가 ``autograder`` 를 불러와야 하므로, 과정을 모르는 클러스터의 스케줄러에서는 작업이 모두 실패합니다.
그래서 스케줄러가 보는 것은 :data:`call` 하나뿐이고, 이것은 코드째(cloudpickle의 pickle by value) 갑니다.
이 함수는 전역 이름을 쓰지 않고, 인자는 문자열·바이트·dict 같은 기본 자료형뿐이므로 스케줄러에는 Dask 말고
아무것도 필요 없습니다. 실제 일(``target``)은 과정이 설치된 작업자에서 불러와 돌립니다.

Dask(distributed.protocol.pickle)는 작업을 먼저 표준 pickle로 직렬화하고, 결과에 ``__main__`` 이 있을 때만
cloudpickle로 다시 씁니다. 그래서 이 함수는 ``__main__`` 의 것으로 표시해 둡니다. 이름으로 찾을 수 없으니
표준 pickle은 실패하고, cloudpickle은 ``__main__`` 의 함수를 언제나 코드째 보냅니다.
"""
from __future__ import annotations


def _call(target: str, *args):
    """``"모듈:함수"`` 를 이 프로세스(작업자)에서 불러와 ``args`` 로 부릅니다."""
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


_call.__module__ = "__main__"
_call.__qualname__ = _call.__name__ = "autograder_remote_call"  # Dask의 작업 이름(task prefix)
call = _call
