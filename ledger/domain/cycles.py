"""Reporting cycles, coordination and accountability: what is owed, escalated, noticed, interviewed."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Iterable

from .errors import UsageError
from .model import ESCALATION_LEVELS, Coordination, Interview, Notice, Task
from .rules import not_before, require_status
from .workdays import Calendar, Date, Span, parse_span

# -- reporting cycles, coordination and accountability ----------------------------------
_CYCLE_RE = __import__("re").compile(r"^(weekly|monthly|quarterly):(\d+(?:wd|d))(?::from=(\d{4})-(\d{2}))?$")


def parse_cycle(text: str) -> tuple[str, Span, Date | None]:
    """`monthly:3wd` = within the first 3 workdays of each month; `quarterly:5wd` = within 5
    workdays after each quarter ends; `:from=2026-04` starts the cycle that month [003 §三(一)]."""
    m = _CYCLE_RE.match(text.strip())
    if not m:
        raise UsageError(f"报送周期写法不对：{text!r}",
                         "请写成 monthly:3wd、quarterly:5wd 或 weekly:1wd，可加 :from=2026-04")
    start = None
    if m.group(3):
        month = int(m.group(4))
        if not 1 <= month <= 12:
            raise UsageError(f"报送周期的起始月份不对：{text!r}", "如 :from=2026-04")
        start = Date(int(m.group(3)), month, 1)
    return m.group(1), parse_span(m.group(2)), start


def period_anchor(kind: str, today: Date) -> Date:
    """The last day of the period before the one today is in: the count starts after it."""
    if kind == "weekly":
        return today - dt.timedelta(days=today.weekday() + 1)  # last Sunday
    first = today.replace(day=1)
    if kind == "quarterly":
        first = first.replace(month=(today.month - 1) // 3 * 3 + 1)
    return first - dt.timedelta(days=1)


def report_state(task: Task, today: Date, cal: Calendar) -> tuple[str, Date, Date] | None:
    """("owed" | "missed", period anchor, due) when the current period's report is not in."""
    if not task.report_cycle or task.status != "open":
        return None
    kind, span, start = parse_cycle(task.report_cycle)
    anchor = period_anchor(kind, today)
    if anchor < task.assigned_on or (start is not None and anchor < start - dt.timedelta(days=1)):
        return None
    due = cal.add_span(anchor, span).date
    if any(p.on > anchor for p in task.progress):
        return None
    return ("owed" if today <= due else "missed"), anchor, due


def coordinate(task: Task, entry: Coordination) -> Task:
    require_status(task, ("open", "suspended"), "记录协调")
    if entry.level not in ESCALATION_LEVELS:
        raise UsageError(f"协调层级只能是 office、deputy 或 head，而不是 {entry.level!r}",
                         "office=办公室，deputy=分管领导，head=主要领导")
    if entry.on < task.assigned_on:
        raise UsageError(f"协调日期 {entry.on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期")
    new = copy.deepcopy(task)
    new.coordinations.append(entry)
    return new


def failed_coordinations(task: Task) -> int:
    """Coordinations that failed since the last one that succeeded."""
    failed = 0
    for c in task.coordinations:
        failed = 0 if c.resolved else failed + 1
    return failed


def written_report_due(task: Task) -> bool:
    """Two failed coordinations since the last success: a written report must go up [003 §二(一)]."""
    return task.status in ("open", "suspended") and failed_coordinations(task) >= 2


# The same person 约谈 this many times in a calendar year is to be 通报批评 [003 §三(四)].
INTERVIEW_LIMIT = 2


def interviews_by_person(tasks: Iterable[Task], until: Date | None = None) -> dict[tuple[str, int], list[tuple[Date, Task]]]:
    """(person, year) → every 约谈 of that person in that year (up to `until`), by date."""
    seen: dict[tuple[str, int], list[tuple[Date, Task]]] = {}
    for t in tasks:
        for i in t.interviews:
            if until is None or i.on <= until:
                seen.setdefault((i.person, i.on.year), []).append((i.on, t))
    for hits in seen.values():
        hits.sort(key=lambda h: (h[0], h[1].id))
    return seen


def notice(task: Task, entry: Notice) -> Task:
    require_status(task, ("open",), "下达督查通知书", "只有在办的事项可以下达督查通知书")
    if entry.fix_due <= entry.on:
        raise UsageError(f"整改期限 {entry.fix_due} 应晚于下达日期 {entry.on}", "请检查 --due 或 --within")
    new = copy.deepcopy(task)
    new.notices.append(entry)
    return new


def interview(task: Task, entry: Interview) -> Task:
    require_status(task, ("open", "reported", "suspended", "closed"), "记录约谈")
    not_before(task, entry.on, "约谈")
    new = copy.deepcopy(task)
    new.interviews.append(entry)
    return new
