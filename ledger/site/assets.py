"""The site's style sheet and its one inline script (offline search over an index in the page)."""

from __future__ import annotations

CSS = """\
:root { --red: #d93025; --yellow: #f2a600; --green: #1e8e3e; --ink: #202124; --line: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f7f9; line-height: 1.6;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
header { background: #9e1b1b; color: #fff; padding: .6rem 1rem; }
header .org { font-size: .9rem; opacity: .9; }
header h1 { margin: .1rem 0; font-size: 1.35rem; }
nav a { color: #fff; margin-right: 1rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem;
  min-width: 0; }
h2 { font-size: 1.1rem; margin: .2rem 0 .6rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .6rem; background: #fafafa; }
.card .n { font-size: 1.5rem; font-weight: bold; }
.card .k { font-size: .85rem; color: #5f6368; }
.lights span { display: inline-block; margin-right: 1rem; font-weight: bold; }
.red { color: var(--red); } .yellow { color: #b06f00; } .green { color: var(--green); }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f3f4; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
dl.fields { display: grid; grid-template-columns: minmax(6rem, 10rem) 1fr; gap: .2rem .8rem; margin: 0; }
dl.fields dt { color: #5f6368; } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
.chart { display: block; width: 100%; max-width: 720px; height: auto; }
#search { width: 100%; font-size: 1rem; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 4px; }
#results { list-style: none; padding: 0; margin: .4rem 0 0; }
#results li { padding: .15rem 0; }
ol.timeline { padding-left: 1.2rem; } ol.timeline li { margin-bottom: .5rem; }
.muted { color: #5f6368; font-size: .85rem; }
footer { text-align: center; color: #5f6368; font-size: .8rem; padding: 1rem; }
@media (max-width: 600px) {
  main { padding: .5rem; } section { padding: .6rem; }
  dl.fields { grid-template-columns: 1fr; } dl.fields dd { margin-bottom: .4rem; }
}
"""

# Plain DOM calls only: it must run from disk with nothing fetched and log nothing to the console.
SEARCH_JS = """\
(function () {
  var index = JSON.parse(document.getElementById('search-index').textContent);
  var box = document.getElementById('search'), list = document.getElementById('results');
  function show() {
    var q = box.value.trim(), found = 0, n = /^[0-9]{1,6}$/.test(q) ? parseInt(q, 10) : -1;
    list.textContent = '';
    if (!q) { return; }
    for (var i = 0; i < index.length && found < 50; i++) {
      var e = index[i];
      // "42" alone finds every year's 42, as the CLI's ID does for the current year.
      if (e[0].indexOf(q) >= 0 || e[1].indexOf(q) >= 0 || parseInt(e[0].split('-')[1], 10) === n) {
        var li = document.createElement('li'), a = document.createElement('a');
        a.href = e[2]; a.textContent = e[0] + ' ' + e[1];
        li.appendChild(a); li.appendChild(document.createTextNode(' ' + e[3]));
        list.appendChild(li); found++;
      }
    }
    if (!found) { var none = document.createElement('li'); none.textContent = '没有找到'; list.appendChild(none); }
  }
  box.addEventListener('input', show);
  show();
})();
"""
