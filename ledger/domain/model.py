"""Tasks and their records as plain dataclasses: no I/O, no derived state."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

Date = dt.date

SCHEMA_VERSION = 2  # 2: parent, deadline basis, 交办 deadline, numbered urges, difficulties
READ_VERSIONS = (1, 2)

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
URGE_PREFIX = {"remind": "催", "supervise": "督"}
DIFFICULTY_ANSWERS = {"continue": "继续执行", "suspend": "暂缓执行", "redirect": "按新的办法执行"}
ESCALATION_LEVELS = {"office": "办公室", "deputy": "分管领导", "head": "主要领导"}
REPORT_CYCLES = {"weekly": "每周", "monthly": "每月", "quarterly": "每季度"}
EVENT_LABELS = {"reopen": "退回重办", "cancel": "撤销", "suspend": "暂缓", "resume": "恢复办理"}

# Fields added in schema version 2 are left out of a file while empty, so files written
# before they existed stay canonical (no churn in git diffs).
OMIT = {"omit_empty": True}

ID_RE = re.compile(r"^(\d{4})-(\d{4,6})$")


@dataclass
class Progress:
    on: Date
    text: str
    by: str = ""
    percent: int | None = field(default=None, metadata=OMIT)  # the unit's estimate, compared with 序时进度


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
class Returned:
    """A done report (and its verification, if it had one) that a reopen (退办) sent back: kept as history."""

    reopened_on: Date
    done_on: Date
    note: str = ""
    by: str = ""
    verified_on: Date | None = field(default=None, metadata=OMIT)
    verified_by: str = field(default="", metadata=OMIT)
    method: str = field(default="", metadata=OMIT)
    verification_note: str = field(default="", metadata=OMIT)
    verification_by: str = field(default="", metadata=OMIT)

    @classmethod
    def of(cls, on: Date, done: DoneReport, verification: Verification | None) -> "Returned":
        v = verification
        return cls(on, done.on, done.note, done.by,
                   v.on if v else None, v.verified_by if v else "", v.method if v else "",
                   v.note if v else "", v.by if v else "")

    def done_report(self) -> DoneReport:
        return DoneReport(self.done_on, self.note, self.by)

    def verification(self) -> Verification | None:
        if self.verified_on is None:
            return None
        return Verification(self.verified_on, self.verified_by, self.method, self.verification_note,
                            self.verification_by)


@dataclass
class DeadlineChange:
    """A deadline moved: an extension, or a recomputation once the calendar is known."""

    on: Date
    kind: str  # extend | recompute | resume | redirect
    old_due: Date
    new_due: Date
    reason: str = ""
    by: str = ""
    # The SPAN of `extend --by`, so `calendar --recompute` can count it again; left out of
    # the file when empty, so files written before it existed stay canonical.
    rule: str = field(default="", metadata={"omit_empty": True})
    requested_due: Date | None = field(default=None, metadata=OMIT)  # asked for; new_due is what was granted
    late: bool = field(default=False, metadata=OMIT)  # asked after the deadline, approved by a leader: 超时
    approved_by: str = field(default="", metadata=OMIT)


@dataclass
class ExtensionRequest:
    """A unit asks for a later deadline; only the office grants it, with `extend` [004 §五.1(1)]."""

    on: Date
    requested_due: Date
    reason: str
    by: str = ""  # the unit (or its reporter) that asked
    round: str = field(default="", metadata=OMIT)  # YYYY-MM when it came back in a collect round


@dataclass
class Urge:
    on: Date
    level: str  # remind | supervise
    note: str = ""
    by: str = ""
    number: str = field(default="", metadata=OMIT)  # 催〔2026〕12号: central per year and level, never reused


@dataclass
class Event:
    """A change of state with a reason: reopen (退办) or cancel (撤销)."""

    on: Date
    action: str  # reopen | cancel | suspend | resume
    reason: str = ""
    by: str = ""


@dataclass
class Difficulty:
    """A unit reports a decision hard to execute; the office answers within 3 workdays [000 §二]."""

    on: Date
    text: str
    report_due: Date | None = None  # 5 workdays after the decision
    answer_due: Date | None = None  # 3 workdays after the report
    answer: str = ""  # continue | suspend | redirect
    answered_on: Date | None = None
    note: str = ""
    by: str = ""


@dataclass
class Coordination:
    """One attempt to resolve a problem, climbing unit → 办公室 → 分管领导 → 主要领导 [003 §二(一)]."""

    on: Date
    level: str  # office | deputy | head
    note: str = ""
    resolved: bool = False
    by: str = ""


@dataclass
class Notice:
    """督查通知书: a seriously late task must be put right by fix_due [003 §三(四)]."""

    on: Date
    fix_due: Date
    number: str = ""
    note: str = ""
    by: str = ""


@dataclass
class Interview:
    """约谈 of a unit's deputy head; twice in a calendar year → 通报批评 [003 §三(四)]."""

    on: Date
    person: str
    note: str = ""
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
    parent: str = field(default="", metadata=OMIT)
    # The sheet an import came from gave no 交办日期: assigned_on is the earliest day it proves.
    assigned_on_unknown: bool = field(default=False, metadata=OMIT)
    registered_on: Date | None = None
    assign_due: Date | None = field(default=None, metadata=OMIT)  # the 交办单 should have been issued by this day
    deadline_rule: str = ""
    deadline_basis: str = field(default="", metadata=OMIT)  # the source rule that produced the deadline
    due_provisional: bool = False
    report_cycle: str = field(default="", metadata=OMIT)  # monthly:3wd, quarterly:5wd, weekly:1wd, optionally :from=YYYY-MM
    milestones: list[Milestone] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    done: DoneReport | None = None
    verification: Verification | None = None
    # Earlier rounds a reopen sent back, oldest first: every 申请办结 and 销号 stays on record.
    returned: list[Returned] = field(default_factory=list, metadata=OMIT)
    deadline_changes: list[DeadlineChange] = field(default_factory=list)
    extension_requests: list[ExtensionRequest] = field(default_factory=list, metadata=OMIT)
    urges: list[Urge] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    difficulties: list[Difficulty] = field(default_factory=list, metadata=OMIT)
    coordinations: list[Coordination] = field(default_factory=list, metadata=OMIT)
    notices: list[Notice] = field(default_factory=list, metadata=OMIT)
    interviews: list[Interview] = field(default_factory=list, metadata=OMIT)
    schema_version: int = SCHEMA_VERSION

    @property
    def year(self) -> int:
        return int(self.id[:4])

    @property
    def seq(self) -> int:
        return int(self.id[5:])


def done_reports(task: Task) -> list[DoneReport]:
    """Every 申请办结 the task ever had, the returned ones first."""
    return [r.done_report() for r in task.returned] + ([task.done] if task.done else [])


def verifications(task: Task) -> list[Verification]:
    """Every 核验销号 the task ever had, including those a reopen later returned."""
    if not task.returned:  # most tasks were never reopened; the site's trend asks 100,000 times
        return [task.verification] if task.verification else []
    past = [v for v in (r.verification() for r in task.returned) if v is not None]
    return past + ([task.verification] if task.verification else [])


def format_id(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


def task_rel(task_id: str) -> str:
    """Where the file of a task lives: its number decides its path, so one number is one file."""
    return f"tasks/{task_id[:4]}/{task_id}.yaml"


def misfiled(rel: str, task_id: object) -> str | None:
    """Why the file at `rel` may not be taken for task `task_id` (a copy under another name), or None."""
    if isinstance(task_id, str) and rel == task_rel(task_id):
        return None
    return f"{rel} 中的编号 {task_id} 与文件位置不符（应在 {task_rel(str(task_id))}），可能是冒充的副本"
