"""`taizhang import`: validate every row of an office's sheet, then file all tasks in one commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import codec, rules, tabular
from .context import Env
from .errors import UsageError
from .model import Progress, Task, format_id

Date = dt.date


@dataclass
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass
class Plan:
    path: Path
    mapping: tabular.Mapping
    tasks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, Task fields)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_blank: int = 0
    new_units: list[str] = field(default_factory=list)  # --new-unit: names joining the directory
    new_config: dict | None = None


def read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}", "请检查文件路径")
    if suffix in (".xlsx", ".xlsm"):
        try:
            return tabular.read_xlsx(path)
        except Exception as e:  # openpyxl raises many kinds for a damaged file
            raise UsageError(f"读不了 Excel 文件 {path.name}：{e}", "请确认是 .xlsx 格式（.xls 请先另存为 .xlsx）") from None
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            return tabular.read_csv(path.read_bytes())
        except tabular.DateProblem as e:
            raise UsageError(str(e), "请用 Excel 另存为“CSV UTF-8”") from None
    raise UsageError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}", "只能导入 .xlsx 或 .csv 文件")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.datetime, Date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def plan(env: Env, path: Path, progress: Callable[[int, int], None] | None = None,
         new_unit: bool = False) -> Plan:
    """Read and check every row; nothing is written here."""
    from .services import clean, source_rules
    from .workflow import units_directory

    directory = units_directory(env.ledger().config)

    rows = read_rows(path)
    mapping = tabular.find_header(rows)
    if mapping is None:
        raise UsageError(
            f"{path.name} 的前 15 行中找不到表头",
            "表头须含事项列（如 工作任务/事项/任务内容）和单位列（如 牵头单位/责任单位）",
        )
    result = Plan(path, mapping)
    kinds = source_rules(env)
    today = env.today
    body = rows[mapping.header_row:]
    for i, row in enumerate(body):
        if progress is not None and i % 200 == 0:
            progress(i, len(body))
        n = mapping.header_row + 1 + i
        values: dict[str, Any] = {}
        for j, fld in mapping.columns.items():
            if fld != "ignore" and j < len(row):
                values[fld] = row[j]
        if all(_text(v) == "" for v in values.values()):
            result.skipped_blank += 1
            continue
        problems: list[str] = []
        try:
            fields = _row_fields(values, today, kinds, clean)
        except _RowError as e:
            problems.extend(e.args[0])
            fields = None
        if fields is not None:
            problems.extend(_canonical_units(fields, directory, new_unit, result.new_units))
        if problems:
            result.problems.extend(RowProblem(n, p) for p in problems)
        else:
            result.tasks.append((n, fields))
    if progress is not None:
        progress(len(body), len(body))
    if result.new_units:
        config = env.ledger().config
        table = {**directory.raw, **{u: [] for u in result.new_units}}
        result.new_config = {**config, "units": table}
    return result


def _canonical_units(fields: dict[str, Any], directory, new_unit: bool, added: list[str]) -> list[str]:
    """Aliases become the directory's full names; unknown units are refused unless --new-unit.

    An empty directory means the office keeps none: names are kept as written, and (as with
    `add --new-unit`) --new-unit starts the directory with them.
    """
    if not directory.raw and not new_unit:
        return []
    problems: list[str] = []
    named: list[str] = []
    for name in [fields["lead_unit"], *fields["units"]]:
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
        fields["lead_unit"] = named[0]
        fields["units"] = [u for u in named[1:] if u != named[0]]
    return problems


class _RowError(Exception):
    pass


def _row_fields(values: dict[str, Any], today: Date, kinds, clean) -> dict[str, Any]:
    problems: list[str] = []

    def text(fld: str, what: str, required: bool = False, multiline: bool = False) -> str:
        try:
            return clean(_text(values.get(fld)), what, required=required, multiline=multiline)
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
        if u and codec.bad_char(u):
            problems.append(f"单位名称中含有控制字符：{u!r}")
    assigned_on = today
    if _text(values.get("assigned_on")):
        try:
            assigned_on = tabular.parse_cn_date(values["assigned_on"], today.year) or today
        except tabular.DateProblem as e:
            problems.append(f"交办日期{e}")
    due: Date | None = None
    if "due" in values:
        try:
            due = tabular.parse_cn_date(values.get("due"), assigned_on.year)
        except tabular.DateProblem as e:
            problems.append(f"办结时限{e}")
        if due is not None and due < assigned_on:
            problems.append(f"办结时限 {due} 早于交办日期 {assigned_on}")
    else:
        problems.append("没有办结时限列")
    source, ref = "", text("ref", "文号")
    raw_source = text("source", "来源")
    if raw_source:
        try:
            source = rules.resolve_source(raw_source, kinds).kind
        except UsageError:
            # An office's own wording ("2026年政府工作报告"): keep the words, as the reference.
            found = [r.kind for r in kinds.values() if any(w in raw_source for w in (r.kind, *r.aliases))]
            source = found[0] if found else ""
            if raw_source != source:
                ref = f"{raw_source} {ref}".strip()
    tags = [t for t in tabular.split_units(values.get("tags"))]
    progress_text = text("progress", "进展", multiline=True)
    fields = dict(
        title=title, lead_unit=lead, units=units, leader=text("leader", "牵头领导"),
        contact=text("contact", "责任人"), source=source, ref=ref,
        description=text("description", "事项说明", multiline=True),
        assigned_on=assigned_on, registered_on=today, due=due, tags=tags, progress_text=progress_text,
    )
    if problems:
        raise _RowError(problems)
    return fields


def commit(env: Env, result: Plan, progress: Callable[[int, int], None] | None = None) -> list[Task]:
    """File every planned task with sequential IDs under the lock, in exactly one commit."""
    from .services import _message

    ledger = env.ledger()
    clerk = ledger.clerk(env.by)
    if not result.tasks:
        raise UsageError(f"{result.path.name} 中没有可导入的事项", "请检查文件内容")
    with ledger.locked():
        seq = ledger.next_seq(env.today.year)
        tasks, files = [], {}
        for i, (_, fields) in enumerate(result.tasks):
            if progress is not None and i % 200 == 0:
                progress(i, len(result.tasks))
            fields = dict(fields)
            note = fields.pop("progress_text")
            task = Task(id=format_id(env.today.year, seq + i), **fields)
            if note:
                task.progress.append(Progress(max(env.today, task.assigned_on), note, clerk.name))
            tasks.append(task)
            files[ledger.task_path(task.id)] = codec.task_to_yaml(task)
        span = f"{tasks[0].id} 至 {tasks[-1].id}" if len(tasks) > 1 else tasks[0].id
        body = f"来自 {result.path.name}，共 {len(tasks)} 项，编号 {span}"
        if result.new_config is not None:
            from .store import CONFIG_FILE

            files[ledger.root / CONFIG_FILE] = codec.mapping_to_yaml(result.new_config)
            body += "\n单位名录新增：" + "、".join(result.new_units)
        ledger.commit(files, _message(f"导入 {len(tasks)} 项事项（{result.path.name}）", "import",
                                      [t.id for t in tasks], body), clerk)
    return tasks
