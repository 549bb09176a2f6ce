"""학생 id 하나에 학생 한 명 (one id per student, whatever the operating system).

macOS에서 모은 제출물은 한글 폴더 이름이 NFD(자모를 풀어 쓴 꼴)로 옵니다. ``김철수``가 NFC로는 코드 포인트
3개, NFD로는 8개라서, 그대로 쓰면 같은 학생이 두 명이 되고 명단과 맞춰 볼 때 조용히 빠집니다. 그래서 채점기는
학생 id를 어디서나(성적표, 성적부, 피드백 경로, 내보내기) NFC로 바꿔 씁니다.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path


def normalize(student_id: str) -> str:
    """학생 id의 NFC 형태."""
    return unicodedata.normalize("NFC", student_id)


def describe(name: str) -> str:
    """폴더 이름을 정규화 형태와 코드 포인트 수로 알아볼 수 있게 적습니다."""
    form = "NFC" if unicodedata.is_normalized("NFC", name) else "NFD" if unicodedata.is_normalized("NFD", name) else "혼합"
    return f"'{name}' ({form}, 코드 포인트 {len(name)}개)"


def collision_detail(student_id: str, folders: list[Path]) -> str:
    """NFC로 같은 id가 되는 폴더가 둘 이상일 때 grades.csv의 detail에 적을 문장."""
    names = ", ".join(describe(f.name) for f in folders)
    return (f"학생 id 충돌: 폴더 {len(folders)}개({names})가 모두 '{student_id}'(NFC)입니다. "
            "어느 쪽도 채점하지 않았습니다. 폴더를 하나로 합친 뒤 다시 채점하세요.")
