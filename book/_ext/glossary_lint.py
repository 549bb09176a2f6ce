"""용어집(book/glossary.yml) 읽기와 용어 린트.

린트는 책의 장(book/*.md)과 과제 원본(solutions/**/*.ipynb)의 markdown 글에서
다음을 찾습니다.

- 용어집의 ``avoid``에 있는 표기(``경사하강법`` → ``경사 하강법``, ``노드`` → ``유닛``).
- 번역 흔적: ``$``를 읽은 ``달러``, 영어 관용구의 직역 같은 것(:data:`ARTEFACTS`).
- 해라체 문장 끝(``…한다.``, ``…이다.``, ``…보자.``)과 해요체의 ``…죠.``. 책은 처음부터 끝까지 합쇼체(``…합니다.``)로 씁니다.
  따옴표와 인용 블록(``>``) 안의 글은 보지 않습니다(:func:`voice_findings`).

장 파일(``book/chNN_*.md``)에서는 몇 가지를 더 봅니다(:func:`chapter_findings`).

- 제목(첫 ``#`` 줄)이 장 번호로 시작하는가: ``# 3. 평가: 교차 검증``.
- 절 제목(``##`` 줄)이 ``3.1``, ``3.2``처럼 장 번호와 차례대로 매긴 번호로 시작하는가. 장 끝의 정해진 절
  (:data:`UNNUMBERED_SECTIONS`: 연습문제, 과제 안내, 요약, 더 읽을거리)은 번호 없이 씁니다.
- 용어집으로 가는 링크(``{term}`…```)가 하나라도 있는가.
- 장이 글로 시작하는가: 제목과 독자에게 보이는 첫 코드 셀 사이에 글이 있어야 합니다
  (``remove-input``/``remove-cell`` 셀은 보이지 않으므로 셈하지 않습니다).
- ``import``만 있는 코드 셀(준비 코드)은 ``remove-…``나 ``hide-…`` 태그로 숨겼는가.

코드(코드 셀, 코드 블록, 인라인 코드), 수식, 주소는 보지 않습니다. 뜻이 달라 꼭 써야 하는
줄에는 ``<!-- glossary-lint: ignore -->``를 붙이면 그 줄을 건너뜁니다.

저장소 뿌리에서 ``python book/_ext/glossary_lint.py``로 돌리면 찾은 것을 보여 주고,
하나라도 있으면 1로 끝납니다. 테스트(tests/test_glossary_lint.py)가 같은 검사를 합니다.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

IGNORE_MARKER = "<!-- glossary-lint: ignore -->"
_NOT_AFTER_HANGUL = r"(?<![\uac00-\ud7a3])"


@dataclass(frozen=True)
class Term:
    """용어 하나: 본문에 쓰는 한국어, 영어, 쓰지 않는 다른 표기."""

    ko: str
    en: str
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    found: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: '{self.found}' — {self.message}"


@dataclass(frozen=True)
class Artefact:
    """번역 흔적 하나: 찾을 정규식과 고칠 방향."""

    pattern: str
    message: str
    regex: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "regex", re.compile(_NOT_AFTER_HANGUL + self.pattern))


ARTEFACTS = (
    Artefact(r"달러", "`$`를 '달러'로 옮긴 흔적입니다. 수식은 수식으로, 기호는 `$` 그대로 씁니다."),
    Artefact(r"로그\s*함수의\s+로그", "'log of the log function'의 직역입니다. '로그'로 충분합니다."),
    Artefact(r"당신", "독자를 '당신'이라 부르는 번역투입니다. '여러분'으로 쓰거나 주어를 뺍니다."),
    Artefact(r"파운드\s*기호", "`#`(pound sign)의 직역입니다. '`#` 기호' 또는 '샵'으로 씁니다."),
    Artefact(r"하루의\s+끝에", "'at the end of the day'의 직역입니다. '결국'으로 씁니다."),
    Artefact(r"손을\s+더럽히", "'get your hands dirty'의 직역입니다(우리말로는 나쁜 일에 가담한다는 뜻). "
             "'직접 해 보다'로 씁니다."),
    Artefact(r"같은\s+페이지에\s+있", "'on the same page'의 직역입니다. '같은 이해를 하다'로 씁니다."),
    Artefact(r"케이크\s+조각", "'a piece of cake'의 직역입니다. '아주 쉽다'로 씁니다."),
    Artefact(r"방\s+안의\s+코끼리", "'the elephant in the room'의 직역입니다."),
    Artefact(r"후드\s*(아래|밑)", "'under the hood'의 직역입니다. '내부에서', '속에서'로 씁니다."),
    Artefact(r"직관을\s+(구축|건설)", "'build intuition'의 직역입니다. '감을 잡다', '직관을 기르다'로 씁니다."),
    Artefact(r"주목할\s+가치가\s+있", "'worth noting'의 직역입니다. '눈여겨볼 만하다'로 씁니다."),
)


def load_glossary(path: str | Path) -> list[Term]:
    """용어집 YAML을 읽고 겹침이 없는지 확인해 :class:`Term` 목록을 돌려줍니다."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    terms = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("ko") or not item.get("en"):
            raise ValueError(f"{path}: {i + 1}번째 항목에 ko와 en이 있어야 합니다: {item!r}")
        unknown = set(item) - {"ko", "en", "avoid"}
        if unknown:
            raise ValueError(f"{path}: {item['ko']}: 모르는 키 {sorted(unknown)}")
        terms.append(Term(str(item["ko"]), str(item["en"]),
                          tuple(str(a) for a in item.get("avoid") or ())))
    return terms


