"""학생용 공개 저장소 내보내기: 이 (비공개) 저장소에서 학생이 볼 부분만 다른 폴더의 git 저장소로 씁니다.

    python -m tools.export_public ../ml-course-public --site _build/html
    cd ../ml-course-public && git remote add origin <공개 저장소 주소> && git push -u origin main

들어가는 것: 책의 원고(``book/``), 학생본 과제(``exercises/``), 자가 점검(``autograder/``: 학생은
``python -m autograder validate``만 씁니다), ``_config.yml``, ``_toc.yml``, ``requirements.txt``와 ``pyproject.toml``
(설치하면 어느 폴더에서든 자가 점검이 됩니다),
``.gitignore``, 사이트 배포 워크플로(``.github/workflows/publish.yml``), 학생용 README, 그리고
``--site``를 주면 만든 사이트(``site/``: 공개 저장소의 워크플로는 이것을 그대로 GitHub Pages에 올립니다).

빠지는 것: ``solutions/``(풀이와 숨은 테스트), ``tests/``(틀린 구현 목록과 맞는 다른 구현이 있음),
``book/mlbook/``(책의 실험 코드: 과제 함수의 구현이 들어 있어 공개하지 않습니다. 그래서 공개본에서는
책을 다시 빌드하지 않고 ``site/``를 씁니다), ``CONTRIBUTING.md``, ``.ci/``, 강사·저자용 도구(이 내보내기, 들어가며의
그림을 찍는 스크립트, 시스템 패키지 설치).

git이 추적하는 파일만 내보냅니다(빌드 결과나 개인 파일은 따라가지 않습니다). 대상 폴더가 이미
이전에 내보낸 공개 저장소이면 ``.git``만 남기고 내용을 바꾼 뒤 새 커밋을 만듭니다. 그래서 공개
저장소의 역사가 이어집니다. 다 쓴 뒤에는 원본의 풀이·숨은 테스트 줄이 공개본의 어느 파일(사이트
포함)에도 없는지 확인하고, 있으면 커밋하지 않고 실패합니다.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# 공개본에 들어가는 것(저장소 뿌리 기준, 폴더는 /로 끝남)
INCLUDE = (
    "book/", "exercises/", "autograder/", "jupyter-config/", "tools/__init__.py", "tools/pdf.py", "tools/site_browser.py",
    "_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml", ".gitignore", ".github/workflows/publish.yml",
)
# book/mlbook/: 과제 함수의 구현(풀이와 같은 코드)이 들어 있습니다.
EXCLUDE = ("book/mlbook/",)
MARKER = ".course-export"  # 이 스크립트가 만든 공개 저장소라는 표시(덮어쓰기 허락)

STUDENT_README = """\
# 머신러닝 다시 시작하기 (학생용)

블로그 연재 「머신러닝 다시 시작하기」에서 자라난 한국어 머신러닝 과정의 공개본입니다.

- **책** (`book/`): 모델링, 학습, 평가, 신경망, CNN. 모든 그림은 책을 만들 때 실행되는 코드에서 나옵니다.
- **과제** (`exercises/`): 장마다 과제 노트북 하나. 함수마다 공개 테스트가 붙어 있고, 채점할 때는 숨은 테스트도 돌아갑니다.
- **자가 점검** (`python -m autograder validate`): 제출하기 전에 공개 테스트를 돌려 함수마다 통과 여부를 알려 줍니다.

## 준비

Python 3.11 이상과 pip만 있으면 됩니다. 이 저장소 폴더에서:

```bash
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt
```

## 과제 풀기

1. JupyterLab으로 과제 노트북을 엽니다(책의 각 장 끝에서도 내려받을 수 있습니다).
   ```bash
   .venv/bin/jupyter lab exercises/ch01_modeling/ch01_modeling.ipynb
   ```
2. `# 여기에 코드를 작성하세요` 아래의 `raise NotImplementedError()`를 지우고 함수를 완성한 뒤, 바로 아래의
   공개 테스트 셀을 실행합니다. 테스트 셀은 잠겨 있습니다. 고치거나 지워도 채점할 때 원본으로 돌아갑니다.
3. 저장한 뒤 스스로 점검합니다. JupyterLab 도구 모음의 **Validate** 단추를 누르면 노트북을 저장하고 아래 명령과 같은
   점검을 돌려, 통과하지 못한 공개 테스트마다 그 테스트 셀과 한국어 메시지를 보여 줍니다(모두 통과하면 "Success!").
   명령줄에서도 됩니다. 노트북은 어느 폴더에 저장했든 됩니다. 공개 테스트가 모두 통과해야 종료 상태가 0입니다.
   ```bash
   .venv/bin/python -m autograder validate exercises/ch01_modeling/ch01_modeling.ipynb
   ```
   가상 환경을 켜 두었으면(`source .venv/bin/activate`) 노트북이 있는 폴더에서
   `python -m autograder validate ch01_modeling.ipynb`로 충분합니다.
