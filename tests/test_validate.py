"""학생 자가 점검(python -m autograder validate): 공개 테스트가 모두 통과할 때만 종료 상태 0."""
from __future__ import annotations

from autograder import notebooks
from tests.conftest import autograder, put

AID = "ch01_modeling"


def test_validate_passes_a_correct_notebook(tmp_path):
    path = put(notebooks.solution_submission(AID), tmp_path, "me", AID)
    proc = autograder("validate", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "모두 통과" in proc.stdout
    # 서술형 답은 자동 채점하지 않으므로 종료 상태를 바꾸지 않고 한 줄로 알립니다
    assert "✎ written_feature_scaling: 서술형 답은 강사가 채점합니다 (2점)." in proc.stdout


def test_validate_fails_the_stub_and_says_why_in_korean(tmp_path):
    path = put(notebooks.release_notebook(AID), tmp_path, "me", AID)
    proc = autograder("validate", str(path))
    assert proc.returncode == 1
    assert "✘ sigmoid: 아직 구현하지 않았습니다" in proc.stdout
    assert "✎ written_feature_scaling: 아직 답을 쓰지 않았습니다. 서술형 답은 강사가 채점합니다 (2점, 빈 답은 0점)." \
        in proc.stdout
    assert "✘ written" not in proc.stdout


def test_validate_restores_an_edited_visible_test(tmp_path):
    nb = notebooks.release_notebook(AID)
    for c in nb.cells:
        if notebooks.grade_id(c) == "test_sigmoid":
            c.source = "pass"
    path = put(nb, tmp_path, "me", AID)
    proc = autograder("validate", str(path))
    assert proc.returncode == 1
    assert "원본으로 되돌렸습니다" in proc.stdout and "✘ sigmoid" in proc.stdout


def test_validate_rejects_invalid_json(tmp_path):
    path = tmp_path / f"{AID}.ipynb"
    path.write_text("{", encoding="utf-8")
    proc = autograder("validate", str(path))
    assert proc.returncode == 2 and "JSON" in proc.stderr and proc.stderr.startswith("오류:")


def test_the_self_check_records_what_nbgraders_execute_records(tmp_path):
    """자가 점검은 nbgrader를 불러오지 않는 실행기(runner.executor_class(grading=False))를 씁니다. 같은 노트북을 같은
    격리된 커널로 실행하면 nbgrader의 Execute와 셀마다 같은 출력(표준 출력, stderr, 결과 값, 오류와 트레이스백)을
    남깁니다: 자가 점검의 메시지는 이 출력에서 나옵니다."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbgrader.preprocessors import Execute

    from autograder.limits import Limits
    from autograder.worker import runner, sandbox

    cells = ["print('안녕')\nimport sys; print('경고', file=sys.stderr)", "40 + 2",
             "def f(x):\n    return 1 / x\nf(0)", "raise AssertionError('sigmoid: 0에서 0.5가 아닙니다')",
             "import warnings; warnings.warn('조심')", "undefined_name"]
    executed = []
    for kind in (Execute, runner.executor_class(grading=False)):
        work = tmp_path / kind.__name__
        work.mkdir()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
        km, _ = sandbox.make_kernel_manager(work, Limits())
        run_sync(km.start_kernel)(extra_arguments=runner.KERNEL_ARGS, cwd=str(work))
        try:
            ep = kind(timeout=60, interrupt_on_timeout=False, error_on_timeout={}, allow_errors=True, iopub_timeout=30)
            ep.preprocess(nb, {"metadata": {"path": str(work)}}, km=km)
        finally:
            run_sync(km.shutdown_kernel)(now=True)
        executed.append([(c.execution_count, c.outputs) for c in nb.cells])
        assert nb.metadata.language_info.name == "python"
    assert executed[0] == executed[1]
    assert [len(outputs) for _, outputs in executed[1]] == [2, 1, 1, 1, 1, 1]
