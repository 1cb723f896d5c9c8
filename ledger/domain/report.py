"""Tasks -> the numbers of a 督查通报 (monthly, weekly, one unit): pure, no I/O, no rendering."""

from __future__ import annotations

import calendar as _calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from . import cycles
from .errors import UsageError
from .lights import DEFAULT_LAG_POINTS, assess, overdue_workdays
from .model import URGE_LEVELS, Task, done_reports, verifications
from .workdays import Calendar

Date = dt.date
REPORT_SCHEMA_VERSION = 1
ACTIVE = ("open", "reported", "suspended")


def month_period(text: str) -> tuple[Date, Date]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"月份格式不对：{text!r}", "请写成 YYYY-MM，如 2026-10")
    y, mo = int(m.group(1)), int(m.group(2))
    return Date(y, mo, 1), Date(y, mo, _calendar.monthrange(y, mo)[1])


def week_period(day: Date) -> tuple[Date, Date]:
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


@dataclass
class UnitRow:
    unit: str
    held: int = 0  # tasks led by the unit that were live at some point of the period
    due: int = 0  # deadlines falling in the period
    due_suspended: int = 0
    on_time: int = 0  # of those due, reported done on or before the deadline
    late: int = 0  # reported done in the period after their deadline
    overdue: int = 0  # overdue and still open on the report date
    urges: int = 0  # 催办/督办 sent in the period

    @property
    def rate(self) -> float | None:
        """按期办结率 = done on time / (due − suspended); None when nothing was due."""
        base = self.due - self.due_suspended
        return None if base <= 0 else self.on_time / base

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "held": self.held, "due": self.due, "due_suspended": self.due_suspended,
            "done_on_time": self.on_time, "done_late": self.late, "overdue": self.overdue,
            "urges": self.urges, "on_time_rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass
class Report:
    kind: str  # monthly | weekly | unit
    start: Date
    end: Date
    as_of: Date
    org: str = ""
    unit: str | None = None
    source: str = "files"  # "files", or "git:<sha>" when rebuilt from history
    totals: dict[str, int] = field(default_factory=dict)
    units: list[UnitRow] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)
    ranking: list[dict[str, Any]] | None = None
    interviewed_twice: list[dict[str, Any]] = field(default_factory=list)  # → 通报批评 [003 §三(四)]
    written_reports: list[dict[str, Any]] = field(default_factory=list)  # 书面报告协调情况 [003 §二(一)]
    tasks: list = field(default_factory=list)  # Assessed tasks as of the report date

    @property
    def title(self) -> str:
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月督查通报"
        if self.kind == "weekly":
            return f"督查周报（{self.start}至{self.end}）"
        return f"{self.unit}督查事项情况（{self.start}至{self.end}）"

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "kind": self.kind,
            "title": self.title,
            "org": self.org,
            "unit": self.unit,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "totals": self.totals,
            "units": [u.as_json() for u in self.units],
            "overdue": self.overdue,
            "extensions": self.extensions,
            "ranking": self.ranking,
            "interviewed_twice": self.interviewed_twice,
            "written_reports_due": self.written_reports,
        }


def _in(d: Date | None, start: Date, end: Date) -> bool:
    return d is not None and start <= d <= end


def _live_in(t: Task, start: Date, end: Date) -> bool:
    """Registered by the period's end and not already finished (closed/cancelled) before it began."""
    if t.assigned_on > end:
        return False
    if t.status == "closed" and t.verification and t.verification.on < start:
        return False
    if t.status == "cancelled":
        return False
    return True


