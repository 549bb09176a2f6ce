"""코드는 ruff(pyproject.toml의 [tool.ruff] 설정: E, F, W, B, I, UP, SIM)에 깨끗합니다. CI는 이 테스트로 린트를 돌립니다."""
from __future__ import annotations

import subprocess

import pytest

from autograder import course

pytestmark = pytest.mark.unit


def test_code_is_clean_under_ruff():
    proc = subprocess.run([str(course.venv_bin() / "ruff"), "check", "--no-cache", "."], cwd=course.REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
