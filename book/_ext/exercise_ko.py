"""연습문제(sphinx-exercise)를 이 책에 맞춥니다: 장마다 번호를 새로 매기고, 제목을 한국어로.

sphinx-exercise는 ``language: ko``여도 번호 형식을 번역 목록을 읽기 전에 정해 "Exercise 1"로 쓰고
(그래서 ``_config.yml``의 ``numfig_format.exercise``가 "연습문제 %s"로 바로잡습니다), 번호를 책 전체에
이어 매기며, 해답 제목은 "해답 연습 1"처럼 나옵니다. 이 확장은

- 장 파일(``book/chNN_…``)의 연습문제 번호를 ``(NN, k)``로 바꿔 "연습문제 4.2"가 되게 하고,
- 해답 제목을 "연습문제 4.2 해답"(앞부분은 그 문제로 가는 고리)으로 씁니다.

장에서는 이렇게 씁니다(해답은 ``dropdown``이라 독자가 열기 전에는 접혀 있습니다)::

    ```{exercise}
    :label: ch04-ex-softmax
    ...
    ```

    ```{solution} ch04-ex-softmax
    :class: dropdown
    ...
    ```
"""
from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

CHAPTER = re.compile(r"(?:^|/)ch0*(\d+)_")
SOLUTION_WORD = "해답"


def renumber_per_chapter(app, env):
    """Sphinx가 책 전체에 이어 매긴 연습문제 번호를 장 번호.장 안의 순서로 바꿉니다."""
    for docname, numbers in env.toc_fignumbers.items():
        match = CHAPTER.search(docname)
        exercises = numbers.get("exercise")
        if not match or not exercises:
            continue
        chapter = int(match.group(1))
        ordered = sorted(exercises, key=lambda ident: exercises[ident])
        numbers["exercise"] = {ident: (chapter, k) for k, ident in enumerate(ordered, start=1)}
    return []


class KoreanSolutionTitles(SphinxPostTransform):
    """"해답 연습 4.2" → "연습문제 4.2 해답" (sphinx-exercise가 제목을 만든 뒤에 돕니다)."""

    default_priority = 30

    def run(self):
        from sphinx_exercise.nodes import solution_node

        label = self.app.config.numfig_format.get("exercise", "연습문제 %s").replace(" %s", "").strip()
        for node in self.document.findall(solution_node):
            title = node.children[0] if node.children else None
            if not isinstance(title, nodes.title):
                continue
            reference = next(iter(title.findall(nodes.reference)), None)
            if reference is None:
                continue
            # 고리 안의 첫 글(" 연습 4.2" 또는 " Exercise 4.2")에서 번호만 남기고 이 책의 낱말을 붙입니다.
            first = next(iter(reference.findall(nodes.Text)), None)
            if first is not None:
                number = re.sub(r"^\s*\S+\s*", "", first.astext(), count=1)
                first.parent.replace(first, nodes.Text(f"{label} {number}".strip()))
            # 고리 앞의 "해답"/"Solution to"는 빼고 끝에 "해답"을 붙입니다.
            for child in list(title.children):
                if child is reference:
                    break
                if isinstance(child, nodes.Text):
                    title.remove(child)
            title += nodes.Text(f" {SOLUTION_WORD}")
            node["title"] = title.astext()


def setup(app):
    app.setup_extension("sphinx_exercise")
    # TocTreeCollector(기본 우선순위 500)가 번호를 매긴 뒤에 돕니다.
    app.connect("env-get-updated", renumber_per_chapter, priority=900)
    app.add_post_transform(KoreanSolutionTitles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
