"""The ledger as it stood at the end of a day, rebuilt from git, and the reports built on it."""

from __future__ import annotations

import datetime as dt

from ..domain import report
from ..domain.errors import UsageError
from ..domain.model import Task, misfiled
from ..files import codec
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
    then = ledger.tree_blobs(rev)
    # Files unchanged since then are read through today's cache; only the others are parsed from git.
    now = ledger.clean_blobs()
    same = {p for p, sha in then.items() if now.get(p) == sha}
    loaded = ledger.load_all() if same else {}
    tasks: list[Task] = []
    older: list[str] = []
    for path in then:
        plain = loaded.get(path) if path in same else None
        if isinstance(plain, dict) and misfiled(path, plain.get("id")):
            env.warn(f"警告：{misfiled(path, plain.get('id'))}（已跳过，请运行 taizhang check）")
            continue
        if isinstance(plain, dict):
            tasks.append(codec.task_from_plain(plain))
        else:
            older.append(path)
    for path, data in zip(older, ledger.read_blobs([then[p] for p in older])):
        try:
            task = codec.task_from_bytes(data)
        except codec.FormatError as e:
            env.warn(f"警告：{path}:{e.line}: {e.message}（{rev[:8]} 时的版本，已跳过）")
            continue
        if misfiled(path, task.id):
            env.warn(f"警告：{misfiled(path, task.id)}（{rev[:8]} 时的版本，已跳过）")
            continue
        tasks.append(task)
    return tasks, f"git:{rev}"


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
          keep=None) -> report.Report:
    """The report as `report` prints it; `keep(task)` narrows the tasks (the public site's selection)."""
    from ..domain.workdays import parse_date
    from .common import lag_points, warn_workdays

    if kind == "unit":
        start = parse_date(since, "--since 日期") if since else Date(env.today.year, 1, 1)
        end = judged = env.today
    else:
        start, end, judged = period_for(kind, env, month, as_of_given)
    from .workflow import units_directory

    tasks, source = tasks_as_of(env, judged)
    if keep is not None:
        tasks = [t for t in tasks if keep(t)]
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
