"""The site's HTML pages as plain string templates over JSON-ready values (pure, no I/O)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterable

from ..domain.model import LIGHT_LABELS
from ..domain.report import TOTAL_LABELS
from .assets import SEARCH_JS
from .labels import FIELD_LABELS, RECORD_LABELS, UNIT_COLUMNS, value_text

# What a leader looks for first on a task page; the remaining fields follow in the file's order.
FIRST_FIELDS = ("id", "title", "status_label", "light", "overdue_workdays", "workdays_left", "due", "lead_unit", "units")
LIGHT_CLASS = {"red": "red", "yellow": "yellow", "green": "green"}


def unit_href(unit: str) -> str:
    """A unit's page, named by a digest: unit names are long, Chinese and may hold any character."""
    return f"units/u-{hashlib.sha1(unit.encode('utf-8')).hexdigest()[:12]}.html"


def task_href(task_id: str) -> str:
    return f"tasks/{task_id}.html"


# html.escape's five replaces as one translate: a task page escapes a few hundred values, 10,000 pages millions.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})
# translate goes character by character (~2 µs for a line of Chinese text); a search finds the
# few values that hold anything to escape ten times faster.
_SPECIAL = re.compile("[&<>\"']").search


def e(value: Any) -> str:
    s = value if type(value) is str else str(value)
    return s if _SPECIAL(s) is None else s.translate(_ESCAPES)


def layout(title: str, body: str, *, org: str, as_of: str, depth: int, public: bool) -> str:
    up = "../" * depth
    kind = "公开版" if public else "内部版"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)}</title><link rel="stylesheet" href="{up}site.css"></head><body>'
        f'<header><div class="org">{e(org)}</div><h1>{e(title)}</h1>'
        f'<nav><a href="{up}index.html">总览</a><a href="{up}overdue.html">逾期事项</a></nav></header>'
        f'<main>{body}</main>'
        f'<footer>{kind}{f" · 数据截至 <span id={chr(34)}as-of{chr(34)}>{e(as_of)}</span>" if as_of else ""}'
        ' · 由 taizhang site 生成</footer>'
        '</body></html>\n'
    )


def _section(title: str, inner: str, ident: str = "") -> str:
    return f'<section{f" id={chr(34)}{ident}{chr(34)}" if ident else ""}><h2>{e(title)}</h2>{inner}</section>'