def glossary_problems(terms: list[Term]) -> list[str]:
    """용어집 자체의 모순: 겹치는 용어, 다른 용어의 표준 표기를 잡는 ``avoid``."""
    problems = []
    for key in ("ko", "en"):
        seen: dict[str, int] = {}
        for term in terms:
            value = getattr(term, key).casefold()
            seen[value] = seen.get(value, 0) + 1
        problems += [f"{key} '{v}'가 {n}번 나옵니다." for v, n in seen.items() if n > 1]
    for term in terms:
        for variant in term.avoid:
            pattern = _variant_regex(variant)
            for other in terms:
                if pattern.search(other.ko):
                    problems.append(
                        f"'{term.ko}'의 avoid '{variant}'가 표준 용어 '{other.ko}'에서도 잡힙니다."
                    )
    return problems


def _variant_regex(variant: str) -> re.Pattern:
    words = [re.escape(w) for w in variant.split()]
    return re.compile(_NOT_AFTER_HANGUL + r"\s+".join(words), re.IGNORECASE)


# --- 글에서 읽을 부분만 남기기 -------------------------------------------------------

_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(.*)$")
# 글로 된 내용을 담는 지시문(admonition 등)은 안을 읽고, 코드와 수식은 건너뜁니다.
_SKIPPED_DIRECTIVES = {
    "code-cell", "code-block", "code", "sourcecode", "literalinclude", "math",
    "raw", "eval-rst", "glue", "yaml-glossary",
}
_INLINE_SKIP = re.compile(
    r"`+[^`]*`+"                 # 인라인 코드와 {role}`…`의 내용
    r"|\$\$.*?\$\$|\$[^$]*\$"    # 수식
    r"|\]\([^)]*\)"              # 링크 주소
    r"|<[^>]+>"                  # HTML 태그와 주석
    r"|https?://\S+"
)


def prose_lines(text: str) -> list[tuple[int, str]]:
    """MyST markdown에서 검사할 줄(줄 번호, 내용)만 돌려줍니다."""
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    start = 0
    if lines and lines[0].strip() == "---":  # 머리 메타데이터(jupytext 등)
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break
    fences: list[tuple[str, int, bool]] = []  # 열린 울타리: (글자, 길이, 안을 건너뛰는가)
    in_math = False
    for number, line in enumerate(lines[start:], start=start + 1):
        fence = _FENCE.match(line)
        if fence:
            mark, info = fence.groups()
            if fences and mark[0] == fences[-1][0] and len(mark) >= fences[-1][1] and not info.strip():
                fences.pop()
                continue
            if not (fences and fences[-1][2]):
                name = re.match(r"\{([^}]*)\}", info.strip())
                directive = name.group(1).strip() if name else None
                # ``` 울타리는 지시문이 아니면(언어 이름뿐이면) 코드입니다.
                skip = directive in _SKIPPED_DIRECTIVES or (mark[0] != ":" and directive is None)
                fences.append((mark[0], len(mark), skip))
                continue
        if any(skip for _, _, skip in fences):
            continue
        stripped = line.strip()
        if stripped.startswith("$$"):
            # 한 줄짜리 $$…$$가 아니면 여닫는 줄 사이를 건너뜁니다.
            if not (stripped.endswith("$$") and len(stripped) > 2):
                in_math = not in_math
            continue
        if in_math or IGNORE_MARKER in line:
            continue
        if re.match(r"^\s*:[\w-]+:", line):  # 지시문 옵션 줄
            continue
        out.append((number, _INLINE_SKIP.sub(" ", line)))
    return out


