"""읽기에서 실습으로: 장마다 그 장의 과제 노트북을 사이트에서 내려받게 합니다.

장 파일 이름이 과제 id입니다(``book/ch01_modeling.md`` ↔ ``exercises/ch01_modeling/``).
장을 쓰는 사람은 아무것도 더하지 않아도 됩니다. 이 확장이

- 과제 폴더가 있는 장의 끝에 "과제 노트북" 상자(내려받기 링크 + 자가 점검 명령)를 붙이고,
- 쪽 머리의 내려받기 단추 목록(``.md``, ``.ipynb``, ``.pdf``)에 과제 노트북을 더하고,
- 빌드가 끝나면 그 과제 폴더(학생본 ``exercises/<id>/``)를 사이트의 ``exercises/<id>/``로 복사합니다.

링크는 모두 쪽 기준의 상대 주소라 사이트를 하위 경로(``https://…/course/``)에 올려도 그대로
동작합니다. 학생본만 복사합니다. ``solutions/``는 사이트에 들어가지 않습니다.

설정(``_config.yml``의 ``sphinx.config``): ``exercise_downloads_dir``(기본 ``exercises``,
원본 폴더 기준). 시험용 책처럼 과제 폴더가 없으면 아무것도 하지 않습니다.
"""
from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

SITE_DIR = "exercises"  # 사이트 안에서 과제 노트북이 놓이는 폴더
_IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", ".*")


def _exercise_root(app) -> Path:
    return Path(app.srcdir) / app.config.exercise_downloads_dir


def exercise_id(docname: str) -> str:
    """장의 docname(``book/ch01_modeling``)에서 과제 id(``ch01_modeling``)."""
    return posixpath.basename(docname)


def exercise_notebooks(app, docname: str) -> list[str]:
    """장에 딸린 학생본 노트북 파일 이름들(과제 폴더가 없으면 빈 목록)."""
    folder = _exercise_root(app) / exercise_id(docname)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.ipynb"))


def site_path(docname: str, notebook: str) -> str:
    """사이트 뿌리 기준의 과제 노트북 경로(``exercises/ch01_modeling/ch01_modeling.ipynb``)."""
    return f"{SITE_DIR}/{exercise_id(docname)}/{notebook}"


def _href(app, docname: str, notebook: str) -> str:
    return relative_uri(app.builder.get_target_uri(docname), site_path(docname, notebook))


def record_exercises(app, env, added, changed, removed) -> list[str]:
    """과제 노트북이 생기거나 사라진 장은 다시 읽게 합니다(장 파일이 그대로여도)."""
    known = getattr(env, "exercise_downloads", {})
    changed = []
    for docname in env.found_docs:
        current = exercise_notebooks(app, docname)
        if docname in known and known[docname] != current:
            changed.append(docname)
    return changed


def note_exercises(app, doctree) -> None:
    env = app.env
    if not hasattr(env, "exercise_downloads"):
        env.exercise_downloads = {}
    env.exercise_downloads[env.docname] = exercise_notebooks(app, env.docname)


def purge(app, env, docname) -> None:
    getattr(env, "exercise_downloads", {}).pop(docname, None)


def merge(app, env, docnames, other) -> None:
    mine = env.__dict__.setdefault("exercise_downloads", {})
    for docname in docnames:
        if docname in getattr(other, "exercise_downloads", {}):
            mine[docname] = other.exercise_downloads[docname]


def _download_link(href: str, text: str) -> addnodes.download_reference:
    # refuri가 있는 download_reference는 HTML에서 <a download href=…>가 됩니다:
    # 브라우저가 .ipynb를 JSON 글로 보여 주지 않고 파일로 내려받습니다.
    link = addnodes.download_reference("", "", refuri=href, reftarget=href)
    link += nodes.literal(text, text)
    return link


def add_exercise_box(app, doctree, docname) -> None:
    """장의 끝에 과제 노트북 상자를 붙입니다."""
    if app.builder.format != "html":
        return
    notebook_files = exercise_notebooks(app, docname)
    if not notebook_files:
        return
    aid = exercise_id(docname)
    box = nodes.admonition(classes=["tip", "exercise-download"])
    box += nodes.title("", "과제 노트북")
    para = nodes.paragraph()
    para += nodes.Text("이 장의 과제: ")
    for i, name in enumerate(notebook_files):
        if i:
            para += nodes.Text(", ")
        para += _download_link(_href(app, docname, name), name)
    para += nodes.Text(" (눌러서 내려받기). JupyterLab에서 열어 함수를 구현하고, 공개 테스트를 "
                       "돌려 본 뒤 저장소에서 다음 명령으로 스스로 점검합니다.")
    box += para
    command = "\n".join(f"python -m autograder validate exercises/{aid}/{name}" for name in notebook_files)
    box += nodes.literal_block(command, command, language="bash")
    intro = app.config.root_doc
    if intro in app.env.found_docs and intro != docname:
        more = nodes.paragraph()
        more += nodes.Text("준비와 점검 방법은 ")
        ref = nodes.reference("", "", internal=True,
                              refuri=app.builder.get_relative_uri(docname, intro) + "#exercises-and-self-check")
        ref += nodes.Text("들어가며의 \u201c과제 풀기\u201d")
        more += ref
        more += nodes.Text("에 있습니다.")
        box += more
    section = next(iter(doctree.findall(nodes.section)), None)
    (section if section is not None else doctree).append(box)


def add_download_button(app, pagename, templatename, context, doctree) -> None:
    """쪽 머리의 내려받기 단추 목록에 과제 노트북을 더합니다(sphinx-book-theme)."""
    notebook_files = exercise_notebooks(app, pagename)
    if not notebook_files:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            for name in notebook_files:
                # 보통 링크는 .ipynb를 새 탭에 JSON 글로 엽니다. <a download>를 만들어 눌러 파일로 받게 합니다.
                href = _href(app, pagename, name)
                button["buttons"].append({
                    "type": "javascript",
                    "javascript": ("(function(){var a=document.createElement('a');"
                                   f"a.href='{href}';a.download='{name}';"
                                   "document.body.appendChild(a);a.click();a.remove();})()"),
                    "text": "과제 노트북",
                    "tooltip": f"과제 노트북 {name} 내려받기",
                    "icon": "fas fa-pencil-alt",
                    "label": "download-exercise-button",
                })


def copy_exercises(app, exception) -> None:
    """사이트에 링크한 과제 폴더(학생본)를 빌드 결과의 ``exercises/``로 복사합니다."""
    if exception is not None or app.builder.format != "html":
        return
    linked = sorted({exercise_id(d) for d in app.env.found_docs if exercise_notebooks(app, d)})
    target_root = Path(app.outdir) / SITE_DIR
    if target_root.exists():
        shutil.rmtree(target_root)  # 지운 과제가 사이트에 남지 않게
    for aid in linked:
        shutil.copytree(_exercise_root(app) / aid, target_root / aid, ignore=_IGNORE)
    if linked:
        logger.info("과제 노트북 %d개를 사이트의 %s/에 복사했습니다.", len(linked), SITE_DIR)


def setup(app):
    app.add_config_value("exercise_downloads_dir", "exercises", "env", [str])
    app.connect("env-get-outdated", record_exercises)
    app.connect("doctree-read", note_exercises)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-resolved", add_exercise_box)
    # sphinx-book-theme이 단추 목록을 만든 다음에 더합니다.
    app.connect("html-page-context", add_download_button, priority=600)
    app.connect("build-finished", copy_exercises)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
