"""Extension requests: a unit asks for a later deadline, the office decides with `extend`."""

from __future__ import annotations

from ..domain.extensions import add_request
from ..domain.model import ExtensionRequest, Task
from ..domain.workdays import parse_date
from .change import change_task
from .common import clean, date_or_today, short
from .context import Env


def request_extension(env: Env, task_id: str, to: str, reason: str, on: str | None = None) -> Task:
    """`taizhang request-extension`: record the unit's request on the task; the deadline stays."""
    reason = clean(reason, "申请理由", required=True, multiline=True)
    req = ExtensionRequest(date_or_today(on, env, "--on 日期"), parse_date(to, "--to 日期"), reason,
                           env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: add_request(t, req), "request-extension",
                       lambda t: f"申请延期 {t.id} {short(t.title)}：{t.due} → {req.requested_due}（待批准）",
                       f"理由：{reason}")