def _table(head: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    cells = "".join(f"<th>{e(h)}</th>" for h in head)
    return f'<div class="scroll"><table{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}><thead><tr>{cells}</tr>' \
           f'</thead><tbody>{"".join(rows)}</tbody></table></div>'


def _light(light: str | None) -> str:
    return f'<span class="{LIGHT_CLASS.get(light, "muted")}">{e(LIGHT_LABELS.get(light, "—"))}</span>'


def task_rows(tasks: list[dict[str, Any]], up: str, with_unit: bool = True) -> list[str]:
    """One row per task: number, title, unit, deadline, light, overdue workdays, status."""
    rows = []
    for t in tasks:
        unit = f'<td><a href="{up}{unit_href(t["lead_unit"])}">{e(t["lead_unit"])}</a></td>' if with_unit else ""
        rows.append(
            f'<tr data-task="{e(t["id"])}"><td><a href="{up}{task_href(t["id"])}">{e(t["id"])}</a></td>'
            f'<td>{e(t["title"])}</td>{unit}<td>{e(t.get("due") or "—")}</td><td>{_light(t.get("light"))}</td>'
            f'<td class="num" data-field="overdue_workdays">{e(t.get("overdue_workdays") or 0)}</td>'
            f'<td>{e(t.get("status_label", ""))}</td></tr>')
    return rows


TASK_HEAD = ("编号", "事项", "牵头单位", "时限", "灯色", "逾期工作日", "状态")


# Counts of internal records (催办/督办) stay off the public pages.
INTERNAL_COUNTS = frozenset(("urged", "urges"))


def _columns(public: bool) -> list[tuple[str, str]]:
    return [(k, label) for k, label in UNIT_COLUMNS if not (public and k in INTERNAL_COUNTS)]


def _totals(totals: dict[str, int], rate: str, public: bool) -> str:
    cards = [f'<div class="card"><div class="n" data-rate="overall">{e(rate)}</div><div class="k">按期办结率</div></div>']
    for key, label in TOTAL_LABELS.items():
        if public and key in INTERNAL_COUNTS:
            continue
        cards.append(f'<div class="card"><div class="n" data-total="{e(key)}">{e(totals.get(key, 0))}</div>'
                     f'<div class="k">{e(label)}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _lights(counts: dict[str, int]) -> str:
    return '<p class="lights">' + "".join(
        f'<span class="{k}" data-light="{k}">{e(LIGHT_LABELS[k])} {counts.get(k, 0)}</span>'
        for k in ("red", "yellow", "green")) + "</p>"


def _unit_table(units: list[dict[str, Any]], rate_text, public: bool) -> str:
    rows = []
    for u in units:
        cells = "".join(
            f'<td class="num" data-field="{k}">{e(rate_text(u[k]) if k == "on_time_rate" else u[k])}</td>'
            for k, _ in _columns(public))
        rows.append(f'<tr data-unit="{e(u["unit"])}"><td><a href="{unit_href(u["unit"])}">{e(u["unit"])}</a></td>'
                    f'{cells}</tr>')
    return _table(["单位", *(label for _, label in _columns(public))], rows)


def _ranking(ranking: list[dict[str, Any]] | None, rate_text, up: str = "") -> str:
    if not ranking:
        return '<p class="muted">本期不排名。</p>'
    rows = [f'<tr data-rank-unit="{e(r["unit"])}"><td class="num" data-field="rank">{r["rank"]}</td>'
            f'<td><a href="{up}{unit_href(r["unit"])}">{e(r["unit"])}</a></td>'
            f'<td class="num" data-field="on_time_rate">{e(rate_text(r["on_time_rate"]))}</td>'
            f'<td class="num" data-field="overdue">{r["overdue"]}</td></tr>' for r in ranking]
    return _table(("名次", "单位", "按期办结率", "逾期未办结"), rows)


def _trend(trend: list[dict[str, Any]], chart: str) -> str:
    rows = [f'<tr data-month="{e(p["month"])}"><td>{e(p["month"])}</td>'
            + "".join(f'<td class="num" data-series="{k}">{p[k]}</td>' for k in ("open", "overdue", "closed"))
            + "</tr>" for p in trend]
    return chart + _table(("月份", "月末在办", "月末逾期未办结", "当月核验销号"), rows)


def overview(ctx: dict[str, Any]) -> str:
    """The 领导驾驶舱: totals, lights, a bar per unit, the trend, units, ranking and the search box."""
    rate_text = ctx["rate_text"]
    index = json.dumps(ctx["search"], ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    body = "".join([
        _section(f"{ctx['report_title']}（截至 {ctx['as_of']}）", _totals(ctx["totals"], ctx["rate"], ctx["public"]), "totals"),
        _section("查找事项", '<input id="search" type="search" placeholder="输入编号（如 2026-0042 或 42）或标题中的词" '
                 'autocomplete="off" aria-label="查找事项"><ul id="results"></ul>'
                 f'<script type="application/json" id="search-index">{index}</script><script>{SEARCH_JS}</script>',
                 "find"),
        _section("预警灯（未办结事项）", _lights(ctx["lights"]) + ctx["light_chart"], "lights"),
        _section("月度趋势（按各月末的台账重算，与月度通报一致）", _trend(ctx["trend"], ctx["trend_chart"]), "trend"),
        _section("各单位本月情况", _unit_table(ctx["units"], rate_text, ctx["public"]), "units"),
        _section("单位排名（按期办结率）", _ranking(ctx["ranking"], rate_text), "ranking"),
        _section("全部单位（牵头或参与的事项数）", '<p class="unit-list">' + "　".join(
            f'<a href="{unit_href(u)}">{e(u)}</a> {n}' for u, n in ctx["all_units"]) + "</p>", "all-units"),
    ])
    return layout(ctx["title"], body, org=ctx["org"], as_of=ctx["as_of"], depth=0, public=ctx["public"])


def overdue_page(ctx: dict[str, Any], tasks: list[dict[str, Any]]) -> str:
    body = _section(f"逾期事项 {len(tasks)} 件（逾期最久的在前，按工作日计）",
                    _table(TASK_HEAD, task_rows(tasks, "")) if tasks else "<p>没有逾期事项。</p>", "overdue")
    return layout("逾期事项", body, org=ctx["org"], as_of=ctx["as_of"], depth=0, public=ctx["public"])


def unit_page(ctx: dict[str, Any], unit: str, tasks: list[dict[str, Any]], rank: dict[str, Any] | None,
              row: dict[str, Any] | None) -> str:
    rate_text = ctx["rate_text"]
    late = [t for t in tasks if (t.get("overdue_workdays") or 0) > 0 and t.get("status") == "open"]
    facts = [("事项数", len(tasks)), ("逾期未办结", len(late)),
             ("逾期工作日合计", sum(t["overdue_workdays"] for t in late)),
             ("最长逾期工作日", max([t["overdue_workdays"] for t in late] + [0]))]
    if rank:
        facts += [("排名", f'{rank["rank"]} / {ctx["ranked"]}'), ("按期办结率", rate_text(rank["on_time_rate"]))]
    if row:
        facts += [(label, row[k]) for k, label in _columns(ctx["public"]) if k != "on_time_rate"]
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    body = _section("概况", f'<dl class="fields">{dl}</dl>', "facts") + _section(
        f"承办事项 {len(tasks)} 件", _table(TASK_HEAD, task_rows(tasks, "../")), "tasks")
    return layout(unit, body, org=ctx["org"], as_of=ctx["as_of"], depth=1, public=ctx["public"])


def _cell(value: Any) -> str:
    """e(value_text(value)), the text of a record's cell; most are strings, taken without two calls."""
    if type(value) is str and value:
        return value if _SPECIAL(value) is None else value.translate(_ESCAPES)
    return e(value_text(value))


def _records(items: list[dict[str, Any]]) -> str:
    keys = list(dict.fromkeys(k for it in items for k in it))
    rows = ["<tr>" + "".join([f"<td>{_cell(it.get(k))}</td>" for k in keys]) + "</tr>" for it in items]
    return _table([RECORD_LABELS.get(k, k) for k in keys], rows)


def task_page(ctx: dict[str, Any], fields: dict[str, Any], timeline: list[dict[str, Any]]) -> str:
    """Every field of the task, its records as tables, and the timeline of its changes from git."""
    plain, records = [], []
    first = [k for k in FIRST_FIELDS if k in fields]
    for key in [*first, *(k for k in fields if k not in first and k != "schema_version")]:
        value = fields[key]
        label = FIELD_LABELS.get(key, key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            records.append(_section(f"{label}（{len(value)}）", _records(value), key))
        elif isinstance(value, dict):
            records.append(_section(label, _records([value]), key))
        elif key == "light":
            plain.append(f'<dt>{e(label)}</dt><dd data-field="light">{_light(value)}</dd>')
        elif key in ("lead_unit", "units"):
            names = [value] if isinstance(value, str) else value or []
            links = "、".join(f'<a href="../{unit_href(u)}">{e(u)}</a>' for u in names) or "—"
            plain.append(f'<dt>{e(label)}</dt><dd data-field="{e(key)}">{links}</dd>')
        else:
            plain.append(f'<dt>{e(label)}</dt><dd data-field="{e(key)}">{e(value_text(value))}</dd>')
    items = []
    for c in timeline:
        who = f' · {e(c["author"])}' if c.get("author") else ""
        diffs = "".join(f"<li>{e(d)}</li>" for d in c.get("fields", []))
        items.append(f'<li><b>{e(c["date"])}</b>{who} · {e(c["what"])}{f"<ul>{diffs}</ul>" if diffs else ""}</li>')
    body = (_section("基本信息", f'<dl class="fields">{"".join(plain)}</dl>', "fields") + "".join(records)
            + _section(f"变更记录（{len(timeline)} 次，读自 git 历史）",
                       f'<ol class="timeline">{"".join(items)}</ol>', "timeline"))
    return layout(f'{fields["id"]} {fields["title"]}', body, org=ctx["org"], as_of=ctx["as_of"], depth=1,
                  public=ctx["public"])
