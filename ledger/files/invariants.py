"""History-independent invariants beyond the basic tier, and checking task texts (such as staged blobs)."""

from __future__ import annotations

import re

from ..domain.findings import Finding
from ..domain.model import Task
from .codec import FormatError, key_line, task_from_bytes, task_to_plain

Unplaced = tuple[str, str]

# Plain values that YAML 1.1 readers (PyYAML, many editors, older tools) take for booleans, octal
# or base-60 numbers, while our YAML 1.2 reader keeps them as text: the file means two things.
_AMBIGUOUS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-9_]+"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$"
)


def ambiguous_scalars(text: str) -> list[tuple[int, str]]:
    """(line, value) of plain values a YAML 1.1 reader would not read as the same text."""
    found = []
    for lineno, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^\s*(?:-\s+)?(?:[A-Za-z_]+\s*:[ \t]+)?(.*?)\s*(?:#.*)?$", line)
        value = m.group(1) if m else ""
        if value and _AMBIGUOUS.match(value) and (":" in line or line.lstrip().startswith("-")):
            found.append((lineno, value))
    return found


def ambiguity_problems(rel: str, text: str) -> list[Finding]:
    return [Finding.at(rel, n, f"值 {v!r} 有歧义（YAML 1.1 会读成布尔、八进制或六十进制数），请加引号写成 \"{v}\"")
            for n, v in ambiguous_scalars(text)]


def check_transitions(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    """The status must be one the recorded events could have led to."""
    found: list[Unplaced] = []
    actions = [e.action for e in task.events]
    # Unknown event and deadline-change kinds are the schema's to report (its enums).
    if "cancel" in actions and actions.index("cancel") != len(actions) - 1:
        found.append(("events", "撤销之后不应再有其他事件（撤销是终态）"))
    if task.status == "cancelled" and (not actions or actions[-1] != "cancel"):
        found.append(("status", "状态为“已撤销”却没有撤销记录（events 中的 cancel）"))
    if task.status != "cancelled" and "cancel" in actions:
        found.append(("status", "有撤销记录，状态却不是“已撤销”"))
    reopens = [e.on for e in task.events if e.action == "reopen"]
    if reopens and task.done is not None and task.done.on < reopens[-1]:
        found.append(("done", f"申请办结日期 {task.done.on} 早于最近一次退回重办（{reopens[-1]}）"))
    if task.status == "closed":
        if any(u.on > task.verification.on for u in task.urges if task.verification):
            found.append(("urges", "销号之后还有催办记录"))
    return found


def check_record_dates(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    """Nothing happens before the task was assigned; an extension is asked on or before the deadline."""
    found: list[Unplaced] = []
    start = task.assigned_on
    for key, records in (("urges", task.urges), ("events", task.events), ("deadline_changes", task.deadline_changes)):
        for r in records:
            # A task registered in advance (add --on a later day --future) may be cancelled, and its
            # provisional deadline recomputed, before that day: neither is an act of the task itself.
            if r.on < start and getattr(r, "action", None) != "cancel" and getattr(r, "kind", None) != "recompute":
                found.append((key, f"记录日期 {r.on} 早于交办日期 {start}"))
    for c in task.deadline_changes:
        # Asked after the deadline is allowed only as 超时延期, approved by a leader [004 §五.1(1)].
        if c.kind == "extend" and c.on > c.old_due and not (c.late and c.approved_by):
            found.append(("deadline_changes", f"延期于 {c.on} 提出，晚于原时限 {c.old_due}（超期不得延期）"))
    for m in task.milestones:
        if m.done_on is not None and m.done_on < start:
            found.append(("milestones", f"时间节点完成日期 {m.done_on} 早于交办日期 {start}"))
    if task.registered_on is not None and str(task.registered_on.year) != task.id[:4]:
        found.append(("id", f"编号年份 {task.id[:4]} 与登记日期 {task.registered_on} 不符"))
    if task.seq <= 0:
        found.append(("id", "编号序号不能为 0"))
    return found


EXTRA = [check_transitions, check_record_dates]


def all_checks() -> list:
    """The basic tier (and whatever checks.py adds) plus these invariants."""
    from . import checks

    return [*checks.CHECKS, *(c for c in EXTRA if c not in checks.CHECKS)]


def check_texts(texts: dict[str, bytes], checks_list: list | None = None) -> list[Finding]:
    """Problems of task files given as bytes (e.g. staged blobs), with file:line from those bytes."""
    checks_list = checks_list or all_checks()
    problems: list[Finding] = []
    for rel, data in sorted(texts.items()):
        try:
            task = task_from_bytes(data)
        except FormatError as e:
            problems.append(Finding.at(rel, e.line, e.message))
            continue
        plain = task_to_plain(task)
        text = data.decode("utf-8")
        problems.extend(ambiguity_problems(rel, text))
        for check in checks_list:
            for key, message in check(rel, plain, task):
                problems.append(Finding.at(rel, key_line(text, key), message))
    return problems


def introduced(old: Task | None, new: Task) -> list[str]:
    """What `check` would find in `new` that `old` did not have: a command refuses such a change.

    The schema check is left out: the writer's output fits it by construction, and loading
    jsonschema would cost every write ~0.1 s.
    """
    from ..domain.model import task_rel
    from . import checks

    tier = [c for c in all_checks() if c is not checks.check_schema]

    def found(task: Task | None) -> list[str]:
        if task is None:
            return []
        plain = task_to_plain(task)
        return [message for check in tier for _, message in check(task_rel(task.id), plain, task)]

    before = set(found(old))
    return [m for m in found(new) if m not in before]
