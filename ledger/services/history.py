"""The ledger as it stood at the end of a day, rebuilt from git, and the reports built on it."""

from __future__ import annotations

import datetime as dt

from ..domain import report
from ..domain.errors import UsageError
from ..domain.model import Task, misfiled
from ..files import codec
from ..files.store import parse_task
from .context import Env

Date = dt.date


def tasks_as_of(env: Env, day: Date) -> tuple[list[Task], str]:
    """Tasks at the end of `day`: today's files when nothing was recorded since, else git's snapshot."""
    from .reading import load_tasks

    ledger = env.ledger()
    head = ledger.head()
    rev = ledger.revision_at(day) if head else None
    if rev is None or rev == head:
        if rev is None and head is not None:
            return [], "git:none"  # the ledger did not exist yet on that day
        return load_tasks(env), "files"
    return Snapshots(env).tasks(rev, ledger.tree_blobs(rev)), f"git:{rev}"


class Snapshots:
    """The tasks of trees at past commits, each file version read once however many trees hold it.

    A file unchanged since then is read through today's cache, the others are parsed from git;
    the site's trend reads a dozen month-end trees that share most of their files.
    """

    def __init__(self, env: Env, known: dict | None = None):
        self.env = env
        # blob id → (plain form, error), as trail.parse_version gives them: versions read already
        self.known = {} if known is None else known
        # blob id → its task, or why it is unreadable; trail.parsed_entries may fill it too
        self.parsed: dict[str, Task | codec.FormatError] = {}
        self.seen = codec.Seen()  # task_from_cached's: a record the versions share is built once
        # (file, blob id) → (its task, whether read from today's files): the trees share most files,
        # and a file taken once needs no checks again (a skipped one is warned of in every tree)
        self.taken: dict[tuple[str, str], tuple[Task, bool]] = {}
        self.now: dict[str, str] | None = None
        self.loaded: dict | None = None

    def tasks(self, rev: str, then: dict[str, str]) -> list[Task]:
        """The tasks of the tree `then` (task file → blob id) at commit `rev`, warning of bad files."""
        ledger = self.env.ledger()
        if self.now is None:
            self.now = ledger.clean_blobs()
        same = {p for p, sha in then.items() if self.now.get(p) == sha}
        if same and self.loaded is None:
            self.loaded = ledger.load_all()
        tasks: list[Task] = []
        older: list[str] = []
        taken = self.taken
        for path, sha in then.items():
            hit = taken.get((path, sha))
            if hit is not None:
                if hit[1]:
                    tasks.append(hit[0])
                else:
                    older.append(path)
                continue
            plain = self.loaded.get(path) if path in same else None
            if isinstance(plain, dict) and misfiled(path, plain.get("id")):
                self.env.warn(f"警告：{misfiled(path, plain.get('id'))}（已跳过，请运行 taizhang check）")
                continue
            if isinstance(plain, dict):
                task = self.parsed.get(sha)
                if not isinstance(task, Task):  # load_all's plain forms passed task_from_plain
                    task = self.parsed[sha] = codec.task_from_cached(plain)
                tasks.append(task)
                taken[(path, sha)] = (task, True)
            else:
                older.append(path)
        unread = []
        for sha in dict.fromkeys(then[p] for p in older if then[p] not in self.parsed):
            plain = self.known.get(sha, (None,))[0]
            if isinstance(plain, dict):  # parse_version's, or load_all's: they passed task_from_plain
                self.parsed[sha] = codec.task_from_cached(plain, self.seen)
            else:
                unread.append(sha)
        for sha, data in zip(unread, ledger.read_blobs(unread)):
            try:
                self.parsed[sha] = parse_task(data)
            except codec.FormatError as e:
                self.parsed[sha] = e
        for path in older:
            hit = taken.get((path, then[path]))
            if hit is not None:
                tasks.append(hit[0])
                continue
            task = self.parsed[then[path]]
            if isinstance(task, codec.FormatError):
                self.env.warn(f"警告：{path}:{task.line}: {task.message}（{rev[:8]} 时的版本，已跳过）")
                continue
            if misfiled(path, task.id):
                self.env.warn(f"警告：{misfiled(path, task.id)}（{rev[:8]} 时的版本，已跳过）")
                continue
            tasks.append(task)
            taken[(path, then[path])] = (task, False)
        return tasks


def period_for(kind: str, env: Env, month: str | None, as_of_given: bool) -> tuple[Date, Date, Date]:
    """(start, end, judged-on) of a report; a finished period is judged on its last day."""
    today = env.today
    if kind == "monthly":
        if month:
            start, end = report.month_period(month)
        else:
            start, end = report.month_period(f"{today.year}-{today.month:02d}")
    else:
        start, end = report.week_period(today)
    if start > today and not as_of_given:
        raise UsageError(f"{start} 还没有到", "请选择已开始的月份，或用 --as-of 指定日期")
    return start, end, min(end, today)


def build(env: Env, kind: str, *, month: str | None = None, as_of_given: bool = False,
          unit: str | None = None, ranking: bool = True, since: str | None = None,
          keep=None, snapshot: tuple[list[Task], str] | None = None) -> report.Report:
    """The report as `report` prints it; `keep(task)` narrows the tasks (the public site's selection).

    `snapshot` is the tasks on the judged day and their source, when the caller has read them
    already (the site's trend, one Snapshots for all months).
    """
    from ..domain.workdays import parse_date
    from .common import lag_points, warn_workdays

    if kind == "unit":
        start = parse_date(since, "--since 日期") if since else Date(env.today.year, 1, 1)
        end = judged = env.today
    else:
        start, end, judged = period_for(kind, env, month, as_of_given)
    from ..domain.unitsdir import units_directory

    tasks, source = tasks_kept(env, judged, keep, snapshot)
    ledger = env.ledger()
    canonical = units_directory(ledger.config).canonical
    if canonical:
        tasks = [report.canonical_units(t, canonical) for t in tasks]
        unit = canonical.get(unit, unit) if unit else unit
    if kind == "unit" and not any(t.lead_unit == unit or unit in t.units for t in tasks):
        raise UsageError(f"台账中没有单位“{unit}”承办的事项", "请用 taizhang list 查看单位名称")
    return report.build(tasks, start, end, judged, ledger.calendar, warn_workdays(env),
                        lag_points=lag_points(env), kind=kind, unit=unit,
                        ranking=ranking, org=str(ledger.config.get("org") or ""), source=source)


def month_totals(env: Env, month: str, *, keep=None,
                 snapshot: tuple[list[Task], str] | None = None) -> dict[str, int]:
    """Open / overdue / closed of `report monthly --month` (build's totals), without the rest of the report."""
    start, end, judged = period_for("monthly", env, month, True)
    tasks, _ = tasks_kept(env, judged, keep, snapshot)
    return report.trend_totals(tasks, start, end, judged, env.ledger().calendar)


def tasks_kept(env: Env, judged: Date, keep=None,
               snapshot: tuple[list[Task], str] | None = None) -> tuple[list[Task], str]:
    """The tasks on the judged day (the snapshot, when the caller read it) that `keep` keeps, and their source."""
    tasks, source = snapshot if snapshot is not None else tasks_as_of(env, judged)
    return (tasks if keep is None else [t for t in tasks if keep(t)]), source
