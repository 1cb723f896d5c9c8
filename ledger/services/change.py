"""Changing tasks: one or several in one commit, and the everyday changes (progress, done, close, reopen, cancel, extend)."""

from __future__ import annotations

from typing import Callable

from ..domain import rules
from ..domain.errors import TransitionError, UsageError
from ..domain.model import METHODS, DeadlineChange, DoneReport, Event, Progress, Task, Verification
from ..domain.workdays import Due, parse_date, parse_span
from ..files import emit
from .common import clean, commit_message, date_or_today, resolve_id, several, short, titles, warn_provisional
from .context import Env


# -- changes to one task -----------------------------------------------------------
def refuse_unchecked(old: Task | None, new: Task) -> None:
    """The tool's own states pass its own check: a change `check` would flag is refused instead."""
    from ..files.invariants import introduced

    problems = introduced(old, new)
    if problems:
        raise TransitionError(f"{new.id} 这样改会通不过 taizhang check：{problems[0]}",
                              "请检查日期（--on）等选项；本次未作任何修改")


def change_task(
    env: Env,
    task_id: str,
    apply: Callable[[Task], Task],
    action: str,
    subject: Callable[[Task], str],
    body: str | Callable[[Task], str] = "",
) -> Task:
    """Read the task under the lock, apply a pure rule, write and commit, or change nothing."""
    return change_tasks(env, [task_id], apply, action, lambda ts: subject(ts[0]),
                       body if isinstance(body, str) else lambda ts: body(ts[0]))[0]


def change_tasks(
    env: Env,
    task_ids: list[str],
    apply: Callable[[Task], Task],
    action: str,
    subject: Callable[[list[Task]], str],
    body: str | Callable[[list[Task]], str] = "",
) -> list[Task]:
    """change_task for several tasks: every one is read and checked before anything is written,
    then all land in one commit (a refusal of any one changes nothing)."""
    ledger = env.ledger()
    ids = list(dict.fromkeys(resolve_id(t, env.today) for t in task_ids))
    if not ids:
        raise UsageError("没有给出事项编号", "请写出至少一个事项编号，如 42 或 2026-0042")
    paths = [ledger.task_path(t) for t in ids]
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        old = [ledger.read_task(t) for t in ids]
        if ledger.gate is not None:  # the role first: a reporter is told what to ask, not what state it is in
            current = {ledger.rel(p): (data, data) for p, data in ((p, p.read_bytes()) for p in paths)}
            ledger.gate(current, commit_message("", action, ids), clerk)
        new = [emit.upgraded(apply(t)) for t in old]
        for before, after in zip(old, new):
            refuse_unchecked(before, after)
        text = body if isinstance(body, str) else body(new)
        ledger.commit({p: emit.task_to_yaml(t) for p, t in zip(paths, new)},
                      commit_message(subject(new), action, ids, text), clerk)
    return new


def progress(env: Env, task_id: str | list[str], text: str, on: str | None, percent: int | None = None) -> list[Task]:
    """One progress entry, for one task or the same for several (one commit)."""
    text = clean(text, "进展内容", required=True, multiline=True)
    entry = Progress(date_or_today(on, env, "--on 日期"), text, env.ledger().clerk(env.by).name, percent)
    ids = [task_id] if isinstance(task_id, str) else task_id
    return change_tasks(env, ids, lambda t: rules.add_progress(t, entry), "progress",
                       lambda ts: f"{several(ts, '进展')}：{short(text, 40)}" if len(ts) > 1
                       else f"进展 {ts[0].id} {short(ts[0].title, 20)}：{short(text, 40)}",
                       lambda ts: "\n\n".join(x for x in (titles(ts), text) if x))


def done(env: Env, task_id: str, note: str | None, on: str | None) -> Task:
    report = DoneReport(date_or_today(on, env, "--on 日期"), clean(note, "说明", multiline=True),
                        env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: rules.report_done(t, report), "done",
                   lambda t: f"申请办结 {t.id} {short(t.title)}", report.note)


