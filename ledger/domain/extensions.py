"""Extension requests as records: which are still waiting, and which a task can take (pure)."""

from __future__ import annotations

import copy

from .errors import TransitionError, UsageError
from .model import ExtensionRequest, Task


def pending(task: Task) -> list[ExtensionRequest]:
    """Requests not yet decided: an `extend` recorded on or after a request's day answers it.

    A refusal is the clerk's word to the unit, not a record; once the task is no longer open
    (reported, closed, cancelled) nothing is left to extend, so nothing is pending either.
    """
    if task.status != "open":
        return []
    extended = [c.on for c in task.deadline_changes if c.kind == "extend"]
    return [r for r in task.extension_requests if not any(day >= r.on for day in extended)]


def check_request(task: Task, req: ExtensionRequest) -> None:
    """Why this request cannot be recorded (a UsageError), or nothing."""
    if task.status != "open":
        raise TransitionError(f"{task.id} 当前状态不是在办，不能申请延期", "只有在办的事项可以申请延期")
    if task.due is None:
        raise UsageError(f"{task.id} 没有办结时限（长期事项），无需申请延期", "请改为报送进展")
    if req.requested_due <= task.due:
        raise UsageError(f"申请延期至 {req.requested_due}，不晚于现在的时限 {task.due}",
                         "申请的日期须晚于现在的办结时限")
    if req.on < task.assigned_on:
        raise UsageError(f"申请日期 {req.on} 早于交办日期 {task.assigned_on}", "请检查日期")
    if not req.reason:
        raise UsageError("申请延期须写明理由", "请加 --reason 理由")


def add_request(task: Task, req: ExtensionRequest) -> Task:
    check_request(task, req)
    new = copy.deepcopy(task)
    new.extension_requests.append(req)
    return new
