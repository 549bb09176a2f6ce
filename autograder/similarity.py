"""제출물끼리 베낀 코드 찾기 (similarity report).

``python -m autograder similarity SUBMISSIONS --assignment ID --out DIR``

- 비교하는 것: 제출물마다 **풀이 셀**(nbgrader 메타데이터의 ``solution``, grade_id로 찾음)의 코드만, 학생이
  놓은 셀 순서대로 이어 붙인 것. 테스트 셀, 설명, 학생이 더한 보통 셀은 비교하지 않습니다.
- 빼는 것: 배포한 학생본(``exercises/<id>/``)의 코드 전체. MOSS의 base file처럼, 학생본에 이미 있던
  함수 머리, 독스트링, ``raise NotImplementedError()`` 같은 줄은 겹쳐도 세지 않습니다. 그래서 손대지 않은
  학생본끼리는 유사도가 0입니다.
- 비교 방법: `copydetect <https://github.com/blingenf/copydetect>`_ (MOSS와 같은 winnowing 지문). 코드를
  pygments로 토큰으로 나눈 뒤 변수·함수 이름과 문자열을 한 글자로 바꾸고 주석과 빈칸을 버리므로, 이름을
  바꾸거나 주석·빈 줄을 더해도 지문은 같습니다. 지문은 위치와 상관없는 집합이라 함수 순서를 바꿔도 같습니다.

결과:

- ``similarity.csv``: 두 학생마다 한 줄, ``student_a, student_b, similarity``(0–1, 큰 것부터), 그리고
  ``share_a``/``share_b``(각자의 코드 가운데 상대 코드와 겹친 비율)와 ``overlap``(겹친 토큰 수).
  ``similarity``는 ``max(share_a, share_b)``: 한 사람이 상대의 코드를 통째로 가져다 제 코드에 덧붙여도 드러납니다.
- ``similarity.html``: 유사도가 높은 쌍의 코드를 나란히, 겹친 부분을 칠해서 보여 줍니다(외부 자원 없음).
- ``skipped.csv``: 비교하지 못한 제출물(노트북 없음, 깨진 노트북, 학생 id 충돌)과 그 이유. 멈추지 않습니다.

높은 유사도는 **살펴볼 후보**일 뿐 베꼈다는 증거가 아닙니다. 짧고 정해진 답(한 줄짜리 함수)은 혼자 풀어도
같아질 수 있으니 칠해진 코드를 직접 읽고 판단하세요.
"""
from __future__ import annotations

import csv
import html
import io
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from . import course, notebooks
from .coordinator import html_page

#: copydetect의 noise threshold k: 이보다 짧게(걸러 낸 코드의 글자 수) 겹친 것은 세지 않습니다.
NOISE = 25
#: copydetect의 guarantee threshold: 이만큼 겹치면 반드시 찾습니다. 창 크기 = GUARANTEE - NOISE + 1.
#: copydetect의 기본값처럼 창 크기 1(모든 k-gram)을 씁니다. 창이 1보다 크면 어느 지문을 고를지가 파이썬의
#: 문자열 hash(프로세스마다 달라짐)에 달려 실행할 때마다 유사도가 조금씩 달라집니다. 창 1이면 늘 같습니다.
GUARANTEE = 25
#: HTML에 나란히 보일 쌍의 수 (CSV에는 모든 쌍이 있습니다)
TOP = 20


@dataclass
class Entry:
    student_id: str
    code: str = ""
    problem: str = ""
    fingerprint: object = None


@dataclass
class Pair:
    a: Entry
    b: Entry
    share_a: float
    share_b: float
    overlap: int

    @property
    def similarity(self) -> float:
        return max(self.share_a, self.share_b)


def solution_text(nb, solution_ids: set[str]) -> str:
    """제출본의 풀이 셀 코드(학생이 놓은 순서대로). 같은 grade_id가 두 번 나오면 처음 것만."""
    seen, parts = set(), []
    for cell in nb.cells:
        gid = notebooks.grade_id(cell)
        if cell.cell_type == "code" and gid in solution_ids and gid not in seen:
            seen.add(gid)
            parts.append(cell.source)
    return "\n\n".join(parts)


def _fingerprint(code: str, boilerplate, win_size: int, name: str = "submission.py"):
    import copydetect

    return copydetect.CodeFingerprint(name, NOISE, win_size, boilerplate=boilerplate, filter=True,
                                      language="python", fp=io.StringIO(code))


