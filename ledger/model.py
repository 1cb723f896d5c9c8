"""Tasks and their records as plain dataclasses: no I/O, no derived state."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

Date = dt.date

SCHEMA_VERSION = 1

STATUSES = ("open", "reported", "closed", "suspended", "cancelled")
STATUS_LABELS = {
    "open": "在办",
    "reported": "待核验",
    "closed": "已销号",
    "suspended": "暂缓",
    "cancelled": "已撤销",
}
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", None: "—"}
METHODS = {"onsite": "现场核验", "document": "书面核验"}
URGE_LEVELS = {"remind": "催办", "supervise": "督办"}

ID_RE = re.compile(r"^(\d{4})-(\d{4,6})$")


@dataclass
class Progress:
    on: Date
    text: str
    by: str = ""


@dataclass
class Milestone:
    due: Date
    text: str
    done_on: Date | None = None


@dataclass
class DoneReport:
    on: Date
    note: str = ""
    by: str = ""


@dataclass
class Verification:
    on: Date
    verified_by: str
    method: str = "onsite"
    note: str = ""
    by: str = ""


@dataclass
class DeadlineChange:
    """A deadline moved: an extension, or a recomputation once the calendar is known."""

    on: Date
    kind: str  # extend | recompute
    old_due: Date
    new_due: Date
    reason: str = ""
    by: str = ""
    # The SPAN of `extend --by`, so `calendar --recompute` can count it again; left out of
    # the file when empty, so files written before it existed stay canonical.
    rule: str = field(default="", metadata={"omit_empty": True})


@dataclass
class Urge:
    on: Date
    level: str  # remind | supervise
    note: str = ""
    by: str = ""


@dataclass
class Event:
    """A change of state with a reason: reopen (退办) or cancel (撤销)."""

    on: Date
    action: str
    reason: str = ""
    by: str = ""


@dataclass
class Task:
    id: str
    title: str
    lead_unit: str
    assigned_on: Date
    due: Date | None
    status: str = "open"
    description: str = ""
    units: list[str] = field(default_factory=list)
    leader: str = ""
    contact: str = ""
    source: str = ""
    ref: str = ""
    registered_on: Date | None = None
    deadline_rule: str = ""
    due_provisional: bool = False
    milestones: list[Milestone] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    done: DoneReport | None = None
    verification: Verification | None = None
    deadline_changes: list[DeadlineChange] = field(default_factory=list)
    urges: list[Urge] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    @property
    def year(self) -> int:
        return int(self.id[:4])

    @property
    def seq(self) -> int:
        return int(self.id[5:])


def format_id(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"
