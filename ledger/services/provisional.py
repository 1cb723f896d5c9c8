"""`calendar --recompute`: provisional deadlines recounted once the year's holidays are filed."""

from __future__ import annotations

from pathlib import Path

from ..domain.model import DeadlineChange, Task
from ..domain.workdays import Calendar, Due, parse_span
from ..files import codec, emit
from .change import refuse_unchecked
from .common import commit_message, short
from .context import Env
from .reading import load_tasks


# -- calendar ----------------------------------------------------------------------
def _replay(task: Task, cal: Calendar) -> Due | None:
    """The deadline counted again: the rule from the assigned date, then each `extend --by`
    from the deadline it replaced; None when a step was never recorded as a SPAN."""
    if task.deadline_rule:
        due = cal.add_span(task.assigned_on, parse_span(task.deadline_rule))
    else:
        first = next((c.old_due for c in task.deadline_changes if c.kind == "extend"), task.due)
        if first is None:
            return None
        due = Due(first, False)
    for c in task.deadline_changes:
        if c.kind != "extend":
            continue  # earlier recomputations are replaced by this one
        if c.rule:
            step = cal.add_span(due.date, parse_span(c.rule))
            due = Due(step.date, due.provisional or step.provisional, step.unknown_years)
        else:
            due = Due(c.new_due, False)  # granted as a date (--to)
    # A provisional deadline last set by an extension without a SPAN came from a file
    # written before `rule` was recorded: there is nothing to count again.
    last = [c for c in task.deadline_changes if c.kind == "extend"]
    return None if last and not last[-1].rule else due


def recompute(env: Env, files: dict[Path, bytes] | None = None, cal: Calendar | None = None,
              subject: str = "", waiting: dict[int, int] | None = None) -> list[Task]:
    """Recompute the provisional deadlines of unfinished tasks now that the year is known.

    `files` (a new calendar/YYYY.yaml) go into the same commit, and `cal` is the calendar
    they make: the year's dates and the deadlines counted with them land together or not at all.
    Without `files`, calendar files typed by hand and not yet committed are those files: the
    deadlines counted from them are committed with them. `waiting` receives, per year still
    unknown, how many provisional deadlines wait for it.
    """
    ledger = env.ledger()
    cal = cal or ledger.calendar
    clerk = ledger.clerk(env.by)
    changed: list[Task] = []
    with ledger.locked():
        if files is None:
            files = ledger.uncommitted_calendar_files()
            if files and not subject:
                subject = "录入 " + "、".join(ledger.rel(p) for p in files)
        for task in load_tasks(env, writing=True):
            if not task.due_provisional or task.status not in ("open", "reported", "suspended"):
                continue
            due = _replay(task, cal)
            if due is None or due.provisional:
                if waiting is not None:
                    year = due.unknown_years[0] if due is not None and due.unknown_years else task.due.year
                    waiting[year] = waiting.get(year, 0) + 1
                continue
            fresh = ledger.read_task(task.id)
            if due.date != fresh.due:
                fresh.deadline_changes.append(DeadlineChange(
                    env.today, "recompute", fresh.due, due.date, "节假日安排已录入，重算暂定时限", clerk.name))
            fresh.due, fresh.due_provisional = due.date, False
            fresh.schema_version = codec.SCHEMA_VERSION
            refuse_unchecked(task, fresh)
            changed.append(fresh)
        if changed or files:
            lines = [f"{t.id} {short(t.title, 20)}：时限 {t.due}" for t in changed]
            done = f"重算暂定时限 {len(changed)} 项"
            title = f"{subject}，{done}" if subject and changed else subject or done
            ledger.commit(
                {**(files or {}), **{ledger.task_path(t.id): emit.task_to_yaml(t) for t in changed}},
                commit_message(title, "calendar" if files else "recompute",
                         [t.id for t in changed], "\n".join(lines)),
                clerk,
            )
    return changed
