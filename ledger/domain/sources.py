"""Where a deadline comes from: each source's rule (feedback span, 交办单 deadline), as taizhang.yaml may override it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .errors import UsageError
from .model import Task
from .workdays import Calendar, Date, parse_span


@dataclass(frozen=True)
class SourceRule:
    """Where a task comes from and the feedback period the seeds give it."""

    kind: str
    deadline: str | None = None  # SPAN from the event day, None = must be given
    deadline_several_units: str | None = None  # 公文 needing several units
    assign_within: str | None = None  # the 交办单 must be issued within this span
    aliases: tuple[str, ...] = ()
    basis: str = ""  # the seed rule, shown by `rules`


# The feedback deadlines of the seed documents (`basis` cites each). The deadline of a task is its feedback deadline.
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
