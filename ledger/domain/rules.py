"""The legal changes of a task's state: progress, done, close, reopen, cancel, urge, extend, suspend, milestones."""

from __future__ import annotations

import copy
import datetime as dt

from .errors import TransitionError, UsageError
from .model import (
    DIFFICULTY_ANSWERS,
    STATUS_LABELS,
    DeadlineChange,
    Difficulty,
    DoneReport,
    Event,
    Milestone,
    Progress,
    Returned,
    Task,
    Urge,
    Verification,
)
from .workdays import Calendar, Due

Date = dt.date


# -- changes of state ---------------------------------------------------------
def require_status(task: Task, allowed: tuple[str, ...], doing: str, hint: str = "") -> None:
    if task.status not in allowed:
        label = STATUS_LABELS[task.status]
        raise TransitionError(
            f"{task.id} 当前状态为“{label}”，不能{doing}",
            hint or f"只有{'、'.join(STATUS_LABELS[s] for s in allowed)}的事项可以{doing}",
        )


def not_before(task: Task, on: Date, what: str) -> None:
    if on < task.assigned_on:
        raise UsageError(
            f"{what}日期 {on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期"
        )


def add_progress(task: Task, entry: Progress) -> Task:
    require_status(task, ("open", "reported", "suspended"), "记录进展")
    if entry.percent is not None and not 0 <= entry.percent <= 100:
        raise UsageError(f"完成进度应在 0 到 100 之间，而不是 {entry.percent}", "如 --percent 40")
    not_before(task, entry.on, "进展")
    new = copy.deepcopy(task)
    new.progress.append(entry)
    new.progress.sort(key=lambda p: p.on)
    return new


def report_done(task: Task, report: DoneReport) -> Task:
    require_status(task, ("open",), "申请办结", "只有在办的事项可以申请办结；暂缓的请先恢复")
    not_before(task, report.on, "申请办结")
    new = copy.deepcopy(task)
    new.status, new.done = "reported", report
    return new


def close(task: Task, verification: Verification) -> Task:
    require_status(
        task, ("reported",), "销号",
        "销号前须先由责任单位申请办结（taizhang done），再核验销号",
    )
    if task.done and verification.on < task.done.on:
        raise UsageError(
            f"核验日期 {verification.on} 早于申请办结日期 {task.done.on}", "请检查 --on 日期"
        )
    new = copy.deepcopy(task)
    new.status, new.verification = "closed", verification
    return new


def reopen(task: Task, event: Event) -> Task:
    require_status(task, ("reported", "closed"), "退回重办", "只有待核验或已销号的事项可以退回")
    new = copy.deepcopy(task)
    if task.done is not None:  # the round sent back stays on record (an old file may lack `done`)
        new.returned.append(Returned.of(event.on, task.done, task.verification))
    new.status, new.done, new.verification = "open", None, None
    new.events.append(event)
    return new


def cancel(task: Task, event: Event) -> Task:
    require_status(task, ("open", "reported", "suspended"), "撤销", "已销号或已撤销的事项不能撤销")
    new = copy.deepcopy(task)
    new.status = "cancelled"
    new.events.append(event)
    return new


def urge(task: Task, entry: Urge) -> Task:
    require_status(task, ("open",), "催办", "只有在办的事项可以催办")
    new = copy.deepcopy(task)
    new.urges.append(entry)
    return new


def extend(task: Task, new_due: Due, change: DeadlineChange) -> Task:
    """延期: granted when asked on or before the deadline [004 §五.1(1)]; after it only
    with a leader's approval, and then marked late (超时)."""
    require_status(task, ("open",), "延期", "只有在办的事项可以延期")
    if task.due is None:
        raise UsageError(f"{task.id} 没有办结时限，无需延期", "请用 --to 指定新的时限")
    if change.on > task.due and not (change.late and change.approved_by):
        raise TransitionError(
            f"{task.id} 已于 {task.due} 到期，超期后不能申请延期",
            "延期须在时限届满前提出并说明原因；经领导批准的超时延期请加 --approved-by 领导姓名 --late",
        )
    if change.late and change.on <= task.due:
        raise UsageError(f"{task.id} 尚未超过时限 {task.due}，不是超时延期", "请去掉 --late")
    if new_due.date <= task.due:
        raise UsageError(f"新时限 {new_due.date} 不晚于原时限 {task.due}", "延期的新时限须晚于原时限")
    new = copy.deepcopy(task)
    new.due, new.due_provisional = new_due.date, new_due.provisional
    new.deadline_changes.append(change)
    return new


# -- suspend, resume, coordinate, interview --------------------------------------
def suspend(task: Task, event: Event) -> Task:
    """暂缓: a suspended task is not overdue; the days it waits are given back on resume."""
    require_status(task, ("open",), "暂缓", "只有在办的事项可以暂缓")
    if event.on < task.assigned_on:
        raise UsageError(f"暂缓日期 {event.on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期")
    new = copy.deepcopy(task)
    new.status = "suspended"
    new.events.append(event)
    return new


def suspended_since(task: Task) -> Date | None:
    last = [e for e in task.events if e.action == "suspend"]
    return last[-1].on if last else None


