"""테스트 모음의 시간: README의 테스트 명령(``python -m pytest``, 작업자 둘)과 단위 테스트 묶음(``-m unit``)의 벽시계 시간.

저장소를 임시 폴더에 복제해(깨끗한 체크아웃, CI와 같게) 그 안에서 돌립니다. 전체는 빈 사용자 캐시 폴더로
돌립니다(``XDG_CACHE_HOME``: 새 컴퓨터의 CI처럼 글꼴과 성적부 등록본을 처음부터 만듭니다). 가상 환경은 이 저장소의 것을 쓰고,
npm으로 받은 접근성 검사기(tests/js/node_modules)도 이 저장소의 것을 씁니다. 오래 걸린 테스트(준비 포함) 상위
목록도 함께 적습니다.

전체를 도는 동안에는 0.25초마다 /proc을 훑어 프로세스마다 쓴 CPU를 모으고, 그것을 프로세스의 종류(채점 커널, 실행
프로세스, 책의 장을 실행하는 커널, chromium …)별로 더해 적습니다(``cpu_by_kind``): 테스트 모음의 시간이 어디에
드는지. 0.25초보다 짧게 산 프로세스와, 프로세스마다 마지막으로 훑은 뒤 끝나기까지 쓴 몫은 잡히지 않으므로, 컴퓨터가
일한 시간과의 차이를 ``unattributed`` 로 함께 적습니다(프로세스 회계로 재어 보니 거의 모두 뒤의 것이었습니다).

    python -m benchmarks.suite               # 단위 묶음과 전체
    python -m benchmarks.suite --unit-only   # 단위 묶음만

결과 표를 출력하고 benchmarks/results-suite.json 에 씁니다. 전체를 돌리면 2코어에서 몇 분 걸립니다.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from autograder import course
from benchmarks import machine, save

RESULTS = Path(__file__).resolve().with_name("results-suite.json")
#: issue 26의 목표(초)
TARGETS = {"full": 8 * 60, "unit": 30}


def clone(tmp: Path) -> Path:
    """커밋된 저장소의 깨끗한 복제. 가상 환경과 npm 패키지는 이 저장소의 것에 잇습니다."""
    repo = tmp / "repo"
    subprocess.run(["git", "clone", "-q", str(course.REPO), str(repo)], check=True)
    (repo / ".venv").symlink_to(course.REPO / ".venv")
    modules = course.REPO / "tests" / "js" / "node_modules"
    if modules.is_dir():
        (repo / "tests" / "js" / "node_modules").symlink_to(modules)
    return repo


def _cpu_times() -> tuple[float, float, float]:
    """이 컴퓨터 전체의 (일한, 쉰, 빼앗긴) CPU 시간(코어·초), /proc/stat에서. 커널은 샌드박스의 다른 pid 이름공간에서
    돌아 pytest의 자식 CPU 시간(rusage)에 잡히지 않으므로, 테스트 모음이 CPU를 얼마나 썼는지는 컴퓨터 전체로 잽니다.
    빼앗긴 시간(steal)은 가상 머신의 주인이 다른 일에 쓴 시간으로, 일한 시간에 넣지 않습니다."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle, steal = fields[3] + fields[4], fields[7]  # idle + iowait, steal
    return (sum(fields[:7]) - idle) / ticks, idle / ticks, steal / ticks


#: 프로세스의 명령줄에 든 말 → 종류(위에서부터 처음 맞는 것). 포크 서버와 그 자식(실행 프로세스)은 명령줄이 같아
#: 부모로 가립니다. 채점 커널은 새로 띄운 것(시작 코드가 ``autograder.kernel`` 을 부름), 샌드박스의 런처, 커널 씨앗과
#: 씨앗에서 갈라 낸 것(씨앗의 명령줄을 그대로 가짐)이 모두 한 종류입니다.
KINDS = (
    ("ipykernel_launcher", "책의 장을 실행하는 커널"),
    ("autograder.kernel", "채점 커널"),
    ("kernel_launcher.py", "채점 커널"),
    ("autograder.worker.forkserver", "포크 서버"),
    ("autograder.worker.runner", "실행 프로세스"),
    ("-m autograder", "채점기 명령(python -m autograder …)"),
    ("jupyter-book", "jupyter-book 빌드(Sphinx)"),
    ("chrom", "chromium"),
    ("exec(eval(sys.stdin", "pytest 작업자(테스트 코드)"),
    ("-m pytest", "pytest"),
    ("nbgrader", "nbgrader 명령"),
    ("jupyter", "Jupyter 서버·명령"),
    ("postgres", "PostgreSQL"),
    ("distributed", "Dask"),
    ("dask", "Dask"),
    ("node", "node"),
)


def _kind(command: str, parent: str) -> str:
    if "autograder.worker.forkserver" in command and "autograder.worker.forkserver" in parent:
        return "실행 프로세스"
    return next((kind for word, kind in KINDS if word in command), "그 밖의 것")


