"""책의 장(chapter)들이 함께 쓰는 도우미: 한글 그림 설정과 공용 수치 코드.

장마다 첫 코드 셀에서 ``from mlbook import setup_figures; setup_figures()`` 를 부릅니다.
실험에 쓰는 구현 가운데에는 채점 대상 함수와 같은 것이 있으므로, 장은 이 코드를 싣지 않고 import해서 쓰며
이 폴더는 학생용 공개본에서 빠집니다(tools/export_public.py의 EXCLUDE).
"""
from .figures import setup_figures

__all__ = ["setup_figures"]
