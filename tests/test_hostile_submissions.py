"""적대적이거나 기묘한 제출물 목록 (issue 7): 모두 의도대로 채점되고, 배치는 멈추지 않으며, 다른 학생의 성적과
성적부는 그대로입니다. 각 제출물은 ch01 정답에 문제의 코드를 더한 것이라, 기대 점수가 분명합니다."""
from __future__ import annotations

import csv
import json
import os
import sqlite3

import pytest

from autograder import course, notebooks
from autograder.worker.sandbox import Zygote, detect_isolation
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
        # 커널 씨앗(sandbox.Zygote)에서 갈라 낸 커널도 따로 띄운 커널처럼 갇혀 있는지: 다른 제출물의 작업 폴더와 커널 실행
        # 폴더, 씨앗의 소켓, 씨앗·포크 서버 프로세스가 보이거나, root이거나, 개인 /tmp를 걷어 낼 수 있으면 정답을 씁니다.
        "looks_beyond_its_kernel": {"sigmoid": f'''
import ctypes, glob, os
def _sees_too_much():
    _work_root = os.path.dirname(os.path.dirname(os.getcwd()))
    _run_base = os.path.dirname(os.path.dirname(os.path.dirname(os.environ["MPLCONFIGDIR"])))
    if len(glob.glob(os.path.join(_work_root, "grade-*"))) > 1 or len(glob.glob(os.path.join(_run_base, "ag-kernel-*"))) > 1:
        return True
    if glob.glob(os.path.join(_run_base, "ag-kernel-*", "run", "zygote*")) or os.getuid() == 0:
        return True
    for _pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            _cmd = open(f"/proc/{{_pid}}/cmdline", "rb").read()
        except OSError:
            continue
        if int(_pid) != os.getpid() and (b"zygote" in _cmd or b"forkserver" in _cmd):
            return True
    return ctypes.CDLL(None).umount2(b"/tmp", 2) == 0
_escaped = _sees_too_much()
def sigmoid(z):
    if not _escaped:
        return np.asarray(z, dtype=float) * 0 + 0.5
{CORRECT_SIGMOID_IF.replace("def sigmoid(z):", "").replace(chr(10) + "    ", chr(10) + "    ")}
'''},
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
        # 씨드를 주지 않은 numpy 난수: 커널마다 달라야 합니다(커널 씨앗이 불러 둔 numpy의 난수 상태를 물려받지 않음)
        **{f"unseeded_random_{k}": _after("sigmoid", 'print("무작위 수:", np.random.random())') for k in "ab"},
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
    "looks_beyond_its_kernel": (16, "ok"),
    "nan_returning": (16, "ok"),
    "wrong_return_types": (17, "ok"),
    "slow_but_correct": (20, "ok"),
    "asks_for_input": (20, "ok"),
    "gigabytes_beside_the_notebook": (0, "too_large"),
    "unseeded_random_a": (20, "ok"),
    "unseeded_random_b": (20, "ok"),
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


def test_every_kernel_comes_from_the_zygote(batch):
    """root로 bubblewrap을 쓰면, 처음 채점하는 결과 폴더에서 제출물을 둘 이상 실행하는 과제는 첫 제출물(성적부를 열기 전에
    먼저 맡기는 것)부터 커널 씨앗에서 커널을 갈라 냅니다(timings.csv의 kernel_start). 그 커널들이 위의 모든 적대적
    제출물을 따로 띄운 커널과 똑같이 견딥니다(looks_beyond_its_kernel 포함)."""
    if os.geteuid() != 0 or detect_isolation() != "bubblewrap" or os.environ.get(Zygote.SWITCH) == "0":
        pytest.skip("커널 씨앗은 root로 bubblewrap을 쓸 때만 뜹니다(AUTOGRADER_ZYGOTE=0이면 끔)")
    out = batch[2]
    with (out / "timings.csv").open(encoding="utf-8") as f:
        starts = [row["kernel_start"] for row in csv.DictReader(f) if row["kernel_start"]]
    assert starts.count("zygote") == len(starts) == len(EXPECTED), starts
    # 같은 씨앗에서 갈라 낸 두 커널의 (씨드 없는) numpy 난수가 다릅니다: 새로 띄운 커널처럼 제 난수 상태를 가집니다.
    draws = []
    for student in ("unseeded_random_a", "unseeded_random_b"):
        graded = json.loads((out / "autograded" / student / AID / f"{AID}.ipynb").read_text(encoding="utf-8"))
        draws += [line for cell in graded["cells"] for output in cell.get("outputs", [])
                  for line in "".join(output.get("text", "")).splitlines() if line.startswith("무작위 수:")]
    assert len(draws) == 2 and draws[0] != draws[1], draws
