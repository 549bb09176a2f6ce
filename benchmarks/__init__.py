"""측정 스크립트: python -m benchmarks.<이름> 으로 저장소 폴더에서 실행합니다."""
