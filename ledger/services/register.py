"""`taizhang add`: a task registered with its deadline from the source's rule, its milestones, one commit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..domain import cycles, sources
from ..domain.errors import UsageError
from ..domain.model import Milestone, Task, format_id
from ..domain.workdays import Calendar, Due, parse_date, parse_span
from ..files import emit
from .change import refuse_unchecked
from .common import clean, commit_message, date_or_today, short, source_rules, split_units, warn_provisional
from .context import Env
from .family import check_parent
from .units import resolve_units


# -- add -------------------------------------------------------------------------
@dataclass
class NewTask:
    title: str
    lead_unit: str
    units: list[str]
    leader: str | None = None
    contact: str | None = None
    source: str | None = None
    ref: str | None = None
    on: str | None = None
    due: str | None = None
    within: str | None = None
    milestones: list[str] | None = None
    tags: list[str] | None = None
    description: str | None = None
    parent: str | None = None
    new_unit: bool = False
    report: str | None = None


def milestone_entry(spec: str, start: dt.date, cal: Calendar) -> tuple[Milestone, Due | None]:
    when, sep, text = spec.partition(":")
    if not sep:
        when, sep, text = spec.partition("：")
    text = clean(text, "时间节点内容")
    if not sep or not text:
        raise UsageError(f"时间节点写法不对：{spec!r}", "请写成 日期:内容 或 时限:内容，如 2026-06-30:完成招标")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", when.strip()):
        return Milestone(parse_date(when, "时间节点日期"), text), None
    due = cal.add_span(start, parse_span(when))
    return Milestone(due.date, text), due


def add(env: Env, spec: NewTask) -> Task:
    ledger = env.ledger()
    cal = ledger.calendar
    title = clean(spec.title, "事项标题", required=True)
    lead = split_units([clean(spec.lead_unit, "牵头单位", required=True)])
    if len(lead) != 1:
        raise UsageError("牵头单位只能有一个", "其余单位请用 --unit 列为责任单位")
    named, new_config = resolve_units(env, lead + split_units(spec.units), spec.new_unit)
    lead = named[:1]
    units = [u for u in named[1:] if u != lead[0]]
    assigned_on = date_or_today(spec.on, env, "--on 日期")
    if spec.due and spec.within:
        raise UsageError("--due 和 --within 只能用一个", "--due 给出具体日期，--within 给出期限如 5wd")

    source = clean(spec.source, "来源")
    rule_span: str | None = spec.within
    basis, assign_due = "", None
    if source:
        rule = sources.resolve_source(source, source_rules(env))
        source = rule.kind
        assign_due = sources.assign_due(rule, assigned_on, cal)
        if not spec.due and not spec.within:
            rule_span = sources.rule_span(rule, units)
            if rule_span is None:
                raise UsageError(
                    f"来源“{rule.kind}”没有统一时限（{rule.basis}）",
                    "请用 --due 日期 或 --within 期限 指定时限",
                )
            basis = sources.rule_basis(rule, rule_span)
    if spec.due:
        due = Due(parse_date(spec.due, "--due 日期"), False)
        if due.date < assigned_on:
            raise UsageError(f"时限 {due.date} 早于交办日期 {assigned_on}", "请检查 --due 和 --on")
    elif rule_span:
        due = cal.add_span(assigned_on, parse_span(rule_span))
    else:
        raise UsageError(
            "没有给出办结时限",
            "请用 --due 日期、--within 期限（如 5wd、1m），或 --source 来源 按规则计算",
        )
    parent = check_parent(env, spec.parent, due.date) if spec.parent else ""
    report_cycle = clean(spec.report, "报送周期")
    if report_cycle:
        cycles.parse_cycle(report_cycle)
    milestones = []
    for m in spec.milestones or []:
        ms, ms_due = milestone_entry(m, assigned_on, cal)
        if ms.due < assigned_on or ms.due > due.date:
            raise UsageError(f"时间节点 {ms.due} 不在交办日期和时限之间", "请检查 --milestone")
        if ms_due:
            warn_provisional(env, ms_due, "时间节点")
        milestones.append(ms)
    tags = [clean(t, "标签", required=True) for t in spec.tags or []]
    task_fields = dict(
        title=title, lead_unit=lead[0], units=units,
        leader=clean(spec.leader, "牵头领导"), contact=clean(spec.contact, "责任人"),
        source=source, ref=clean(spec.ref, "文号"), parent=parent,
        assign_due=assign_due, deadline_basis=basis, report_cycle=report_cycle,
        description=clean(spec.description, "事项说明", multiline=True),
        assigned_on=assigned_on, registered_on=env.today,
        deadline_rule=rule_span if not spec.due else "",
        due=due.date, due_provisional=due.provisional,
        milestones=sorted(milestones, key=lambda m: m.due), tags=sorted(set(tags), key=tags.index),
    )
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        task_id = format_id(env.today.year, ledger.next_seq(env.today.year))
        task = Task(id=task_id, **task_fields)
        refuse_unchecked(None, task)
        body = f"牵头单位：{task.lead_unit}" + (f"；责任单位：{'、'.join(units)}" if units else "")
        body += f"\n办结时限：{task.due}" + ("（暂定）" if task.due_provisional else "")
        if source:
            body += f"\n来源：{source}" + (f"（{task.ref}）" if task.ref else "")
        if parent:
            body += f"\n上级事项：{parent}"
        files = {ledger.task_path(task_id): emit.task_to_yaml(task)}
        if new_config is not None:
            from ..files.store import CONFIG_FILE

            files[ledger.root / CONFIG_FILE] = emit.mapping_to_yaml(new_config)
            body += "\n单位名录新增：" + "、".join(u for u in new_config["units"] if u not in (ledger.config.get("units") or []))
        ledger.commit(
            files,
            commit_message(f"交办 {task_id} {short(title)}", "add", [task_id], body),
            clerk,
        )
    warn_provisional(env, due, "办结时限")
    late = cal.count_workdays(due.date, env.today)
    if late:
        env.warn(f"警告：按交办日期 {assigned_on} 计，时限 {due.date} 已过，事项一登记就逾期 {late} 个工作日；"
                 "如交办日期有误，请撤销后重新登记")
    return task
