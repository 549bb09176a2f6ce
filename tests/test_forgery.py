"""점수를 위조하려는 학생 (issue 22): 테스트는 샌드박스 밖의 믿을 수 있는 프로세스에서 돌기 때문에, 학생 커널 안에서
무엇을 바꾸든 판정에 닿지 않습니다. 모든 제출물은 실제 채점기(``python -m autograder grade``)로 채점합니다.

공격마다 "틀린 sigmoid(언제나 0.5) + 공격 코드"를 제출하고, 공격 없이 틀린 sigmoid만 낸 제출물과 점수가 같은지
봅니다(공격이 한 점도 얻지 못함). 앞의 셋은 issue에서 실제로 점수를 얻었던 공격이고, 나머지는 새 설계가 구조적으로
막는 종류(커널 안의 어떤 훅도 테스트 코드에 닿지 않음)입니다. 라이브러리 규칙은 직접, 별칭으로, 학생이 만든 도우미를
거쳐 부르는 경우 모두 그 함수의 점수를 잃고 부른 것의 이름이 적힌 한국어 메시지를 받는지 봅니다.
"""
from __future__ import annotations

import pytest

from autograder import course, notebooks
from tests.conftest import grade, put, require

AID = "ch01_modeling"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.asarray(z, dtype=float) * 0 + 0.5\n"

ATTACKS = {
    # 학생 셀이 IPython AST 변환기를 등록해 뒤에 오는 셀의 assert를 모두 pass로 바꿈
    "ast_transformer": '''
import ast
class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(_NoAsserts())
''',
    # 입력 변환기로 뒤 셀의 assert 줄을 지움
    "input_transformer": '''
def _drop_asserts(lines):
    return [("pass\\n" if l.lstrip().startswith("assert") else l) for l in lines]
get_ipython().input_transformers_cleanup.append(_drop_asserts)
''',
    # 불릴 때(테스트 셀 안에서) numpy의 비교 함수를 바꿔 치기
    "patches_numpy_when_called": '''
_wrong_sigmoid = sigmoid
def sigmoid(z):
    np.allclose = lambda *a, **k: True
    np.isclose = lambda *a, **k: np.True_
    np.array_equal = lambda *a, **k: True
    return _wrong_sigmoid(z)
''',
    # 실행 뒤 콜백으로 오류를 지우려 함
    "post_run_cell": '''
def _forget(result):
    result.error_in_exec = None
get_ipython().events.register("post_run_cell", _forget)
''',
    # AssertionError를 삼키는 예외 처리기
    "custom_exception_handler": '''
get_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)
''',
    # AssertionError 자체를 바꿔 치기
    "replaces_assertion_error": '''
import builtins
builtins.AssertionError = type("AssertionError", (Warning,), {})
''',
    # 추적 함수로 assert 줄을 건너뜀
    "settrace_skips_asserts": '''
import linecache
import sys
def _skip(frame, event, arg):
    if event == "line":
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
        if line.startswith("assert"):
            try:
                frame.f_lineno = frame.f_lineno + 1
            except ValueError:
                pass
    return _skip
sys.settrace(_skip)
''',
}

#: (과제, 학생 이름, 바꿀 함수, 풀이 셀 코드, 점수를 잃어야 하는 함수, 메시지에 나와야 하는 이름)
DELEGATIONS = [
    ("ch03_evaluation", "sklearn_direct", "accuracy",
     "from sklearn.metrics import accuracy_score\n\ndef accuracy(y_true, y_pred):\n"
     "    return float(accuracy_score(y_true, y_pred))\n", "sklearn.metrics.accuracy_score"),
    ("ch03_evaluation", "sklearn_alias_helper", "confusion_matrix",
     "import sklearn.metrics as skm\n\ndef _count(a, b, k):\n    return skm.confusion_matrix(a, b, labels=list(range(k)))\n\n"
     "def confusion_matrix(y_true, y_pred, num_classes=None):\n"
     "    k = num_classes or int(max(np.max(y_true), np.max(y_pred))) + 1\n"
     "    return _count(y_true, y_pred, k)\n", "sklearn.metrics.confusion_matrix"),
    ("ch05_cnn", "torch_conv", "conv2d_forward",
     "import torch\nimport torch.nn.functional as F\n\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n"
     "    out = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=stride, padding=pad)\n"
     "    return out.numpy(), (x, w, b, stride, pad)\n", "torch.from_numpy"),  # 처음 부른 torch의 것이 이름으로 나옵니다
    ("ch05_cnn", "scipy_correlate", "conv2d_forward",
     "from scipy.signal import correlate\n\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n"
     "    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n"
     "    full = np.array([[correlate(xp[n], w[f], mode='valid')[0] for f in range(w.shape[0])]\n"
     "                     for n in range(x.shape[0])])\n"
     "    return full[:, :, ::stride, ::stride] + b[None, :, None, None], (x, w, b, stride, pad)\n",
     "scipy.signal.correlate"),
]

