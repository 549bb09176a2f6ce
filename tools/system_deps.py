"""테스트가 쓰는 시스템 프로그램(Debian 패키지)과 npm 패키지를 확인하고, 할 수 있으면 설치합니다.

    python3 tools/system_deps.py           # 없는 것을 설치합니다(root이거나 sudo를 암호 없이 쓸 수 있을 때)
    python3 tools/system_deps.py --check   # 확인만 합니다

README의 테스트 명령과 CI(.ci/run)가 이 단계를 먼저 부릅니다. 테스트는 아무것도 설치하지 않습니다.
설치할 수 없으면 그대로 칠 ``apt-get install`` 줄을 보여 주고 1로 끝납니다. 다 있으면 0입니다.
표준 라이브러리만 쓰므로 가상 환경 없이 시스템의 python3로 돕니다. 테스트(tests/conftest.py)도 이 모듈의
:func:`missing`으로 무엇이 없는지 한 번 알리고, ``CI=true``이면 없는 것을 실패로 다룹니다.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
JS_DIR = REPO / "tests" / "js"
AXE = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"


def _command(*names: str) -> Callable[[], bool]:
    return lambda: any(shutil.which(n) for n in names)


def _postgres_server() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None


@dataclass(frozen=True)
class Need:
    """테스트가 쓰는 것 하나: 이름(테스트가 부르는 이름), 설치하는 Debian 패키지, 있는지 확인하는 법, 쓰는 곳."""

    name: str
    debian: str
    present: Callable[[], bool]
    used_by: str


NEEDS = (
    Need("bubblewrap", "bubblewrap", _command("bwrap"), "채점 샌드박스 (tests/test_sandbox.py, 채점 테스트 전부)"),
    Need("chromium", "chromium", _command("chromium", "chromium-browser"), "브라우저·PDF 테스트"),
    Need("poppler-utils", "poppler-utils", _command("pdffonts"), "PDF에 박힌 글꼴 확인 (pdffonts)"),
    Need("nodejs", "nodejs", _command("node"), "검색 분할기 테스트, axe-core"),
    Need("npm", "npm", _command("npm"), "axe-core 설치"),
    Need("postgresql", "postgresql", _postgres_server, "PostgreSQL 성적부 테스트"),
)
#: npm으로 까는 것(tests/js/package-lock.json에 고정): 접근성 검사기 axe-core
NPM_NEED = Need("axe-core", "", AXE.is_file, "브라우저 테스트의 접근성 검사 (WCAG 2 A/AA)")


def missing() -> list[Need]:
    """지금 없는 것들."""
    return [n for n in (*NEEDS, NPM_NEED) if not n.present()]


def apt_line(needs: list[Need]) -> str:
    packages = " ".join(n.debian for n in needs if n.debian)
    return f"sudo apt-get update && sudo apt-get install -y --no-install-recommends {packages}"


def _privilege() -> list[str] | None:
    """apt-get을 부를 앞머리: root이면 [], 암호 없는 sudo가 되면 ["sudo", "-n"], 아니면 None."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def install() -> int:
    absent = [n for n in NEEDS if not n.present()]
    if absent:
        prefix = _privilege()
        if prefix is None:
            print("테스트에 필요한 시스템 패키지가 없습니다: " + ", ".join(n.name for n in absent), file=sys.stderr)
            print("설치할 권한이 없어 멈춥니다. 이 줄을 실행한 뒤 다시 하세요:\n  " + apt_line(absent), file=sys.stderr)
            return 1
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        print("시스템 패키지를 설치합니다: " + " ".join(n.debian for n in absent), file=sys.stderr)
        subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        *[n.debian for n in absent]], env=env, check=True)
    if not NPM_NEED.present():
        if shutil.which("npm") is None:
            print("npm이 없어 axe-core를 설치할 수 없습니다: " + apt_line([n for n in NEEDS if n.name == "npm"]), file=sys.stderr)
            return 1
        subprocess.run(["npm", "ci", "--prefix", str(JS_DIR), "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    still = missing()
    if still:
        print("설치한 뒤에도 없는 것: " + ", ".join(n.name for n in still), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="테스트에 필요한 시스템 패키지를 확인하고 설치합니다.")
    parser.add_argument("--check", action="store_true", help="설치하지 않고 확인만 합니다")
    args = parser.parse_args(argv)
    if args.check:
        absent = missing()
        for need in absent:
            print(f"없음: {need.name} — {need.used_by}")
        if absent:
            print("설치: python3 tools/system_deps.py (또는 " + apt_line(absent) + ")")
        return 1 if absent else 0
    return install()


if __name__ == "__main__":
    sys.exit(main())