def _notebook_cells(path: Path, kind: str):
    """.ipynb의 ``kind`` 셀마다 (셀 번호(1부터), 소스 텍스트)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") == kind:
            source = cell.get("source", "")
            yield index, "".join(source) if isinstance(source, list) else source


def notebook_markdown(path: Path) -> list[tuple[int, str]]:
    """.ipynb의 markdown 셀들을 (셀 번호 * 1000 + 줄 번호, 내용)으로 돌려줍니다."""
    return [(index * 1000 + n, line) for index, source in _notebook_cells(path, "markdown")
            for n, line in prose_lines(source)]


# 해라체 문장 끝: 합쇼체의 '-니다'·'-ㅂ시다'가 아닌 '다' 뒤에 마침표·느낌표·물음표, 또는 청유형 '-자.'.
_SENTENCE_END = r"(?=[.!?]|\([^)]*\)[.!?])"   # 문장 끝 부호, 또는 괄호 하나 뒤의 문장 끝 부호
_HAERACHE = re.compile(
    r"(?<=[\uac00-\ud7a3])(?<![니시])다" + _SENTENCE_END
    + r"|(?:보|하|두|치|세|들|쓰|재|읽|놓)자" + _SENTENCE_END
)
_HAEYO = re.compile(r"(?<=[\uac00-\ud7a3])죠" + _SENTENCE_END)
# 인용: 따옴표 안의 글은 남의 말이므로 문체를 보지 않습니다.
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|(?<![\w])\'[^\']*\'')
VOICE_MESSAGE = "해라체 문장 끝입니다. 책은 합쇼체(…합니다, …입니다)로 씁니다(인용은 따옴표나 > 안에)."
HAEYO_MESSAGE = "해요체(…죠) 문장 끝입니다. 책은 합쇼체(…합니다, …입니다)로 씁니다(인용은 따옴표나 > 안에)."


def voice_findings(path: str, lines: list[tuple[int, str]]) -> list[Finding]:
    """해라체로 끝나는 문장(인용 블록과 따옴표 안은 빼고)."""
    findings = []
    for number, line in lines:
        if line.lstrip().startswith(">"):
            continue
        unquoted = _QUOTED.sub(" ", line)
        for match in _HAERACHE.finditer(unquoted):
            findings.append(Finding(path, number, match.group(), VOICE_MESSAGE))
        for match in _HAEYO.finditer(unquoted):
            findings.append(Finding(path, number, match.group(), HAEYO_MESSAGE))
    return findings


_CHAPTER_FILE = re.compile(r"^ch(\d+)_[\w-]+\.md$")
_TITLE = re.compile(r"^#\s+(.*)$")
_SECTION = re.compile(r"^##\s+(.*)$")
# 장 끝에 정해진 순서로 오는 절(CONTRIBUTING.md): 번호를 붙이지 않습니다.
UNNUMBERED_SECTIONS = ("연습문제", "과제 안내", "요약", "더 읽을거리")
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}")
_IMPORT_LINE = re.compile(r"^(import\s|from\s+\S+\s+import\s)")


def _code_cells(text: str) -> list[tuple[int, list[str], str]]:
    """장의 ``{code-cell}``마다 (시작 줄 번호, 코드 줄들, 태그 줄)을 돌려줍니다."""
    cells = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _CODE_CELL.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, start, body, tags = opening.group(1), i + 1, [], ""
        i += 1
        while i < len(lines) and lines[i].rstrip() != fence:
            if re.match(r"^:tags:", lines[i]):
                tags = lines[i]
            elif not re.match(r"^:[\w-]+:", lines[i]):
                body.append(lines[i])
            i += 1
        cells.append((start, body, tags))
        i += 1
    return cells


def _only_imports(body: list[str]) -> bool:
    """코드가 import 문(괄호로 이어진 줄 포함)과 주석뿐인가."""
    statements, open_parens = 0, 0
    for line in body:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if open_parens == 0:
            if not _IMPORT_LINE.match(stripped):
                return False
            statements += 1
        open_parens += stripped.count("(") - stripped.count(")")
    return statements > 0


def section_findings(path: str, number: int, lines: list[tuple[int, str]]) -> list[Finding]:
    """``##`` 절 제목이 ``N.1``, ``N.2``, … 차례로 번호를 달았는가(장 끝의 정해진 절은 빼고)."""
    findings = []
    expected = 1
    for line_number, line in lines:
        section = _SECTION.match(line)
        if not section:
            continue
        heading = section.group(1).strip()
        if heading.startswith(UNNUMBERED_SECTIONS):
            continue
        found = re.match(rf"{number}\.(\d+)\s", heading)
        if not found or int(found.group(1)) != expected:
            findings.append(Finding(path, line_number, heading,
                                    f"절 제목은 장 번호와 차례 번호로 시작합니다: '## {number}.{expected} …'."))
        expected = int(found.group(1)) + 1 if found else expected + 1
    return findings


