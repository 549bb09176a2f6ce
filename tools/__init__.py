"""명령줄 도구 (저장소 뿌리에서 ``python -m tools.<이름>``으로 실행합니다).

- ``system_deps``: 테스트에 필요한 Debian·npm 패키지 확인과 설치 (README의 테스트 명령, ``.ci/run``)
- ``pdf``: 만든 사이트를 chromium으로 인쇄해 책 한 권의 PDF로 (학생도 씁니다: 공개본에 들어감)
- ``site_browser``: 사이트를 127.0.0.1에서 내보이고 바깥 요청을 막은 chromium으로 여는 도우미 (pdf와 브라우저 테스트)
- ``export_public``: 학생용 공개 저장소 내보내기와 풀이가 새지 않았는지 확인 (강사용)
- ``jupyterlab_screenshot``: 들어가며의 JupyterLab 그림 찍기 (저자용)

Sphinx 확장(빌드 때 불리는 것)은 ``book/_ext/``에 있습니다.
"""
