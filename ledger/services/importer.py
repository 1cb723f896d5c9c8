"""`taizhang import`: read every sheet within limits, account for every row, then file all tasks in one commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..domain import phrases
from ..domain.errors import UsageError
from ..domain.findings import Finding
from ..domain.model import Task, format_id
from ..domain.workdays import MAX_YEAR, MIN_YEAR
from ..files import emit
from ..formats import sheets, tabular
from . import importrows
from .context import Env

Date = dt.date



@dataclass
class SheetPlan:
    name: str
    mapping: tabular.Mapping | None
    rows: int  # rows in the sheet, title rows and header included
    tag: str = ""
    tasks: int = 0
    problem_rows: int = 0
    blank: int = 0
    skipped: list[str] = field(default_factory=list)  # section / subtotal rows, with their row numbers
    notes: list[str] = field(default_factory=list)
    prose_rows: list[int] = field(default_factory=list)  # 完成情况 cells that are no status, kept as progress


@dataclass
class Options:
    assigned_on: Date | None = None
    year: int | None = None
    closed_as_verified: bool = False
    new_unit: bool = False
    limits: list[str] = field(default_factory=list)  # --limit key=N


@dataclass
class Plan:
    path: Path
    sheets: list[SheetPlan] = field(default_factory=list)
    tasks: list[tuple[int, Task]] = field(default_factory=list)  # (row number, task with a placeholder ID)
    problems: list[Finding] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)  # --new-unit: names joining the directory
    new_config: dict | None = None


_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d*$", re.I)


def plan(env: Env, path: Path, progress: Callable[[int, int], None] | None = None,
         new_unit: bool = False, options: Options | None = None) -> Plan:
    """Read and check every row of every sheet; nothing is written here."""
    from ..domain.unitsdir import units_directory
    from .common import clean, source_rules

    opts = options or Options(new_unit=new_unit)
    if opts.year is not None and not MIN_YEAR <= opts.year <= MAX_YEAR:
        raise UsageError(f"--year 超出范围：{opts.year}", f"年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
    led = env.ledger()
    directory = units_directory(led.config)
    limits = sheets.limits_from(led.config.get("import_limits"), opts.limits)
    read = sheets.read(path, limits)
    result = Plan(path)
    found = [(s, tabular.find_header(s.rows)) for s in read]
    with_header = [s for s, m in found if m is not None and not s.hidden]
    if not with_header:
        raise UsageError(
            f"{path.name} 的前 15 行中找不到表头",
            "表头须含事项列（如 工作任务/事项/任务内容）和单位列（如 牵头单位/责任单位）",
        )
    several = len(with_header) > 1
    base = dict(today=env.today, clerk=led.clerk(env.by).name, kinds=source_rules(env), clean=clean,
                assigned_on=opts.assigned_on, closed_as_verified=opts.closed_as_verified)
    total = sum(len(s.rows) for s in with_header)
    done = 0
    for sheet, mapping in found:
        sp = SheetPlan(sheet.name, mapping, len(sheet.rows))
        result.sheets.append(sp)
        if mapping is None or sheet.hidden:
            why = "是隐藏的工作表" if sheet.hidden else "前 15 行中找不到表头"
            sp.notes.append(f"工作表“{sheet.name}”{why}，未导入（{len(sheet.rows)} 行）")
            continue
        if several and not _DEFAULT_SHEET.match(sheet.name.strip()):
            sp.tag = sheet.name.strip()
        titles = [importrows.text_of(v) for r in sheet.rows[:mapping.header_row - 1] for v in r]
        year = opts.year or phrases.year_in_title(titles) or (opts.assigned_on or env.today).year
        ctx = importrows.SheetContext(ref_year=year, tags=[sp.tag] if sp.tag else [], **base)
        _plan_sheet(result, sp, sheet, mapping, ctx, directory, opts.new_unit, several,
                    lambda i: progress(done + i, total) if progress is not None and i % 200 == 0 else None)
        done += len(sheet.rows)
    if progress is not None:
        progress(total, total)
    if result.new_units:
        result.new_config = {**led.config, "units": {**directory.raw, **{u: [] for u in result.new_units}}}
    return result


def _plan_sheet(result: Plan, sp: SheetPlan, sheet: sheets.Sheet, mapping: tabular.Mapping,
                ctx: importrows.SheetContext, directory, new_unit: bool, several: bool, tick) -> None:
    section = ""
    strict = any(f == "status" and tabular.norm_header(mapping.headers[j]) == "状态" for j, f in mapping.columns.items())
    ctx = dataclasses.replace(ctx, strict_status=strict)
    for i, row in enumerate(sheet.rows[mapping.header_row:]):
        tick(i)
        n = mapping.header_row + 1 + i
        values: dict[str, Any] = {"progress": []}
        months = []
        for j, fld in mapping.columns.items():
            v = row[j] if j < len(row) else None
            if fld == "progress":
                values["progress"].append(v)
            elif fld == "progress_month":
                months.append((mapping.months[j], v))
            elif fld != "ignore":
                values[fld] = v
        if all(importrows.text_of(v) == "" for v in row):
            sp.blank += 1
            continue
        kind = tabular.row_kind(row, mapping)
        if kind is not None:
            sp.skipped.append(f"第 {n} 行“{kind[1]}”（{'分类行' if kind[0] == 'section' else '合计行'}）")
            if kind[0] == "section":
                section = tabular.section_tag(kind[1])
            continue
        row_ctx = dataclasses.replace(ctx, tags=[*ctx.tags, section] if section else ctx.tags)
        notes: list[str] = []
        try:
            task = importrows.build(values, months, row_ctx, notes)
            problems = _canonical_units(task, directory, new_unit, result.new_units)
        except importrows.RowError as e:
            problems = e.args[0]
        if problems:
            sp.problem_rows += 1
            result.problems.extend(Finding.in_row(n, p, sheet.name if several else "") for p in problems)
        else:
            sp.tasks += 1
            result.tasks.append((n, task))
            if notes:
                sp.prose_rows.append(n)


def _canonical_units(task: Task, directory, new_unit: bool, added: list[str]) -> list[str]:
    """Aliases become the directory's full names; unknown units are refused unless --new-unit.

    An empty directory means the office keeps none: names are kept as written, and (as with
    `add --new-unit`) --new-unit starts the directory with them.
    """
    if not directory.raw and not new_unit:
        return []
    problems: list[str] = []
    named: list[str] = []
    for name in [task.lead_unit, *task.units]:
        c = directory.resolve(name)
        if c is None:
            if new_unit:
                if name not in added:
                    added.append(name)
                c = name
            else:
                near = directory.suggest(name)
                problems.append(f"单位名录中没有“{name}”" + (f"，是否是：{'、'.join(near)}？" if near else ""))
                continue
        if c not in named:
            named.append(c)
    if not problems:
        task.lead_unit = named[0]
        task.units = [u for u in named[1:] if u != named[0]]
    return problems


@dataclass
class Counts:
    overdue: int = 0
    reported: int = 0
    closed: int = 0
    cancelled: int = 0
    suspended: int = 0
    ongoing: int = 0  # 长期: no deadline, no cycle
    cyclic: int = 0
    assigned_unknown: int = 0


def counts(result: Plan, today: Date) -> Counts:
    c = Counts()
    for _, t in result.tasks:
        c.overdue += t.status == "open" and t.due is not None and t.due < today
        c.reported += t.status == "reported"
        c.closed += t.status == "closed"
        c.cancelled += t.status == "cancelled"
        c.suspended += t.status == "suspended"
        c.ongoing += t.due is None and not t.report_cycle
        c.cyclic += bool(t.report_cycle)
        c.assigned_unknown += t.assigned_on_unknown
    return c


def commit(env: Env, result: Plan, progress: Callable[[int, int], None] | None = None) -> list[Task]:
    """File every planned task with sequential IDs under the lock, in exactly one commit."""
    from .common import commit_message

    ledger = env.ledger()
    clerk = ledger.clerk(env.by)
    if not result.tasks:
        raise UsageError(f"{result.path.name} 中没有可导入的事项", "请检查文件内容")
    with ledger.locked():
        seq = ledger.next_seq(env.today.year)
        tasks, files = [], {}
        for i, (_, planned) in enumerate(result.tasks):
            if progress is not None and i % 200 == 0:
                progress(i, len(result.tasks))
            task = dataclasses.replace(planned, id=format_id(env.today.year, seq + i))
            tasks.append(task)
            files[ledger.task_path(task.id)] = emit.task_to_yaml(task)
        span = f"{tasks[0].id} 至 {tasks[-1].id}" if len(tasks) > 1 else tasks[0].id
        body = f"来自 {result.path.name}，共 {len(tasks)} 项，编号 {span}"
        if result.new_config is not None:
            from ..files.store import CONFIG_FILE

            files[ledger.root / CONFIG_FILE] = emit.mapping_to_yaml(result.new_config)
            body += "\n单位名录新增：" + "、".join(result.new_units)
        ledger.commit(files, commit_message(f"导入 {len(tasks)} 项事项（{result.path.name}）", "import",
                                      [t.id for t in tasks], body), clerk)
    return tasks
