"""머신러닝 다시 시작하기 과정의 채점기 (the course's autograder, built on nbgrader).

``python -m autograder --help`` 로 명령을 봅니다.
"""
