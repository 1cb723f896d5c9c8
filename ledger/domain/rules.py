"""Deadline rules by source, the light and overdue count, and the legal changes of state."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .errors import TransitionError, UsageError
from .model import (
    DIFFICULTY_ANSWERS,
    ESCALATION_LEVELS,
    STATUS_LABELS,
    Coordination,
    DeadlineChange,
    Difficulty,
    DoneReport,
    Event,
    Interview,
    Milestone,
    Notice,
    Progress,
    Returned,
    Task,
    Urge,
    Verification,
)
from .workdays import Calendar, Due, Span, parse_span

Date = dt.date


@dataclass(frozen=True)
class SourceRule:
    """Where a task comes from and the feedback period the seeds give it."""

    kind: str
    deadline: str | None = None  # SPAN from the event day, None = must be given
    deadline_several_units: str | None = None  # 公文 needing several units
    assign_within: str | None = None  # the 交办单 must be issued within this span
    aliases: tuple[str, ...] = ()
    basis: str = ""  # the seed rule, shown by `rules`


# DOMAIN.md's table. The deadline of a task is its feedback deadline.
DEFAULT_RULES: tuple[SourceRule, ...] = (
    SourceRule("政府全体会议", "1m", assign_within="3wd", aliases=("全体会议",),
               basis="全体会议决定事项1个月内反馈；交办单3个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("常务会议", "0.5m", assign_within="3wd", aliases=("常务会",),
               basis="常务会议决定事项半个月内反馈；交办单3个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("市长办公会议", "1w", assign_within="2wd", aliases=("县长办公会议", "办公会", "办公会议"),
               basis="办公会议定事项1周内反馈；交办单2个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("专题会议", "1w", assign_within="2wd", aliases=("专题会",),
               basis="专题会议定事项1周内反馈；交办单2个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("每周工作例会", "1w", assign_within="2wd", aliases=("周例会", "例会"),
               basis="周例会议定事项1周内反馈 [004 §五.1]"),
    SourceRule("主要领导批示", "1w", assign_within="1wd", aliases=("批示",),
               basis="领导批示1周内反馈；交办单1个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("分管领导批示", "1w", assign_within="1wd",
               basis="领导批示1周内反馈；交办单1个工作日内印发 [004 §五.1, §三.4]"),
    SourceRule("公文办理", "5wd", deadline_several_units="7wd", aliases=("公文",),
               basis="一个单位办理5个工作日，多个单位会办7个工作日 [004 §五.1(2)]"),
    SourceRule("公文调研", "20wd", aliases=("需调研公文",),
               basis="需调查研究的公文20个工作日 [004 §五.1(2)]"),
    SourceRule("公文尽快", "3wd", aliases=("尽快", "急件"),
               basis="标明“尽快”的公文3个工作日 [004 §五.1(2)]"),
    SourceRule("上级文件", "3d", aliases=("重大决策部署",),
               basis="上级文件当日报告，3日内部署落实 [000 §一]"),
    SourceRule("政策解读", "5wd", aliases=("政策出台",),
               basis="重大政策和重要文件出台后5个工作日内做好政策解读 [000 §七]"),
    SourceRule("政府工作报告", None, assign_within="1w", aliases=("工作报告",),
               basis="两会结束后1周内印发分解方案；时限按分解方案填写 [004 §三.4]"),
    SourceRule("交办事项", basis="时限按交办单填写"),
    SourceRule("督查反馈整改", aliases=("巡视反馈整改", "整改"), basis="时限按整改方案填写"),
    SourceRule("人大代表建议", aliases=("人大建议",), basis="时限按交办要求填写"),
    SourceRule("政协委员提案", aliases=("政协提案",), basis="时限按交办要求填写"),
    SourceRule("民生实事", basis="时限按年度计划填写；4月起每月前3个工作日报进展 [003 §三(一)]"),
    SourceRule("问题清单", basis="时限按清单填写"),
)


def rules_from_config(overrides: Mapping[str, Mapping] | None) -> dict[str, SourceRule]:
    """The shipped rules, with the ledger's `rules:` section replacing or adding kinds."""
    rules = {r.kind: r for r in DEFAULT_RULES}
    for kind, spec in (overrides or {}).items():
        base = rules.get(kind, SourceRule(kind))
        spec = dict(spec or {})
        for key in ("deadline", "deadline_several_units", "assign_within"):
            if spec.get(key):
                parse_span(spec[key])
        rules[kind] = SourceRule(
            kind,
            spec.get("deadline", base.deadline),
            spec.get("deadline_several_units", base.deadline_several_units),
            spec.get("assign_within", base.assign_within),
            tuple(spec.get("aliases", base.aliases)),
            spec.get("basis", base.basis),
        )
    return rules


