"""채점 중 학생 코드의 몽키패치로부터 테스트를 지킵니다 (tamper resistance).

숨은 테스트는 학생 코드와 같은 커널에서 돕니다. 학생 코드가 ``numpy.allclose``, ``numpy.testing``,
``math.isclose``, ``builtins``, IPython의 트레이스백 표시 같은 것을 바꿔 두면 테스트가 속을 수 있습니다.
그래서 채점할 때만 두 종류의 셀을 끼워 넣습니다.

- 맨 앞의 **스냅숏 셀**: 어떤 학생 코드보다 먼저 준비 셀(import)을 실행하고, 모듈들의 속성, builtins,
  IPython 셸의 메서드, sys의 훅을 복사해 둡니다.
- 모든 테스트 셀 바로 앞의 **복원 셀**: 바뀐 것을 스냅숏대로 되돌리고, 준비 셀이 만든 이름(np 등)과
  학생이 덮어쓴 내장 이름을 되돌립니다.

끼워 넣은 셀은 실행 뒤 성적부에 기록하기 전에 빠집니다. 같은 프로세스 안의 방어라 작정한 공격을 모두 막지는
못하지만(예: 복원 함수 자체를 찾아 바꾸기), 흔한 몽키패치는 무력화합니다. 이름은 채점마다 무작위입니다.
"""
from __future__ import annotations

import ast
import secrets

import nbformat
from nbformat import NotebookNode

from . import notebooks

#: 스냅숏을 뜨는 모듈들 (준비 셀이 import하는 모듈은 따로 더해집니다).
WATCHED_MODULES = [
    "builtins", "math", "warnings", "numpy", "numpy.testing", "numpy.linalg", "numpy.random",
    "numpy.core.numeric", "numpy._core.numeric",
]

#: 테스트가 쓰는 내장 이름. 학생이 전역 이름으로 덮어써도 테스트 셀 앞에서 되돌립니다.
PROTECTED_BUILTINS = [
    "abs", "all", "any", "bool", "dict", "float", "int", "isinstance", "issubclass", "len", "list", "max",
    "min", "print", "range", "repr", "round", "set", "sorted", "str", "sum", "tuple", "type", "zip",
    "AssertionError", "Exception", "ValueError", "TypeError", "callable", "getattr", "hasattr", "iter", "next",
]

_SNAPSHOT = '''
{setup}
def {maker}():
    import builtins as _b, sys as _s, types as _t, importlib as _il
    _ip = get_ipython()
    _names = {modules!r}
    for _n in _names:
        try:
            _il.import_module(_n)
        except Exception:
            pass
    _mods = {{_n: _s.modules[_n] for _n in _names if _n in _s.modules}}
    _dicts = {{_n: dict(vars(_m)) for _n, _m in _mods.items()}}
    _classes = [_c for _c in type(_ip).__mro__ if _c.__module__.split(".")[0] in ("IPython", "ipykernel")]
    _cdicts = {{_c: dict(vars(_c)) for _c in _classes}}
    _inst = dict(vars(_ip))
    _hooks = (_s.excepthook, _s.displayhook)
    _bind = {{_k: _v for _k, _v in _ip.user_ns.items() if _k in {setup_names!r}}}
    _prot = {{_k: getattr(_b, _k) for _k in {protected!r}}}
    def _restore():
        for _n, _m in _mods.items():
            _s.modules[_n] = _m
            _d = vars(_m)
            for _k, _v in _dicts[_n].items():
                if _d.get(_k, _restore) is not _v:
                    try:
                        _d[_k] = _v
                    except TypeError:
                        setattr(_m, _k, _v)
            if _n == "builtins":
                for _k in [k for k in _d if k not in _dicts[_n]]:
                    del _d[_k]
        for _c, _saved in _cdicts.items():
            for _k, _v in _saved.items():
                if vars(_c).get(_k, _restore) is not _v:
                    try:
                        setattr(_c, _k, _v)
                    except (AttributeError, TypeError):
                        pass
            for _k in [k for k in vars(_c) if k not in _saved]:
                try:
                    delattr(_c, _k)
                except (AttributeError, TypeError):
                    pass
        for _k in list(vars(_ip)):
            if _k not in _inst:
                try:
                    delattr(_ip, _k)
                except AttributeError:
                    pass
            elif callable(_inst[_k]) and vars(_ip)[_k] is not _inst[_k]:
                setattr(_ip, _k, _inst[_k])
        _s.excepthook, _s.displayhook = _hooks
        _ns = _ip.user_ns
        _ns.update(_bind)
        for _k, _v in _prot.items():
            if _k in _ns and _ns[_k] is not _v:
                del _ns[_k]
    # 셀이 끝날 때마다(응답을 보내기 전에) 되돌립니다: builtins를 바꾸면 커널 자체가 멈출 수 있기 때문입니다.
    _ip.events.register("post_execute", _restore)
    return _restore
{guard} = {maker}()
del {maker}
'''


def _imported_modules(source: str) -> tuple[list[str], list[str]]:
    """준비 셀이 import하는 모듈 이름들과, 그 셀이 만드는 이름들."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], []
    modules, names = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                modules.append(a.name)
                names.append(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
            names.extend(a.asname or a.name for a in node.names)
        elif isinstance(node, (ast.Assign, ast.FunctionDef, ast.ClassDef)):
            targets = node.targets if isinstance(node, ast.Assign) else [node]
            for t in targets:
                if isinstance(t, ast.Name):
                    names.append(t.id)
                elif hasattr(t, "name"):
                    names.append(t.name)
    return modules, names


def _cell(source: str, with_id: bool) -> NotebookNode:
    """끼워 넣을 셀. 셀 id는 노트북 형식(4.5부터 필수, 4.4에는 없음)에 맞춥니다."""
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["autograder"] = {"guard": True}
    if with_id:
        cell.id = f"ag-guard-{secrets.token_hex(6)}"
    else:
        cell.pop("id", None)
    return cell


def inject(nb: NotebookNode) -> NotebookNode:
    """스냅숏 셀과 복원 셀을 끼워 넣은 사본을 돌려줍니다."""
    setup = next((c.source for c in nb.cells if notebooks.grade_id(c) == "setup"), "")
    modules, names = _imported_modules(setup)
    token = secrets.token_hex(6)
    guard, maker = f"_ag_{token}", f"_ag_make_{token}"
    snapshot = _SNAPSHOT.format(
        setup=setup, maker=maker, guard=guard, modules=list(dict.fromkeys(WATCHED_MODULES + modules)),
        setup_names=sorted(set(names)), protected=PROTECTED_BUILTINS,
    )
    out = nbformat.from_dict(nb)
    with_id = (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5)
    cells = [_cell(snapshot, with_id)]
    for cell in nb.cells:
        if cell.cell_type == "code" and notebooks.is_grade(cell):
            cells.append(_cell(f"{guard}()", with_id))
        cells.append(cell)
    out.cells = cells
    return out


def strip(nb: NotebookNode) -> NotebookNode:
    """끼워 넣은 셀을 뺍니다."""
    nb.cells = [c for c in nb.cells if not c.get("metadata", {}).get("autograder", {}).get("guard")]
    return nb
