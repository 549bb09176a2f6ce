"""채점 커널의 출력 상한: 셀 하나의 stdout/stderr를 커널에서 보내기 전에 자릅니다 (trust level: runs in the kernel
before student code; it decides nothing).

실행 프로세스(``autograder.worker.runner``)도 셀마다 :data:`STREAM_CAP` 자까지만 받지만, 그것만으로는 넘는 출력이
커널을 떠나기 전에 이미 값을 치릅니다. 300 MB를 print하는 셀은 ipykernel이 그 글자를 모두 버퍼에 모으고 JSON으로
바꾸고 서명해 보내고, 실행 프로세스가 다시 검증하고 풀어야 해서, 조용한 2코어 기계에서 그 셀에 2.1초, 커널 메모리
1.2 GB가 들었고(``python -m benchmarks.output_flood``; 상한을 건 지금은 0.06초, 49 MB) 바쁜 기계에서는 셀 시간
제한에 걸려 0점이 되었습니다(CI에서 한 번, 셀 시간 제한 10초). 여기서는 한 실행 요청(셀)의 출력이 상한을 한 글자
넘으면 나머지를 보내지 않고 세기만 합니다. 실행 프로세스는 상한을 넘는 출력을 받았으니 평소처럼 잘랐다고 적습니다.

IPython 9는 셀이 stdout/stderr에 쓴 글자를 모두 ``history_manager.outputs`` 에 커널이 끝날 때까지 따로 모아 둡니다
(``InteractiveShell._tee``, 기록 기능용). 채점 커널의 기록은 메모리 안에만 있고(``--HistoryManager.hist_file=:memory:``)
아무도 그것을 묻지 않으므로, 그 사본도 만들지 않습니다: 만들면 상한과 상관없이 print한 만큼 커널 메모리가 남습니다.

학생 코드가 이것을 되돌리면 제 출력이 다시 느려질 뿐입니다: 실행 프로세스의 상한과 시간 제한은 그대로입니다.
``autograder.worker.sandbox._KERNEL_MAIN`` (새로 띄운 커널)과 :mod:`.zygote` (씨앗에서 갈라 낸 커널)가 ipykernel을
띄우기 전에 :func:`install` 을 부릅니다.
"""
import contextlib
import threading

#: 셀 하나에서 보내고 받는 stdout/stderr의 상한(글자).
STREAM_CAP = 2_000_000

#: 이 커널이 보내지 않고 버린 글자 수(모든 셀을 합해서).
dropped = 0

_lock = threading.Lock()
_current = {"request": None, "sent": 0}


def install(cap: int = STREAM_CAP) -> None:
    """ipykernel의 ``OutStream.write`` 가 실행 요청 하나에 ``cap + 1`` 자(stdout과 stderr를 합해서)까지만 보내게 합니다.
    C 수준에서 파일 기술자 1, 2에 쓴 출력도 ipykernel이 같은 ``write`` 로 넘기므로 함께 잘립니다."""
    from ipykernel.iostream import OutStream

    write = OutStream.write
    if getattr(write, "capped", False):
        return

    def capped_write(self, string):
        global dropped
        if not isinstance(string, str):
            return write(self, string)  # ipykernel의 TypeError를 그대로
        request = (self.parent_header or {}).get("msg_id")
        with _lock:
            if _current["request"] != request:
                _current["request"], _current["sent"] = request, 0
            room = cap + 1 - _current["sent"]
            kept = string if len(string) <= room else string[:max(room, 0)]
            _current["sent"] += len(kept)
            dropped += len(string) - len(kept)
        if kept:
            write(self, kept)
        return len(string)

    capped_write.capped = True
    OutStream.write = capped_write
    with contextlib.suppress(ImportError):
        from IPython.core.interactiveshell import InteractiveShell

        if hasattr(InteractiveShell, "_tee"):
            InteractiveShell._tee = _no_copy


@contextlib.contextmanager
def _no_copy(self, *args, **kwargs):
    """``InteractiveShell._tee`` 대신: 셀의 출력을 기록용으로 따로 모으지 않습니다."""
    yield
