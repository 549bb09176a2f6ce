"""마감, 늦은 제출 감점, 기한 연장 (deadlines, late penalties, extensions).

- 마감: ``grade --due 2026-03-16T23:59:00+09:00`` (모든 과제) 또는 과정 파일(``--course course.toml``)의
  ``[due]`` 표에 과제마다. 둘 다 있으면 ``--due``가 이깁니다. 시간대(offset)가 없는 시각은 받지 않습니다.
- 제출 시각: 제출 폴더(``<학생>/<과제>/``)의 ``timestamp.txt``. ``nbgrader submit``이 쓰고 ``nbgrader collect``가
  그대로 옮겨 오는 파일이며, nbgrader 자신의 ``parse_utc``로 읽습니다(기본 형식 ``2026-03-16 14:59:00.000000 UTC``).
- 연장: ``--extensions FILE``, 머리줄이 ``student_id,assignment_id,hours``인 CSV.
- 감점: ``--late-penalty P``. 늦은 날(시작된 24시간)마다 만점의 P%, 원점수 아래로는 빼지 않습니다(기본 0:
  늦은 것만 기록, nbgrader의 기본값과 같음).

      late_hours = max(0, 제출 시각 − (마감 + 연장)) / 1시간
      penalty    = min(raw_score, P/100 × max_score × ceil(late_hours / 24))
      score      = raw_score − penalty

- 규칙: 마감이 있는데 ``timestamp.txt``가 없거나 읽을 수 없으면 **기한 안에 낸 것으로 봅니다**(감점 0,
  ``late_hours`` 0). 그렇게 보았다는 것을 ``detail``과 피드백에 적습니다.

늦은 정도는 nbgrader 성적부의 제 자리에 적습니다: ``Assignment.duedate``, ``SubmittedAssignment.timestamp``,
``SubmittedAssignment.extension``, ``SubmittedNotebook.late_submission_penalty``. ``late_hours``는 nbgrader가
계산하는 ``SubmittedAssignment.total_seconds_late``에서 옵니다.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..course import UsageError
from . import ids

TIMESTAMP_FILE = "timestamp.txt"


class InputError(UsageError):
    """강사가 준 입력(마감, 과정 파일, 연장 파일, 과제 id)이 잘못됨. 명령은 이유를 출력하고 종료 상태 2로 끝납니다."""


def parse_due(text: str, what: str = "--due") -> dt.datetime:
    """ISO 8601 시각(시간대 포함)을 시간대 없는 UTC로 바꿉니다(nbgrader 성적부가 쓰는 꼴)."""
    try:
        when = text if isinstance(text, dt.datetime) else dt.datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"{what}: 시각을 읽을 수 없습니다: {text!r}. "
                         "ISO 8601 형식에 시간대를 붙여 주세요 (예: 2026-03-16T23:59:00+09:00).") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise InputError(f"{what}: 시간대가 없습니다: {text!r}. "
                         "예: 2026-03-16T23:59:00+09:00 (한국 시각), 2026-03-16T14:59:00Z (UTC).")
    return (when - when.utcoffset()).replace(tzinfo=None)


def read_timestamp(folder: Path | None) -> tuple[dt.datetime | None, str]:
    """제출 폴더의 timestamp.txt → (UTC 시각, 문제가 있으면 그 이유)."""
    from nbgrader.utils import parse_utc

    if folder is None:
        return None, "제출 폴더가 없습니다"
    path = Path(folder) / TIMESTAMP_FILE
    if not path.is_file():
        return None, f"{TIMESTAMP_FILE}이(가) 없습니다"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None, f"{TIMESTAMP_FILE}을(를) 읽을 수 없습니다"
    if not text:
        return None, f"{TIMESTAMP_FILE}이(가) 비어 있습니다"
    parts = text.split(" ")
    if len(parts) == 3 and not parts[2].lstrip("+-").isdigit():
        import dateutil.tz
        if dateutil.tz.gettz(parts[2]) is None:  # parse_utc would silently read an unknown zone as UTC
            return None, f"{TIMESTAMP_FILE}의 시간대를 알 수 없습니다: {text[:60]!r}"
    try:
        when = parse_utc(text)
    except (ValueError, OverflowError, TypeError):
        return None, f"{TIMESTAMP_FILE}의 시각을 읽을 수 없습니다: {text[:60]!r}"
    return when, ""


def read_course_file(path: Path, known: list[str]) -> dict[str, dt.datetime]:
    """과정 파일(TOML)의 ``[due]`` 표: 과제 id → 마감(UTC)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"과정 파일이 없습니다: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"과정 파일 {path}을(를) 읽을 수 없습니다: {exc}") from None
    table = data.get("due", {})
    if not isinstance(table, dict):
        raise InputError(f"과정 파일 {path}: [due]는 '과제 id = 마감 시각' 표여야 합니다.")
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise InputError(f"과정 파일 {path}: 알 수 없는 과제 id: {', '.join(unknown)} (있는 과제: {', '.join(known)})")
    return {aid: parse_due(value, f"과정 파일 {path} [due] {aid}") for aid, value in table.items()}


