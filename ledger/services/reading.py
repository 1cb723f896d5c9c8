"""The reading commands' service: load the tasks, filter and judge them (list, show, overdue, log)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..domain import cycles, rules, sources
from ..domain.errors import LedgerError, UsageError
from ..domain.lights import Assessed, assess
from ..domain.model import STATUS_LABELS, Task, misfiled
from ..domain.workdays import parse_date
from ..files import codec
from .common import lag_points, resolve_id, source_rules, warn_workdays
from .context import Env


# -- reading -----------------------------------------------------------------------
def load_tasks(
    env: Env,
    progress: Callable[[int, int], None] | None = None,
    statuses: Iterable[str] | None = None,
    parent: str | None = None,
    writing: bool = False,
) -> list[Task]:
    """All readable tasks (or those in `statuses`, or under `parent`); a broken file is named on stderr.

    A file whose number is not its path (a copy of another task) is skipped and named, or, for a
    command about to write (`writing`), refuses it: it would overwrite the real task.
    """
    return [task for task, _ in _load_plain(env, progress, statuses, parent, writing)]


def load_tasks_plain(env: Env) -> tuple[list[tuple[Task, dict]], dict[str, dict | Exception]]:
    """load_tasks' tasks, each with the plain form it was built from (what JSON output reuses as is),
    and Ledger.load_all's answer they came from: every task file's plain form or its error."""
    files = _load_all(env)
    return _taken(env, files), files


def _load_plain(
    env: Env,
    progress: Callable[[int, int], None] | None = None,
    statuses: Iterable[str] | None = None,
    parent: str | None = None,
    writing: bool = False,
) -> list[tuple[Task, dict]]:
    """Each readable task with the plain form it was built from."""
    return _taken(env, _load_all(env, progress, statuses, parent), writing)


def _load_all(env: Env, progress: Callable[[int, int], None] | None = None, statuses: Iterable[str] | None = None,
              parent: str | None = None) -> dict[str, dict | Exception]:
    if progress is None:
        from ..formats.render import rebuild_progress

        progress = rebuild_progress()
    return env.ledger().load_all(progress, None if statuses is None else frozenset(statuses), parent)


def _taken(env: Env, loaded: dict[str, dict | Exception], writing: bool = False) -> list[tuple[Task, dict]]:
    """The readable tasks of load_all's answer, each with its plain form; the others named on stderr."""
    out = []
    from_cache = codec.task_from_cached  # every value passed task_from_plain when it was read
    from ..files.layout import deleted_message

    for rel in env.ledger().missing_task_files():
        env.warn(f"警告：{rel}: {deleted_message(rel)}")
    for rel, value in loaded.items():
        if isinstance(value, Exception):
            line = getattr(value, "line", 1)
            env.warn(f"警告：{rel}:{line}: {getattr(value, 'message', value)}（已跳过，请运行 taizhang check）")
            continue
        wrong = misfiled(rel, value.get("id"))
        if wrong:
            if writing:
                raise LedgerError(f"{wrong}，本次不作任何修改", "请运行 taizhang check，删除或改正该文件后重试")
            env.warn(f"警告：{wrong}（已跳过，请运行 taizhang check）")
            continue
        out.append((from_cache(value), value))
    return out


def get(env: Env, task_id: str) -> Task:
    return env.ledger().read_task(resolve_id(task_id, env.today))


@dataclass
class Filter:
    statuses: list[str] | None = None
    unit: str | None = None
    leader: str | None = None
    source: str | None = None
    tag: str | None = None
    overdue: bool = False
    light: str | None = None
    due_before: str | None = None
    include_closed: bool = False
    milestone_overdue: bool = False
    urged: bool = False  # has a 催办单 or 督办单
    extended: bool = False  # its deadline was extended
    late_assignment: bool = False  # 交办单 issued after the rule's assignment deadline
    written_report_due: bool = False  # two failed coordinations: a written report is due
    parent: str | None = None  # children of this task
    any_unit: list[str] | None = None  # tasks of any of these units (a reporter's own, see home_units)


