"""책을 공개하는 길: 사이트와 학생용 공개 저장소에 풀이·숨은 테스트가 없고, 공개본에서 자가 점검이 됩니다.

- 만든 사이트(``book`` 표시): 모든 글 파일(HTML은 태그를 뺀 글, 노트북은 셀)에 원본의 풀이
  영역(``### BEGIN SOLUTION``)이나 숨은 테스트 영역(``### BEGIN HIDDEN TESTS``)의 줄이 없습니다.
  과제 노트북은 학생본 그대로 사이트의 ``exercises/``에 있습니다.
- 공개본(``python -m tools.export_public DEST``): ``solutions/``, ``tests/``, ``book/mlbook/``가
  없고 어느 파일에도 풀이·숨은 테스트의 줄이 없으며, 그 안에서 ``python -m autograder validate``가
  동작합니다(학생본은 실패, 푼 노트북은 통과).
- 배포 워크플로(``.github/workflows/publish.yml``): 빌드 → 검사 → Pages 올리기 → 배포.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder import course, notebooks
from tests.conftest import REPO, put
from tools import export_public

AID = "ch01_modeling"


def secret_lines() -> set[str]:
    return export_public.secret_lines(course.SOLUTIONS)


def lines_in(root: Path, lines: set[str], skip: tuple[str, ...] = ()) -> list[str]:
    """``root`` 아래 글 파일(HTML은 글만, 노트북은 셀)에서 ``lines`` 가운데 한 줄과 같은 줄들."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(skip) or ".git/" in relative:
            continue
        text = export_public.readable_text(path)
        if text is None:
            continue
        found += [f"{relative}: {line}" for line in sorted(lines & {ln.strip() for ln in text.splitlines()})]
    return found


# --- 검사 도구가 정말 잡는가 -------------------------------------------------------------


@pytest.mark.unit
def test_checkers_find_a_solution_in_highlighted_html(tmp_path):
    solution = notebooks.source_notebook(AID, AID)
    block = next(c.source.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
                 for c in solution.cells if "### BEGIN SOLUTION" in c.source and len(c.source.splitlines()) > 8)
    lines = [ln for ln in block.splitlines() if ln.strip() in export_public.code_lines(ln)][:2]
    assert len(lines) == 2, block
    # Pygments가 색칠한 코드처럼: 낱말마다 <span>, 기호는 HTML 엔터티.
    highlighted = "\n".join(
        "".join(f'<span class="n">{word}</span> ' for word in line.replace("&", "&amp;").replace("<", "&lt;").split(" "))
        for line in lines)
    (tmp_path / "page.html").write_text(f"<html><body><pre>{highlighted}</pre></body></html>", encoding="utf-8")
    (tmp_path / "clean.html").write_text("<html><body><p>경사 하강법</p></body></html>", encoding="utf-8")
    assert {hit.split(":")[0] for hit in lines_in(tmp_path, secret_lines())} == {"page.html"}
    blocks = export_public.secret_blocks(course.SOLUTIONS)
    assert {hit.split(":")[0] for hit in export_public.leaks(tmp_path, blocks)} == {"page.html"}


