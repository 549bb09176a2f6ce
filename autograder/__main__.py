import atexit
import os
import sys
import threading

from .startup import skip_nbgraders_server_extensions, skip_slow_optional_imports, start_fork_server_early

start_fork_server_early(sys.argv[1:])
skip_slow_optional_imports()
skip_nbgraders_server_extensions()

from .cli import main  # noqa: E402 (앞의 준비가 nbformat을 불러오기 전에 돌아야 합니다)

code = main()
if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
    sys.exit(code)  # 아직 일하는 스레드가 있으면 평소대로 기다렸다가 끝냅니다
# 명령의 일은 끝났습니다(결과 파일은 원자적으로 쓰였고 성적부는 커밋되었습니다). 파이썬의 마무리, 곧 모듈 800여 개와
# 객체 10만 개를 하나씩 해제하는 일(2코어 컴퓨터에서 0.25초)은 건너뜁니다. atexit에 걸린 정리(임시 폴더 지우기 등)와
# 출력 비우기는 평소처럼 합니다. 예외(SystemExit 포함)로 끝나는 경로는 여기 오지 않으므로 평소대로 끝납니다.
atexit._run_exitfuncs()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
