"""채점기가 쓰는 HTML 쪽(학생 피드백, 강사 개요, 유사도 보고서)의 한글을 어느 컴퓨터에서나 쪽에 든 글꼴이 그립니다.

학생은 피드백 파일 하나만 받아 제 컴퓨터에서 엽니다. 그래서 쪽들을 작은 가짜 채점 결과로 실제 함수
(``feedback.write_html``, ``report.write_overview``, ``similarity.write_html``)로 만들고, 파일 하나씩 따로 떼어
내보인 뒤 Debian의 chromium에게 DevTools 프로토콜로 어느 글꼴이 한글을 그렸는지 묻습니다. 이 컴퓨터에는 한글 시스템
글꼴이 없으므로(README의 설치 단계도 깔지 않습니다) 쪽이 글꼴을 싣고 오지 않으면 한글은 빈 네모가 되고 테스트가 실패합니다.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder import similarity
from autograder.coordinator import feedback, html_page, report
from autograder.status import Status
from tools import site_browser

STUDENT = "김철수"
CODE = '''def sigmoid(z):
    # 큰 음수에서도 넘치지 않게 「안정한」 식을 씁니다
    return 0.5 * (1 + np.tanh(0.5 * z))
'''


def _report(student: str, score: float, graded: bool = False) -> feedback.Report:
    written = feedback.WrittenAnswer("written_feature_scaling", 1.5 if graded else 0, 2, pending=not graded, graded=graded,
                                     comment="좋습니다. 정보 누설도 적어 보세요." if graded else "",
                                     answer="스케일링은 가설 공간을 바꾸지 않고 학습을 빠르게 합니다.")
    return feedback.Report(
        student_id=student, assignment_id="ch01_modeling", score=score, max_score=22, status=Status.OK, written=[written],
        tests=[feedback.TestResult("test_sigmoid", "sigmoid", False, 1, 1),
               feedback.TestResult("hidden_sigmoid", "sigmoid", True, 0, 2,
                                   "sigmoid: z = -1000에서도 경고 없이 0에 가까운 값을 돌려줘야 합니다.")],
        code={"sigmoid": CODE}, raw_score=score + 2, late_hours=11.2, penalty=2,
        late_text="마감보다 11시간 11분 늦게 제출했습니다(늦은 날 1일로 셉니다). 하루에 만점의 10%씩 2점을 뺐습니다.")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, object]:
    """쪽 이름 → 그 쪽 파일 하나만 든 폴더."""
    root = tmp_path_factory.mktemp("grader-pages")
    folders = {name: root / name for name in ("feedback", "overview", "similarity")}
    for folder in folders.values():
        folder.mkdir()
    feedback.write_html(_report(STUDENT, 17), folders["feedback"] / "ch01_modeling.html")
    report.write_overview([_report(STUDENT, 17), _report("이영희", 21.5, graded=True)], folders["overview"] / "overview.html")
    entries = [similarity.Entry("박민수", CODE), similarity.Entry("최지우", CODE + "\n# 덧붙인 주석입니다\n")]
    pairs = similarity.compare(entries, np.array([], dtype=np.int64))
    similarity.write_html(pairs, entries, "ch01_modeling", folders["similarity"] / "similarity.html")
    return {"feedback": (folders["feedback"], "ch01_modeling.html"),
            "overview": (folders["overview"], "overview.html"),
            "similarity": (folders["similarity"], "similarity.html")}


# 쪽마다 한글이 있는 곳: 제목, 점수 설명, 표 칸, 코드(학생이 쓴 주석)
PROBES = {
    "feedback": ["h1", "p.note.late", "td:last-child", "pre code", "p.note.pending", "h3 + p b"],
    "overview": ["h1", "p", "table:last-of-type tr:nth-child(2) td:first-child"],
    "similarity": ["h1", "p.note", "h3", "pre code mark"],
}
MARK = """
(selector) => {
  // 요소 바로 아래 글 노드의 한글·CJK 기호 수를 세고, 그 요소에 표시를 합니다.
  const el = document.querySelector(selector);
  if (!el) return -1;
  document.querySelectorAll('[data-font-probe]').forEach(e => e.removeAttribute('data-font-probe'));
  el.setAttribute('data-font-probe', '1');
  const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('');
  return (own.match(/[\\u1100-\\u11ff\\u3000-\\u303f\\u3130-\\u318f\\uac00-\\ud7a3]/g) || []).length;
}
"""


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.mark.requires("chromium")
@pytest.mark.parametrize("name", list(PROBES))
def test_hangul_on_grader_pages_is_drawn_by_the_font_inside_the_page(pages, playwright, name):
    folder, filename = pages[name]
    with site_browser.serve(folder) as base, site_browser.open_browser(base, playwright=playwright) as browser:
        page = browser.context.new_page()
        page.goto(base + filename, wait_until="load")
        site_browser.wait_until_ready(page)
        for selector in PROBES[name]:
            count = page.evaluate(MARK, selector)
            assert count >= 2, f"{name}: {selector}에 한글이 없습니다"
            fonts = site_browser.fonts_drawing(page, "[data-font-probe]")
            inside = [f for f in fonts if f["isCustomFont"] and f["familyName"] == "NanumGothic"]
            assert inside and sum(f["glyphCount"] for f in inside) >= count, \
                f"{name} {selector}: 한글·CJK 기호 {count}자를 쪽에 든 나눔고딕이 그리지 않았습니다: {fonts}"
        page.close()
        assert not browser.blocked, browser.blocked


@pytest.mark.unit
def test_grader_font_covers_every_hangul_syllable_and_corner_brackets():
    import io

    from fontTools.ttLib import TTFont

    (hangul_ranges, hangul), (extra_ranges, extra) = html_page.webfonts()
    cmap = TTFont(io.BytesIO(hangul)).getBestCmap()
    assert all(c in cmap for c in range(0xAC00, 0xD7A4))
    assert 0x300C in cmap and 0x300D in cmap
    assert {ord(c) for c in "θ→∑‘’"} <= set(TTFont(io.BytesIO(extra)).getBestCmap())
    assert len(hangul) + len(extra) < 300_000
    css = html_page.font_face_css()  # 조각마다 @font-face 하나, 제 글자 범위로
    assert css.count("@font-face") == 2 and "U+AC00-D7A3" in css and "U+0370-03FF" in css