def resolve_source(name: str, rules: Mapping[str, SourceRule]) -> SourceRule:
    for rule in rules.values():
        if name == rule.kind or name in rule.aliases:
            return rule
    raise UsageError(
        f"未知的任务来源：{name}",
        "可用来源见 taizhang rules；新来源可在 taizhang.yaml 的 rules: 中添加",
    )


def rule_basis(rule: SourceRule, span: str | None) -> str:
    """How the deadline was derived, in words kept in the task file."""
    if not span:
        return ""
    return f"{rule.kind}：{parse_span(span).label()}内（{rule.basis}）"


def assign_due(rule: SourceRule, event_day: Date, cal: Calendar) -> Date | None:
    """The day by which the 交办单 should have been issued [004 §三.4]."""
    if not rule.assign_within:
        return None
    return cal.add_span(event_day, parse_span(rule.assign_within)).date


def extended(task: Task) -> bool:
    """Its deadline was extended (延期) at least once."""
    return any(c.kind == "extend" for c in task.deadline_changes)


def assign_late(task: Task) -> int:
    """Days the registration came after the 交办 deadline (0 when on time or no rule)."""
    if task.assign_due is None or task.registered_on is None:
        return 0
    return max(0, (task.registered_on - task.assign_due).days)


def rule_span(rule: SourceRule, units: Iterable[str]) -> str | None:
    """The SPAN the rule gives; 公文 with co-units takes the several-units period."""
    if rule.deadline_several_units and list(units):
        return rule.deadline_several_units
    return rule.deadline


# -- derived state ------------------------------------------------------------
def overdue_workdays(task: Task, today: Date, cal: Calendar) -> int:
    """Workdays after the deadline up to today, or up to the done report if there is one."""
    if task.due is None or task.status in ("cancelled", "suspended"):
        return 0
    end = today
    if task.done is not None and task.status in ("reported", "closed"):
        end = min(task.done.on, today)
    return cal.count_workdays(task.due, end)


DEFAULT_LAG_POINTS = 20


def expected_percent(task: Task, today: Date, cal: Calendar) -> int | None:
    """序时进度: the share of the task's workdays already elapsed, in percent."""
    if task.due is None or task.due <= task.assigned_on:
        return None
    total = cal.count_workdays(task.assigned_on, task.due)
    if total <= 0:
        return None
    return min(100, round(100 * cal.count_workdays(task.assigned_on, today) / total))


def progress_lag(task: Task, today: Date, cal: Calendar) -> int | None:
    """Points the last reported percentage is behind 序时进度 (None when no percentage was given)."""
    reported = [p.percent for p in task.progress if p.percent is not None]
    expected = expected_percent(task, today, cal)
    if not reported or expected is None:
        return None
    return expected - reported[-1]


def light(task: Task, today: Date, cal: Calendar, warn_workdays: int = 3, overdue: int | None = None,
          lag_points: int = DEFAULT_LAG_POINTS) -> str | None:
    """红灯 overdue, 黄灯 due within the warning window or a milestone missed, else 绿灯."""
    if task.status in ("closed", "cancelled"):
        return None
    if overdue is None:
        overdue = overdue_workdays(task, today, cal)
    if overdue > 0:
        return "red"
    if task.status != "open" or task.due is None:
        return "green"
    if task.due <= today or cal.count_workdays(today, task.due) <= warn_workdays:
        return "yellow"
    if any(m.done_on is None and m.due < today for m in task.milestones):
        return "yellow"
    state = report_state(task, today, cal)
    if state is not None:
        return "red" if state[0] == "missed" else "yellow"
    lag = progress_lag(task, today, cal)
    if lag is not None and lag > lag_points:
        return "yellow"
    return "green"


def light_reasons(task: Task, today: Date, cal: Calendar, warn_workdays: int = 3, overdue: int | None = None,
                  lag_points: int = DEFAULT_LAG_POINTS) -> list[tuple[str, str]]:
    """Why a task is not green: (code, 情况 text) pairs, every condition that applies, in `light`'s order.

    Codes: overdue, report_missed (red); due_soon, milestone_missed, report_owed, progress_lag (yellow).
    """
    if task.status in ("closed", "cancelled"):
        return []
    if overdue is None:
        overdue = overdue_workdays(task, today, cal)
    out: list[tuple[str, str]] = []
    if overdue > 0:
        out.append(("overdue", f"逾期 {overdue} 个工作日"))
    if task.status != "open" or task.due is None:
        return out
    if overdue <= 0 and (task.due <= today or cal.count_workdays(today, task.due) <= warn_workdays):
        out.append(("due_soon", "今日到期" if task.due <= today else "临近时限"))
    missed = missed_milestones(task, today)
    if missed:
        out.append(("milestone_missed", "节点逾期：" + "、".join(f"{m.text}（{m.due:%m-%d}）" for m in missed)))
    state = report_state(task, today, cal)
    if state is not None:
        if state[0] == "missed":
            out.append(("report_missed", f"未按期报送进展（应于 {state[2]:%m-%d} 前）"))
        else:
            out.append(("report_owed", f"应报送进展（{state[2]:%m-%d} 前）"))
    lag = progress_lag(task, today, cal)
    if lag is not None and lag > lag_points:
        out.append(("progress_lag", f"进度落后序时 {lag} 个百分点"))
    return out