def base_hashes(assignment_id: str) -> np.ndarray:
    """배포한 학생본에서 나오는 k-gram 지문 전부(창 크기 1). 여기 있는 지문은 비교에서 뺍니다.

    학생본의 코드 셀 전체를 이은 것과, 풀이 셀만 제출물과 같은 방식(``solution_text``)으로 이은 것 둘 다에서 뽑습니다.
    뒤의 것이 없으면 손대지 않은 풀이 셀 둘이 맞닿는 자리의 k-gram이 학생본에 없는 것으로 보여 학생본끼리 겹칩니다.
    """
    hashes: set = set()
    for nb_name in course.notebook_names(assignment_id):
        reference = notebooks.release_notebook(assignment_id, nb_name)
        solution_ids = {notebooks.grade_id(c) for c in reference.cells if notebooks.is_solution(c)}
        for code in ("\n\n".join(c.source for c in reference.cells if c.cell_type == "code"),
                     solution_text(reference, solution_ids)):
            hashes |= _fingerprint(code, None, 1, "base.py").hashes
    return np.unique(np.array(sorted(hashes), dtype=np.int64))


def collect(submissions: Path, assignment_id: str) -> list[Entry]:
    """제출물마다 풀이 셀 코드를 읽습니다. 읽지 못하면 ``problem``에 이유를 적고 넘어갑니다."""
    from .coordinator.grade import discover

    reference = notebooks.release_notebook(assignment_id)
    solution_ids = {notebooks.grade_id(c) for c in reference.cells if notebooks.is_solution(c)}
    entries: dict[str, Entry] = {}
    for job in discover(Path(submissions), [assignment_id]):
        entry = entries.setdefault(job.student_id, Entry(job.student_id))
        if job.collision:
            entry.problem = job.collision
            continue
        if job.path is None:
            entry.problem = f"{job.assignment_id}/{job.notebook}.ipynb 파일이 없습니다."
            continue
        if any(p.is_symlink() for p in (job.path, job.path.parent, job.path.parent.parent)):
            entry.problem = "제출물이 링크(symlink)입니다."
            continue
        try:
            nb = notebooks.read_notebook(job.path)
        except notebooks.SubmissionError as exc:
            entry.problem = exc.detail
            continue
        entry.code += ("\n\n" if entry.code else "") + solution_text(nb, solution_ids)
    return list(entries.values())


def compare(entries: list[Entry], boilerplate: np.ndarray, win_size: int = GUARANTEE - NOISE + 1) -> list[Pair]:
    """모든 두 제출물의 유사도, 큰 것부터."""
    import copydetect

    usable = [e for e in entries if not e.problem]
    for e in usable:
        e.fingerprint = _fingerprint(e.code, boilerplate, win_size, f"{e.student_id}.py")
    pairs = []
    for a, b in combinations(sorted(usable, key=lambda e: e.student_id), 2):
        fa, fb = a.fingerprint, b.fingerprint
        if not fa.hashes or not fb.hashes or fa.hashes.isdisjoint(fb.hashes):
            pairs.append(Pair(a, b, 0.0, 0.0, 0))
            continue
        overlap, (sa, sb), _ = copydetect.compare_files(fa, fb)
        pairs.append(Pair(a, b, float(min(1.0, sa)), float(min(1.0, sb)), int(overlap)))
    pairs.sort(key=lambda p: (-p.similarity, -p.overlap, p.a.student_id, p.b.student_id))
    return pairs


def highlighted(pair: Pair) -> tuple[str, str]:
    """두 코드를 HTML로, 겹친 부분을 ``<mark>``로 감싸서 (둘 다 escape 됨)."""
    import copydetect
    from copydetect.utils import highlight_overlap

    _, _, (slices_a, slices_b) = copydetect.compare_files(pair.a.fingerprint, pair.b.fingerprint)
    out = []
    for entry, slices in ((pair.a, slices_a), (pair.b, slices_b)):
        if len(slices) == 0 or slices.shape[-1] == 0:
            out.append(html.escape(entry.code))
            continue
        text, _ = highlight_overlap(entry.code, slices, "<mark>", "</mark>", escape_html=True)
        out.append(text)
    return out[0], out[1]


CSV_COLUMNS = ["student_a", "student_b", "similarity", "share_a", "share_b", "overlap"]


def write_csv(pairs: list[Pair], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for p in pairs:
            w.writerow([p.a.student_id, p.b.student_id, f"{p.similarity:.4f}", f"{p.share_a:.4f}",
                        f"{p.share_b:.4f}", p.overlap])


def write_skipped(entries: list[Entry], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "reason"])
        for e in sorted(entries, key=lambda e: e.student_id):
            if e.problem:
                w.writerow([e.student_id, e.problem])