4. 공개 테스트를 통과해도 숨은 테스트(무작위 입력으로 함수의 성질을 확인)에서 점수를 잃을 수 있습니다.

## 책을 내 컴퓨터에서 읽기

`site/`는 만들어 둔 책 사이트입니다. 인터넷 연결 없이도 수식과 검색이 동작합니다.

```bash
.venv/bin/python -m http.server --bind 127.0.0.1 --directory site 8000
```

브라우저로 <http://127.0.0.1:8000/>을 엽니다. PDF 한 권이 필요하면 (Debian/Ubuntu에서
`sudo apt-get install chromium` 다음에) `.venv/bin/python -m tools.pdf --html site`가
`_build/pdf/book.pdf`를 만듭니다.

`book/`은 책의 원고입니다. 그림을 그리는 실험 코드(`book/mlbook/`)에는 과제의 답이 들어 있어
이 공개본에는 없으므로, 여기서 책을 다시 빌드할 수는 없습니다.

`.github/workflows/publish.yml`은 이 저장소를 GitHub에 올렸을 때 `site/`를 GitHub Pages에 배포합니다
(저장소 Settings → Pages → Source를 "GitHub Actions"로).
"""


def tracked_files(repo: Path) -> list[str]:
    """git이 추적하는(그리고 작업 폴더에 있는) 파일들."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    return [p for p in out.decode("utf-8").split("\0") if p and (repo / p).is_file()]


def _matches(path: str, rules) -> bool:
    return any(path == rule or (rule.endswith("/") and path.startswith(rule)) for rule in rules)


def selected(path: str) -> bool:
    return _matches(path, INCLUDE) and not _matches(path, EXCLUDE)


def public_files(repo: Path = REPO) -> list[str]:
    """공개본에 들어갈 파일들(저장소 뿌리 기준)."""
    return [p for p in tracked_files(repo) if selected(p)]


# --- 새는 줄 찾기 ----------------------------------------------------------------------------

# 새는 것의 규칙은 여기 한곳에 있습니다. 학생본 검사(tests/test_assignments.py), 사이트·공개본 검사
# (tests/test_publishing.py), 내보내기 자체가 모두 이 함수들을 씁니다.

#: 원본의 비밀 영역: 풀이(``### BEGIN SOLUTION``)와 숨은 테스트(``### BEGIN HIDDEN TESTS``)
SECRET_BLOCK = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
#: 이보다 짧은 줄(``return x``, ``else:``)은 어디에나 있을 수 있어 비교하지 않습니다.
MIN_LINE_CHARS = 12


def code_lines(text: str) -> set[str]:
    """비교에 쓸 만큼 긴(:data:`MIN_LINE_CHARS`자 이상) 코드 줄. 주석 줄은 뺍니다."""
    return {ln.strip() for ln in text.splitlines()
            if len(ln.strip()) >= MIN_LINE_CHARS and not ln.strip().startswith("#")}


def regions(notebooks: list[Path]) -> dict[str, set[str]]:
    """노트북들의 코드 줄을 영역별로: ``"SOLUTION"``, ``"HIDDEN TESTS"``, 그리고 그 밖의 ``"public"``."""
    found: dict[str, set[str]] = {"SOLUTION": set(), "HIDDEN TESTS": set(), "public": set()}
    for notebook in notebooks:
        for source in _cell_sources(notebook):
            for kind, block in SECRET_BLOCK.findall(source):
                found[kind] |= code_lines(block)
            found["public"] |= code_lines(SECRET_BLOCK.sub("", source))
    return found


def secret_lines(solutions: Path) -> set[str]:
    """원본의 풀이·숨은 테스트 영역에만 있는 줄. 어느 과제에서든 영역 밖(공개 테스트, 준비 코드)에도 있는 줄은
    공개해도 되는 줄입니다(``import warnings``는 ch02의 숨은 테스트에도, ch01의 공개 테스트에도 있습니다)."""
    found = regions(sorted(solutions.glob("*/*.ipynb")))
    return (found["SOLUTION"] | found["HIDDEN TESTS"]) - found["public"]