def workdays_left(task: Task, today: Date, cal: Calendar) -> int | None:
    if task.due is None or task.status not in ("open",) or task.due < today:
        return None
    return cal.count_workdays(today, task.due)


# -- changes of state ---------------------------------------------------------
def _require(task: Task, allowed: tuple[str, ...], doing: str, hint: str = "") -> None:
    if task.status not in allowed:
        label = STATUS_LABELS[task.status]
        raise TransitionError(
            f"{task.id} 当前状态为“{label}”，不能{doing}",
            hint or f"只有{'、'.join(STATUS_LABELS[s] for s in allowed)}的事项可以{doing}",
        )


def _not_before(task: Task, on: Date, what: str) -> None:
    if on < task.assigned_on:
        raise UsageError(
            f"{what}日期 {on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期"
        )


def add_progress(task: Task, entry: Progress) -> Task:
    _require(task, ("open", "reported", "suspended"), "记录进展")
    if entry.percent is not None and not 0 <= entry.percent <= 100:
        raise UsageError(f"完成进度应在 0 到 100 之间，而不是 {entry.percent}", "如 --percent 40")
    _not_before(task, entry.on, "进展")
    new = copy.deepcopy(task)
    new.progress.append(entry)
    new.progress.sort(key=lambda p: p.on)
    return new


def report_done(task: Task, report: DoneReport) -> Task:
    _require(task, ("open",), "申请办结", "只有在办的事项可以申请办结；暂缓的请先恢复")
    _not_before(task, report.on, "申请办结")
    new = copy.deepcopy(task)
    new.status, new.done = "reported", report
    return new