def build(
    tasks: Iterable[Task],
    start: Date,
    end: Date,
    as_of: Date,
    cal: Calendar,
    warn_workdays: int = 3,
    *,
    lag_points: int = DEFAULT_LAG_POINTS,
    kind: str = "monthly",
    unit: str | None = None,
    ranking: bool = True,
    org: str = "",
    source: str = "files",
    canonical: dict[str, str] | None = None,
) -> Report:
    """The bulletin's numbers for the period start..end, judged on `as_of` (the period's end or earlier).

    `canonical` maps every name and alias of the units directory to the unit's full name, so that
    a hand-edited file written with an alias counts for its unit.
    """
    if canonical:
        tasks = [canonical_units(t, canonical) for t in tasks]
        unit = canonical.get(unit, unit) if unit else unit
    tasks = [t for t in tasks if unit is None or t.lead_unit == unit or unit in t.units]
    rep = Report(kind, start, end, as_of, org=org, unit=unit, source=source)
    assessed = [assess(t, as_of, cal, warn_workdays, lag_points) for t in tasks]
    rep.tasks = sorted(assessed, key=lambda a: a.task.id)
    totals = dict.fromkeys(
        ("tasks", "new", "reported_done", "closed", "open", "awaiting_verification", "overdue",
         "suspended", "cancelled", "extended", "urged", "urges", "due", "done_on_time", "done_late",
         "progressed", "progress"), 0)
    rows: dict[str, UnitRow] = {}
    for a in assessed:
        t = a.task
        row = rows.setdefault(t.lead_unit, UnitRow(t.lead_unit))
        if t.status != "cancelled":
            totals["tasks"] += 1
        totals["cancelled"] += t.status == "cancelled"
        totals["new"] += _in(t.assigned_on, start, end)
        # Every 申请办结 and 销号 of the period counts, also those a later reopen sent back.
        totals["reported_done"] += sum(_in(d.on, start, end) for d in done_reports(t))
        totals["closed"] += sum(_in(v.on, start, end) for v in verifications(t))
        totals["open"] += t.status == "open"
        totals["awaiting_verification"] += t.status == "reported"
        totals["suspended"] += t.status == "suspended"
        exts = [c for c in t.deadline_changes if c.kind == "extend" and _in(c.on, start, end)]
        totals["extended"] += bool(exts)
        urges = [u for u in t.urges if _in(u.on, start, end)]
        totals["urged"] += bool(urges)
        totals["urges"] += len(urges)
        row.urges += len(urges)
        # What the units reported in the period (a collect round, or progress typed in by the office).
        entries = sum(1 for p in t.progress if _in(p.on, start, end))
        totals["progressed"] += bool(entries)
        totals["progress"] += entries
        if _live_in(t, start, end):
            row.held += 1
        if t.status != "cancelled" and _in(t.due, start, end):
            row.due += 1
            totals["due"] += 1
            if t.status == "suspended":
                row.due_suspended += 1
            elif t.done and t.done.on <= t.due:
                row.on_time += 1
                totals["done_on_time"] += 1
        if t.done and t.due and _in(t.done.on, start, end) and t.done.on > t.due:
            row.late += 1
            totals["done_late"] += 1
        # 逾期 in a bulletin means overdue and still unfinished; one reported done late is 逾期办结.
        if a.overdue_workdays > 0 and t.status == "open":
            row.overdue += 1
            totals["overdue"] += 1
            rep.overdue.append({
                "id": t.id, "title": t.title, "lead_unit": t.lead_unit, "units": t.units,
                "leader": t.leader, "due": t.due.isoformat(), "overdue_workdays": a.overdue_workdays,
                "status": t.status,
                "reminders": sum(u.level == "remind" for u in t.urges),
                "supervisions": sum(u.level == "supervise" for u in t.urges),
                "last_urge": t.urges[-1].on.isoformat() if t.urges else None,
                "urges": [{"on": u.on.isoformat(), "level": u.level, "label": URGE_LEVELS.get(u.level, u.level),
                           "note": u.note, "number": u.number} for u in t.urges],
            })
        for c in exts:
            rep.extensions.append({
                "id": t.id, "title": t.title, "lead_unit": t.lead_unit, "on": c.on.isoformat(),
                "old_due": c.old_due.isoformat(), "new_due": c.new_due.isoformat(), "reason": c.reason,
                "late": c.late, "approved_by": c.approved_by,  # late: 超时延期, granted after the deadline
            })
    rep.interviewed_twice = interviewed_twice(tasks, end.year, as_of)
    rep.written_reports = [
        {"id": t.id, "title": t.title, "lead_unit": t.lead_unit,
         "failed_coordinations": cycles.failed_coordinations(t),
         "last_coordination": t.coordinations[-1].on.isoformat()}
        for t in sorted(tasks, key=lambda t: t.id) if cycles.written_report_due(t)
    ]
    rep.overdue.sort(key=lambda o: (-o["overdue_workdays"], o["id"]))
    rep.extensions.sort(key=lambda e: (e["on"], e["id"]))
    rep.units = sorted((r for r in rows.values() if r.held or r.due or r.late or r.urges),
                       key=lambda r: r.unit)
    rep.totals = totals
    if ranking:
        ranked = sorted(rep.units, key=lambda r: (r.rate is None, -(r.rate or 0), r.overdue, r.unit))
        rep.ranking = []
        rank, previous = 0, None
        for i, r in enumerate(ranked, 1):
            standing = (r.rate, r.overdue)
            if standing != previous:  # tied units share a rank, the next one skips: 1, 1, 3
                rank, previous = i, standing
            rep.ranking.append({"rank": rank, "unit": r.unit,
                                "on_time_rate": None if r.rate is None else round(r.rate, 4), "overdue": r.overdue})
    return rep


