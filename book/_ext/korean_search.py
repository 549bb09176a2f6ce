"""한국어 검색: Sphinx에 한국어(ko) 검색 언어를 등록합니다.

Sphinx에는 한국어 검색 언어가 없어서 본문이 띄어쓰기 단위로만 색인됩니다. 그러면 조사가
붙은 ``경사하강법을``이 한 낱말이 되어 ``경사``로도, ``하강법``으로도 찾을 수 없습니다.

이 확장은 한글 음절을 겹치는 두 글자(바이그램)와 한 글자(유니그램)로 쪼개어 색인합니다.
브라우저 쪽 검색어도 같은 방식으로 쪼개므로(``splitQuery``), 검색어의 모든 조각이
들어 있는 쪽이 결과가 됩니다. 두 글자 이상인 한글 검색어의 모든 바이그램이 한 낱말 안에
이어져 있으면 그 낱말은 반드시 찾아집니다(``경사`` → ``경사하강법을``). 띄어 쓴 두 낱말
사이의 바이그램(``경사 하강법`` → ``사하``)도 색인하므로 붙여 쓴 검색어 ``경사하강법``도
띄어 쓴 본문을 찾습니다. 검색어 끝의 조사(을/를/은/는/의/에서 …)는 떼고 찾습니다.

조사가 붙은 통째 낱말(``경사하강법을``)은 색인하지 않습니다. 브라우저가 한글 검색어를 늘
두 글자 이하의 조각으로 쪼개므로 어떤 검색어와도 맞지 않고, 조사가 붙은 꼴마다 따로 들어가
색인만 키웁니다. 그래서 색인은 Sphinx 기본값보다 작습니다(장 세 개로 잰 searchindex.js:
기본 191 KB, 이 확장 138 KB).

한글이 아닌 낱말(영어, 숫자, 기호 이름)은 Sphinx의 영어 검색과 똑같이 Porter 어간으로
색인하고 찾습니다.

검색어 쪼개기의 규칙은 이 파일의 파이썬 함수 :func:`query_terms` 와 자바스크립트
``splitQuery`` 두 곳에 있고, 테스트가 둘이 같은 결과를 내는지 확인합니다.
"""
from __future__ import annotations

import re

import snowballstemmer
from sphinx.search import SearchLanguage
from sphinx.search.en import english_stopwords, js_porter_stemmer

__all__ = ["SearchKorean", "index_terms", "query_terms", "setup"]

HANGUL = "\uac00-\ud7a3"  # 완성형 한글 음절 '가'..'힣'
_HANGUL_RUN = re.compile(f"[{HANGUL}]+")
# 한글 음절 덩어리, 또는 한글이 아닌 낱말 글자(\w)의 덩어리. ``F1점수`` → ``F1``, ``점수``.
_RUN = re.compile(rf"[{HANGUL}]+|[^\W{HANGUL}]+")
# 두 한글 덩어리 사이가 공백뿐이면 띄어쓰기로 보고 그 경계의 바이그램도 색인합니다.
_SPACE_ONLY = re.compile(r"\s+")

