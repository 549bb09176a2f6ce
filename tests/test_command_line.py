"""강사와 학생이 실제로 치는 명령 그대로 (issue 22의 3, 4번): 저장소 밖의 폴더에서 상대 경로로 채점하고 점검하기,
bubblewrap이 없는 컴퓨터에서 채점하기."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, notebooks
from autograder.coordinator.report import read_csv
from tests.conftest import put, require

AID = "ch01_modeling"


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env or course.env_with_venv_bin(),
                          capture_output=True, text=True, timeout=900)


def test_relative_paths_typed_in_a_folder_outside_the_repository(tmp_path):
    """경로는 명령을 친 폴더 기준으로 한 번 풀립니다(실행하는 쪽은 다른 폴더에서 돌아도)."""
    require("bubblewrap")
    put(notebooks.solution_submission(AID), tmp_path / "subs", "kim", AID)
    proc = _run(["grade", "subs", "--out", "out", "--jobs", "1"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {r["student_id"]: r for r in read_csv(tmp_path / "out" / "grades.csv")}
    assert (rows["kim"]["status"], rows["kim"]["score"]) == ("ok", "20")

    homework = tmp_path / "내 숙제"
    put(notebooks.solution_submission(AID), homework, "me", AID)
    proc = _run(["validate", f"내 숙제/me/{AID}/{AID}.ipynb"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "모두 통과" in proc.stdout


@pytest.fixture
def path_without_bwrap(tmp_path) -> dict:
    """bubblewrap만 없는 PATH: /usr/bin의 다른 프로그램(unshare, setpriv, git ...)은 그대로 보입니다."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for entry in Path(folder).iterdir() if Path(folder).is_dir() else []:
            if entry.name != "bwrap" and not (bin_dir / entry.name).exists():
                (bin_dir / entry.name).symlink_to(entry)
    env = course.env_with_venv_bin()
    env["PATH"] = f"{course.venv_bin()}{os.pathsep}{bin_dir}"
    return env


def test_grading_without_bubblewrap_stops_with_the_install_line(tmp_path, path_without_bwrap):
    put(notebooks.solution_submission(AID), tmp_path / "subs", "kim", AID)
    proc = _run(["grade", "subs", "--out", "out"], cwd=tmp_path, env=path_without_bwrap)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "오류:" in proc.stderr and "sudo apt-get install -y bubblewrap" in proc.stderr
    assert "--isolation unshare" in proc.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_a_weaker_mode_named_by_the_instructor_says_what_it_does_not_protect(tmp_path, path_without_bwrap):
    put(notebooks.solution_submission(AID), tmp_path / "subs", "kim", AID)
    proc = _run(["grade", "subs", "--out", "out", "--jobs", "1", "--isolation", "unshare"], cwd=tmp_path,
                env=path_without_bwrap)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warning = proc.stderr.index("경고: 약한 격리")
    assert "채점기 사용자의 권한만큼 커널이 읽을 수 있고" in proc.stderr
    assert warning < proc.stderr.index("노트북 1개를 실행합니다"), "경고는 채점을 시작하기 전에 나와야 합니다"
    assert "격리: unshare+setrlimit" in proc.stdout


@pytest.mark.parametrize("args", [["--help"], ["grade", "--help"], ["grade"], ["grade", "subs", "--out", "o", "--jobs", "0"],
                                  ["grade", "subs", "--out", "o", "--isolation", "docker"], ["frobnicate"],
                                  ["validate", "없는.ipynb"], ["nbgrader-feedback", "--help"],
                                  ["nbgrader-feedback", "없는", "없는"]])
def test_the_command_line_speaks_one_language(tmp_path, args):
    """도움말, 사용법 오류, 입력 오류가 모두 한국어이고, 오류는 stderr에 ``오류:`` 로 시작하는 줄로 나옵니다."""
    proc = _run(args, cwd=tmp_path)
    text = proc.stdout + proc.stderr
    for english in ("usage:", "error:", "the following arguments", "show this help", "options:", "positional arguments",
                    "invalid choice", "argument "):
        assert english not in text, (english, text)
    if args[-1] == "--help":
        assert proc.returncode == 0 and "사용법:" in proc.stdout
    else:
        assert proc.returncode == 2, text
        assert "오류:" in proc.stderr and "오류:" not in proc.stdout