def read_extensions(path: Path, known: list[str]) -> dict[tuple[str, str], float]:
    """연장 파일(CSV, 머리줄 ``student_id,assignment_id,hours``): (학생 id(NFC), 과제 id) → 연장 시간."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise InputError(f"연장 파일이 없습니다: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"연장 파일 {path}을(를) 읽을 수 없습니다: {exc}") from None
    header = [h.strip() for h in rows[0]] if rows else []
    if header != ["student_id", "assignment_id", "hours"]:
        raise InputError(f"연장 파일 {path}: 첫 줄은 'student_id,assignment_id,hours'여야 합니다 (지금: {','.join(header)!r}).")
    out: dict[tuple[str, str], float] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3:
            raise InputError(f"연장 파일 {path} {n}번째 줄: 칸이 3개여야 합니다 (지금 {len(row)}개).")
        sid, aid, hours = (c.strip() for c in row)
        if aid not in known:
            raise InputError(f"연장 파일 {path} {n}번째 줄: 알 수 없는 과제 id {aid!r} (있는 과제: {', '.join(known)})")
        try:
            value = float(hours)
        except ValueError:
            value = float("nan")
        if not math.isfinite(value) or value < 0:
            raise InputError(f"연장 파일 {path} {n}번째 줄: hours는 0 이상의 수여야 합니다 (지금 {hours!r}).")
        key = (ids.normalize(sid), aid)
        if not sid or key in out:
            raise InputError(f"연장 파일 {path} {n}번째 줄: 학생 id가 비었거나 같은 학생·과제가 두 번 적혀 있습니다.")
        out[key] = value
    return out


@dataclass
class Policy:
    """한 번의 채점에 쓰는 마감 규칙."""

    due: dict[str, dt.datetime] = field(default_factory=dict)  # 과제 id → 마감(UTC, 시간대 없음)
    #: (학생 id, 과제 id) → 연장 시간. None이면 연장 파일이 없는 것: 성적부에 nbgrader로 준 연장을 그대로 둡니다.
    extensions: dict[tuple[str, str], float] | None = None
    penalty_percent: float = 0.0

    @classmethod
    def from_args(cls, due: str | None, course_file: Path | None, extensions: Path | None,
                  penalty_percent: float, known: list[str]) -> Policy:
        if not math.isfinite(penalty_percent) or not 0 <= penalty_percent <= 100:
            raise InputError(f"--late-penalty는 0에서 100 사이의 퍼센트여야 합니다 (지금 {penalty_percent:g}).")
        dues = read_course_file(course_file, known) if course_file else {}
        if due is not None:
            when = parse_due(due)
            dues = {aid: when for aid in known}
        return cls(dues, read_extensions(extensions, known) if extensions else None, penalty_percent)


def penalty(raw_score: float, max_score: float, late_hours: float, percent: float) -> float:
    """늦은 날(시작된 24시간)마다 만점의 percent%, 원점수보다 크지 않게."""
    days = math.ceil(round(late_hours, 9) / 24) if late_hours > 0 else 0
    return round(min(raw_score, percent / 100 * max_score * days), 4)


def apply(recorder, rep, folder: Path | None, policy: Policy) -> None:
    """제출물 하나의 늦은 정도와 감점을 성적부에 적고(``gradebook.Recorder`` 의 지금 트랜잭션) ``rep``(점수, detail,
    피드백 문장)에 반영합니다."""
    rep.raw_score = rep.score
    timestamp, problem = read_timestamp(folder)
    due = policy.due.get(rep.assignment_id)
    hours = (policy.extensions or {}).get((rep.student_id, rep.assignment_id))
    extension = dt.timedelta(hours=hours) if hours else None

    def penalty_of(seconds: float) -> float:
        if due is None or timestamp is None or seconds <= 0:
            return 0.0  # 마감이 없거나 제출 시각을 모르면 감점 없음 (전에 채점할 때 남은 감점도 지웁니다)
        return penalty(rep.raw_score, rep.max_score, seconds / 3600, policy.penalty_percent)

    seconds, rep.penalty = recorder.record_lateness(rep.assignment_id, rep.student_id, due, timestamp, extension,
                                                policy.extensions is not None, penalty_of)
    if due is None:
        return
    if timestamp is None:
        rep.late_hours = 0.0
        note = f"제출 시각을 알 수 없어({problem}) 기한 안에 낸 것으로 보았습니다."
        rep.detail = join_details(rep.detail, note)
        return
    rep.late_hours = round(seconds / 3600, 2)
    rep.score = round(rep.raw_score - rep.penalty, 4)
    if seconds > 0:
        days = math.ceil(round(seconds / 3600, 9) / 24)
        text = f"마감보다 {_hours_text(seconds)} 늦게 제출했습니다(늦은 날 {days}일로 셉니다)."
        if rep.penalty > 0:
            per_day = round(policy.penalty_percent / 100 * rep.max_score, 4)
            uncapped = round(per_day * days, 4)
            text += f" 하루에 만점의 {policy.penalty_percent:g}%({per_day:g}점)씩 {days}일"
            if uncapped > rep.penalty:
                text += (f"이면 {uncapped:g}점이지만 원점수보다 많이 빼지 않으므로 {rep.penalty:g}점을 빼서 "
                         f"{rep.raw_score:g}점이 {rep.score:g}점이 되었습니다.")
            else:
                text += f", {rep.penalty:g}점을 빼서 {rep.raw_score:g}점이 {rep.score:g}점이 되었습니다."
        else:
            text += " 감점은 없습니다."
        if extension:
            text += f" (연장 {hours:g}시간을 반영한 마감 기준입니다.)"
        rep.late_text = text
        note = f"늦은 제출: {rep.late_hours:g}시간, 감점 {rep.penalty:g}점"
        rep.detail = join_details(rep.detail, note)


def join_details(*parts: str) -> str:
    """grades.csv의 ``detail`` 하나에 사정 여럿을 적는 한 가지 방법: 빈 것은 빼고, 앞 것의 끝 마침표를 지우고 "; "로 잇습니다."""
    kept = [p.strip() for p in parts if p and p.strip()]
    return "; ".join([p.rstrip(".") for p in kept[:-1]] + kept[-1:])


def _hours_text(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    d, rest = divmod(minutes, 24 * 60)
    h, m = divmod(rest, 60)
    parts = [f"{d}일" if d else "", f"{h}시간" if h else "", f"{m}분" if m else ""]
    return " ".join(p for p in parts if p)

