"""작은 시험용 책: 진짜 책의 설정(_config.yml, 확장, 용어집 쪽, 그림 도우미)으로 몇 쪽만 빌드합니다.

책 전체를 빌드하지 않고도 한국어 검색, 오프라인 수식, 용어집 쪽, 그림의 한글 글꼴을
실제 Jupyter Book 빌드로 확인하기 위한 것입니다. 테스트 세션마다 한 번만 빌드합니다.
"""
from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import yaml

from autograder import course
from tests.shared import once

REPO = Path(__file__).resolve().parents[1]

JUPYTEXT_HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

# 검색 시험: 어느 쪽에 어떤 낱말이 있는지 테스트가 압니다.
PAGES = {
    "intro": """\
        # 들어가며

        이 책은 경사하강법을 처음부터 만들어 봅니다. 로지스틱 회귀는 분류에 씁니다.
        수식으로는 $h_\\theta(x) = g(\\theta^T x)$입니다.
        """,
    "evaluation": """\
        # 모델 평가

        데이터를 나누어 **교차** 검증(cross-validation)을 합니다. 과적합을 막으려고
        훈련 세트와 테스트 세트를 나눕니다. 정밀도와 재현율도 봅니다.

        $$J(\\theta) = \\frac{1}{2m}\\sum_{i=1}^{m}\\left(h_\\theta(x^{(i)}) - y^{(i)}\\right)^2$$
        """,
    "network": """\
        # 신경망

        역전파는 연쇄 법칙으로 기울기를 구합니다. 합성곱 층은 CNN에서 씁니다.
        {term}`경사 하강법`으로 가중치를 고칩니다. 배치 normalization을 씁니다.
        """,
    # 그림 시험: 책의 그림 설정을 쓴 쪽(경고가 없어야 함)과 쓰지 않은 쪽(경고가 나야 함).
    "figures_korean": """\
        # 한글 그림

        ```{code-cell} ipython3
        :tags: [remove-input]
        from mlbook import setup_figures
        setup_figures()
        ```

        ```{code-cell} ipython3
        import matplotlib.pyplot as plt
        import numpy as np

        x = np.linspace(-3, 3, 50)
        fig, ax = plt.subplots()
        ax.plot(x, -x ** 2, label="비용 함수 J(θ) − 최솟값")
        ax.set_title("경사 하강법: 학습률 α ≥ 0", fontweight="bold")  # 책의 그림은 굵은 한글도 씁니다
        ax.set_xlabel("매개변수 θ")
        ax.set_ylabel("비용")
        ax.legend()
        plt.show()
        ```
        """,
    "figures_default_font": """\
        # 글꼴 설정 없는 그림

        ```{code-cell} ipython3
        import matplotlib.pyplot as plt

        plt.rcParams["font.family"] = ["DejaVu Sans"]
        plt.plot([0, 1], [1, 0])
        plt.title("한글 제목")
        plt.show()
        ```
        """,
    # 글꼴 시험: 사이트의 글꼴(나눔고딕, DejaVu Sans) 어디에도 없는 타이 문자 ก가 있으므로 빌드가 경고합니다.
    "characters": """\
        # 글자

        블로그 연재 「머신러닝 다시 시작하기」에서 θ₀와 ✔를 씁니다. 타이 문자 ก는 사이트의 글꼴에 없습니다.
        """,
}
NOTEBOOKS = {"figures_korean", "figures_default_font"}  # 빌드 때 실행하는 쪽


def _config(build_dir: Path) -> dict:
    """진짜 _config.yml에서 지역 확장의 경로만 절대 경로로 바꿉니다."""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {name: str((REPO / path).resolve()) for name, path in local.items()}
    config.setdefault("execute", {})["execute_notebooks"] = "force"
    return config


def write_tiny_book(root: Path) -> None:
    book = root / "book"
    book.mkdir(parents=True)
    for name in ("glossary.yml", "glossary.md"):
        shutil.copy2(REPO / "book" / name, book / name)
    # 장의 커널은 book/에서 돌며 mlbook과, 그것이 글꼴을 찾는 _ext/korean_font.py를 import합니다.
    for folder in ("mlbook", "_ext"):
        shutil.copytree(REPO / "book" / folder, book / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in PAGES.items():
        text = textwrap.dedent(text)
        if name in NOTEBOOKS:
            text = JUPYTEXT_HEADER + text
        (book / f"{name}.md").write_text(text, encoding="utf-8")
    (root / "_config.yml").write_text(
        yaml.safe_dump(_config(root), allow_unicode=True, sort_keys=False), encoding="utf-8")
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "chapters": [{"file": f"book/{name}"} for name in PAGES if name != "intro"]
        + [{"file": "book/glossary"}],
    }
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True), encoding="utf-8")


def build_tiny_book(root: Path) -> tuple[Path, str]:
    """``root``에 작은 책을 쓰고 빌드해 (html 폴더, 빌드 로그)를 돌려줍니다."""
    write_tiny_book(root)
    proc = subprocess.run(
        [str(course.venv_bin() / "jupyter-book"), "build", str(root)],
        cwd=root, capture_output=True, text=True, timeout=600,
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"작은 책 빌드 실패:\n{log[-5000:]}")
    return root / "_build" / "html", log


def tiny_book_html(tmp_path_factory) -> tuple[Path, str]:
    """이번 실행에 한 번(모든 작업자가 함께) 빌드한 작은 책의 (html 폴더, 빌드 로그)."""
    html, log = once(tmp_path_factory, "tiny_book", lambda folder: [str(p) if isinstance(p, Path) else p
                                                                     for p in build_tiny_book(folder)])
    return Path(html), log
