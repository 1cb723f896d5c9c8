"""A report as a 督查通报: Markdown text for files and pipes, rich renderables for a terminal."""

from __future__ import annotations

from typing import Any

from ..domain.model import LIGHT_LABELS, STATUS_LABELS
from ..domain.report import TOTAL_LABELS, Report, overall_rate, rate_text

BAR_WIDTH = 20

UNIT_HEADERS = ("单位", "承办事项", "本期到期", "按期办结", "逾期办结", "当前逾期", "按期办结率")
OVERDUE_HEADERS = ("编号", "事项", "牵头单位", "时限", "逾期工作日", "催办", "督办", "最近催办")
EXT_HEADERS = ("编号", "事项", "牵头单位", "申请日期", "原时限", "新时限", "原因")
RANK_HEADERS = ("名次", "单位", "按期办结率", "当前逾期")
INTERVIEW_HEADERS = ("被约谈人", "年度", "约谈次数", "约谈记录")
WRITTEN_HEADERS = ("编号", "事项", "牵头单位", "未解决的协调次数", "最近协调")
INTERVIEW_TITLE = "一年内两次被约谈（应予通报批评）"
WRITTEN_TITLE = "经两次以上协调仍未解决（须书面报告协调情况）"
TASK_HEADERS = ("编号", "事项", "牵头单位", "时限", "状态", "预警", "逾期工作日")


def bar(rate: float | None, width: int = BAR_WIDTH) -> str:
    """A text bar of an on-time rate: readable in a terminal and in plain Markdown alike."""
    if rate is None:
        return "（本期无到期事项）"
    full = round(rate * width)
    return "█" * full + "░" * (width - full) + f" {rate_text(rate)}"


def summary_rows(rep: Report) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("统计期间", f"{rep.start} 至 {rep.end}"), ("统计日期", str(rep.as_of))]
    rows += [(TOTAL_LABELS[k], v) for k, v in rep.totals.items()]
    rows.append(("按期办结率", rate_text(overall_rate(rep))))
    return rows


def unit_rows(rep: Report) -> list[tuple]:
    return [(u.unit, u.held, u.due, u.on_time, u.late, u.overdue, rate_text(u.rate)) for u in rep.units]


def overdue_rows(rep: Report) -> list[tuple]:
    return [(o["id"], o["title"], o["lead_unit"], o["due"], o["overdue_workdays"], o["reminders"],
             o["supervisions"], o["last_urge"] or "—") for o in rep.overdue]


def extension_rows(rep: Report) -> list[tuple]:
    return [(e["id"], e["title"], e["lead_unit"], e["on"], e["old_due"], e["new_due"],
             (f"【超时，{e.get('approved_by', '')}批准】" if e.get("late") else "") + e["reason"])
            for e in rep.extensions]


def interview_rows(rep: Report) -> list[tuple]:
    return [(p["person"], p["year"], p["count"],
             "；".join(f"{i['on']} {i['id']}（{i['lead_unit']}）" for i in p["interviews"]))
            for p in rep.interviewed_twice]


def written_rows(rep: Report) -> list[tuple]:
    return [(w["id"], w["title"], w["lead_unit"], w["failed_coordinations"], w["last_coordination"])
            for w in rep.written_reports]


def accountability_sections(rep: Report) -> list[tuple[str, tuple, list[tuple]]]:
    """The sections shown only when something is due: (title, headers, rows)."""
    out = []
    if rep.interviewed_twice:
        out.append((INTERVIEW_TITLE, INTERVIEW_HEADERS, interview_rows(rep)))
    if rep.written_reports:
        out.append((WRITTEN_TITLE, WRITTEN_HEADERS, written_rows(rep)))
    return out


def task_rows(rep: Report) -> list[tuple]:
    return [(a.task.id, a.task.title, a.task.lead_unit, str(a.task.due or "无"), STATUS_LABELS[a.task.status],
             LIGHT_LABELS[a.light], a.overdue_workdays) for a in rep.tasks]


