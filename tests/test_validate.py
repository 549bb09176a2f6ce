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


def test_validate_fails_the_stub_and_says_why_in_korean(tmp_path):
    path = put(notebooks.release_notebook(AID), tmp_path, "me", AID)
    proc = autograder("validate", str(path))
    assert proc.returncode == 1
    assert "✘ sigmoid: 아직 구현하지 않았습니다" in proc.stdout


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
