"""샌드박스가 학생 커널을 정말로 가두는지 진짜 커널과 nbclient 로 확인합니다.

해가 없는 시도(정답 읽기, 네트워크, 바깥 쓰기, 메모리 폭탄 등)는 커널 하나에서 셀마다
하나씩 실행하고, 테스트마다 해당 셀의 결과를 봅니다. 커널을 죽이는 시나리오(포크 폭탄,
CPU 시간 초과)와 대체 방식(unshare, setrlimit)은 따로 커널을 띄웁니다.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from autograder.limits import Limits
from autograder.worker.sandbox import BUBBLEWRAP, SETRLIMIT, UNSHARE, detect_isolation, make_kernel_manager
from tests.conftest import require

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="샌드박스는 리눅스 전용입니다")

needs_bwrap = pytest.mark.requires("bubblewrap")


def _unshare_works() -> bool:
    from autograder.worker.sandbox import _probe, _unshare_args

    return shutil.which("unshare") is not None and _probe(["unshare", *_unshare_args(os.geteuid() == 0), "true"])


def _processes_of(uid: int) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    found.append(int(pid))
            except OSError:
                pass
    return found


def _run(cells: dict[str, str], workdir: Path, limits: Limits, *, isolation: str | None = None,
         deny=(), ro_paths=(), cell_timeout=120):
    """셀들을 격리된 커널에서 실행하고 (셀 이름 -> 셀, 설명, 커널 uid, 예외)를 돌려줍니다."""
    km, description = make_kernel_manager(workdir, limits, deny_paths=list(deny),
                                          isolation=isolation, ro_paths=list(ro_paths))
    nb = nbformat.v4.new_notebook()
    for name, source in cells.items():
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["name"] = name
        nb.cells.append(cell)
    client = NotebookClient(
        nb, km=km, allow_errors=True, interrupt_on_timeout=True, startup_timeout=120,
        timeout_func=lambda cell: cell_timeout if "time.sleep" in cell.source else 300,
        resources={"metadata": {"path": str(workdir)}},
    )

    async def go():
        try:
            await client.async_execute()
        except DeadKernelError as exc:
            return exc
        finally:
            # km 을 넘겨받은 nbclient 는 커널을 끄지 않습니다. 끄는 것은 호출한 쪽의 몫입니다.
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
        return None

    error = asyncio.run(go())
    by_name = {cell.metadata["name"]: cell for cell in nb.cells}
    return by_name, description, km.box.uid, error


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _error(cell) -> str | None:
    for output in cell.outputs:
        if output.output_type == "error":
            return output.ename
    return None


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """정답, 성적부, 다른 학생 제출물이 있는 과정 폴더와 앨리스 과제의 임시 복사본."""
    root = tmp_path_factory.mktemp("course")
    # pytest 의 임시 폴더는 0700 이라 학생 uid 가 공개 파일까지 못 읽습니다.
    root.chmod(0o755)
    (root / "README.md").write_text("공개 안내문\n", encoding="utf-8")
    (root / "solutions" / "ps1").mkdir(parents=True)
    (root / "solutions" / "ps1" / "answer.py").write_text("ANSWER = 42\n")
    (root / "gradebook.db").write_text("alice,100\n")
    for student in ("alice", "bob"):
        folder = root / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "ps1.ipynb").write_text(f"{student}'s work\n")
    workdir = tmp_path_factory.mktemp("work") / "앨리스 (alice) ps1"
    shutil.copytree(root / "submitted" / "alice" / "ps1", workdir)
    (workdir / "helper_module.py").write_text("VALUE = '내 도우미 모듈'\n", encoding="utf-8")
    deny = [root / "solutions", root / "gradebook.db", root / "submitted"]
    return {"root": root, "workdir": workdir, "deny": deny}


@pytest.fixture(scope="module")
def confined(course):
    """bubblewrap 커널 하나에서 해롭지 않은 공격을 셀마다 하나씩 실행한 결과."""
    require("bubblewrap")
    root = course["root"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    probe_name = f"ag-sandbox-probe-{uuid.uuid4().hex}"
    os.environ["AG_SANDBOX_SECRET"] = "hunter2"
    cells = {
        "setup": "import os, socket, sys, time\nimport numpy as np",
        "read_solution": f"open({str(root / 'solutions' / 'ps1' / 'answer.py')!r}).read()",
        "list_submissions": f"os.listdir({str(root / 'submitted')!r})",
        "read_other_student": f"open({str(root / 'submitted' / 'bob' / 'ps1' / 'ps1.ipynb')!r}).read()",
        "read_gradebook": f"open({str(root / 'gradebook.db')!r}).read()",
        "read_public": f"print(open({str(root / 'README.md')!r}, encoding='utf-8').read())",
        "read_own_files": "print(open('ps1.ipynb').read())",
        "unmount_mask": (
            "import subprocess\n"
            f"r = subprocess.run(['unshare', '-rm', 'sh', '-c', 'umount {root / 'solutions'}; "
            f"cat {root / 'solutions' / 'ps1' / 'answer.py'}'], capture_output=True, text=True)\n"
            "print(r.returncode, r.stdout, r.stderr)"
        ),
        "connect_loopback": f"socket.create_connection(('127.0.0.1', {port}), timeout=2)",
        "connect_external": "socket.create_connection(('1.1.1.1', 80), timeout=2)",
        "write_course": f"open({str(root / 'pwned.txt')!r}, 'w')",
        "write_python_env": "open(os.path.join(sys.prefix, 'pwned.txt'), 'w')",
        "write_usr": "open('/usr/pwned.txt', 'w')",
        "write_tmp": f"open('/tmp/{probe_name}', 'w').write('x'); print('written')",
        "write_workdir": "open('result.txt', 'w').write('ok'); print(os.getcwd())",
        "big_file": "open('big.bin', 'wb').write(b'0' * (2 * 2**20))",
        "memory_bomb": "x = bytearray(64 * 2**30)",
        "memory_creep": "chunks = []\nwhile True:\n    chunks.append(np.empty(64 * 2**20, dtype=np.uint8))",
        "after_memory": "del chunks\nprint('alive')",
        "numpy_torch": (
            "import torch\ntorch.manual_seed(0)\n"
            "a = torch.ones(3, 3) @ torch.ones(3)\n"
            "print(float(a.sum()), float(np.linalg.solve(np.eye(2) * 2, np.ones(2)).sum()))"
        ),
        "import_own_module": "import helper_module\nprint(helper_module.VALUE)",
        "debugger": "import ipykernel.debugger\nprint(sys.modules.get('debugpy'), ipykernel.debugger._is_debugpy_available)",
        "identity": "print(os.getuid())",
        "become_root": "os.setuid(0)",
        "environment": "print(sorted(k for k in os.environ if 'SECRET' in k))",
        "interrupt": "time.sleep(60)",
        "after_interrupt": "print('alive')",
    }
    limits = Limits(memory_mb=1024, file_size_mb=1, cpu_seconds=120)
    try:
        result = _run(cells, course["workdir"], limits, isolation=BUBBLEWRAP,
                      deny=course["deny"], ro_paths=[root], cell_timeout=3)
    finally:
        del os.environ["AG_SANDBOX_SECRET"]
    try:
        listener.accept()
        accepted = True
    except BlockingIOError:
        accepted = False
    listener.close()
    cells_out, description, uid, error = result
    assert error is None, f"커널이 죽었습니다: {error}"
    return {"cells": cells_out, "description": description, "uid": uid, "accepted": accepted,
            "probe": Path("/tmp") / probe_name, "course": course}


@needs_bwrap
def test_bubblewrap_is_detected_when_installed():
    assert detect_isolation() == BUBBLEWRAP


@needs_bwrap
@pytest.mark.parametrize("cell", ["read_solution", "list_submissions", "read_other_student", "read_gradebook"])
def test_denied_paths_cannot_be_read(confined, cell):
    assert _error(confined["cells"][cell]) in {"PermissionError", "FileNotFoundError"}


@needs_bwrap
def test_masks_cannot_be_unmounted_from_a_nested_namespace(confined):
    # 학생이 새 사용자 이름공간에서 root 가 되어도 물려받은 가림막은 잠겨 있습니다.
    assert "ANSWER" not in _stdout(confined["cells"]["unmount_mask"])


@needs_bwrap
def test_visible_course_files_and_own_folder_stay_readable(confined):
    # 가림막이 정확히 금지한 경로에만 걸렸는지: 같은 폴더의 공개 파일과 자기 제출물은 읽힙니다.
    assert "공개 안내문" in _stdout(confined["cells"]["read_public"])
    assert "alice's work" in _stdout(confined["cells"]["read_own_files"])


@needs_bwrap
def test_network_is_unreachable(confined):
    assert _error(confined["cells"]["connect_loopback"]) in {"ConnectionRefusedError", "OSError"}
    assert _error(confined["cells"]["connect_external"]) in {"OSError", "TimeoutError"}
    assert not confined["accepted"], "샌드박스 안에서 채점기 쪽 포트에 접속했습니다"


@needs_bwrap
@pytest.mark.parametrize("cell", ["write_course", "write_python_env", "write_usr"])
def test_writing_outside_workdir_fails(confined, cell):
    assert _error(confined["cells"][cell]) in {"OSError", "PermissionError", "FileNotFoundError"}
    assert not (confined["course"]["root"] / "pwned.txt").exists()
    assert not (Path(sys.prefix) / "pwned.txt").exists()


@needs_bwrap
def test_tmp_is_private_and_workdir_is_writable(confined):
    assert "written" in _stdout(confined["cells"]["write_tmp"])
    assert not confined["probe"].exists()
    workdir = confined["course"]["workdir"]
    assert _stdout(confined["cells"]["write_workdir"]).strip() == str(workdir)
    assert (workdir / "result.txt").read_text() == "ok"


@needs_bwrap
def test_file_size_limit(confined):
    assert _error(confined["cells"]["big_file"]) == "OSError"
    assert (confined["course"]["workdir"] / "big.bin").stat().st_size <= 2**20


@needs_bwrap
def test_memory_bomb_raises_memory_error_and_kernel_survives(confined):
    assert _error(confined["cells"]["memory_bomb"]) == "MemoryError"
    assert _error(confined["cells"]["memory_creep"]) == "MemoryError"
    assert "alive" in _stdout(confined["cells"]["after_memory"])


@needs_bwrap
def test_numpy_and_torch_work(confined):
    assert _stdout(confined["cells"]["numpy_torch"]).split() == ["9.0", "1.0"]


@needs_bwrap
def test_student_modules_import_and_the_debugger_is_not_loaded(confined):
    # 커널은 ipykernel_launcher 와 같은 sys.path 로 뜨므로 과제 폴더의 .py 를 import 할 수 있습니다.
    assert _stdout(confined["cells"]["import_own_module"]).strip() == "내 도우미 모듈"
    # 채점 커널은 debugpy 없이 뜹니다(커널 시작이 0.2초 빨라집니다).
    assert _stdout(confined["cells"]["debugger"]).split() == ["None", "False"]


@needs_bwrap
def test_kernel_runs_unprivileged_with_a_clean_environment(confined):
    assert int(_stdout(confined["cells"]["identity"])) != 0
    assert _error(confined["cells"]["become_root"]) == "PermissionError"
    assert _stdout(confined["cells"]["environment"]).strip() == "[]"


@needs_bwrap
def test_cell_timeout_interrupts_the_sandboxed_kernel(confined):
    # SIGINT 는 bwrap 에 닿아 커널을 죽이므로 제어 채널 메시지로 중단합니다.
    assert _error(confined["cells"]["interrupt"]) == "KeyboardInterrupt"
    assert "alive" in _stdout(confined["cells"]["after_interrupt"])


@needs_bwrap
def test_description_names_bubblewrap_and_denied_paths(confined):
    description = confined["description"]
    assert description.startswith("bubblewrap (네트워크 차단, 시스템은 읽기 전용")
    for path in confined["course"]["deny"]:
        assert str(path) in description


@needs_bwrap
def test_fork_bomb_is_contained(tmp_path):
    # 자식이 다시 포크하는 고전적인 폭탄은 자식마다 트레이스백을 만드느라 느립니다. 여기서는
    # 자식이 잠든 채 남는 폭탄으로 같은 한도(RLIMIT_NPROC)와 뒷정리를 빠르게 확인합니다.
    bomb = "import os, time\nwhile True:\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)"
    cells = {"bomb": bomb, "after": "print('alive')"}
    cells_out, _, uid, error = _run(cells, tmp_path, Limits(max_processes=32), isolation=BUBBLEWRAP)
    # 한도에 걸린 포크는 학생 코드의 예외가 되고, 커널은 살아서 다음 셀을 실행합니다.
    assert error is None, f"커널이 죽었습니다: {error!r}"
    assert _error(cells_out["bomb"]) == "BlockingIOError"
    assert "alive" in "".join(o.get("text", "") for o in cells_out["after"].outputs)
    # 채점기 쪽은 여전히 프로세스를 만들 수 있고, 커널이 끝나면 학생 uid 의 프로세스가 남지 않습니다.
    assert subprocess.run(["true"]).returncode == 0
    if uid is not None:
        deadline = time.monotonic() + 10
        while _processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_of(uid) == []


@needs_bwrap
def test_cpu_limit_ends_a_busy_loop(tmp_path):
    start = time.monotonic()
    cells = {"spin": "while True:\n    pass"}
    _, _, _, error = _run(cells, tmp_path, Limits(cpu_seconds=2), isolation=BUBBLEWRAP)
    assert isinstance(error, DeadKernelError)
    assert time.monotonic() - start < 60


@pytest.mark.skipif(not _unshare_works(), reason="unshare 로 네트워크·마운트 이름공간을 만들 수 없습니다")
def test_unshare_fallback_hides_denied_paths_and_network(course, tmp_path):
    root = course["root"]
    probe = f"ag-sandbox-probe-{uuid.uuid4().hex}"
    cells = {
        "setup": "import os, socket",
        "read_solution": f"open({str(root / 'solutions' / 'ps1' / 'answer.py')!r}).read()",
        "read_gradebook": f"open({str(root / 'gradebook.db')!r}).read()",
        "read_public": f"print(open({str(root / 'README.md')!r}, encoding='utf-8').read())",
        "connect_external": "socket.create_connection(('1.1.1.1', 80), timeout=2)",
        "write_tmp": f"open('/tmp/{probe}', 'w').write('x'); print('written')",
        "import_own_module": "import helper_module\nprint(helper_module.VALUE)",
        "debugger": "import ipykernel.debugger\nprint(sys.modules.get('debugpy'), ipykernel.debugger._is_debugpy_available)",
        "identity": "print(os.getuid())",
    }
    workdir = tmp_path / "work"
    workdir.mkdir()
    # 과정 폴더는 /tmp 아래라 덮여 사라지므로 ro_paths 로 다시 보이게 해서 가림막을 시험합니다.
    cells_out, description, _, error = _run(cells, workdir, Limits(), isolation=UNSHARE,
                                            deny=course["deny"], ro_paths=[root])
    assert error is None
    assert description.startswith("unshare+setrlimit (네트워크 차단")
    assert _error(cells_out["read_solution"]) == "PermissionError"
    assert _error(cells_out["read_gradebook"]) == "PermissionError"
    assert "공개 안내문" in _stdout(cells_out["read_public"])
    assert _error(cells_out["connect_external"]) == "OSError"
    assert "written" in _stdout(cells_out["write_tmp"]) and not Path("/tmp", probe).exists()
    if os.geteuid() == 0:
        assert int(_stdout(cells_out["identity"])) != 0


def test_setrlimit_only_applies_limits_and_says_what_is_missing(tmp_path):
    cells = {"limits": (
        "import resource\nprint(*[resource.getrlimit(getattr(resource, 'RLIMIT_' + n))[0]"
        " for n in ('CPU', 'DATA', 'NPROC', 'FSIZE')])"
    )}
    limits = Limits(cpu_seconds=100, memory_mb=2048, max_processes=300, file_size_mb=10)
    cells_out, description, uid, error = _run(cells, tmp_path, limits, isolation=SETRLIMIT)
    assert error is None
    assert description.startswith("setrlimit만 (네트워크 격리 없음, 파일 격리 없음")
    cpu, data, nproc, fsize = map(int, _stdout(cells_out["limits"]).split())
    assert (cpu, data, fsize) == (100, 2048 * 2**20, 10 * 2**20)
    if uid is None and os.geteuid() == 0:
        assert "프로세스 수 한도는 root에게 걸리지 않음" in description
    else:
        assert nproc >= 300


def test_unknown_isolation_is_rejected(tmp_path):
    with pytest.raises(ValueError):
        make_kernel_manager(tmp_path, Limits(), isolation="chroot")


def test_workdir_inside_a_denied_path_is_rejected(tmp_path):
    (tmp_path / "submitted" / "alice").mkdir(parents=True)
    with pytest.raises(ValueError):
        make_kernel_manager(tmp_path / "submitted" / "alice", Limits(),
                            deny_paths=[tmp_path / "submitted"])


@pytest.mark.skipif(not _unshare_works(), reason="unshare 로 사용자·마운트 이름공간을 만들 수 없습니다")
def test_unshare_masks_are_locked_against_the_kernel(tmp_path):
    """root가 아닌 채점기의 unshare 방식: 커널은 그 사용자 이름공간의 root(CAP_SYS_ADMIN)라 가림막을 umount2로 걷어 낼
    수 있었습니다. 런처의 --lock-mounts는 마운트를 마친 뒤 새 사용자 이름공간으로 들어가 그 권한을 버립니다.
    잠그지 않은 경우에 실제로 걷어 낼 수 있음을 먼저 보여, 이 테스트가 실패할 수 있음을 확인합니다."""
    from autograder.worker import sandbox

    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answer.txt").write_text("42", encoding="utf-8")
    mask = tmp_path / "mask"
    mask.mkdir()
    mask.chmod(0)
    attack = (f"import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); rc = libc.umount2({str(secret)!r}.encode(), 2); "
              f"print(rc, os.listdir({str(secret)!r}) if rc == 0 else ctypes.get_errno())")
    results = {}
    for lock in (False, True):
        cmd = [shutil.which("unshare"), "--user", "--map-root-user", "--mount", "--propagation", "private", "--",
               sys.executable, "-I", "-S", str(sandbox._LAUNCHER), "--mask", str(mask), str(secret),
               "--chdir", str(tmp_path), *(["--lock-mounts"] if lock else []), "--", sys.executable, "-I", "-c", attack]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        results[lock] = done.stdout.strip() + done.stderr.strip()
    assert results[False].startswith("0 ['answer.txt']"), results
    assert results[True].startswith("-1"), results


@pytest.mark.unit
def test_unshare_command_locks_mounts_only_when_it_maps_the_grader_to_root(tmp_path):
    from autograder.worker import sandbox

    for as_root in (False, True):
        box = sandbox.Box(mechanism=UNSHARE, workdir=str(tmp_path), rundir=str(tmp_path), limits=Limits(), as_root=as_root,
                          unshare="/usr/bin/unshare")
        cmd = sandbox.command(box, ["python", "-m", "ipykernel_launcher"])
        assert ("--lock-mounts" in cmd) == (not as_root)


@pytest.mark.unit
def test_kernel_rundirs_of_finished_processes_are_removed_and_others_kept(tmp_path, monkeypatch):
    """커널 실행 폴더의 이름에는 만든 프로세스가 적혀 있어, 그 프로세스가 끝난 것만 지웁니다(살아 있는 다른 채점기의
    것, 이름만 흉내 낸 심볼릭 링크, 다른 이름의 폴더는 그대로)."""
    from autograder import workdir

    monkeypatch.setattr(workdir, "rundir_base", lambda: str(tmp_path))
    mine = Path(workdir.kernel_rundir())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])  # 끝났지만 아직 거두지 않은 것도 끝난 것
    os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)
    ns = mine.name.split("-")[2]
    made = {}
    for label, pid in [("dead", dead.pid), ("zombie", zombie.pid)]:
        made[label] = tmp_path / f"{workdir.RUNDIR_PREFIX}{ns}-{workdir._base36(pid)}-x"
        (made[label] / "run").mkdir(parents=True)
    other_ns = tmp_path / f"{workdir.RUNDIR_PREFIX}1-{workdir._base36(dead.pid)}-x"
    other_ns.mkdir()
    target = tmp_path / "precious"
    target.mkdir()
    link = tmp_path / f"{workdir.RUNDIR_PREFIX}{ns}-{workdir._base36(dead.pid)}-link"
    link.symlink_to(target)

    assert workdir.remove_kernel_rundirs() == 2
    assert mine.is_dir() and other_ns.is_dir() and target.is_dir() and link.is_symlink()
    assert not made["dead"].exists() and not made["zombie"].exists()
    zombie.wait()
    assert workdir.remove_kernel_rundirs(os.getpid()) == 1 and not mine.exists()


@pytest.mark.unit
def test_a_long_tmpdir_still_leaves_room_for_the_kernels_sockets(tmp_path, monkeypatch):
    """유닉스 소켓 경로는 107바이트까지입니다. ``TMPDIR`` 이 길면 커널 실행 폴더를 /tmp에 두어, 커널이 뜰 수 있게 합니다
    (긴 TMPDIR 아래에서 ``ZMQError: File name too long`` 으로 자가 점검이 실패했습니다)."""
    from autograder import workdir

    long = tmp_path / ("깊은-폴더" * 6)
    long.mkdir()
    monkeypatch.setattr(workdir.tempfile, "tempdir", str(long))
    rundir = workdir.kernel_rundir()
    try:
        assert rundir.startswith("/tmp/" + workdir.RUNDIR_PREFIX)
        assert len(os.fsencode(rundir + "/run/ipc-99")) <= 107
    finally:
        os.rmdir(rundir)
    short = Path(tempfile.mkdtemp(dir="/tmp"))  # 짧은 TMPDIR은 그대로 씁니다
    monkeypatch.setattr(workdir.tempfile, "tempdir", str(short))
    try:
        assert Path(workdir.kernel_rundir()).parent == short
    finally:
        shutil.rmtree(short)


@needs_bwrap
@pytest.mark.skipif(os.geteuid() != 0 or os.environ.get("AUTOGRADER_ZYGOTE") == "0",
                    reason="커널 씨앗은 root로 bubblewrap을 쓸 때만 뜹니다(AUTOGRADER_ZYGOTE=0이면 끔)")
def test_a_kernel_forked_from_the_zygote_is_confined_and_a_dead_zygote_means_a_fresh_kernel(course, tmp_path):
    """씨앗(sandbox.Zygote)에서 갈라 낸 커널: 제 PID 이름공간의 1번이고, 학생 uid이며, 가린 경로와 다른 작업 폴더, 씨앗의
    소켓을 보지 못하고, 개인 /tmp를 걷어 내지 못합니다. 씨앗이 끝나면 다음 커널은 보통처럼 새로 뜹니다."""
    from autograder.worker.sandbox import Zygote

    root = course["root"]
    limits = Limits(deny_paths=tuple(str(p) for p in course["deny"]))
    # 과정 폴더는 /tmp 아래(덮이는 곳)라, 읽기 전용으로 보여 준 경로와 그 안의 가림막이 덮은 뒤에도 그대로인지 봅니다
    # (저장소나 가상 환경이 /tmp 아래에 있을 때와 같은 경우).
    zygote = Zygote.start(limits, preload=["numpy"], ro_paths=[root])
    assert zygote is not None
    other = Path(tempfile.mkdtemp(prefix="grade-"))  # 다른 제출물의 작업 폴더가 놓이는 곳
    workdir = Path(tempfile.mkdtemp(prefix="grade-")) / "work"
    workdir.mkdir()
    try:
        cells = {
            "setup": "import ctypes, glob, os, sys",
            "identity": "print(os.getpid(), os.getuid(), 'numpy' in sys.modules)",
            "processes": "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))",
            "read_solution": f"open({str(root / 'solutions' / 'ps1' / 'answer.py')!r}).read()",
            "read_public": f"print(open({str(root / 'README.md')!r}, encoding='utf-8').read())",
            "other_workdir": f"os.listdir({str(other)!r})",
            "zygote_socket": f"print(os.path.exists({zygote.path!r}))",
            "unmount_tmp": "print(ctypes.CDLL(None, use_errno=True).umount2(b'/tmp', 2), ctypes.get_errno())",
            "write_own": "open('mine.txt', 'w').write('x'); print('written')",
        }
        km, _ = make_kernel_manager(workdir, limits, deny_paths=course["deny"], ro_paths=[root], zygote=zygote.path)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src, metadata={"name": n})
                                             for n, src in cells.items()])

        async def go(km):
            try:
                await NotebookClient(nb, km=km, allow_errors=True, startup_timeout=120).async_execute()
            finally:
                await km.shutdown_kernel(now=True)

        asyncio.run(go(km))
        assert km.from_zygote
        out = {cell.metadata["name"]: cell for cell in nb.cells}
        pid, uid, numpy_loaded = _stdout(out["identity"]).split()
        assert pid == "1" and int(uid) != 0 and numpy_loaded == "True"
        assert _stdout(out["processes"]).strip() == "[1]"
        assert _error(out["read_solution"]) == "PermissionError"
        assert "공개 안내문" in _stdout(out["read_public"])
        assert _error(out["other_workdir"]) == "FileNotFoundError"
        assert _stdout(out["zygote_socket"]).strip() == "False"
        assert _stdout(out["unmount_tmp"]).split()[0] == "-1"
        assert "written" in _stdout(out["write_own"]) and (workdir / "mine.txt").exists()

        zygote.stop()
        km, _ = make_kernel_manager(workdir, limits, deny_paths=course["deny"], zygote=zygote.path)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('fresh')")])
        asyncio.run(go(km))
        assert not km.from_zygote and "fresh" in _stdout(nb.cells[0])
    finally:
        zygote.stop()
        shutil.rmtree(other, ignore_errors=True)
        shutil.rmtree(workdir.parent, ignore_errors=True)


_SYMLINKED_PYTHON = r'''
import asyncio, json, sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.limits import Limits
from autograder.worker.sandbox import Zygote, make_kernel_manager

CELL = """
import importlib.util, os, sys
spec = importlib.util.find_spec("sklearn")
seen = [sorted(os.listdir(p)) for p in spec.submodule_search_locations or []]
print(json.dumps({"prefix": sys.prefix, "real_files": any("metrics" in names for names in seen)}))
"""
work, limits = Path(sys.argv[1]), Limits(isolation=sys.argv[2])
zygote = Zygote.start(limits, forbid=["sklearn"])  # root와 bubblewrap일 때만
report = []
for forked in ([False, True] if zygote else [False]):  # 새로 띄운 커널, 그리고 씨앗에서 갈라 낸 커널
    km, _ = make_kernel_manager(work, limits, isolation=sys.argv[2], forbid=["sklearn"],
                                zygote=zygote.path if forked else None)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json\n" + CELL)])

    async def go():
        try:
            await NotebookClient(nb, km=km, startup_timeout=120).async_execute()
        finally:
            await km.shutdown_kernel(now=True)

    asyncio.run(go())
    report.append({**json.loads(nb.cells[0].outputs[0]["text"]), "from_zygote": km.from_zygote})
if zygote:
    zygote.stop()
print(json.dumps({"zygote": zygote is not None, "kernels": report}))
'''


@pytest.mark.parametrize("isolation", [
    pytest.param(BUBBLEWRAP, marks=needs_bwrap),
    pytest.param(UNSHARE, marks=pytest.mark.skipif(not _unshare_works(), reason="unshare를 쓸 수 없습니다"))])
def test_a_forbidden_library_stays_hidden_when_the_python_environment_is_reached_through_a_symlink(tmp_path, isolation):
    """가상 환경에 심볼릭 링크로 닿는 채점기(``~/course/.venv`` -> 다른 디스크): 커널 파이썬은 링크 쪽 경로에서
    import하므로 막은 라이브러리를 그 경로에서도 가려야 합니다. 씨앗(root)에서 갈라 낸 커널도 같습니다.
    링크는 /tmp 아래에 두어, /tmp 전체를 붙이는 씨앗의 샌드박스 안에 링크 자체가 보이는 경우도 봅니다."""
    link = tmp_path / "venv-link"
    link.symlink_to(sys.prefix, target_is_directory=True)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([str(link / "bin" / "python"), "-c", _SYMLINKED_PYTHON, str(work), isolation],
                          cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for kernel in result["kernels"]:
        assert kernel["prefix"] == str(link)  # 커널이 정말 링크 쪽 경로로 돌았는지
        assert not kernel["real_files"], kernel
    assert [kernel["from_zygote"] for kernel in result["kernels"]] == ([False, True] if result["zygote"] else [False])