#: 학생 코드가 채점 통신의 상태(커널이 간직한 큰 배열 목록)를 지워도, 채점 쪽이 알아채고 다시 보내 맞는 구현은 만점입니다.
CLEARS_PROBE_STATE = """
import autograder.kernel.probe as _probe

_real_backprop = backprop


def backprop(*args, **kwargs):
    _probe._arrays.clear()
    return _real_backprop(*args, **kwargs)
"""


WEAK_MODES = ["unshare", "setrlimit"]
WEAK_ATTACKS = ["ast_transformer", "patches_numpy_when_called"]


def _sigmoid_cells(extra: str = "") -> dict[str, str]:
    return {"sigmoid": WRONG_SIGMOID + extra}


@pytest.fixture(scope="module")
def forged(tmp_path_factory):
    """bubblewrap 아래에서 공격 전부, 강사가 이름으로 고를 수 있는 약한 방식(unshare, setrlimit) 아래에서 그중 둘을
    채점합니다. 판정이 샌드박스 밖에서 나므로 격리 방식과 상관없이 공격은 아무것도 얻지 못합니다."""
    require("bubblewrap")
    tmp = tmp_path_factory.mktemp("forgery")
    solution = notebooks.solution_submission(AID)
    attacked = tmp / "attacked"
    put(notebooks.with_solutions(solution, _sigmoid_cells()), attacked, "plain_wrong", AID)
    for name, code in ATTACKS.items():
        put(notebooks.with_solutions(solution, _sigmoid_cells(code)), attacked, name, AID)
    # 추적 함수 공격은 학생 자신의 커널을 바쁘게 멈추게 해, 셀 시간 제한까지 CPU 한 코어를 씁니다. 1장 노트북의 셀은
    # 바쁜 2코어에서도 1초 안쪽이므로, 이 배치는 강사가 줄 수 있는 10초로 채점합니다.
    rows, tests = grade(attacked, tmp / "attacked-out", "--jobs", "2", "--cell-timeout", "10")
    subs = tmp / "subs"
    for aid, student, fn, code, _ in DELEGATIONS:
        put(notebooks.with_solutions(notebooks.solution_submission(aid), {fn: code}), subs, student, aid)
    nn = "ch04_neural_network"
    backprop = next(notebooks.solution_code(c) for c in notebooks.source_notebook(nn).cells
                    if notebooks.grade_id(c) == "backprop" and notebooks.is_solution(c))
    put(notebooks.with_solutions(notebooks.solution_submission(nn), {"backprop": backprop + CLEARS_PROBE_STATE}),
        subs, "clears_probe_state", nn)
    put(notebooks.solution_submission(nn), subs, "solution", nn)
    more_rows, more_tests = grade(subs, tmp / "out", "--jobs", "2")
    rows, tests = {**rows, **more_rows}, tests + more_tests
    weak = tmp / "weak"
    put(notebooks.with_solutions(solution, _sigmoid_cells()), weak, "plain_wrong", AID)
    for name in WEAK_ATTACKS:
        put(notebooks.with_solutions(solution, _sigmoid_cells(ATTACKS[name])), weak, name, AID)
    weak_rows = {mode: grade(weak, tmp / f"{mode}-out", "--jobs", "2", "--isolation", mode)[0] for mode in WEAK_MODES}
    return rows, tests, weak_rows


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_inside_the_kernel_gains_nothing(forged, attack):
    rows = forged[0]
    plain = rows[("plain_wrong", AID)]
    row = rows[(attack, AID)]
    assert float(plain["score"]) < 20, plain
    # 공격이 학생 자신의 커널을 망가뜨리면(추적 함수가 커널의 코드까지 건너뛰게 함 등) 커널이 요청에 답하지 못해 0점이
    # 될 수도 있습니다. 어느 쪽이든 공격 없이 낸 것보다 점수가 높아지지는 않습니다.
    assert row["status"] in ("ok", "cell_errors", "timeout"), row
    assert float(row["score"]) <= float(plain["score"]), f"{attack}: {row['score']} vs plain wrong {plain['score']}"


