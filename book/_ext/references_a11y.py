"""참고 문헌 쪽의 접근성: 인용 목록의 ARIA 역할을 WCAG 검사(axe-core)가 받아들이는 것으로 바꿉니다.

docutils는 인용 목록을 ``<div role="list">`` 안의 ``<div role="doc-biblioentry">``로 씁니다.
``doc-biblioentry``는 ARIA에서 폐기된 역할이고, ``list``의 자식은 ``listitem``이어야 하므로 axe-core가
두 가지 위반(aria-deprecated-role, aria-required-children)을 냅니다. 쪽을 쓰기 직전에 항목의 역할을
``listitem``으로 바꿉니다(목록 자체와 모양은 그대로).
"""
from __future__ import annotations


def fix_citation_roles(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", fix_citation_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