def home_units(env: Env) -> list[str]:
    """The units whose reporter the ledger's git identity is (none for the office, or without roles):
    what `list` shows in a unit's clone unless asked for all."""
    from ..domain.roles import Identity
    from .context import ledger_policy

    ledger = env.ledger()
    policy = ledger_policy(ledger.config)
    if not policy.configured:
        return []
    try:
        clerk = ledger.clerk(env.by)
    except LedgerError:  # no git identity: nobody's clone in particular
        return []
    ident = Identity(clerk.name, clerk.email)
    return [] if policy.is_office(ident) else policy.units_of(ident)


def query(env: Env, f: Filter) -> list[Assessed]:
    for s in f.statuses or []:
        if s not in STATUS_LABELS:
            raise UsageError(f"没有“{s}”这种状态", f"可选：{', '.join(STATUS_LABELS)}")
    if f.light and f.light not in ("red", "yellow", "green"):
        raise UsageError(f"没有“{f.light}”这种预警灯", "可选：red、yellow、green")
    due_before = parse_date(f.due_before, "--due-before 日期") if f.due_before else None
    source = None
    if f.source:
        source = sources.resolve_source(f.source, source_rules(env)).kind
    statuses = set(f.statuses or ())
    if not statuses and not f.include_closed:
        statuses = {"open", "reported", "suspended"}
    parent = resolve_id(f.parent, env.today) if f.parent else None
    names: dict[str, str] = {}
    if f.unit or f.any_unit:
        from ..domain.unitsdir import units_directory

        # The directory's names and aliases all find the unit, in files written either way.
        names = units_directory(env.ledger().config).canonical
    unit = names.get(f.unit, f.unit) if f.unit else None
    any_unit = {names.get(u, u) for u in f.any_unit or ()}
    cal, today, warn, lag = env.ledger().calendar, env.today, warn_workdays(env), lag_points(env)
    out = []
    for task, plain in _load_plain(env, statuses=statuses or None):
        if statuses and task.status not in statuses:
            continue
        if unit and unit != names.get(task.lead_unit, task.lead_unit) \
                and all(unit != names.get(u, u) for u in task.units):
            continue
        if any_unit and not any_unit & {names.get(u, u) for u in (task.lead_unit, *task.units)}:
            continue
        if f.leader and f.leader != task.leader:
            continue
        if source and source != task.source:
            continue
        if f.tag and f.tag not in task.tags:
            continue
        if due_before and (task.due is None or task.due >= due_before):
            continue
        if parent and task.parent != parent:
            continue
        if f.urged and not task.urges:
            continue
        if f.extended and not sources.extended(task):
            continue
        if f.late_assignment and not sources.assign_late(task):
            continue
        if f.written_report_due and not cycles.written_report_due(task):
            continue
        a = assess(task, today, cal, warn, lag, plain)
        if f.overdue and a.overdue_workdays <= 0:
            continue
        if f.light and a.light != f.light:
            continue
        if f.milestone_overdue and not rules.missed_milestones(task, today):
            continue
        out.append(a)
    return out


def overdue(env: Env) -> list[Assessed]:
    return overdue_order(query(env, Filter(statuses=["open", "reported"], overdue=True)))


def overdue_order(items: Iterable[Assessed]) -> list[Assessed]:
    """The overdue ones among `items` as `overdue` lists them: longest overdue first, then by number."""
    found = [a for a in items if a.task.status in ("open", "reported") and a.overdue_workdays > 0]
    return sorted(found, key=lambda a: (-a.overdue_workdays, a.task.id))


def log(env: Env, task_id: str):
    ledger = env.ledger()
    task_id = resolve_id(task_id, env.today)
    path = ledger.task_path(task_id)
    from ..files.changes import changesets  # git's history: only `log` reads it

    commits = changesets(ledger.root, paths=(ledger.rel(path),))
    if not commits:
        raise UsageError(f"没有编号为 {task_id} 的事项", "请用 taizhang list 查看现有编号")
    return commits