def opening_findings(path: str, text: str, lines: list[tuple[int, str]]) -> list[Finding]:
    """장이 글로 시작하는가, import만 있는 준비 코드 셀을 숨겼는가."""
    findings = []
    cells = _code_cells(text)
    title_line = next((n for n, line in lines if _TITLE.match(line)), 0)
    shown = [cell for cell in cells if not re.search(r"\bremove-(cell|input)\b", cell[2])]
    if shown:
        first_cell = shown[0][0]
        prose = [n for n, line in lines
                 if title_line < n < first_cell and line.strip() and not line.lstrip().startswith("#")]
        if not prose:
            findings.append(Finding(path, first_cell, "{code-cell}",
                                    "장은 글로 시작합니다. 첫 코드 셀 앞에 이 장이 무엇을 하는지 쓰고, 준비 코드는 숨깁니다."))
    for start, body, tags in cells:
        if _only_imports(body) and not re.search(r"\b(remove|hide)-", tags):
            findings.append(Finding(path, start, "import",
                                    "import만 있는 준비 코드 셀은 숨깁니다(:tags: [hide-input] 또는 [remove-cell]), "
                                    "아니면 처음 쓰는 곳으로 옮깁니다."))
    return findings


def chapter_findings(path: str, name: str, text: str) -> list[Finding]:
    """장 파일의 제목 번호와 용어집 링크. 장 파일이 아니면 빈 목록."""
    chapter = _CHAPTER_FILE.match(name)
    if not chapter:
        return []
    number = int(chapter.group(1))
    findings = []
    lines = prose_lines(text)
    title = next(((n, m.group(1)) for n, line in lines if (m := _TITLE.match(line))), None)
    if title is None:
        findings.append(Finding(path, 1, "", "장 제목(# 줄)이 없습니다."))
    elif not re.match(rf"{number}\.\s", title[1]):
        findings.append(Finding(path, title[0], title[1].strip(),
                                f"장 제목은 장 번호로 시작합니다: '# {number}. …'."))
    if not re.search(r"\{term\}`", text):
        findings.append(Finding(path, 1, "{term}",
                                "용어집 링크가 하나도 없습니다. 용어가 장에서 처음 나올 때 {term}`용어`로 겁니다."))
    return findings + section_findings(path, number, lines) + opening_findings(path, text, lines)


def notebook_docstrings(path: Path) -> list[tuple[int, str]]:
    """.ipynb 코드 셀의 docstring 줄들(학생이 읽는 함수 설명)을 (셀 번호 * 1000 + 줄 번호, 내용)으로. 용어만 봅니다."""
    import ast

    out = []
    for index, source in _notebook_cells(path, "code"):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                first = node.body[0].lineno if node.body else 0
                for n, line in enumerate((doc or "").splitlines()):
                    out.append((index * 1000 + first + n, line))
    return out


def lint_lines(path: str, lines: list[tuple[int, str]], terms: list[Term], voice: bool = True) -> list[Finding]:
    findings = voice_findings(path, lines) if voice else []
    variants = [(_variant_regex(v), t) for t in terms for v in t.avoid]
    for number, line in lines:
        for regex, term in variants:
            for match in regex.finditer(line):
                findings.append(Finding(path, number, match.group(),
                                        f"용어집의 '{term.ko}'({term.en})로 씁니다."))
        for artefact in ARTEFACTS:
            for match in artefact.regex.finditer(line):
                findings.append(Finding(path, number, match.group(), artefact.message))
    return findings


def lint_file(path: Path, terms: list[Term], root: Path | None = None) -> list[Finding]:
    shown = str(path.relative_to(root)) if root else str(path)
    if path.suffix == ".ipynb":
        return (lint_lines(shown + " (셀*1000+줄)", notebook_markdown(path), terms)
                + lint_lines(shown + " (docstring, 셀*1000+줄)", notebook_docstrings(path), terms, voice=False))
    text = path.read_text(encoding="utf-8")
    return lint_lines(shown, prose_lines(text), terms) + chapter_findings(shown, path.name, text)


def course_files(root: Path) -> list[Path]:
    """린트할 파일: 책의 장과 과제 원본."""
    return sorted(root.glob("book/*.md")) + sorted(root.glob("solutions/**/*.ipynb"))


def lint_course(root: Path) -> list[Finding]:
    terms = load_glossary(root / "book" / "glossary.yml")
    findings = []
    for path in course_files(root):
        if ".ipynb_checkpoints" not in path.parts:
            findings += lint_file(path, terms, root)
    return findings


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    terms = load_glossary(root / "book" / "glossary.yml")
    problems = glossary_problems(terms)
    findings = lint_course(root)
    for problem in problems:
        print(f"book/glossary.yml: {problem}")
    for finding in findings:
        print(finding)
    print(f"용어 린트: 파일 {len(course_files(root))}개, 찾은 것 {len(findings) + len(problems)}개")
    return 1 if findings or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
