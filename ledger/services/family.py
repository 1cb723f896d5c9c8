"""任务分解: a child task's parent checked, a task's open children found, tasks ordered as a tree."""

from __future__ import annotations

import datetime as dt

from ..domain.errors import TransitionError, UsageError
from ..domain.lights import Assessed
from ..domain.model import Task
from .common import resolve_id
from .context import Env
from .reading import load_tasks


def check_parent(env: Env, parent_id: str, due: dt.date) -> str:
    parent = env.ledger().read_task(resolve_id(parent_id, env.today))
    if parent.status in ("closed", "cancelled"):
        raise TransitionError(f"上级事项 {parent.id} 已{'销号' if parent.status == 'closed' else '撤销'}，不能再分解",
                              "请检查 --parent")
    if parent.due is not None and due > parent.due:
        raise UsageError(f"子事项时限 {due} 晚于上级事项 {parent.id} 的时限 {parent.due}",
                         "子事项须在上级事项时限内完成，请提前时限")
    return parent.id


def open_children(env: Env, task_id: str) -> list[Task]:
    # Only the children are unpacked: the cache knows every file's status and parent.
    live = ("open", "reported", "suspended")
    return [t for t in load_tasks(env, statuses=live, parent=task_id) if t.parent == task_id and t.status in live]


def tree_order(items: list[Assessed]) -> list[tuple[int, Assessed]]:
    """Tasks with their depth, each parent followed by its children (depth-first)."""
    by_id = {a.task.id: a for a in items}
    kids: dict[str, list[Assessed]] = {}
    roots = []
    for a in items:
        if a.task.parent and a.task.parent in by_id:
            kids.setdefault(a.task.parent, []).append(a)
        else:
            roots.append(a)
    out: list[tuple[int, Assessed]] = []

    def walk(a: Assessed, depth: int, seen: set) -> None:
        if a.task.id in seen:
            return
        seen.add(a.task.id)
        out.append((depth, a))
        for c in kids.get(a.task.id, []):
            walk(c, depth + 1, seen)

    seen: set = set()
    for r in roots:
        walk(r, 0, seen)
    return out
