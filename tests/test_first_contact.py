"""처음 쓰는 사람의 길: 어느 폴더에서든 되는 자가 점검, 한 가지 종료 상태 약속, 기본값과 예시가 있는 도움말,
git에 들어가지 않는 성적, 학생 수를 세는 요약."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograder import cli, course, notebooks, workdir
from autograder.coordinator import report
from autograder.coordinator.feedback import Report
from autograder.coordinator.feedback import TestResult as Result

AID = "ch01_modeling"


def _run_outside(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """저장소 밖의 폴더에서, 학생이 하듯 `python -m autograder ...`를 실행합니다(PYTHONPATH 없이)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_validate_runs_from_a_folder_outside_the_repository(tmp_path):
    """내려받기 폴더처럼 잡동사니가 많은 곳에 저장한 노트북: 설치된 패키지로 돌고, 옆의 파일은 가져가지 않습니다."""
    downloads = tmp_path / "Downloads"
    notebooks.write_notebook(notebooks.solution_submission(AID), downloads / f"{AID}.ipynb")
    with (downloads / "movie.mkv").open("wb") as f:  # 성긴 파일: 크기만 8 GB
        f.truncate(8 * 2**30)
    (downloads / "photos").mkdir()
    (downloads / "photos" / "a.jpg").write_bytes(b"\xff" * 1000)
    proc = _run_outside(downloads, "validate", f"{AID}.ipynb")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "모두 통과" in proc.stdout
    assert sorted(p.name for p in downloads.iterdir()) == [f"{AID}.ipynb", "movie.mkv", "photos"]


def test_validate_stub_from_outside_the_repository_fails_with_korean_messages(tmp_path):
    notebooks.write_notebook(notebooks.release_notebook(AID), tmp_path / f"{AID}.ipynb")
    proc = _run_outside(tmp_path, "validate", f"{AID}.ipynb")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "✘ add_intercept: 아직 구현하지 않았습니다" in proc.stdout


@pytest.mark.unit
def test_workdir_copy_takes_only_declared_files_and_never_copies_a_folder_into_itself(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "data.csv").write_text("1\n", encoding="utf-8")
    (folder / "other.txt").write_text("x", encoding="utf-8")
    workdir.copy(folder, tmp_path / "w1", max_mb=1, only=["data.csv", "absent.csv"])
    assert sorted(p.name for p in (tmp_path / "w1").iterdir()) == ["data.csv"]
    with pytest.raises(notebooks.SubmissionError) as into_itself:
        workdir.copy(tmp_path, tmp_path / "sub" / "work", max_mb=1)
    assert into_itself.value.status == "too_large"
    assert not (tmp_path / "sub" / "work").exists()
    with (folder / "big.bin").open("wb") as f:
        f.truncate(2 * 2**20)
    with pytest.raises(notebooks.SubmissionError, match="한도 1 MB"):
        workdir.copy(folder, tmp_path / "w2", max_mb=1)
    assert not (tmp_path / "w2").exists()


