"""채점기 한곳에서 도는 코드 (trust level: the coordinator).

제출물을 찾아 작업자에게 맡기고(``dispatch``), 돌아온 결과를 nbgrader 성적부에 적고(``gradebook``), 표와 피드백과
개요를 쓰고(``report``, ``feedback``, ``export``), 이어 채점하기 기록(``state``), 마감과 감점(``deadlines``), 학생 id
(``ids``), nbgrader 교환 폴더로 돌려줄 피드백(``exchange``)을 다룹니다. 노트북을 실행하거나 점수를 세지 않습니다
(그것은 ``autograder.worker``). 이 패키지는
``autograder.worker`` 와 공통 어휘(``autograder.course``, ``limits``, ``status``, ``notebooks``, ``workdir``,
``messages``)를 import하고, ``autograder.kernel`` 은 import하지 않습니다.
"""