def close(task: Task, verification: Verification) -> Task:
    _require(
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
    _require(task, ("reported", "closed"), "退回重办", "只有待核验或已销号的事项可以退回")
    new = copy.deepcopy(task)
    if task.done is not None:  # the round sent back stays on record (an old file may lack `done`)
        new.returned.append(Returned.of(event.on, task.done, task.verification))
    new.status, new.done, new.verification = "open", None, None
    new.events.append(event)
    return new


def cancel(task: Task, event: Event) -> Task:
    _require(task, ("open", "reported", "suspended"), "撤销", "已销号或已撤销的事项不能撤销")
    new = copy.deepcopy(task)
    new.status = "cancelled"
    new.events.append(event)
    return new


def urge(task: Task, entry: Urge) -> Task:
    _require(task, ("open",), "催办", "只有在办的事项可以催办")
    new = copy.deepcopy(task)
    new.urges.append(entry)
    return new


def extend(task: Task, new_due: Due, change: DeadlineChange) -> Task:
    """延期: granted when asked on or before the deadline [004 §五.1(1)]; after it only
    with a leader's approval, and then marked late (超时)."""
    _require(task, ("open",), "延期", "只有在办的事项可以延期")
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


# -- the workflow of issue 3 -----------------------------------------------------
def suspend(task: Task, event: Event) -> Task:
    """暂缓: a suspended task is not overdue; the days it waits are given back on resume."""
    _require(task, ("open",), "暂缓", "只有在办的事项可以暂缓")
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
    _require(task, ("suspended",), "恢复办理", "只有暂缓的事项可以恢复")
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
    _require(task, ("open",), "反馈难以执行", "只有在办的事项可以反馈难以执行")
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
    _require(task, ("open", "suspended"), "增加时间节点")
    if ms.due < task.assigned_on or (task.due is not None and ms.due > task.due):
        raise UsageError(f"时间节点 {ms.due} 不在交办日期 {task.assigned_on} 和时限 {task.due} 之间",
                         "请检查日期")
    new = copy.deepcopy(task)
    new.milestones.append(ms)
    new.milestones.sort(key=lambda m: m.due)
    return new


def complete_milestone(task: Task, n: int, on: Date) -> Task:
    _require(task, ("open", "reported", "suspended"), "完成时间节点")
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


# -- reporting cycles, coordination and accountability ----------------------------------
_CYCLE_RE = __import__("re").compile(r"^(weekly|monthly|quarterly):(\d+(?:wd|d))(?::from=(\d{4})-(\d{2}))?$")


def parse_cycle(text: str) -> tuple[str, Span, Date | None]:
    """`monthly:3wd` = within the first 3 workdays of each month; `quarterly:5wd` = within 5
    workdays after each quarter ends; `:from=2026-04` starts the cycle that month [003 §三(一)]."""
    m = _CYCLE_RE.match(text.strip())
    if not m:
        raise UsageError(f"报送周期写法不对：{text!r}",
                         "请写成 monthly:3wd、quarterly:5wd 或 weekly:1wd，可加 :from=2026-04")
    start = None
    if m.group(3):
        month = int(m.group(4))
        if not 1 <= month <= 12:
            raise UsageError(f"报送周期的起始月份不对：{text!r}", "如 :from=2026-04")
        start = Date(int(m.group(3)), month, 1)
    return m.group(1), parse_span(m.group(2)), start


def period_anchor(kind: str, today: Date) -> Date:
    """The last day of the period before the one today is in: the count starts after it."""
    if kind == "weekly":
        return today - dt.timedelta(days=today.weekday() + 1)  # last Sunday
    first = today.replace(day=1)
    if kind == "quarterly":
        first = first.replace(month=(today.month - 1) // 3 * 3 + 1)
    return first - dt.timedelta(days=1)


def report_state(task: Task, today: Date, cal: Calendar) -> tuple[str, Date, Date] | None:
    """("owed" | "missed", period anchor, due) when the current period's report is not in."""
    if not task.report_cycle or task.status != "open":
        return None
    kind, span, start = parse_cycle(task.report_cycle)
    anchor = period_anchor(kind, today)
    if anchor < task.assigned_on or (start is not None and anchor < start - dt.timedelta(days=1)):
        return None
    due = cal.add_span(anchor, span).date
    if any(p.on > anchor for p in task.progress):
        return None
    return ("owed" if today <= due else "missed"), anchor, due


def coordinate(task: Task, entry: Coordination) -> Task:
    _require(task, ("open", "suspended"), "记录协调")
    if entry.level not in ESCALATION_LEVELS:
        raise UsageError(f"协调层级只能是 office、deputy 或 head，而不是 {entry.level!r}",
                         "office=办公室，deputy=分管领导，head=主要领导")
    if entry.on < task.assigned_on:
        raise UsageError(f"协调日期 {entry.on} 早于交办日期 {task.assigned_on}", "请检查 --on 日期")
    new = copy.deepcopy(task)
    new.coordinations.append(entry)
    return new


def written_report_due(task: Task) -> bool:
    """Two failed coordinations since the last success: a written report must go up [003 §二(一)]."""
    if task.status not in ("open", "suspended"):
        return False
    failed = 0
    for c in task.coordinations:
        failed = 0 if c.resolved else failed + 1
    return failed >= 2


def notice(task: Task, entry: Notice) -> Task:
    _require(task, ("open",), "下达督查通知书", "只有在办的事项可以下达督查通知书")
    if entry.fix_due <= entry.on:
        raise UsageError(f"整改期限 {entry.fix_due} 应晚于下达日期 {entry.on}", "请检查 --due 或 --within")
    new = copy.deepcopy(task)
    new.notices.append(entry)
    return new


def interview(task: Task, entry: Interview) -> Task:
    _require(task, ("open", "reported", "suspended", "closed"), "记录约谈")
    _not_before(task, entry.on, "约谈")
    new = copy.deepcopy(task)
    new.interviews.append(entry)
    return new


# -- assessment: what a day makes of a task ---------------------------------------
@dataclass(frozen=True)
class Assessed:
    """A task with what today makes of it: its light and overdue workdays."""

    task: Task
    light: str | None
    overdue_workdays: int
    workdays_left: int | None
    today: Date | None = None
    expected_percent: int | None = None  # 序时进度
    progress_lag: int | None = None
    # The task's plain form when it came from the cache: JSON output reuses it as is.
    plain: dict | None = field(default=None, compare=False, repr=False)
    # Why the light is not green: (code, 情况 text) pairs from light_reasons.
    light_reasons: tuple = ()


def assess(task: Task, today: Date, cal: Calendar, warn_workdays: int,
           lag_points: int = DEFAULT_LAG_POINTS, plain: dict | None = None) -> Assessed:
    overdue = overdue_workdays(task, today, cal)
    lit = light(task, today, cal, warn_workdays, overdue, lag_points)
    # Reasons are only looked for when the light is not green, so a green ledger costs nothing more.
    reasons = () if lit in (None, "green") else tuple(
        light_reasons(task, today, cal, warn_workdays, overdue, lag_points))
    return Assessed(
        task,
        lit,
        overdue,
        workdays_left(task, today, cal),
        today,
        expected_percent(task, today, cal) if task.status == "open" else None,
        progress_lag(task, today, cal) if task.status == "open" else None,
        plain,
        reasons,
    )
