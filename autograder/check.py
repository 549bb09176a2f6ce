"""과제마다 '정답 = 자동 채점 만점(서술형 답은 채점 대기), 학생본 = 0점'을 실제 채점 경로(grade)로 확인합니다."""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import course, notebooks
from .coordinator.grade import Grader, discover
from .limits import Limits


def check(assignment_ids: list[str], jobs: int = 1, limits: Limits | None = None) -> int:
    """문제가 없으면 0, 있으면 1."""
    with tempfile.TemporaryDirectory(prefix="check-") as tmp:
        subs = Path(tmp) / "submissions"
        for aid in assignment_ids:
            for name in course.notebook_names(aid):
                notebooks.write_notebook(notebooks.solution_submission(aid, name), subs / "solution" / aid / f"{name}.ipynb")
                notebooks.write_notebook(notebooks.release_notebook(aid, name), subs / "stub" / aid / f"{name}.ipynb")
        reports = Grader(Path(tmp) / "out", limits=limits, jobs=jobs).run(discover(subs, assignment_ids))
    problems = 0
    for rep in sorted(reports, key=lambda r: (r.assignment_id, r.student_id)):
        # 서술형 답은 강사가 채점합니다: 정답은 자동 채점 점수가 만점이고 서술형 답은 모두 채점 대기,
        # 학생본은 0점(빈 서술형 답은 nbgrader가 0점으로 봅니다)이고 대기 없음.
        written = sum(w.max_score for w in rep.written)
        solution = rep.student_id == "solution"
        expected = rep.max_score - written if solution else 0.0
        pending = written if solution else 0.0
        ok = rep.score == expected and rep.pending == pending and rep.scored and rep.max_score > 0
        problems += not ok
        mark = "통과" if ok else "실패"
        who = "정답" if solution else "학생본"
        waiting = f", 서술형 {rep.pending:g}점은 강사가 채점(대기)" if rep.pending else ""
        print(f"{mark} {rep.assignment_id:24} {who} {rep.score:g}/{rep.max_score:g} ({rep.status}{waiting})"
              + ("" if ok else f"  기대한 점수 {expected:g}, 채점 대기 {pending:g}점; 통과하지 못한 테스트: "
                 + ", ".join(t.grade_id for t in rep.tests if not t.passed)))
    return 1 if problems else 0
