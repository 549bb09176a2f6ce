import sys

from .startup import skip_nbgraders_server_extensions, skip_slow_optional_imports

skip_slow_optional_imports()
skip_nbgraders_server_extensions()

from .cli import main  # noqa: E402 (앞의 준비가 nbformat을 불러오기 전에 돌아야 합니다)

sys.exit(main())
