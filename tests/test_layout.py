"""패키지의 모양이 코드가 도는 곳(신뢰 수준)을 보여 주는지: 모듈마다 신뢰 수준을 말하고, import는 위(공통 어휘)나
아래(coordinator → worker → kernel)로만 갑니다. 파일을 읽어(ast) 확인하므로 아무것도 실행하지 않습니다."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent
SHARED = {"course", "limits", "status", "notebooks", "workdir", "messages", "webfont", "startup"}
#: 수준마다 import해도 되는 autograder의 부분
ALLOWED = {
    "kernel": {"kernel"},
    "worker": {"worker", "kernel", *SHARED},
    "coordinator": {"coordinator", "worker", *SHARED, "release"},
    "shared": set(SHARED),
}


def _level(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return "shared" if path.stem in SHARED else "command"


def _imports(path: Path) -> set[str]:
    """이 파일이 import하는 autograder의 부분(하위 패키지 이름이나 맨 위 모듈 이름)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(PACKAGE).parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level + 1]) if node.level > 1 else list(here)
                parts = base + (node.module.split(".") if node.module else [])
                targets = [parts] if node.module else [parts + [a.name] for a in node.names]
            elif node.module and node.module.split(".")[0] == "autograder":
                parts = node.module.split(".")[1:]
                targets = [parts] if parts else [[a.name] for a in node.names]
            else:
                continue
            found.update(t[0] for t in targets if t)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("autograder."))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.unit
@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_or_to_the_shared_vocabulary(path):
    level = _level(path)
    if level == "command":
        return  # 명령(cli, validate, check, ...)은 어느 수준이든 부를 수 있습니다
    bad = _imports(path) - ALLOWED[level]
    assert not bad, f"{path.relative_to(PACKAGE)} ({level}) imports {sorted(bad)}"


@pytest.mark.unit
@pytest.mark.parametrize("folder", ["coordinator", "worker", "kernel"])
def test_each_level_says_what_it_is(folder):
    doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "trust level" in doc, folder
