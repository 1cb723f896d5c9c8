"""`taizhang edit`: correct how a task is named and who carries it, in one commit that shows old and new."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..domain.actions import EDITABLE, field_label
from ..domain.errors import UsageError
from ..domain.model import Task
from ..files import emit
from .common import clean, commit_message, resolve_id, short, split_units
from .context import Env
from .family import check_parent
from .units import resolve_units


@dataclass
class Changes:
    """What the clerk asked to change; None leaves a field as it is, "" or [] empties it."""

    title: str | None = None
    lead_unit: str | None = None
    units: list[str] | None = None
    leader: str | None = None
    contact: str | None = None
    tags: list[str] | None = None
    parent: str | None = None
    ref: str | None = None
    new_unit: bool = False


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "、".join(value) if value else "（无）"
    return str(value) if value else "（无）"


def change_lines(changes: list[tuple[str, object, object]]) -> list[str]:
    """名称（title）：旧 → 新, one line per field changed: the commit body and what `edit` prints."""
    return [f"{field_label(k)}：{_shown(old)} → {_shown(new)}" for k, old, new in changes]


def _new_values(env: Env, task: Task, ch: Changes) -> tuple[dict[str, object], dict | None]:
    """The fields as they are to be, and the new taizhang.yaml when --new-unit adds units."""
    out: dict[str, object] = {}
    if ch.title is not None:
        out["title"] = clean(ch.title, "事项标题", required=True)
    for key, what in (("leader", "牵头领导"), ("contact", "责任人"), ("ref", "文号")):
        if getattr(ch, key) is not None:
            out[key] = clean(getattr(ch, key), what)
    if ch.tags is not None:
        tags = [t for t in (clean(x, "标签") for x in ch.tags) if t]
        out["tags"] = sorted(set(tags), key=tags.index)
    new_config = None
    if ch.lead_unit is not None or ch.units is not None:
        lead = split_units([clean(ch.lead_unit, "牵头单位", required=True)]) if ch.lead_unit is not None \
            else [task.lead_unit]
        if len(lead) != 1:
            raise UsageError("牵头单位只能有一个", "其余单位请用 --unit 列为责任单位")
        others = split_units(ch.units) if ch.units is not None else task.units
        named, new_config = resolve_units(env, lead + others, ch.new_unit)
        out["lead_unit"] = named[0]
        out["units"] = [u for u in named[1:] if u != named[0]]
    if ch.parent is not None:
        parent = clean(ch.parent, "上级事项")
        if parent:
            parent = resolve_id(parent, env.today)
            if parent == task.id:
                raise UsageError(f"{task.id} 不能是自己的上级事项", "请检查 --parent")
            _refuse_cycle(env, task.id, parent)
            parent = check_parent(env, parent, task.due or task.assigned_on)
        out["parent"] = parent
    return {k: v for k, v in out.items() if v != getattr(task, k)}, new_config


def _refuse_cycle(env: Env, task_id: str, parent: str) -> None:
    """The new parent must not be broken down from this task: a tree, never a loop."""
    seen = {task_id}
    current = parent
    while current:
        if current in seen:
            raise UsageError(f"{parent} 是 {task_id} 分解出的下级事项，不能作为它的上级", "请检查 --parent")
        seen.add(current)
        try:
            current = env.ledger().read_task(current).parent
        except UsageError:
            return


def edit(env: Env, task_id: str, ch: Changes, reason: str) -> tuple[Task, list[tuple[str, object, object]]]:
    """Rewrite the asked fields of one task; returns the task and (field, old, new) of each change."""
    reason = clean(reason, "修改原因", required=True, multiline=True)
    ledger = env.ledger()
    task_id = resolve_id(task_id, env.today)
    path = ledger.task_path(task_id)
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        task = ledger.read_task(task_id)
        values, new_config = _new_values(env, task, ch)
        if not values:
            raise UsageError(f"{task_id} 没有需要修改的内容（所给的值与现在的相同，或没有给出要改的项）",
                             "请用 --title、--lead-unit、--unit、--leader、--contact、--tag、--parent、--ref 给出新值")
        changes = [(k, getattr(task, k), values[k]) for k in EDITABLE if k in values]
        new = emit.upgraded(dataclasses.replace(task, **values))
        body = "\n".join(change_lines(changes)) + f"\n原因：{reason}"
        files = {path: emit.task_to_yaml(new)}
        if new_config is not None:
            from ..files.store import CONFIG_FILE

            files[ledger.root / CONFIG_FILE] = emit.mapping_to_yaml(new_config)
            body += "\n单位名录新增：" + "、".join(u for u in new_config["units"]
                                              if u not in (ledger.config.get("units") or []))
        what = "、".join(field_label(k).split("（")[0] for k, _, _ in changes)
        ledger.commit(files, commit_message(f"修改 {task_id} {short(new.title)}：{what}", "edit", [task_id], body), clerk)
    return new, changes
