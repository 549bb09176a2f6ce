"""강사의 개요(overview.html): 문항 분석의 계산(손으로 센 예), 늦은 제출·서술형 답 채점 대기 요약, 그림과 대체 글.

실제 채점기로 만든 개요는 tests/test_instructor_tools.py(늦은 제출이 섞인 배치)가 확인합니다. 여기서는 채점 없이
결과(``Report``)를 짜 맞춰, 아무도 통과하지 못한 테스트·모두 통과한 테스트·점수가 높은 학생이 더 많이 실패하는
테스트가 표시되는지 봅니다.
"""
from __future__ import annotations

import base64
import math
import re

import pytest

from autograder.coordinator import feedback, item_analysis, report
from autograder.status import Status

AID = "ch01_modeling"

# 학생 넷, 테스트 다섯(모두 1점). broken은 약한 두 학생만 통과하고, never는 아무도, always는 모두 통과합니다.
#            a  b  c  broken never always
PASSES = {"s1": (1, 1, 1, 0, 0, 1),
          "s2": (1, 1, 0, 0, 0, 1),
          "s3": (1, 0, 0, 1, 0, 1),
          "s4": (0, 0, 0, 1, 0, 1)}
GRADE_IDS = ("test_a", "hidden_b", "hidden_c", "hidden_broken", "hidden_never", "test_always")


def _report(student: str, passes, status=Status.OK, **extra) -> feedback.Report:
    tests = [feedback.TestResult(gid, "sigmoid" if gid.endswith(("a", "b")) else "predict_binary", gid.startswith("hidden"),
                        float(p), 1.0, "" if p else "틀렸습니다.") for gid, p in zip(GRADE_IDS, passes, strict=True)]
    score = sum(t.score for t in tests) if Status(status).scored else 0.0
    return feedback.Report(student, AID, score, 6.0, status, tests=tests, **extra)


def _batch() -> list[feedback.Report]:
    reports = [_report(s, p) for s, p in PASSES.items()]
    # 셈에서 빠지는 것: 시간 초과(테스트 결과와 상관없이 0점), 읽을 수 없는 노트북(테스트 없음)
    reports.append(_report("timeout", (0, 1, 1, 1, 1, 1), Status.TIMEOUT))
    reports.append(feedback.Report("broken_json", AID, 0.0, 6.0, Status.INVALID_NOTEBOOK))
    return reports


@pytest.mark.unit
def test_point_biserial_matches_the_hand_computed_value():
    # 통과 [1,1,0,0], 나머지 점수 [3,1,2,0]: 평균 0.5와 1.5, 공분산 합 1, 제곱합 1과 5 → 1/√5
    assert item_analysis.point_biserial([True, True, False, False], [3, 1, 2, 0]) == pytest.approx(1 / math.sqrt(5))
    # 같은 값을 점이연 상관의 교과서 식 (M1 − M0)/s · √(pq)로: (2 − 1)/√(5/4) · √(1/4)
    assert item_analysis.point_biserial([True, True, False, False], [3, 1, 2, 0]) == pytest.approx(
        (2 - 1) / math.sqrt(5 / 4) * math.sqrt(0.25))
    assert item_analysis.point_biserial([True, True], [1, 2]) is None      # 모두 통과: 정의되지 않음
    assert item_analysis.point_biserial([True, False], [2, 2]) is None     # 나머지 점수가 모두 같음
    with pytest.raises(ValueError):
        item_analysis.point_biserial([True], [1, 2])


@pytest.mark.unit
def test_item_analysis_flags_dead_trivial_and_inverted_tests():
    items = {it.grade_id: it for it in item_analysis.item_analysis(_batch(), AID)}
    assert list(items) == list(GRADE_IDS)
    assert {it.n for it in items.values()} == {4}  # 시간 초과와 읽을 수 없는 노트북은 세지 않음

    broken = items["hidden_broken"]
    # 통과 [0,0,1,1], 나머지 점수 [4,3,2,1] (합계 − 자기 점수): 공분산 합 −2, 제곱합 1과 5 → −2/√5
    assert broken.p == 0.5 and broken.discrimination == pytest.approx(-2 / math.sqrt(5))
    assert broken.flags == (item_analysis.NEGATIVE,)

    assert items["hidden_never"].p == 0 and items["hidden_never"].discrimination is None
    assert items["hidden_never"].flags == (item_analysis.NOBODY_PASSES,)
    assert items["test_always"].p == 1 and items["test_always"].flags == (item_analysis.EVERYBODY_PASSES,)

    # test_a: 통과 [1,1,1,0], 나머지 [3,2,2,2]: 평균 0.75와 2.25, 공분산 합 0.25, 제곱합 0.75와 0.75 → 1/3
    a = items["test_a"]
    assert a.p == 0.75 and a.discrimination == pytest.approx(1 / 3) and a.flags == ()


