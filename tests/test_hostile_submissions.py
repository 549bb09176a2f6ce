"""적대적이거나 기묘한 제출물 목록 (issue 7): 모두 의도대로 채점되고, 배치는 멈추지 않으며, 다른 학생의 성적과
성적부는 그대로입니다. 각 제출물은 ch01 정답에 문제의 코드를 더한 것이라, 기대 점수가 분명합니다."""
from __future__ import annotations

import json
import sqlite3

import pytest

from autograder import course, notebooks
from tests.conftest import grade, put

AID = "ch01_modeling"
SOLUTION_FILE = course.SOLUTIONS / AID / f"{AID}.ipynb"


def _after(fn: str, extra: str) -> dict[str, str]:
    """정답 함수 정의 뒤에 extra를 붙인 풀이 셀."""
    sol = {notebooks.grade_id(c): notebooks.solution_code(c) for c in notebooks.source_notebook(AID).cells
           if notebooks.is_solution(c)}
    return {fn: sol[fn] + "\n" + extra.strip() + "\n"}


CORRECT_SIGMOID_IF = '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = 0.5 * (1.0 + np.tanh(0.5 * z))
    return float(out) if out.ndim == 0 else out
'''


def scenarios(subs) -> dict[str, dict[str, str]]:
    victim = subs / "correct" / AID / f"{AID}.ipynb"

    def gain_if_read(path):
        return f'''
def sigmoid(z):
    # 읽을 수 있으면 정답을 쓰고, 못 읽으면 틀린 값을 돌려줍니다.
    try:
        open({str(path)!r}).read()
    except OSError:
        return np.asarray(z, dtype=float) * 0 + 0.5
{CORRECT_SIGMOID_IF.replace("def sigmoid(z):", "").replace(chr(10) + "    ", chr(10) + "    ")}
'''
    return {
        "memory_bomb": _after("add_intercept", "_hog = bytearray(64 * 2**30)"),
        "fork_bomb": _after("add_intercept", '''
import os, time
_kids = []
try:
    while len(_kids) < 5000:
        _pid = os.fork()
        if _pid == 0:
            time.sleep(5)
            os._exit(0)
        _kids.append(_pid)
except OSError:
    pass
'''),
        "sys_exit": _after("add_intercept", "import sys\nsys.exit(3)"),
        "segfault": _after("add_intercept", "import ctypes\nctypes.string_at(0)"),
        "megabytes_of_output": _after("add_intercept", "for _ in range(200):\n    print('x' * 50_000)"),
        "reads_solutions": {"sigmoid": gain_if_read(SOLUTION_FILE)},
        "reads_other_student": {"sigmoid": gain_if_read(victim)},
        "writes_outside_its_folder": _after("add_intercept", f'''
for _target in [{str(victim)!r}, {str(subs.parent / "out" / "grades.csv")!r}, {str(course.REPO / "README.md")!r}]:
    try:
        with open(_target, "a") as _f:
            _f.write("hacked")
    except OSError:
        pass
'''),
        "network_call": _after("add_intercept", '''
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    socket.create_connection(("127.0.0.1", 22), timeout=2)
except OSError:
    pass
'''),
        "nan_returning": {"sigmoid": "def sigmoid(z):\n    return np.full(np.shape(z), np.nan)\n"},
        "wrong_return_types": {"linear_hypothesis":
                               "def linear_hypothesis(X, theta):\n    return [str(v) for v in np.asarray(X) @ theta]\n"},
        # 채점 중의 input(): 테스트가 부른 함수가 입력을 기다리면 채점기가 곧바로 답해(쓸 수 없다는 문장) 멈추지 않습니다.
        "asks_for_input": _after("sigmoid", '''
_quiet_sigmoid = sigmoid
def sigmoid(z):
    input("계속하려면 Enter: ")
    return _quiet_sigmoid(z)
'''),
        "slow_but_correct": _after("add_intercept", '''
import time
_fast_add_intercept = add_intercept
def add_intercept(X):
    time.sleep(0.3)
    return _fast_add_intercept(X)
'''),
    }


EXPECTED = {  # (점수, 상태)
    "memory_bomb": (20, "cell_errors"),
    "fork_bomb": (20, "ok"),
    "sys_exit": (20, "cell_errors"),
    "segfault": (0, "kernel_died"),
    "megabytes_of_output": (20, "ok"),
    "reads_solutions": (16, "ok"),
    "reads_other_student": (16, "ok"),
    "writes_outside_its_folder": (20, "ok"),
    "network_call": (20, "ok"),
    "nan_returning": (16, "ok"),
    "wrong_return_types": (17, "ok"),
    "slow_but_correct": (20, "ok"),
    "asks_for_input": (20, "ok"),
    "gigabytes_beside_the_notebook": (0, "too_large"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    subs = tmp / "subs"
    solution = notebooks.solution_submission(AID)
    put(solution, subs, "correct", AID)
    (subs / "correct" / AID / "data.csv").write_text("1,2\n", encoding="utf-8")  # extra files travel along
    before = (subs / "correct" / AID / f"{AID}.ipynb").read_bytes()
    readme = (course.REPO / "README.md").read_bytes()
    for name, cells in scenarios(subs).items():
        put(notebooks.with_solutions(solution, cells), subs, name, AID)
    # 정답 노트북 옆에 5 GB 파일 (성긴 파일이라 디스크는 쓰지 않지만 크기는 5 GB): 복사하지 않고 too_large.
    put(solution, subs, "gigabytes_beside_the_notebook", AID)
    with (subs / "gigabytes_beside_the_notebook" / AID / "dataset.bin").open("wb") as f:
        f.truncate(5 * 2**30)
    rows, tests = grade(subs, tmp / "out", "--jobs", "2", "--cell-timeout", "60", "--memory-mb", "2048")
    return rows, tests, tmp / "out", subs, before, readme


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_submission_is_graded_as_intended(batch, name):
    rows = batch[0]
    row = rows[(name, AID)]
    score, status = EXPECTED[name]
    assert float(row["score"]) == score, f"{name}: {row}"
    assert row["status"] == status, f"{name}: {row}"


def test_other_students_and_the_gradebook_are_untouched(batch):
    rows, _, out, subs, before, readme = batch
    assert float(rows[("correct", AID)]["score"]) == 20
    assert (subs / "correct" / AID / f"{AID}.ipynb").read_bytes() == before
    assert (course.REPO / "README.md").read_bytes() == readme
    assert "hacked" not in (out / "grades.csv").read_text(encoding="utf-8")
    assert "한도 200 MB" in rows[("gigabytes_beside_the_notebook", AID)]["detail"]
    with sqlite3.connect(out / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
    assert n == len(EXPECTED) + 1


def test_huge_output_is_truncated_in_the_graded_notebook(batch):
    out = batch[2]
    graded = out / "autograded" / "megabytes_of_output" / AID / f"{AID}.ipynb"
    assert graded.stat().st_size < 2_000_000
    json.loads(graded.read_text(encoding="utf-8"))
