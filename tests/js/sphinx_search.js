// 만든 사이트의 검색을 브라우저 없이 실행합니다: 사이트의 searchtools.js, language_data.js,
// searchindex.js를 그대로 불러, 검색 페이지가 하는 것처럼 검색어를 쪼개고 찾습니다.
//
//   node tests/js/sphinx_search.js <html 폴더> <검색어> [<검색어> ...]
//
// 표준 출력: {"<검색어>": {"terms": [쪼갠 검색어], "results": [화면에 나오는 순서의 docname]}}
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [htmlDir, ...queries] = process.argv.slice(2);
const noop = () => {};
const element = () => ({ appendChild: (child) => child, classList: { add: noop }, lastChild: null });
const context = vm.createContext({
  console,
  URLSearchParams,
  window: { location: { search: "" }, setTimeout: noop },
  localStorage: { getItem: () => null, setItem: noop },
  document: {
    readyState: "loading",
    addEventListener: noop,
    querySelectorAll: () => [],
    getElementById: () => null,
    createElement: element,
    documentElement: { dataset: {} },
  },
  _ready: noop,  // doctools.js가 정의하는 "페이지가 준비되면" 훅
  SPHINX_HIGHLIGHT_ENABLED: false,
  DOCUMENTATION_OPTIONS: {},
});
for (const file of ["_static/searchtools.js", "_static/language_data.js", "searchindex.js"]) {
  vm.runInContext(fs.readFileSync(path.join(htmlDir, file), "utf8"), context, { filename: file });
}
context.queries = queries;
const out = vm.runInContext(`
  const out = {};
  for (const q of queries) {
    const [query, searchTerms, excluded, highlight, objectTerms] = Search._parseQuery(q);
    const results = Search._performSearch(query, searchTerms, excluded, highlight, objectTerms);
    out[q] = { terms: [...searchTerms], results: results.reverse().map((r) => r[0]) };
  }
  out;
`, context);
process.stdout.write(JSON.stringify(out));
