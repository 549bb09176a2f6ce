"""과제가 쓰지 못하게 한 라이브러리 자리에 놓이는 껍데기 (the stand-in for a library a task forbids).

신뢰 수준: **학생 프로세스(믿지 않음)**. 채점할 때 샌드박스는 그 라이브러리의 폴더(예: ``site-packages/sklearn``)를
이 껍데기 하나만 든 폴더로 덮습니다(``autograder.worker.sandbox``). 진짜 라이브러리의 파일은 커널에서 아예 보이지
않으므로, 학생 코드가 이 모듈을 고쳐도 진짜 구현에 닿을 수 없습니다. 그것이 이 규칙의 강제력입니다.

껍데기는 import와 속성 접근은 조용히 받아 줍니다(준비 셀의 ``import torch`` 나 ``from torch import nn`` 이 그대로
돌도록). 학생 함수를 채점하는 동안(:data:`probe.calling`) 껍데기를 **부르면** 어떤 호출인지 이름을 담은
:class:`ForbiddenLibraryError` 가 납니다. 별칭(``import sklearn.metrics as m``)이나 학생이 만든 도우미 함수를
거쳐 불러도 같은 껍데기이므로 똑같이 잡힙니다.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

from . import probe

LIBRARY_NAMES = {"sklearn": "scikit-learn", "torch": "PyTorch", "scipy": "SciPy"}


class ForbiddenLibraryError(ImportError):
    """이 과제에서 쓰지 못하게 한 라이브러리를 불렀습니다."""


class Forbidden:
    """막힌 라이브러리의 모듈, 함수, 클래스 하나를 대신하는 껍데기."""

    def __init__(self, dotted: str):
        object.__setattr__(self, "_dotted", dotted)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Forbidden(f"{self._dotted}.{name}")

    def __setattr__(self, name, value):
        pass

    def __call__(self, *args, **kwargs):
        if probe.calling[0]:
            top = self._dotted.split(".")[0]
            raise ForbiddenLibraryError(
                f"이 과제에서는 {LIBRARY_NAMES.get(top, top)}의 구현을 쓸 수 없습니다: {self._dotted}()를 불렀습니다. "
                "numpy로 직접 만드세요.")
        return Forbidden(f"{self._dotted}()")

    def __mro_entries__(self, bases):
        return (object,)

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<이 과제에서 쓸 수 없는 {self._dotted}>"


class _Module(types.ModuleType):
    """막힌 패키지나 그 하위 모듈. 속성은 모두 :class:`Forbidden` 껍데기입니다."""

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Forbidden(f"{self.__name__}.{name}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, tops: set[str]):
        self.tops = tops

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.tops:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return _Module(spec.name)

    def exec_module(self, module):
        pass


def install(top: str) -> None:
    """``top`` 패키지를 껍데기로: 껍데기 폴더의 ``__init__.py`` 가 부릅니다."""
    for finder in sys.meta_path:
        if isinstance(finder, _Finder):
            finder.tops.add(top)
            break
    else:
        sys.meta_path.insert(0, _Finder({top}))
    module = _Module(top)
    module.__path__ = []
    sys.modules[top] = module


#: 껍데기 폴더의 ``__init__.py`` 내용
STUB = "from autograder.kernel.forbidden import install\ninstall(__name__)\n"
