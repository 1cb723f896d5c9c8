"""What a day makes of a task: overdue workdays, 序时进度, the light and every reason for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .cycles import report_state
from .model import Task
from .rules import missed_milestones
from .workdays import Calendar, Date


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


def progress_lag(task: Task, today: Date, cal: Calendar, expected: int | None = None) -> int | None:
    """Points the last reported percentage is behind 序时进度 (None when no percentage was given);
    `expected` is expected_percent's answer when the caller already has it."""
    reported = [p.percent for p in task.progress if p.percent is not None]
    if not reported:
        return None
    if expected is None:
        expected = expected_percent(task, today, cal)
    return None if expected is None else expected - reported[-1]


# The light a reason gives; `light_reasons` lists the reasons in the order that decides.
RED_REASONS = frozenset({"overdue", "report_missed"})


def light(task: Task, today: Date, cal: Calendar, warn_workdays: int = 3, overdue: int | None = None,
          lag_points: int = DEFAULT_LAG_POINTS) -> str | None:
    """红灯 overdue or a report missed, 黄灯 due soon, a milestone missed, a report owed or progress
    behind 序时进度, else 绿灯: the colour of the first of `light_reasons`."""
    return light_of(task, light_reasons(task, today, cal, warn_workdays, overdue, lag_points))


def light_of(task: Task, reasons: Sequence[tuple[str, str]]) -> str | None:
    """The light `reasons` (from light_reasons) give the task: none once it is closed or cancelled."""
    if task.status in ("closed", "cancelled"):
        return None
    if not reasons:
        return "green"
    return "red" if reasons[0][0] in RED_REASONS else "yellow"


def light_reasons(task: Task, today: Date, cal: Calendar, warn_workdays: int = 3, overdue: int | None = None,
                  lag_points: int = DEFAULT_LAG_POINTS, lag: int | None = None) -> list[tuple[str, str]]:
    """Why a task is not green: (code, 情况 text) pairs, every condition that applies, the one that decides the light first.

    Codes: overdue, report_missed (red); due_soon, milestone_missed, report_owed, progress_lag (yellow).
    `overdue` and `lag` are overdue_workdays' and progress_lag's answers when the caller already has them.
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
    if lag is None:
        lag = progress_lag(task, today, cal)
    if lag is not None and lag > lag_points:
        out.append(("progress_lag", f"进度落后序时 {lag} 个百分点"))
    return out


def workdays_left(task: Task, today: Date, cal: Calendar) -> int | None:
    if task.due is None or task.status not in ("open",) or task.due < today:
        return None
    return cal.count_workdays(today, task.due)


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
    expected = lag = None
    if task.status == "open":  # 序时进度 once: the lag and the reasons reuse it
        expected = expected_percent(task, today, cal)
        lag = progress_lag(task, today, cal, expected) if expected is not None else None
    reasons = tuple(light_reasons(task, today, cal, warn_workdays, overdue, lag_points, lag))
    return Assessed(task, light_of(task, reasons), overdue, workdays_left(task, today, cal), today,
                    expected, lag, plain, reasons)