class ProcessSampler:
    """도는 동안 주기마다 /proc의 모든 프로세스를 읽어, 프로세스(pid와 시작 시각)마다 마지막으로 본 CPU 시간(사용자 +
    커널)을 모읍니다. 끝나면 :meth:`by_kind` 로 종류별 합계(코어·초)를 돌려줍니다."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self._seen: dict[tuple[int, str], list] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._ticks = os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        self._start_ticks = self._uptime_ticks()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _uptime_ticks(self) -> float:
        return float(Path("/proc/uptime").read_text().split()[0]) * self._ticks

    def _loop(self) -> None:
        while not self._stop.is_set():
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    self._read(entry.name)
            self._stop.wait(self.interval)

    def _read(self, pid: str) -> None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return
        fields = stat[stat.rfind(")") + 2:].split()
        key, cpu = (int(pid), fields[19]), (int(fields[11]) + int(fields[12])) / self._ticks
        record = self._seen.get(key)
        if record is not None:
            record[2] = cpu
            return
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            command = ""
        self._seen[key] = [int(fields[1]), command or stat[stat.find("(") + 1:stat.rfind(")")], cpu,
                           int(fields[19]) >= self._start_ticks]

    def by_kind(self) -> dict[str, list]:
        """종류 → [CPU 코어·초, 프로세스 수], 큰 것부터. 재기 전에 있던 프로세스는 그 뒤에 쓴 것만 세지 못하므로 뺍니다."""
        commands = {pid: record[1] for (pid, _), record in self._seen.items()}
        totals: dict[str, list] = defaultdict(lambda: [0.0, 0])
        for ppid, command, cpu, new in self._seen.values():
            if new and cpu > 0:
                total = totals[_kind(command, commands.get(ppid, ""))]
                total[0] += cpu
                total[1] += 1
        return {k: [round(v[0], 1), v[1]] for k, v in sorted(totals.items(), key=lambda kv: -kv[1][0])}


def run(repo: Path, args: list[str], cache: Path | None = None, sample: bool = False) -> dict:
    """``cache`` 가 있으면 그 폴더를 ``XDG_CACHE_HOME`` 으로(사용자 캐시가 빈 새 컴퓨터처럼)."""
    env = {**course.env_with_venv_bin(), "CI": "true", "PYTHONPATH": str(repo),
           **({"XDG_CACHE_HOME": str(cache)} if cache else {})}
    start = time.monotonic()
    busy0, idle0, steal0 = _cpu_times()
    with ProcessSampler() if sample else contextlib.nullcontext() as sampler:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=25", *args],
                              cwd=repo, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    busy1, idle1, steal1 = _cpu_times()
    out = proc.stdout + proc.stderr
    # pytest의 마지막 요약 줄(뒤에 다른 출력이 붙을 수 있으므로 찾아서)
    summary = next((ln for ln in reversed(out.strip().splitlines()) if re.search(r"\d+ (passed|failed)", ln)), "")
    durations = [[float(m[1]), m[2], m[3]] for m in re.finditer(r"^(\d+\.\d+)s (setup|call|teardown)\s+(\S+)", out, re.M)]
    return {"args": args, "wall_s": round(wall, 1), "returncode": proc.returncode, "summary": summary,
            # 이 컴퓨터의 모든 코어가 그동안 일한 시간: 코어 수 × 벽시계에 가까우면 CPU가 한계입니다
            "machine_busy_core_s": round(busy1 - busy0, 1), "machine_idle_core_s": round(idle1 - idle0, 1),
            "machine_steal_core_s": round(steal1 - steal0, 1),
            "slowest": [[round(d[0], 1), f"{d[1]} {d[2]}"] for d in durations[:25]],
            **({"cpu_by_kind": _breakdown(sampler.by_kind(), busy1 - busy0)} if sampler else {}),
            **({"output_tail": out[-3000:]} if proc.returncode else {})}


def _breakdown(kinds: dict[str, list], busy: float) -> dict[str, list]:
    """종류별 합계에 잡히지 않은 몫(프로세스마다 마지막으로 훑은 뒤 쓴 몫, 짧게 산 프로세스, 재는 일 자체)을
    ``unattributed`` 로 더합니다."""
    return {**kinds, "unattributed": [round(busy - sum(cpu for cpu, _ in kinds.values()), 1), 0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite", description=__doc__.splitlines()[0])
    parser.add_argument("--unit-only", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = {"machine": machine(),
               "load_before": round(os.getloadavg()[0], 2), "targets_s": TARGETS}
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        repo = clone(Path(tmp))
        results["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True,
                                           text=True).stdout.strip()
        results["unit"] = run(repo, ["-m", "unit"])
        print(f"단위 묶음: {results['unit']['wall_s']} s (목표 < {TARGETS['unit']} s) — {results['unit']['summary']}")
        if not args.unit_only:
            # 전체는 CI처럼 빈 사용자 캐시(글꼴, 성적부 등록본, matplotlib의 글꼴 목록)에서 돌립니다. 단위 묶음은
            # 개발자가 되풀이해 돌리는 것이므로 이 컴퓨터의 캐시를 그대로 씁니다.
            results["full"] = run(repo, [], cache=Path(tmp) / "cache", sample=True)
            results["full"]["user_cache"] = "empty (fresh XDG_CACHE_HOME)"
            print(f"전체: {results['full']['wall_s']} s (목표 ≤ {TARGETS['full']} s) — {results['full']['summary']}; "
                  f"컴퓨터가 일한 CPU {results['full']['machine_busy_core_s']} 코어·초, 쉰 CPU "
                  f"{results['full']['machine_idle_core_s']} 코어·초")
            for seconds, name in results["full"]["slowest"][:10]:
                print(f"  {seconds:7.1f} s  {name}")
            print("프로세스 종류별 CPU(코어·초, 프로세스 수):")
            for kind, (cpu, count) in results["full"].get("cpu_by_kind", {}).items():
                print(f"  {cpu:7.1f}  {count:5d}  {kind}")
    # 같은 종류의 컴퓨터도 도중에 30–50% 느려지곤 합니다: 끝난 뒤의 속도도 적어, 시작할 때와 다르면 그 실행의 시간을
    # 다른 실행과 견주지 않습니다.
    results["machine_after"] = machine()
    save(args.out, results)
    return 0 if all(results[k]["returncode"] == 0 for k in ("unit", "full") if k in results) else 1


if __name__ == "__main__":
    sys.exit(main())