@pytest.mark.unit
def test_function_pass_rates_separate_visible_and_hidden():
    rates = {r["function"]: r for r in item_analysis.function_pass_rates(_batch(), AID)}
    # sigmoid: 공개 test_a 3/4, 숨은 hidden_b 2/4
    assert rates["sigmoid"] == {"function": "sigmoid", "n": 4, "visible": 0.75, "hidden": 0.5}
    # predict_binary: 공개 test_always 4/4, 숨은 (c, broken, never) 모두 통과한 학생 없음
    assert rates["predict_binary"]["visible"] == 1 and rates["predict_binary"]["hidden"] == 0


@pytest.mark.unit
def test_late_and_manual_summary_reads_a_manual_pending_column_when_there_is_one():
    rows = report.grade_rows([_report("s1", PASSES["s1"], late_hours=2.0, penalty=1.0),
                              _report("s2", PASSES["s2"], late_hours=0.0),
                              _report("s3", PASSES["s3"], late_hours=30.0)])
    total = report.late_and_manual_summary(rows)[-1]
    assert (total["late"], total["penalised"], total["penalty_points"], total["manual_pending"]) == (2, 1, 1.0, 0)
    rows[0][report.MANUAL_PENDING] = "3"
    rows[2][report.MANUAL_PENDING] = ""
    per_assignment, total = report.late_and_manual_summary(rows)
    assert per_assignment["assignment_id"] == AID
    assert (total["manual_pending"], total["manual_points"]) == (1, 3.0)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("overview") / "overview.html"
    reports = _batch()
    reports[0].late_hours, reports[0].penalty = 11.0, 1.0
    report.write_overview(reports, path)
    return path.read_text(encoding="utf-8")


@pytest.mark.unit
def test_overview_pictures_are_inline_svg_with_korean_alt_text_and_no_script(page):
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', page)
    assert len(images) == 3 == page.count("<img") == page.count("<figcaption>")
    for data, alt in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
        assert re.search(r"[가-힣]", alt) and re.search(r"\d", alt), alt
    alts = [alt for _, alt in images]
    assert "제출물 6개, 평균" in alts[0] and "만점 6점" in alts[0]
    assert "sigmoid 공개 75%, 숨은 50%" in alts[1]
    assert "아무도 통과하지 못한 테스트 1개(hidden_never)" in alts[2]
    assert "모두 통과한 테스트 1개(test_always)" in alts[2] and "변별도가 음수인 테스트 1개(hidden_broken)" in alts[2]
    assert "<script" not in page.lower() and "javascript:" not in page.lower() and " on" + "load=" not in page


@pytest.mark.unit
def test_overview_shows_the_summary_first_and_flags_in_the_table(page):
    summary = page.index("먼저 볼 것")
    assert summary < page.index(f"<h2>{AID}</h2>")
    assert "늦은 제출 1개(그중 감점 1개, 모두 1점), 서술형 답의 채점을 기다리는 제출물 0개입니다." in page
    row = re.search(r'<tr class="flag"><td><code>hidden_broken</code>.*?</tr>', page).group(0)
    assert "-0.89" in row and item_analysis.NEGATIVE in row
    assert re.search(r'<tr class="flag"><td><code>hidden_never</code>.*?아무도 통과하지 못했습니다', page)