@pytest.mark.unit
def test_export_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "notes.txt").write_text("내 파일", encoding="utf-8")
    with pytest.raises(SystemExit, match="비어 있지 않고"):
        export_public.export(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "내 파일"


# --- 공개본 --------------------------------------------------------------------------------


def run_export(dest: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "tools.export_public", str(dest), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def public_repo(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("public") / "ml-course-public"
    run_export(dest)
    return dest


def _public_python(dest: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """공개본 폴더에서 파이썬을 실행합니다. 이 저장소가 아니라 공개본의 autograder를 씁니다."""
    env = course.env_with_venv_bin({k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return subprocess.run([sys.executable, *args], cwd=dest, env=env, capture_output=True, text=True, timeout=timeout)


def test_public_repo_holds_the_student_part_only(public_repo):
    top = {p.name for p in public_repo.iterdir()}
    assert {"book", "exercises", "autograder", "README.md", "requirements.txt", "_config.yml", "_toc.yml"} <= top
    assert not {"solutions", "tests", "CONTRIBUTING.md", ".ci"} & top
    assert not (public_repo / "book" / "mlbook").exists()
    assert (public_repo / ".github" / "workflows" / "publish.yml").is_file()
    exported = sorted(p.relative_to(public_repo / "exercises").as_posix()
                      for p in (public_repo / "exercises").rglob("*.ipynb"))
    committed = sorted(p.relative_to(course.EXERCISES).as_posix() for p in course.EXERCISES.glob("*/*.ipynb")
                       if p.relative_to(REPO).as_posix() in export_public.tracked_files(REPO))
    assert exported == committed


def test_public_repo_holds_no_solutions_or_hidden_tests(public_repo):
    # 도구 코드(채점기, 책 확장)에는 흔한 줄(`raise ValueError(`)이 숨은 테스트와 겹칠 수 있어
    # 줄 하나하나가 아니라 영역 단위(export_public.leaks)로만 봅니다.
    leaked = lines_in(public_repo, secret_lines(), skip=("autograder/", "book/_ext/", "tools/"))
    assert not leaked, leaked
    assert not export_public.leaks(public_repo, export_public.secret_blocks(course.SOLUTIONS))


def test_public_repo_is_one_clean_git_commit(public_repo):
    log = subprocess.run(["git", "log", "--format=%s"], cwd=public_repo, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1 and "공개본" in log.stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=public_repo, capture_output=True, text=True)
    assert status.stdout == ""


def test_exporting_again_keeps_the_public_history(public_repo):
    proc = run_export(public_repo)
    assert "바뀐 것이 없어" in proc.stdout
    log = subprocess.run(["git", "log", "--oneline"], cwd=public_repo, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1


def test_self_check_works_in_the_public_repo(public_repo, tmp_path):
    where = _public_python(public_repo, "-c", "import autograder; print(autograder.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(public_repo), where.stdout + where.stderr

    stub = _public_python(public_repo, "-m", "autograder", "validate", f"exercises/{AID}/{AID}.ipynb")
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "✘ sigmoid: 아직 구현하지 않았습니다" in stub.stdout

    solved = put(notebooks.solution_submission(AID), tmp_path, "me", AID)
    done = _public_python(public_repo, "-m", "autograder", "validate", str(solved))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "모두 통과" in done.stdout


@pytest.mark.book
def test_public_repo_with_the_built_site(built_book, tmp_path):
    dest = tmp_path / "public"
    run_export(dest, "--site", str(built_book))
    assert (dest / "site" / "index.html").is_file() and (dest / "site" / ".nojekyll").is_file()
    assert not lines_in(dest / "site", secret_lines())
    assert not export_public.leaks(dest, export_public.secret_blocks(course.SOLUTIONS))


# --- 만든 사이트 -----------------------------------------------------------------------------


@pytest.mark.book
def test_built_site_holds_no_solutions_or_hidden_tests(built_book):
    leaked = lines_in(built_book, secret_lines())
    assert not leaked, "사이트에 풀이나 숨은 테스트의 줄이 있습니다:\n" + "\n".join(leaked[:20])
    assert not list(built_book.rglob("solutions")), "사이트에 solutions 폴더가 있습니다"


@pytest.mark.book
def test_built_site_offers_each_chapters_exercise_notebook(built_book):
    chapters = [p.stem for p in (built_book / "book").glob("ch*.html")]
    assert chapters
    for aid in chapters:
        source = course.EXERCISES / aid / f"{aid}.ipynb"
        if not source.is_file():
            continue
        copied = built_book / "exercises" / aid / f"{aid}.ipynb"
        assert copied.is_file(), f"사이트에 {aid}의 과제 노트북이 없습니다"
        assert json.loads(copied.read_text(encoding="utf-8")) == json.loads(source.read_text(encoding="utf-8"))
        page = (built_book / "book" / f"{aid}.html").read_text(encoding="utf-8")
        assert f'href="../exercises/{aid}/{aid}.ipynb"' in page


# --- 배포 워크플로 ---------------------------------------------------------------------------


@pytest.mark.unit
def test_publish_workflow_builds_checks_uploads_and_deploys():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = workflow["jobs"]["build"]["steps"]
    runs = "\n".join(step.get("run", "") for step in build)
    uses = [step.get("uses", "") for step in build + workflow["jobs"]["deploy"]["steps"]]
    assert "pip install -r requirements.txt" in runs
    assert "jupyter-book build . -W --keep-going" in runs
    assert "tests/test_publishing.py" in runs  # 올리기 전에 풀이가 없는지 검사
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