def resume(task: Task, event: Event, new_due: Date | None, cal: Calendar, by: str) -> Task:
    """恢复: the deadline moves by the workdays suspended, or to the date given."""
    require_status(task, ("suspended",), "恢复办理", "只有暂缓的事项可以恢复")
    since = suspended_since(task) or event.on
    if event.on < since:
        raise UsageError(f"恢复日期 {event.on} 早于暂缓日期 {since}", "请检查 --on 日期")
    new = copy.deepcopy(task)
    new.status = "open"
    new.events.append(event)
    if task.due is not None:
        if new_due is None:
            paused = cal.count_workdays(since, event.on)
            new_due = cal.add_workdays(task.due, paused) if paused else task.due
            reason = f"暂缓 {since} 至 {event.on}，顺延 {paused} 个工作日"
        else:
            if new_due < event.on:
                raise UsageError(f"新时限 {new_due} 早于恢复日期 {event.on}", "请检查 --to 日期")
            reason = "暂缓后恢复办理，重新确定时限"
        if new_due != task.due:
            new.deadline_changes.append(DeadlineChange(event.on, "resume", task.due, new_due, reason, by))
            new.due = new_due
    return new


def report_difficulty(task: Task, entry: Difficulty) -> Task:
    require_status(task, ("open",), "反馈难以执行", "只有在办的事项可以反馈难以执行")
    if entry.on < task.assigned_on:
        raise UsageError(f"反馈日期 {entry.on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期")
    if any(not d.answer for d in task.difficulties):
        raise TransitionError(f"{task.id} 已有一条难以执行的反馈尚未答复", "请先用 taizhang answer 答复")
    new = copy.deepcopy(task)
    new.difficulties.append(entry)
    return new


def answer_difficulty(task: Task, answer: str, on: Date, note: str, by: str, new_due: Date | None) -> Task:
    """The office answers: 继续执行, 暂缓执行 (the task is suspended) or 按新的办法执行."""
    pending = [d for d in task.difficulties if not d.answer]
    if not pending:
        raise TransitionError(f"{task.id} 没有待答复的难以执行反馈", "请先用 taizhang report-difficulty 记录反馈")
    if answer not in DIFFICULTY_ANSWERS:
        raise UsageError(f"答复只能是 continue、suspend 或 redirect，而不是 {answer!r}",
                         "continue=继续执行，suspend=暂缓执行，redirect=按新的办法执行")
    if on < pending[0].on:
        raise UsageError(f"答复日期 {on} 早于反馈日期 {pending[0].on}", "请检查 --on 日期")
    if new_due is not None and answer != "redirect":
        raise UsageError("只有“按新的办法执行”可以同时给出新时限", "请去掉 --to，或改用 redirect")
    new = copy.deepcopy(task)
    d = [x for x in new.difficulties if not x.answer][0]
    d.answer, d.answered_on, d.note = answer, on, note
    if answer == "suspend":
        new = suspend(new, Event(on, "suspend", f"难以执行，答复暂缓执行：{note}".rstrip("："), by))
    elif new_due is not None and task.due is not None and new_due != task.due:
        if new_due < on:
            raise UsageError(f"新时限 {new_due} 早于答复日期 {on}", "请检查 --to 日期")
        new.deadline_changes.append(DeadlineChange(on, "redirect", task.due, new_due, f"按新的办法执行：{note}", by))
        new.due = new_due
    return new


def add_milestone(task: Task, ms: Milestone) -> Task:
    require_status(task, ("open", "suspended"), "增加时间节点")
    if ms.due < task.assigned_on or (task.due is not None and ms.due > task.due):
        raise UsageError(f"时间节点 {ms.due} 不在交办日期 {task.assigned_on} 和时限 {task.due} 之间",
                         "请检查日期")
    new = copy.deepcopy(task)
    new.milestones.append(ms)
    new.milestones.sort(key=lambda m: m.due)
    return new


def complete_milestone(task: Task, n: int, on: Date) -> Task:
    require_status(task, ("open", "reported", "suspended"), "完成时间节点")
    if not 1 <= n <= len(task.milestones):
        raise UsageError(f"{task.id} 没有第 {n} 个时间节点（共 {len(task.milestones)} 个）",
                         "序号见 taizhang show 的时间节点表")
    if task.milestones[n - 1].done_on is not None:
        raise TransitionError(f"第 {n} 个时间节点已于 {task.milestones[n - 1].done_on} 完成", "无需重复登记")
    if on < task.assigned_on:
        raise UsageError(f"完成日期 {on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期")
    new = copy.deepcopy(task)
    new.milestones[n - 1].done_on = on
    return new


def missed_milestones(task: Task, today: Date) -> list[Milestone]:
    if task.status not in ("open",):
        return []
    return [m for m in task.milestones if m.done_on is None and m.due < today]


def separation_of_duties(task: Task, verifier: str) -> None:
    """The verifier is neither the unit's contact nor the clerk who recorded the done report."""
    if task.contact and verifier == task.contact:
        raise TransitionError(f"核验人 {verifier} 是本事项的责任人，不能自己核验",
                              "请由督查室其他人员核验（taizhang.yaml 中 separation_of_duties: false 可关闭此检查）")
    if task.done and task.done.by and verifier == task.done.by:
        raise TransitionError(f"核验人 {verifier} 登记了本事项的申请办结，不能再核验",
                              "请由另一人核验（taizhang.yaml 中 separation_of_duties: false 可关闭此检查）")