# 홀로 검색해서는 쓸모없는 한 글자 조사. 색인에도 넣지 않습니다.
KOREAN_STOPWORDS = frozenset(["은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "만"])

# 검색어 끝에서 떼어 낼 조사. 긴 것부터 맞춰 봅니다. 떼고 남는 부분이 두 글자 이상일
# 때만 떼므로 ``평가``, ``정의``, ``결과`` 같은 두 글자 낱말은 그대로입니다.
QUERY_PARTICLES = tuple(sorted(
    ["으로부터", "에서부터", "으로서", "으로써", "으로는", "에서는", "에서도", "에게서", "이라고", "이라는",
     "입니다", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "라고", "라는", "이나", "에는", "에도",
     "와는", "과는", "로는", "로서", "로써", "이다", "이고", "하고", "만큼", "마다", "조차", "밖에", "은", "는",
     "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "만"],
    key=len, reverse=True,
))


def _strip_particle(run: str) -> str:
    for particle in QUERY_PARTICLES:
        if run.endswith(particle) and len(run) - len(particle) >= 2:
            return run[: -len(particle)]
    return run


def _hangul_pieces(run: str) -> list[str]:
    """한글 덩어리의 유니그램과 바이그램."""
    pieces = list(run)
    pieces += [run[i:i + 2] for i in range(len(run) - 1)]
    return pieces


def index_terms(text: str) -> list[str]:
    """본문 ``text`` 를 색인할 낱말 목록으로 쪼갭니다(어간 추출 전).

    한글 덩어리는 음절 하나하나와 겹치는 두 글자, 공백으로만 떨어진 이웃 덩어리와의
    경계 두 글자로, 한글이 아닌 덩어리는 통째로 냅니다.
    """
    terms: list[str] = []
    previous_hangul_end = None  # 바로 앞 한글 덩어리의 (끝 위치, 마지막 음절)
    for match in _RUN.finditer(text):
        run = match.group()
        if _HANGUL_RUN.fullmatch(run):
            terms += _hangul_pieces(run)
            if previous_hangul_end is not None:
                end, last = previous_hangul_end
                if _SPACE_ONLY.fullmatch(text, end, match.start()):
                    terms.append(last + run[0])
            previous_hangul_end = (match.end(), run[-1])
        else:
            terms.append(run)
            previous_hangul_end = None
    return terms


def query_terms(query: str) -> list[str]:
    """브라우저의 ``splitQuery`` 와 같은 규칙으로 검색어를 쪼갭니다(소문자, 어간 추출 전).

    한글 덩어리는 끝 조사를 뗀 뒤 두 글자씩 겹쳐 쪼개고(한 글자뿐이면 그 글자),
    나머지는 통째로 둡니다. ``CNN에서``처럼 영어 낱말 바로 뒤의 조사 덩어리는 버립니다.
    띄어 쓴 검색어의 경계 바이그램은 만들지 않습니다. 본문에서 두 낱말 사이에 꾸밈(굵은 글씨, 링크)이 끼면
    그 경계는 색인되지 않기 때문입니다.
    """
    terms: list[str] = []
    for token in re.split(r"[^\w]+", query.lower()):
        for position, run in enumerate(_RUN.findall(token)):
            if _HANGUL_RUN.fullmatch(run):
                if position > 0 and run in QUERY_PARTICLES:
                    continue  # ``CNN에서``의 ``에서``: 영어 낱말 뒤의 조사
                run = _strip_particle(run)
                pieces = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            else:
                pieces = [run]
            for piece in pieces:
                if piece not in terms:
                    terms.append(piece)
    return terms


_JS_PARTICLES = "[" + ", ".join(f'"{p}"' for p in QUERY_PARTICLES) + "]"

js_splitter_code = f"""
/**
 * 한국어 검색어 쪼개기 (book/_ext/korean_search.py 의 query_terms 와 같은 규칙).
 * 한글 덩어리: 끝 조사를 떼고 겹치는 두 글자로. 그 밖의 낱말: 통째로.
 */
var KOREAN_QUERY_PARTICLES = {_JS_PARTICLES};
var splitQuery = function (query) {{
  var hangulRun = /^[\\uac00-\\ud7a3]+$/;
  var terms = [];
  var add = function (term) {{ if (terms.indexOf(term) === -1) terms.push(term); }};
  query.split(/[^\\p{{Letter}}\\p{{Number}}_\\p{{Emoji_Presentation}}]+/gu).forEach(function (token) {{
    (token.match(/[\\uac00-\\ud7a3]+|[^\\uac00-\\ud7a3]+/g) || []).forEach(function (run, position) {{
      if (!hangulRun.test(run)) {{ add(run); return; }}
      // ``CNN에서``의 ``에서``: 영어 낱말 뒤의 조사
      if (position > 0 && KOREAN_QUERY_PARTICLES.indexOf(run) !== -1) return;
      for (var i = 0; i < KOREAN_QUERY_PARTICLES.length; i++) {{
        var particle = KOREAN_QUERY_PARTICLES[i];
        if (run.length - particle.length >= 2 &&
            run.slice(run.length - particle.length) === particle) {{
          run = run.slice(0, run.length - particle.length);
          break;
        }}
      }}
      if (run.length === 1) {{ add(run); return; }}
      for (var j = 0; j + 1 < run.length; j++) add(run.slice(j, j + 2));
    }});
  }});
  return terms;
}};
"""

js_stemmer_code = js_porter_stemmer.replace(
    "var Stemmer = function()", "var EnglishPorterStemmer = function()"
) + """
/**
 * 한글 조각은 그대로, 그 밖의 낱말은 영어 Porter 어간으로.
 */
var Stemmer = function() {
  var porter = new EnglishPorterStemmer();
  this.stemWord = function (w) {
    return /[\\uac00-\\ud7a3]/.test(w) ? w : porter.stemWord(w);
  };
};
"""


class SearchKorean(SearchLanguage):
    """한국어 검색 언어(``html_search_language = 'ko'``)."""

    lang = "ko"
    language_name = "Korean"
    js_splitter_code = js_splitter_code
    js_stemmer_code = js_stemmer_code
    stopwords = english_stopwords | KOREAN_STOPWORDS

    def init(self, options: dict[str, str]) -> None:
        # sphinx.search.en.SearchEnglish와 같은 어간 추출기: 브라우저의 Porter 구현과 짝입니다.
        self.stemmer = snowballstemmer.stemmer("porter")

    def split(self, input: str) -> list[str]:
        return index_terms(input)

    def stem(self, word: str) -> str:
        if _HANGUL_RUN.search(word):
            return word
        return self.stemmer.stemWord(word.lower())

    def word_filter(self, word: str) -> bool:
        return bool(word) and word not in self.stopwords


def setup(app):
    app.add_search_language(SearchKorean)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
