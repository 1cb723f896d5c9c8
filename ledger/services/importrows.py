"""One row of an office's sheet → one Task: dates in the sheet's year, status, dated progress, 长期 and cycles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from ..domain import phrases, sources
from ..domain.errors import UsageError
from ..domain.model import DoneReport, Event, Progress, Task, Verification, format_id
from ..files import checks, codec, invariants, strictyaml
from ..formats import tabular

Date = dt.date
UNDATED = "〔导入：原表未注日期〕"


@dataclass
class SheetContext:
    """What every row of one sheet shares."""

    today: Date
    clerk: str
    kinds: dict
    clean: Callable[..., str]
    ref_year: int  # for dates written without a year
    assigned_on: Date | None = None  # --assigned-on
    closed_as_verified: bool = False
    strict_status: bool = False  # a 状态 column holds status words only; 完成情况 may hold prose
    tags: list[str] = field(default_factory=list)  # the sheet's name, the section's name


class RowError(Exception):
    pass


def text_of(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.datetime, Date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def build(values: dict[str, Any], months: list[tuple[tuple[int | None, int], Any]], ctx: SheetContext,
          notes: list[str] | None = None) -> Task:
    """The row's task (with a placeholder ID), or RowError with every problem found in it.
    `notes` gets "prose" when a 完成情况 cell held words that are no status (kept as progress)."""
    problems: list[str] = []

    def text(fld: str, what: str, required: bool = False, multiline: bool = False) -> str:
        try:
            return ctx.clean(text_of(values.get(fld)), what, required=required, multiline=multiline)
        except UsageError as e:
            problems.append(e.message)
            return ""

    title = text("title", "事项", required=True, multiline=True).replace("\n", " ")
    leads = tabular.split_units(values.get("lead_unit"))
    units = tabular.split_units(values.get("units"))
    if not leads:
        problems.append("牵头单位不能为空")
    lead = leads[0] if leads else ""
    units = [u for u in leads[1:] + units if u != lead]
    for u in [lead, *units]:
        if u and strictyaml.bad_char(u):
            problems.append(f"单位名称中含有控制字符：{u!r}")
    year = ctx.ref_year
    assigned_on = ctx.assigned_on
    if text_of(values.get("assigned_on")):
        try:
            assigned_on = phrases.parse_cn_date(values["assigned_on"], year) or assigned_on
        except phrases.DateProblem as e:
            problems.append(f"交办日期{e}")
    deadline = phrases.Deadline(None)
    if "due" in values:
        try:
            deadline = phrases.parse_deadline(values.get("due"), year)
        except phrases.DateProblem as e:
            problems.append(f"办结时限{e}")
    else:
        problems.append("没有办结时限列")
    entries = _progress(values, months, year, ctx, problems)
    status, status_note = _status(values, entries, problems, ctx.strict_status)
    known = assigned_on is not None
    if assigned_on is None:
        # Last year's sheet carries no 交办日期: the day is unknown, not today. The earliest day the
        # row proves (its deadline, its first dated progress) stands in, marked as unknown.
        past = [d for d in (deadline.due, *(on for on, _ in entries)) if d is not None and d < ctx.today]
        assigned_on = min(past) if past else ctx.today
        known = not past
    if deadline.due is not None and deadline.due < assigned_on:
        problems.append(f"办结时限 {deadline.due} 早于交办日期 {assigned_on}")
    for on, _ in entries:
        if on is not None and on > ctx.today:
            problems.append(f"进展日期 {on} 晚于今天")
        elif on is not None and on < assigned_on:
            problems.append(f"进展日期 {on} 早于交办日期 {assigned_on}")
    source, ref = _source(text("source", "来源"), text("ref", "文号"), ctx.kinds)
    tags = [t for t in [*tabular.split_units(values.get("tags")), *ctx.tags] if t]
    if any(strictyaml.bad_char(t) for t in tags):
        problems.append("标签（或工作表名、分类行）中含有控制字符")
    task = Task(
        id=format_id(ctx.today.year, 1), title=title, lead_unit=lead, units=units, leader=text("leader", "牵头领导"),
        contact=text("contact", "责任人"), source=source, ref=ref,
        description=text("description", "事项说明", multiline=True),
        assigned_on=assigned_on, assigned_on_unknown=not known, registered_on=ctx.today, due=deadline.due,
        report_cycle=deadline.cycle, deadline_basis=f"原表：{deadline.phrase}" if deadline.phrase else "",
        tags=list(dict.fromkeys(tags)),
        progress=sorted((Progress(on or ctx.today, text if on else UNDATED + text, ctx.clerk) for on, text in entries),
                        key=lambda p: p.on),
    )
    if status == "prose":
        status = "open"
        if notes is not None:
            notes.append("prose")
    _apply_status(task, status, status_note, ctx)
    if not problems:
        plain = codec.task_to_plain(task)
        for check in (checks.check_status, checks.check_dates, invariants.check_transitions,
                      invariants.check_record_dates):
            problems.extend(message for _, message in check("", plain, task))
    if problems:
        raise RowError(problems)
    return task


def _progress(values, months, year: int, ctx: SheetContext, problems: list[str]) -> list[tuple[Date | None, str]]:
    out: list[tuple[Date | None, str]] = []
    for cell in values.get("progress") or []:
        try:
            out.extend(phrases.progress_entries(cell, year))
        except phrases.DateProblem as e:
            problems.append(str(e))
    for (y, m), cell in months:
        body = text_of(cell)
        if body:
            # A month's column is that month's report: dated at its end (today for the current month).
            out.append((min(phrases.month_end(y or year, m), ctx.today), body.replace("\n", " ")))
    for _, body in out:
        if strictyaml.bad_char(body.replace("\n", " ").replace("\t", " ")):
            problems.append("进展中含有不可见的控制字符")
            break
    return out


def _status(values, entries, problems: list[str], strict: bool) -> tuple[str, str]:
    """(open | done | cancelled | suspended, the cell's words); words that are no status become progress."""
    cell = values.get("status")
    status, rest = phrases.status_of(cell)
    if status is None:
        if strict:
            problems.append(f"看不懂的状态“{text_of(cell)}”（可写 已完成、进行中、已撤销 等）")
            return "open", ""
        status, rest = "prose", ""
        entries.append((None, text_of(cell).replace("\n", " ")))  # a 完成情况 written as prose
    elif rest and status not in ("cancelled", "suspended"):
        entries.append((None, rest.replace("\n", " ")))
    return status, text_of(cell)


def _apply_status(task: Task, status: str, words: str, ctx: SheetContext) -> None:
    note = f"导入：原表记为“{words}”"
    if status == "done":
        task.done = DoneReport(ctx.today, note, ctx.clerk)
        task.status = "reported"
        if ctx.closed_as_verified:
            task.verification = Verification(ctx.today, ctx.clerk, "document", note + "，导入时记为已核验", ctx.clerk)
            task.status = "closed"
    elif status in ("cancelled", "suspended"):
        action = {"cancelled": "cancel", "suspended": "suspend"}[status]
        task.events.append(Event(ctx.today, action, words, ctx.clerk))
        task.status = status


def _source(raw_source: str, ref: str, kinds) -> tuple[str, str]:
    source = ""
    if raw_source:
        try:
            source = sources.resolve_source(raw_source, kinds).kind
        except UsageError:
            # An office's own wording ("2026年政府工作报告"): keep the words, as the reference.
            found = [r.kind for r in kinds.values() if any(w in raw_source for w in (r.kind, *r.aliases))]
            source = found[0] if found else ""
            if raw_source != source:
                ref = f"{raw_source} {ref}".strip()
    return source, ref
