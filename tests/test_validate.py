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
