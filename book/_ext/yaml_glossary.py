"""용어집 쪽: book/glossary.yml을 빌드할 때 Sphinx ``glossary``로 펼칩니다.

용어집 쪽(book/glossary.md)에는 다음 한 줄만 둡니다. 경로는 그 쪽의 폴더에서 봅니다::

    ```{yaml-glossary} glossary.yml
    ```

용어마다 한국어 표기가 표제어가 되고(가나다순), 풀이에는 영어와 쓰지 않는 표기가 들어갑니다.
장에서는 ``{term}`경사 하강법```으로 이 항목에 이어 줍니다. 바깥에서는 영어 이름의 고정
주소(``glossary.html#gradient-descent``)로 걸 수 있습니다. YAML이 바뀌면 쪽을 다시 만듭니다.
"""
from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from glossary_lint import glossary_problems, load_glossary
from sphinx.domains.std import Glossary
from sphinx.util.docutils import SphinxDirective


class YamlGlossary(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        relative, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(relative)
        terms = load_glossary(path)
        for problem in glossary_problems(terms):
            self.state.reporter.warning(f"{relative}: {problem}", line=self.lineno)

        source = str(path)
        lines = StringList()
        for index, term in enumerate(terms):
            definition = term.en
            if term.avoid:
                definition += " · 쓰지 않는 표기: " + ", ".join(term.avoid)
            lines.append(term.ko, source, index)
            lines.append("   " + definition, source, index)
            lines.append("", source, index)
        glossary = Glossary(
            "glossary", [], {"sorted": None}, lines, self.lineno, self.content_offset,
            self.block_text, self.state, self.state_machine,
        )
        result = glossary.run()
        # 용어의 자동 id(term-17 같은)는 순서가 바뀌면 달라집니다. 바깥(과제 노트북 등)에서
        # 걸 수 있도록 영어 이름으로 된 고정 id(``glossary.html#gradient-descent``)를 더합니다.
        english = {term.ko: term.en for term in terms}
        for node in result:
            for term_node in node.findall(nodes.term):
                slug = nodes.make_id(english.get(term_node.astext(), ""))
                if slug and slug not in term_node["ids"]:
                    term_node["ids"].append(slug)
        return result


def setup(app):
    app.add_directive("yaml-glossary", YamlGlossary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