@pytest.mark.parametrize("args", [
    ("grade", "nowhere", "--out", "x", "--jobs", "0"),
    ("grade", "nowhere", "--out", "x", "--jobs", "-3"),
    ("check", "--jobs", "0"),
    ("release", "ch99_nothing"),
    ("check", "ch99_nothing"),
    ("grade", "no/such/folder", "--out", "x"),
    ("validate", "no/such/notebook.ipynb"),
])
def test_bad_input_exits_2_with_a_korean_message(tmp_path, args):
    proc = _run_outside(tmp_path, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert any("\uac00" <= ch <= "\ud7a3" for ch in proc.stdout + proc.stderr), proc.stdout + proc.stderr


def test_unknown_notebook_exits_2(tmp_path):
    nb = notebooks.release_notebook(AID)
    nb.cells = [c for c in nb.cells if not notebooks.grade_id(c)]
    notebooks.write_notebook(nb, tmp_path / "my_notes.ipynb")
    proc = _run_outside(tmp_path, "validate", "my_notes.ipynb")
    assert proc.returncode == 2 and "어느 과제의 노트북인지" in proc.stderr, proc.stdout + proc.stderr


@pytest.mark.unit
@pytest.mark.parametrize("command", sorted(cli.EXAMPLES))
def test_help_shows_defaults_and_an_example(command):
    text = cli.build_parser()._subparsers._group_actions[0].choices[command].format_help()
    assert cli.EXAMPLES[command] in text
    if command not in ("release", "similarity", "nbgrader-feedback"):  # 이 셋은 노트북을 실행하지 않습니다
        assert "(기본: 120)" in text and "(기본: 200)" in text, text


@pytest.mark.unit
def test_results_folders_are_ignored_by_git():
    proc = subprocess.run(["git", "-C", str(course.REPO), "check-ignore", "results/", "grading/", "submitted/"],
                          capture_output=True, text=True)
    assert proc.stdout.split() == ["results/", "grading/", "submitted/"], proc.stdout + proc.stderr


@pytest.mark.unit
def test_grade_warns_when_out_is_inside_the_repository_but_not_ignored(capsys):
    cli._warn_if_committable(course.REPO / "my-grades-2026")
    assert "커밋될 수 있습니다" in capsys.readouterr().err
    cli._warn_if_committable(course.REPO / "results")
    cli._warn_if_committable(course.REPO.parent / "elsewhere")
    assert capsys.readouterr().err == ""


def _report(student: str, *tests: Result) -> Report:
    return Report(student, AID, sum(t.score for t in tests), sum(t.max_score for t in tests), "ok", tests=list(tests))


@pytest.mark.unit
def test_summaries_count_students_not_test_cells(tmp_path):
    same = "sigmoid: z = -1000에서도 경고 없이 0에 가까운 값을 돌려줘야 합니다."
    reports = [
        # 한 학생이 공개·숨은 테스트 두 곳에서 같은 메시지를 받았습니다: 한 명입니다.
        _report("a", Result("test_sigmoid", "sigmoid", False, 0, 1, same),
                Result("hidden_sigmoid", "sigmoid", True, 0, 3, same)),
        _report("b", Result("test_sigmoid", "sigmoid", False, 1, 1),
                Result("hidden_sigmoid", "sigmoid", True, 3, 3)),
    ]
    (row,) = report.function_summary(reports, AID)
    assert row["most_common_failure"] == same and row["most_common_failure_students"] == 1
    report.write_overview(reports, tmp_path / "overview.html")
    assert "(1명)" in (tmp_path / "overview.html").read_text(encoding="utf-8")


@pytest.mark.unit
def test_system_deps_prints_the_apt_line_and_stops_without_privileges(monkeypatch, capsys):
    from tools import system_deps

    absent = system_deps.Need("fakepkg", "fakepkg-deb", lambda: False, "시험용")
    monkeypatch.setattr(system_deps, "NEEDS", (absent,))
    monkeypatch.setattr(system_deps, "_privilege", lambda: None)
    assert system_deps.install() == 1
    assert "sudo apt-get install -y --no-install-recommends fakepkg-deb" in capsys.readouterr().err
    assert system_deps.main(["--check"]) == 1
    assert "없음: fakepkg" in capsys.readouterr().out


@pytest.mark.unit
def test_the_self_check_instruction_is_the_same_in_notebooks_readme_and_public_export():
    from tools import export_public

    for aid in course.assignments():
        intro = notebooks.release_notebook(aid).cells[0].source
        assert f"python -m autograder validate {aid}.ipynb" in intro, aid
        assert "source .venv/bin/activate" in intro and "어느 폴더에 저장해도" in intro, aid
    readme = (course.REPO / "README.md").read_text(encoding="utf-8")
    for text in (readme, export_public.STUDENT_README):
        assert "source .venv/bin/activate" in text
        assert "python -m autograder validate ch01_modeling.ipynb" in text