def _cell_sources(path: Path) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def secret_blocks(solutions: Path) -> list[frozenset[str]]:
    """원본의 풀이·숨은 테스트 영역마다, 그 영역에만 있는 코드 줄들.

    영역 밖(공개 테스트, 준비 코드)에도 있는 줄은 학생본에 있어도 되는 줄이라 뺍니다.
    """
    blocks: list[set[str]] = []
    public: set[str] = set()
    for notebook in sorted(solutions.glob("*/*.ipynb")):
        for source in _cell_sources(notebook):
            blocks += [code_lines(block) for _, block in SECRET_BLOCK.findall(source)]
            public |= code_lines(SECRET_BLOCK.sub("", source))
    return [frozenset(b - public) for b in blocks if b - public]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(path: Path) -> str | None:
    """파일에서 사람이 읽는 글: 노트북은 셀 내용, HTML은 태그를 뺀 글(색칠한 코드도 한 줄로), 이진 파일은 None."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".ipynb":
        return "\n".join(_cell_sources(path))
    if path.suffix in (".html", ".htm"):
        return html_text(text)
    return text


def html_text(html: str) -> str:
    """HTML에서 태그를 뺀 글. 색칠한 코드처럼 태그로 잘린 줄도 한 줄로 이어집니다."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def leaks(root: Path, blocks: list[frozenset[str]]) -> list[str]:
    """``root`` 아래 파일에서 원본의 풀이·숨은 테스트가 드러나는 곳("파일: 줄").

    한 영역의 줄이 한 파일에 두 줄 이상(영역이 한 줄뿐이면 그 줄) 나오면 샌 것으로 봅니다.
    ``except ValueError:`` 같은 흔한 한 줄이 채점기 코드에 있다고 새는 것은 아니기 때문입니다.
    """
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        text = readable_text(path)
        if text is None:
            continue
        lines = code_lines(text)
        hits = set()
        for block in blocks:
            common = block & lines
            if len(common) >= min(2, len(block)):
                hits |= common
        found += [f"{path.relative_to(root)}: {line}" for line in sorted(hits)]
    return found


# --- 내보내기 ------------------------------------------------------------------------------------


def _prepare(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            raise SystemExit(f"{dest}는 비어 있지 않고 이 스크립트가 만든 공개 저장소도 아닙니다. 빈 폴더를 주세요.")
        for child in dest.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    dest.mkdir(parents=True, exist_ok=True)


def _git(dest: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=dest, capture_output=True, text=True, check=True)


def _commit(dest: Path, source_commit: str) -> str:
    if not (dest / ".git").exists():
        _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    if not _git(dest, "status", "--porcelain").stdout.strip():
        return "바뀐 것이 없어 커밋하지 않았습니다"
    identity = []
    if subprocess.run(["git", "config", "user.email"], cwd=dest, capture_output=True).returncode != 0:
        identity = ["-c", "user.name=course export", "-c", "user.email=course-export@localhost"]
    _git(dest, *identity, "commit", "-q", "-m", f"공개본 내보내기 (원본 {source_commit})")
    return "커밋 " + _git(dest, "rev-parse", "--short", "HEAD").stdout.strip()


SITE_DIR = "site"  # 공개본 안에서 만든 사이트가 놓이는 곳


def export(dest: Path, repo: Path = REPO, site: Path | None = None) -> list[str]:
    """공개본을 ``dest``에 쓰고 커밋합니다(``site``: 만든 사이트 폴더). 쓴 파일 목록을 돌려줍니다."""
    dest = dest.resolve()
    if dest == repo or repo in dest.parents:
        raise SystemExit("공개본은 이 저장소 바깥의 폴더에 써야 합니다.")
    if site is not None and not (site / "index.html").is_file():
        raise SystemExit(f"{site}에 만든 사이트가 없습니다(index.html). 먼저 `jupyter-book build .`를 하세요.")
    files = public_files(repo)
    _prepare(dest)
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, target)
    if site is not None:
        shutil.copytree(site, dest / SITE_DIR, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        (dest / SITE_DIR / ".nojekyll").touch()
    (dest / "README.md").write_text(STUDENT_README, encoding="utf-8")
    source_commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                                   capture_output=True, text=True).stdout.strip() or "?"
    (dest / MARKER).write_text(
        f"이 저장소는 비공개 과정 저장소에서 tools/export_public.py로 만든 공개본입니다(원본 {source_commit}).\n"
        "여기서 고치지 말고 원본에서 고친 뒤 다시 내보내세요.\n", encoding="utf-8")
    found = leaks(dest, secret_blocks(repo / "solutions")) if (repo / "solutions").is_dir() else []
    if found:
        raise SystemExit("공개본에 풀이나 숨은 테스트의 줄이 있어 커밋하지 않았습니다:\n" + "\n".join(found[:20]))
    print(f"{dest}: 원본 파일 {len(files)}개" + (f" + 사이트 {SITE_DIR}/" if site else "")
          + f", {_commit(dest, source_commit)}")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="학생용 부분(책, 과제, 자가 점검)을 공개 git 저장소로 내보냅니다.")
    parser.add_argument("dest", type=Path, help="공개 저장소 폴더(없거나 비었거나, 전에 내보낸 곳)")
    parser.add_argument("--site", type=Path, help="만든 책 사이트(예: _build/html). 공개본의 site/가 됩니다")
    args = parser.parse_args(argv)
    export(args.dest, site=args.site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