def trend_totals(tasks: Iterable[Task], start: Date, end: Date, as_of: Date, cal: Calendar) -> dict[str, int]:
    """build()'s totals open, overdue and closed, without the rest of the report: the site's trend
    needs only these three at a dozen month ends, and judging every task in full cost ~2 s there."""
    open_ = overdue = closed = 0
    for t in tasks:
        if t.status == "open":
            open_ += 1
            overdue += overdue_workdays(t, as_of, cal) > 0
        closed += sum(_in(v.on, start, end) for v in verifications(t))
    return {"open": open_, "overdue": overdue, "closed": closed}


def canonical_units(t: Task, canonical: dict[str, str]) -> Task:
    """The task with its units under their directory names (aliases folded, order kept, no repeats)."""
    lead = canonical.get(t.lead_unit, t.lead_unit)
    units: list[str] = []
    for u in t.units:
        c = canonical.get(u, u)
        if c != lead and c not in units:
            units.append(c)
    if lead == t.lead_unit and units == t.units:
        return t
    return dataclasses.replace(t, lead_unit=lead, units=units)


def interviewed_twice(tasks: Iterable[Task], year: int, as_of: Date) -> list[dict[str, Any]]:
    """Persons 约谈 twice or more in `year` up to `as_of`: 通报批评 is due [003 §三(四)]."""
    out = []
    for (person, in_year), hits in sorted(cycles.interviews_by_person(tasks, as_of).items()):
        if in_year == year and len(hits) >= cycles.INTERVIEW_LIMIT:
            out.append({"person": person, "year": year, "count": len(hits),
                        "interviews": [{"on": d.isoformat(), "id": t.id, "lead_unit": t.lead_unit} for d, t in hits]})
    return out


TOTAL_LABELS = {
    "tasks": "事项总数（不含撤销）",
    "new": "本期新交办",
    "reported_done": "本期申请办结",
    "closed": "本期核验销号",
    "open": "在办",
    "awaiting_verification": "待核验",
    "overdue": "逾期未办结",
    "suspended": "暂缓",
    "cancelled": "已撤销",
    "extended": "本期延期事项",
    "urged": "本期催办事项",
    "urges": "本期催办督办次数",
    "due": "本期到期",
    "done_on_time": "本期按期办结",
    "done_late": "本期逾期办结",
    "progressed": "本期报送进展事项",
    "progress": "本期进展条数",
}


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def overall_rate(rep: Report) -> float | None:
    base = sum(u.due - u.due_suspended for u in rep.units)
    return None if base <= 0 else sum(u.on_time for u in rep.units) / base