def _md_cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(headers: tuple, rows: list[tuple]) -> list[str]:
    if not rows:
        return ["无。", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return out + [""]


def to_markdown(rep: Report) -> str:
    lines = [f"# {(rep.org + ' ') if rep.org else ''}{rep.title}", ""]
    lines.append(f"统计期间：{rep.start} 至 {rep.end}；统计日期：{rep.as_of}"
                 + ("（据台账历史还原）" if rep.source.startswith("git:") else ""))
    lines.append("")
    lines += ["## 一、总体情况", ""]
    lines += _md_table(("项目", "数量"), summary_rows(rep)[2:])
    lines += ["## 二、各单位办理情况", ""]
    lines += _md_table(UNIT_HEADERS, unit_rows(rep))
    if rep.units:
        lines += ["按期办结率：", "", "```"]
        width = max(_width(u.unit) for u in rep.units)
        lines += [f"{_pad(u.unit, width)}  {bar(u.rate)}" for u in rep.units]
        lines += ["```", ""]
    lines += ["## 三、逾期事项", ""]
    lines += _md_table(OVERDUE_HEADERS, overdue_rows(rep))
    lines += ["## 四、延期事项", ""]
    lines += _md_table(EXT_HEADERS, extension_rows(rep))
    if rep.ranking is not None:
        lines += ["## 五、单位排名（按按期办结率）", ""]
        lines += _md_table(RANK_HEADERS, [(r["rank"], r["unit"], rate_text(r["on_time_rate"]), r["overdue"])
                                          for r in rep.ranking])
    for title, headers, rows in accountability_sections(rep):
        lines += [f"## {title}", ""]
        lines += _md_table(headers, rows)
    if rep.kind == "unit":
        lines += ["## 事项清单", ""]
        lines += _md_table(TASK_HEADERS, task_rows(rep))
    return "\n".join(lines).rstrip() + "\n"


def _width(text: str) -> int:
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def to_rich(rep: Report):
    """The same sections as to_markdown, as rich tables with coloured bars."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    def table(title: str, headers: tuple, rows: list[tuple]):
        t = Table(title=title, title_justify="left", header_style="bold")
        for h in headers:
            wide = h in ("事项", "原因", "单位", "项目", "牵头单位")
            t.add_column(h, overflow="fold", no_wrap=not wide)
        for r in rows:
            t.add_row(*[c if isinstance(c, Text) else str(c) for c in r])
        return t if rows else Text(f"{title}：无", style="dim")

    parts: list = [Rule(f"{(rep.org + ' ') if rep.org else ''}{rep.title}"),
                   Text(f"统计期间：{rep.start} 至 {rep.end}；统计日期：{rep.as_of}"
                        + ("（据台账历史还原）" if rep.source.startswith("git:") else ""))]
    parts.append(table("一、总体情况", ("项目", "数量"), summary_rows(rep)[2:]))
    parts.append(table("二、各单位办理情况", UNIT_HEADERS, unit_rows(rep)))
    if rep.units:
        bars = Table.grid(padding=(0, 2))
        bars.add_column(no_wrap=True)
        bars.add_column(no_wrap=True)
        for u in rep.units:
            style = "dim" if u.rate is None else ("green" if u.rate >= 0.9 else "yellow" if u.rate >= 0.6 else "red")
            bars.add_row(u.unit, Text(bar(u.rate), style=style))
        parts += [Text("按期办结率", style="bold"), bars]
    overdue = [(*r[:4], Text(str(r[4]), style="bold red"), *r[5:]) for r in overdue_rows(rep)]
    parts.append(table("三、逾期事项", OVERDUE_HEADERS, overdue))
    parts.append(table("四、延期事项", EXT_HEADERS, extension_rows(rep)))
    if rep.ranking is not None:
        parts.append(table("五、单位排名", RANK_HEADERS, [(r["rank"], r["unit"], rate_text(r["on_time_rate"]),
                                                           r["overdue"]) for r in rep.ranking]))
    for title, headers, rows in accountability_sections(rep):
        parts.append(table(title, headers, rows))
    if rep.kind == "unit":
        parts.append(table("事项清单", TASK_HEADERS, task_rows(rep)))
    return Group(*parts)