@pytest.mark.parametrize("mode", WEAK_MODES)
@pytest.mark.parametrize("attack", WEAK_ATTACKS)
def test_the_weaker_modes_judge_just_the_same(forged, mode, attack):
    weak = forged[2][mode]
    assert float(weak[(attack, AID)]["score"]) == float(weak[("plain_wrong", AID)]["score"]) < 20


@pytest.mark.parametrize("aid, student, fn, call", [(a, s, f, c) for a, s, f, _, c in DELEGATIONS])
def test_a_library_doing_the_work_loses_that_functions_points(forged, aid, student, fn, call):
    rows, tests = forged[0], forged[1]
    mine = [t for t in tests if t["student_id"] == student and t["assignment_id"] == aid]
    hidden = [t for t in mine if t["function"] == fn and t["test"] == "hidden"]
    assert hidden and all(float(t["score"]) == 0 for t in hidden), hidden
    others = [t for t in mine if t["function"] != fn]
    lost = [(t["function"], t["test"], t["score"], t["message"][:300]) for t in others
            if float(t["score"]) != float(t["max_score"])]
    assert not lost, f"다른 함수의 점수는 그대로여야 합니다: {lost} ({rows[(student, aid)]})"
    assert any(call in t["message"] for t in hidden), [t["message"] for t in hidden]
    assert rows[(student, aid)]["status"] == "ok"


def test_tampering_with_the_probe_state_only_costs_time(forged):
    """커널이 간직한 큰 배열 목록(같은 학습 자료를 한 번만 보내려는 것)은 학생 코드가 지울 수 있습니다. 그러면 채점 쪽이
    알아채고 양쪽을 비운 뒤 다시 보내므로, 맞는 구현의 점수는 그대로입니다."""
    rows = forged[0]
    solution = rows[("solution", "ch04_neural_network")]
    tampered = rows[("clears_probe_state", "ch04_neural_network")]
    assert solution["status"] == tampered["status"] == "ok", (solution, tampered)
    assert float(tampered["score"]) == float(solution["score"])
    # 정답의 자동 채점 점수는 만점에서 아직 채점하지 않은 서술형 답의 배점을 뺀 것입니다
    assert float(solution["score"]) + float(solution["manual_pending"]) == float(solution["max_score"])


@pytest.mark.unit
def test_every_assignment_states_its_library_rule():
    """라이브러리 규칙(course.LIBRARY_RULES)이 걸린 과제의 노트북은 그 규칙을 학생에게 말합니다."""
    for aid in course.assignments():
        intro = notebooks.release_notebook(aid).cells[0].source
        for phase in course.phases(aid):
            for lib in phase["forbid"]:
                name = {"sklearn": "scikit-learn", "torch": "torch", "scipy": "SciPy"}[lib]
                assert name in intro, f"{aid}: 과제 소개에 {name} 규칙이 없습니다"


@pytest.mark.unit
def test_only_pure_stand_ins_travel_as_code():
    """학생 함수 자리에 넣는 참조 구현은 스스로 완결된 numpy 계산일 때만 커널로 코드째 갑니다. assert나 예외(판정)가
    있거나, 기본값으로 값을 붙잡거나, 다른 모듈을 쓰면 콜백으로 이 프로세스에서 돕니다."""
    from autograder.worker import checker

    ns: dict = {}
    source = '''
import numpy as np
import os
def _ref(z):
    return 0.5 * (1 + np.tanh(0.5 * z))
def _uses_ref(z):
    return _ref(z) * 2
def _judges(z):
    assert np.all(z > 0), "숨은 판정"
    return z
def _captures(z, _a=np.ones(3)):
    return z + _a
def _other_module(z):
    return os.getpid()
'''
    exec(checker._compiled(source, "<테스트 hidden_example>"), ns)
    assert "def _ref" in checker.standin_source(ns["_ref"])
    shipped = checker.standin_source(ns["_uses_ref"])
    assert "def _ref" in shipped and "def _uses_ref" in shipped and "import numpy as np" in shipped
    for name in ("_judges", "_captures", "_other_module"):
        assert checker.standin_source(ns[name]) is None, name
    assert checker.standin_source(lambda z: z) is None