@pytest.mark.unit
def test_writing_the_overview_with_its_figures_loads_no_matplotlib(tmp_path):
    """그림은 SVG를 직접 씁니다: 채점기는 개요를 쓸 때도 matplotlib을 불러오지 않습니다(불러오기만 0.5초)."""
    import subprocess
    import sys

    code = ("import sys\nfrom pathlib import Path\nfrom autograder.coordinator import report\n"
            "from tests.test_overview import _batch\n"
            f"report.write_overview(_batch(), Path({str(tmp_path / 'overview.html')!r}))\n"
            "print('matplotlib' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
    assert (tmp_path / "overview.html").read_text(encoding="utf-8").count("data:image/svg+xml") == 3


@pytest.mark.unit
def test_histogram_bars_are_as_tall_as_their_counts_and_its_words_are_glyph_shapes():
    """총점 분포: 막대의 높이가 구간마다 센 제출물 수에 비례하고(0점 둘, 3.5점 하나, 만점 둘), 글자는 ``<text>`` 가 아니라
    글꼴에서 꺼낸 글리프 모양입니다(보는 컴퓨터에 한글 글꼴이 없어도 보임): 축 이름 '점수'의 두 글자는 나눔고딕의
    모양, 눈금의 숫자는 DejaVu Sans의 모양입니다."""
    import xml.etree.ElementTree as ET

    from autograder.coordinator import charts

    root = ET.fromstring(charts.score_histogram([0, 0, 3.5, 20, 20], 20))
    ns = "{http://www.w3.org/2000/svg}"
    bars = [float(r.get("height")) for r in root.iter(ns + "rect") if r.get("fill") == charts.BLUE]
    assert len(bars) == 3 and bars[0] == pytest.approx(bars[2]) == pytest.approx(2 * bars[1]), bars
    assert root.find(f".//{ns}text") is None
    outlines = {p.get("d") for p in root.iter(ns + "path") if p.get("id")}
    latin, korean = charts._fonts()
    for ch, font in (("점", korean), ("수", korean), ("5", latin)):
        assert font.outline(font.cmap[ord(ch)]) in outlines, ch


@pytest.mark.unit
def test_glyphs_once_drawn_come_from_the_user_cache_and_a_tampered_cache_is_not_used(tmp_path):
    """처음 그린 글자의 모양은 사용자 캐시(``XDG_CACHE_HOME`` 아래)에 남고, 다음 프로세스는 글꼴 파일을 열지 않고(fontTools를
    불러오지 않고) 바이트까지 같은 그림을 그립니다. 캐시의 모양에 SVG 밖으로 나가는 글(``"/><script>``)을 넣으면 그
    캐시는 쓰지 않고 글꼴에서 다시 꺼내 같은 그림을 그립니다."""
    import json
    import subprocess
    import sys

    from autograder import course

    code = """
import hashlib, sys
from autograder.coordinator import charts
svg = charts.score_histogram([0, 0, 3.5, 20, 20], 20) + charts.pass_rate_chart(
    [{"function": "시그모이드", "visible": 0.5, "hidden": None}])
print(hashlib.sha256(svg).hexdigest(), "fontTools" in sys.modules, b"<script" in svg)
"""
    env = {**course.env_with_venv_bin(), "XDG_CACHE_HOME": str(tmp_path)}

    def draw() -> list[str]:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=course.REPO, env=env,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.split()

    first = draw()
    assert first[1:] == ["True", "False"]
    [cache] = tmp_path.glob("*/chart-glyphs/*.json")
    assert {"시", "5", "%"} <= set(json.loads(cache.read_text(encoding="utf-8")))
    assert draw() == [first[0], "False", "False"]
    glyphs = json.loads(cache.read_text(encoding="utf-8"))
    glyphs["5"][4] = '"/><script>alert(1)</script><path d="'
    cache.write_text(json.dumps(glyphs), encoding="utf-8")
    assert draw() == [first[0], "True", "False"]


@pytest.mark.unit
def test_figures_drawn_once_are_reused_until_their_data_changes(tmp_path, monkeypatch):
    """다시 채점할 때 결과가 그대로인 과제의 그림은 다시 그리지 않고 남겨 둔 SVG를 씁니다(쪽은 바이트까지 같음). 자료가
    바뀐 그림만 다시 그리고, 쓰이지 않게 된 그림 파일은 지웁니다."""
    from autograder.coordinator import charts

    drawn = []
    for name in ("score_histogram", "pass_rate_chart", "item_chart"):
        real = getattr(charts, name)
        monkeypatch.setattr(charts, name, lambda *a, _real=real, _name=name: (drawn.append(_name), _real(*a))[1])
    figures = tmp_path / ".overview-figures"
    report.write_overview(_batch(), tmp_path / "first.html", figures)
    assert len(drawn) == 3 and len(list(figures.glob("*.svg"))) == 3
    report.write_overview(_batch(), tmp_path / "again.html", figures)
    assert len(drawn) == 3
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "first.html").read_bytes()
    changed = _batch()
    changed[0].score = 0.0  # 총점 분포만 바뀝니다
    report.write_overview(changed, tmp_path / "changed.html", figures)
    assert drawn[3:] == ["score_histogram"] and len(list(figures.glob("*.svg"))) == 3
