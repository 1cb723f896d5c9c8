"""The terminal tables of rules, task trees, due reports, the change log and the review digest."""

from __future__ import annotations

from typing import Iterable

from rich.table import Table

from ..domain.audit import REVIEW_KINDS, diff_text, field_diff
from ..domain.model import STATUS_LABELS
from ..domain.workdays import parse_span
from .render import light_text


def rules_table(rules: Iterable) -> Table:
    table = Table(title="任务来源与时限规则", header_style="bold")
    for c in ("来源", "别名", "反馈时限", "交办单印发", "依据"):
        table.add_column(c)
    for r in rules:
        deadline = parse_span(r.deadline).label() if r.deadline else "按交办要求"
        if r.deadline_several_units:
            deadline += f"（多单位 {parse_span(r.deadline_several_units).label()}）"
        assign = parse_span(r.assign_within).label() + "内" if r.assign_within else ""
        table.add_row(r.kind, "、".join(r.aliases), deadline, assign, r.basis)
    return table


def tree_table(ordered: list, count: int) -> Table:
    """(depth, assessed task) pairs as the tree of task breakdown."""
    table = Table(title=f"任务分解（{count} 项）", header_style="bold")
    for c in ("编号", "预警", "事项", "牵头单位", "时限", "状态"):
        table.add_column(c, no_wrap=c != "事项")
    for depth, a in ordered:
        t = a.task
        table.add_row(t.id, light_text(a.light), ("　" * depth + ("└ " if depth else "")) + t.title,
                      t.lead_unit, str(t.due or ""), STATUS_LABELS[t.status])
    return table


DUE_REPORT_COLUMNS = ("id", "title", "lead_unit", "report_cycle", "period_after", "due", "state")


def due_report_rows(items: Iterable) -> list[dict]:
    return [{"id": r.task.id, "title": r.task.title, "lead_unit": r.task.lead_unit, "report_cycle": r.task.report_cycle,
             "period_after": r.period_after.isoformat(), "due": r.due.isoformat(), "state": r.state,
             "light": "red" if r.state == "missed" else "yellow"} for r in items]


def due_report_table(rows: list[dict]) -> Table:
    table = Table(title=f"应报进展（{len(rows)} 项）", header_style="bold")
    for c in ("编号", "牵头单位", "事项", "周期", "应报期限", "情况"):
        table.add_column(c)
    for r in rows:
        table.add_row(r["id"], r["lead_unit"], r["title"], r["report_cycle"], r["due"],
                      "超期未报" if r["state"] == "missed" else "待报")
    return table


# A commit of an import touches thousands of tasks: a table cell that long is unreadable, and rich
# lays it out in quadratic time (half a minute for 10,000). The JSON lists every change.
TASKS_PER_COMMIT = 20


def entries_table(entries: list) -> Table:
    """The ledger's change log: who, when, what, and each field's old and new value."""
    table = Table(title=f"变更记录（{len(entries)} 次提交）", header_style="bold")
    for c in ("时间", "经办人", "动作", "变更", "字段（原 → 新）", "提交"):
        table.add_column(c, no_wrap=c in ("时间", "动作", "提交"))
    for e in entries:
        lines = [f"{c.task_id} " + "；".join(diff_text(d) for d in field_diff(c.old, c.new))
                 for c in e.changes[:TASKS_PER_COMMIT]]
        if len(e.changes) > TASKS_PER_COMMIT:
            lines.append(f"……另有 {len(e.changes) - TASKS_PER_COMMIT} 个事项（--format json 列出全部，"
                         f"taizhang log 编号 看单个事项）")
        fields = "\n".join(lines)
        table.add_row(e.date[:16].replace("T", " "), e.author, e.action or "手工修改", e.subject, fields, e.sha[:8])
    return table


def review_tables(digest: dict) -> list[Table]:
    """One table per kind of change in the review digest."""
    tables = []
    for kind, label in REVIEW_KINDS.items():
        rows = digest[kind]
        table = Table(title=f"{label}（{len(rows)}）", header_style="bold", title_justify="left")
        for c in ("事项", "名称", "经办人/责任单位", "时间", "说明"):
            table.add_column(c)
        for r in rows:
            table.add_row(r["task"] or "—", r["title"], r["who"], (r["when"] or "")[:16].replace("T", " "), r["detail"])
        tables.append(table)
    return tables
