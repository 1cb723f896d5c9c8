"""Registering and reading tasks: init, add, show, list, overdue, edit, rules."""

import sys
from typing import Annotated, Optional

import typer

from ledger.domain.errors import TaizhangError

from .exits import out
from .listing import LIST_TITLE, OVERDUE_TITLE, emit, listed, narrowed_note
from .options import AsOfOpt, ByOpt, Fmt, FutureOpt, IdArg, LedgerOpt, ShowFmt, TextFmt, display, make_env


def init(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(help="台账目录（默认当前目录）", metavar="PATH")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="单位名称，如 某某市人民政府督查室", metavar="NAME")] = None,
    existing: Annotated[bool, typer.Option("--existing", help="在非空目录或已有的 git 仓库中建立台账（已有的文件不改动）")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="经办人姓名，存入台账的 git 设置（默认取 git 的 user.name；都没有时在终端上询问）", metavar="NAME")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="经办人邮箱，存入台账的 git 设置", metavar="EMAIL")] = None,
    by: ByOpt = None,
) -> None:
    """新建台账：建立 git 仓库、taizhang.yaml、tasks/ 和 calendar/，并做第一次提交。"""
    from ledger.services import newledger

    ask = (lambda what: typer.prompt(what)) if sys.stdin.isatty() else None
    root = newledger.init(path, org, make_env(ctx, by=by), existing=existing, name=name, email=email, ask=ask)
    out(f"已建立台账：{root}\n下一步：cd {root} && taizhang add 事项名称 --lead-unit 牵头单位 --within 10wd")


def _sources_help() -> str:
    from ledger.domain.sources import DEFAULT_RULES

    kinds = "、".join(f"{r.kind}({r.deadline})" if r.deadline else r.kind for r in DEFAULT_RULES)
    return f"任务来源；未给时限时按来源规则计算。内置来源（括号内为默认时限）：{kinds}。详见 taizhang rules"


def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="事项名称", metavar="TITLE")],
    lead_unit: Annotated[str, typer.Option("--lead-unit", help="牵头单位", metavar="UNIT")],
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="责任（配合）单位，可重复，或用、分隔", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导", metavar="NAME")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="责任人", metavar="NAME")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help=_sources_help(), metavar="KIND")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="文号、纪要号或批示日期", metavar="TEXT")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="交办日期（会议、批示之日；时限从次日起算），默认今天", metavar="DATE")] = None,
    future: FutureOpt = False,
    due: Annotated[Optional[str], typer.Option("--due", help="办结时限，具体日期 YYYY-MM-DD", metavar="DATE")] = None,
    within: Annotated[Optional[str], typer.Option("--within", help="办结期限：5wd 工作日、10d 自然日、1w 周、1m 月、0.5m 半个月", metavar="SPAN")] = None,
    milestone: Annotated[Optional[list[str]], typer.Option("--milestone", help="时间节点 日期:内容 或 期限:内容，可重复", metavar="DATE:TEXT")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="标签，可重复", metavar="TAG")] = None,
    description: Annotated[Optional[str], typer.Option("--description", help="事项说明", metavar="TEXT")] = None,
    parent: Annotated[Optional[str], typer.Option("--parent", help="上级事项编号（任务分解）；子事项时限不得晚于上级", metavar="ID")] = None,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="单位不在名录中时，一并加入单位名录")] = False,
    report: Annotated[Optional[str], typer.Option("--report", help="进展报送周期：monthly:3wd 每月前3个工作日、quarterly:5wd 季度结束后5个工作日、weekly:1wd；可加 :from=2026-04", metavar="CYCLE")] = None,
    fmt: Annotated[TextFmt, typer.Option("--format", help="输出格式")] = TextFmt.text,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """登记并交办一个事项；最后一行输出新事项的编号。

    例：taizhang add "推进老旧小区改造" --lead-unit 市住建局 --unit 市财政局 --source 常务会议 --on 2026-03-02
    """
    from ledger.formats.render import dumps, task_json
    from ledger.services import common, register

    env = make_env(ctx, ledger, by=by, future=future)
    spec = register.NewTask(title, lead_unit, unit or [], leader, contact, source, ref, on, due, within,
                            milestone, tag, description, parent, new_unit, report)
    task = register.add(env, spec)
    if fmt == TextFmt.json:
        a = common.assess_task(env, task)
        out(dumps(task_json(a)))
        return
    out(f"已交办：{task.title}（牵头单位 {task.lead_unit}，时限 {task.due}{'，暂定' if task.due_provisional else ''}）")
    out(task.id)


