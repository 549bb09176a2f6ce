"""제출물마다의 믿을 수 있는 작업자 (trust level: the trusted per-submission worker).

제출물 하나를 정리하고(``submission``, ``nbgrader_steps``), 샌드박스의 커널을 띄우고 거두고(``execute``, ``forkserver``,
``runner``, ``sandbox``), **모든 테스트 셀을 샌드박스 밖에서 실행해**(``checker``) 점수를 셉니다. 기대값, 허용 오차,
단언은 여기에만 있습니다. 학생 코드는 여기서 돌지 않습니다. 이 패키지는 공통 어휘와 ``autograder.kernel``
(커널에 보낼 요청의 모양과 탐침)을 import하고, ``autograder.coordinator`` 는 import하지 않습니다.
"""

from ..startup import skip_slow_optional_imports

# 실행 프로세스와 포크 서버(python -m autograder.worker.…)는 이 패키지를 먼저 불러오므로, nbformat보다 앞서 여기서
skip_slow_optional_imports()