_CSS = (".pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}"
        "pre{font-size:.8rem;white-space:pre-wrap}mark{background:#ffd54f}")


def write_html(pairs: list[Pair], entries: list[Entry], assignment_id: str, path: Path, top: int = TOP) -> None:
    e = html.escape
    shown = [p for p in pairs if p.similarity > 0][:top]
    rows = "".join(
        f'<tr><td>{i}</td><td><a href="#pair-{i}">{e(p.a.student_id)} ↔ {e(p.b.student_id)}</a></td>'
        f"<td>{p.similarity * 100:.0f}%</td><td>{p.share_a * 100:.0f}% / {p.share_b * 100:.0f}%</td></tr>"
        for i, p in enumerate(shown, 1))
    blocks = []
    for i, p in enumerate(shown, 1):
        code_a, code_b = highlighted(p)
        blocks.append(
            f'<h2 id="pair-{i}">{i}. {e(p.a.student_id)} ↔ {e(p.b.student_id)}: 유사도 {p.similarity * 100:.0f}%</h2>'
            f'<div class="pair"><div><h3>{e(p.a.student_id)} (겹친 비율 {p.share_a * 100:.0f}%)</h3>'
            f"<pre><code>{code_a}</code></pre></div>"
            f'<div><h3>{e(p.b.student_id)} (겹친 비율 {p.share_b * 100:.0f}%)</h3>'
            f"<pre><code>{code_b}</code></pre></div></div>")
    skipped = [x for x in entries if x.problem]
    skipped_html = ("<h2>비교하지 못한 제출물</h2><table><tr><th>학생</th><th>이유</th></tr>"
                    + "".join(f"<tr><td>{e(x.student_id)}</td><td>{e(x.problem)}</td></tr>"
                              for x in sorted(skipped, key=lambda x: x.student_id))
                    + "</table>") if skipped else ""
    compared = len(entries) - len(skipped)
    path.write_text(html_page.page(f"유사도 보고서 {assignment_id}", f"""<h1>유사도 보고서: {e(assignment_id)}</h1>
<p>제출물 {compared}개를 비교했습니다(쌍 {len(pairs)}개). 풀이 셀의 코드만 비교하고, 배포한 학생본에 있던 코드는 뺐습니다.
이름을 바꾸거나 주석·빈 줄을 더하거나 함수 순서를 바꿔도 같은 코드로 봅니다. 노란색이 두 제출물에서 겹친 부분입니다.</p>
<p class="note">높은 유사도는 살펴볼 후보일 뿐 베꼈다는 증거가 아닙니다. 짧고 정해진 답은 혼자 풀어도 같아질 수 있으니
칠해진 코드를 직접 읽고 판단하세요. 모든 쌍은 similarity.csv에 있습니다.</p>
<h2>유사도가 높은 쌍 (상위 {len(shown)}개)</h2>
{_pairs_table(rows, len(pairs))}
{skipped_html}
{''.join(blocks)}""", width="90rem", css=_CSS), encoding="utf-8")


def _pairs_table(rows: str, n_pairs: int) -> str:
    """유사도 표. 겹친 코드가 있는 쌍이 하나도 없으면 빈 표 대신 그렇다고 말합니다."""
    if rows:
        return ("<table><tr><th>순위</th><th>학생 A ↔ 학생 B</th><th>유사도</th><th>겹친 비율 (A / B)</th></tr>"
                f"{rows}</table>")
    if n_pairs == 0:
        return "<p>비교할 쌍이 없습니다(비교할 수 있는 제출물이 둘보다 적습니다).</p>"
    return f"<p>{n_pairs}쌍 모두 겹친 코드가 없습니다(유사도 0%). 살펴볼 쌍이 없습니다.</p>"


def run(submissions: Path, assignment_id: str, out: Path, top: int = TOP) -> tuple[list[Pair], list[Entry], float]:
    """보고서를 만들고 (쌍들, 제출물들, 걸린 초)를 돌려줍니다."""
    start = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = collect(submissions, assignment_id)
    pairs = compare(entries, base_hashes(assignment_id))
    write_csv(pairs, out / "similarity.csv")
    write_skipped(entries, out / "skipped.csv")
    write_html(pairs, entries, assignment_id, out / "similarity.html", top)
    return pairs, entries, time.monotonic() - start