def show(
    ctx: typer.Context,
    task_id: IdArg,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """查看一个事项的全部信息：灯色、时限、进展、延期、催办、核验。"""
    from ledger.formats.render import dumps, task_detail, task_json
    from ledger.services import common, reading

    env = make_env(ctx, ledger, as_of)
    task = reading.get(env, task_id)
    a = common.assess_task(env, task)
    if fmt == ShowFmt.json:
        out(dumps(task_json(a)))
    else:
        display(task_detail(a))


def list_(
    ctx: typer.Context,
    status: Annotated[Optional[list[str]], typer.Option("--status", help="状态，可重复：open 在办、reported 待核验、closed 已销号、suspended 暂缓、cancelled 已撤销（默认未办结的）", metavar="S")] = None,
    all_: Annotated[bool, typer.Option("--all", help="包括已销号和已撤销的事项")] = False,
    unit: Annotated[Optional[str], typer.Option("--unit", help="牵头或责任单位", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导", metavar="NAME")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="任务来源", metavar="KIND")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="标签", metavar="TAG")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期的")] = False,
    light: Annotated[Optional[str], typer.Option("--light", help="预警灯：red 红、yellow 黄、green 绿", metavar="red|yellow|green")] = None,
    due_before: Annotated[Optional[str], typer.Option("--due-before", help="时限早于该日", metavar="DATE")] = None,
    milestone_overdue: Annotated[bool, typer.Option("--milestone-overdue", help="只看有时间节点已过期未完成的")] = False,
    urged: Annotated[bool, typer.Option("--urged", help="只看发过催办单或督办单的")] = False,
    extended: Annotated[bool, typer.Option("--extended", help="只看延期过的")] = False,
    late_assignment: Annotated[bool, typer.Option("--late-assignment", help="只看交办超时的（晚于规则规定的交办期限登记）")] = False,
    written_report_due: Annotated[bool, typer.Option("--written-report-due", help="只看经两次以上协调仍未解决、须书面上报的")] = False,
    parent: Annotated[Optional[str], typer.Option("--parent", help="只看该事项分解出的下级事项", metavar="ID")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="按任务分解显示上下级树")] = False,
    all_units: Annotated[bool, typer.Option("--all-units", help="单位报送人的克隆里也列出所有单位的事项（默认只列本单位的）")] = False,
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """列出事项（默认未办结的），按时限排序；可按状态、单位、领导、来源、灯色筛选。"""
    env = make_env(ctx, ledger, as_of)
    filters = dict(statuses=status, leader=leader, source=source, tag=tag, overdue=overdue, light=light,
                   due_before=due_before, include_closed=all_, milestone_overdue=milestone_overdue, urged=urged,
                   extended=extended, late_assignment=late_assignment, written_report_due=written_report_due,
                   parent=parent)
    items, mine = listed(env, filters, unit, all_units)
    narrowed_note(mine, fmt.value)
    if tree:
        _emit_tree(items, fmt)
        return
    emit(items, fmt.value, LIST_TITLE)


def overdue(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="有逾期事项时以 1 退出（供脚本使用）")] = False,
    ledger: LedgerOpt = None,
) -> None:
    """列出逾期事项，逾期最久的在前（按工作日计）。"""
    from ledger.services import reading

    items = reading.overdue(make_env(ctx, ledger, as_of))
    emit(items, fmt.value, OVERDUE_TITLE)
    if exit_code and items:
        raise typer.Exit(1)


def edit(
    ctx: typer.Context,
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="修改原因（必填）", metavar="TEXT")],
    title: Annotated[Optional[str], typer.Option("--title", help="新的事项名称", metavar="TEXT")] = None,
    lead_unit: Annotated[Optional[str], typer.Option("--lead-unit", help="新的牵头单位", metavar="UNIT")] = None,
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="责任单位（可重复；给出即整体替换，--unit '' 清空）", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导（'' 清空）", metavar="NAME")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="责任人（'' 清空）", metavar="NAME")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="标签（可重复；给出即整体替换，--tag '' 清空）", metavar="TAG")] = None,
    parent: Annotated[Optional[str], typer.Option("--parent", help="上级事项编号（'' 取消分解关系）", metavar="ID")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="文号、纪要号或批示日期（'' 清空）", metavar="TEXT")] = None,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="单位不在名录中时一并加入名录")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """更正事项的名称、单位、领导、责任人、标签、上级事项或文号；一次提交，记下原值、新值和原因。"""
    from ledger.services import editing

    changes = editing.Changes(title, lead_unit, unit, leader, contact, tag, parent, ref, new_unit)
    task, changed = editing.edit(make_env(ctx, ledger, by=by), task_id, changes, reason)
    for line in editing.change_lines(changed):
        out(line)
    out(f"已修改 {task.id}")


def rules_(ctx: typer.Context, ledger: LedgerOpt = None) -> None:
    """列出任务来源及其默认时限规则（台账的 taizhang.yaml 可覆盖或新增）。"""
    from ledger.domain.sources import DEFAULT_RULES
    from ledger.formats.tables import rules_table
    from ledger.services import common

    try:
        kinds = common.source_rules(make_env(ctx, ledger)).values()
    except TaizhangError:
        kinds = DEFAULT_RULES  # outside a ledger: the shipped rules
    display(rules_table(kinds))


def _emit_tree(items: list, fmt: Fmt) -> None:
    from ledger.formats.render import dumps, task_json
    from ledger.services.family import tree_order

    ordered = tree_order(items)
    if fmt != Fmt.table:
        out(dumps([{**task_json(a), "depth": depth} for depth, a in ordered]))
        return
    from ledger.formats.tables import tree_table

    display(tree_table(ordered, len(items)))
