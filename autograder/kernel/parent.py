"""커널의 부모 감시: 커널을 띄운 실행 프로세스가 죽으면 커널도 끝납니다 (trust level: runs in the kernel before
student code; it decides nothing).

실행 프로세스는 파이프의 쓰는 쪽을 쥐고 커널은 읽는 쪽을 받습니다. 실행 프로세스가 어떻게 죽든(SIGKILL 포함) 쓰는 쪽이
닫혀 읽기가 EOF를 돌려주고, 그러면 커널이 제 프로세스 그룹을 끝내고 나옵니다. 커널이 PID 이름공간의 1번이면(unshare,
씨앗에서 갈라 낸 커널) 제가 보낸 SIGKILL을 받지 않으므로 ``os._exit`` 로 나오고, 1번이 끝나면 그 이름공간의 프로세스가
모두 끝납니다. bubblewrap의 ``--die-with-parent`` 는 샌드박스 안의 첫 프로세스가 신호를 걸기 전에 바깥 bwrap이 죽으면
듣지 않아, 채점기를 SIGKILL로 끝낸 순간 뜨던 커널이 남았습니다(tests/test_process_hygiene.py). 이 감시는 그 틈이 없습니다.

표준 라이브러리만 씁니다: 새로 띄운 커널(:data:`autograder.worker.sandbox._KERNEL_MAIN`)과 씨앗에서 갈라 낸 커널
(:mod:`.zygote`)이 같은 이 함수를 부릅니다.
"""
import os
import signal
import threading


def watch(fd: int) -> None:
    """파이프 ``fd`` (읽는 쪽)가 EOF가 되면 이 프로세스 그룹을 끝내고 나오는 데몬 스레드를 띄웁니다."""

    def wait_for_eof():
        try:
            while os.read(fd, 1):
                pass
        except OSError:
            return
        try:
            os.killpg(0, signal.SIGKILL)
        finally:
            os._exit(1)

    threading.Thread(target=wait_for_eof, name="parent-watch", daemon=True).start()
