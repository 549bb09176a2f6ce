"""책의 장(chapter)들이 함께 쓰는 도우미: 한글 그림 설정과 공용 수치 코드.

장마다 첫 코드 셀에서 ``from mlbook import setup_figures; setup_figures()`` 를 부릅니다.
채점 대상 함수의 풀이는 여기에 두지 않습니다(책은 공개되므로).
"""
from .figures import setup_figures

__all__ = ["setup_figures"]
