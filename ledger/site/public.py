"""What the public site may show: which tasks are public and the fields of a task it keeps (pure)."""

from __future__ import annotations

import re
from typing import Any

from ..domain.errors import LedgerError
from ..domain.model import Task

DEFAULT_PUBLIC = ("民生实事",)

# Only these fields of a task reach a public page; everything else (leader, contact, notes,
# urges, 约谈, 问责, coordinations, who recorded what) is left out by not being listed.
PUBLIC_FIELDS = (
    "id", "title", "status", "status_label", "light", "overdue_workdays", "lead_unit", "units",
    "source", "ref", "assigned_on", "due", "milestones", "progress", "done", "verification", "tags",
)
# Of the records kept, only their dates and texts the office publishes as 阶段性进展.
RECORD_FIELDS = {"milestones": ("due", "text", "done_on"), "progress": ("on", "text", "percent"),
                 "done": ("on",), "verification": ("on",)}

# Mobile numbers and landlines (with area code) a clerk may have typed into a progress text.
PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})(?!\d)")


def public_marks(config: dict) -> tuple[str, ...]:
    """The sources and tags `public:` in taizhang.yaml marks public (default 民生实事)."""
    raw = config.get("public", DEFAULT_PUBLIC)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise LedgerError("taizhang.yaml 中 public 应为任务来源或标签的列表", "如 public: [民生实事, 重点项目]")
    return tuple(x.strip() for x in raw)


def is_public(task: Task, marks: tuple[str, ...]) -> bool:
    return task.status != "cancelled" and (task.source in marks or any(t in marks for t in task.tags))


def scrub(text: Any) -> Any:
    """A free text with phone numbers masked; other values unchanged."""
    return PHONE_RE.sub("***", text) if isinstance(text, str) else text


def _record(value: dict, keep: tuple[str, ...]) -> dict:
    return {k: scrub(value.get(k)) for k in keep if value.get(k) not in (None, "")}


def public_task(fields: dict[str, Any]) -> dict[str, Any]:
    """A task's JSON narrowed to what the public may read."""
    out: dict[str, Any] = {}
    for key in PUBLIC_FIELDS:
        value = fields.get(key)
        if key in RECORD_FIELDS:
            keep = RECORD_FIELDS[key]
            if isinstance(value, list):
                value = [_record(v, keep) for v in value]
            elif isinstance(value, dict):
                value = _record(value, keep)
        out[key] = scrub(value)
    return out