def close(env: Env, task_id: str, verified_by: str, method: str, note: str | None, on: str | None) -> Task:
    if method not in METHODS:
        raise UsageError(f"核验方式只能是 onsite 或 document，而不是 {method!r}", "onsite=现场核验，document=书面核验")
    verification = Verification(
        date_or_today(on, env, "--on 日期"), clean(verified_by, "核验人", required=True),
        method, clean(note, "说明", multiline=True), env.ledger().clerk(env.by).name,
    )
    separate = env.ledger().config.get("separation_of_duties", True)

    def apply(t: Task) -> Task:
        from .family import open_children

        if separate:
            rules.separation_of_duties(t, verification.verified_by)
        kids = open_children(env, t.id)
        if kids:
            raise TransitionError(f"{t.id} 还有未办结的子事项：{'、'.join(k.id for k in kids)}",
                                  "子事项全部销号或撤销后，上级事项才能销号")
        return rules.close(t, verification)

    return change_task(
        env, task_id, apply, "close",
        lambda t: f"销号 {t.id} {short(t.title)}",
        f"核验人：{verification.verified_by}（{METHODS[method]}，{verification.on}）"
        + (f"\n{verification.note}" if verification.note else ""),
    )


def reopen(env: Env, task_id: str, reason: str) -> Task:
    event = Event(env.today, "reopen", clean(reason, "退回原因", required=True, multiline=True),
                  env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: rules.reopen(t, event), "reopen",
                   lambda t: f"退回重办 {t.id} {short(t.title)}", f"原因：{event.reason}")


def cancel(env: Env, task_id: str | list[str], reason: str) -> list[Task]:
    """Cancel one task or several for the same reason (one commit)."""
    event = Event(env.today, "cancel", clean(reason, "撤销原因", required=True, multiline=True),
                  env.ledger().clerk(env.by).name)
    ids = [task_id] if isinstance(task_id, str) else task_id
    return change_tasks(env, ids, lambda t: rules.cancel(t, event), "cancel", lambda ts: several(ts, "撤销"),
                       lambda ts: "\n".join(x for x in (titles(ts), f"原因：{event.reason}") if x))


def extend(env: Env, task_id: str, to: str | None, by_span: str | None, reason: str,
           approved_by: str | None = None, late: bool = False, grant: str | None = None) -> Task:
    if bool(to) == bool(by_span):
        raise UsageError("请给出 --to 新日期 或 --by 期限 其中之一", "如 --to 2026-12-31 或 --by 10wd")
    reason = clean(reason, "延期原因", required=True, multiline=True)
    approved_by = clean(approved_by, "批准领导")
    if late and not approved_by:
        raise UsageError("超时延期须写明批准的领导", "请加 --approved-by 领导姓名")
    cal = env.ledger().calendar
    clerk = env.ledger().clerk(env.by).name
    span = parse_span(by_span) if by_span else None
    target = parse_date(to, "--to 日期") if to else None
    granted = parse_date(grant, "--grant 日期") if grant else None
    decided: list[Due] = []

    def apply(task: Task) -> Task:
        if task.due is not None and span is not None:
            new_due = cal.add_span(task.due, span)
        else:
            new_due = Due(target or task.due, False)
        requested = None
        if granted is not None and granted != new_due.date:
            # The office granted another date than the unit asked for: keep both.
            requested, new_due = new_due.date, Due(granted, new_due.provisional and granted > new_due.date)
        decided.append(new_due)
        change = DeadlineChange(env.today, "extend", task.due or env.today, new_due.date, reason, clerk,
                                rule=str(span) if span is not None and requested is None else "",
                                requested_due=requested, late=late, approved_by=approved_by)
        return rules.extend(task, new_due, change)

    new = change_task(env, task_id, apply, "extend",
                  lambda t: f"{'超时' if late else ''}延期 {t.id} {short(t.title)}：{t.deadline_changes[-1].old_due} → {t.due}"
                  + (f"（{approved_by} 批准）" if late else ""),
                  f"原因：{reason}")
    warn_provisional(env, decided[0], "新时限")
    return new
