"""Pressing and steering tasks: urge, suspend, resume, difficulties, milestones, escalation, notices, print, interviews, due reports."""

from typing import Annotated, Optional

import typer

from .exits import out
from .options import AsOfOpt, ByOpt, Fmt, FutureOpt, IdArg, LedgerOpt, NoteOpt, OnOpt, display, make_env


def urge(
    ctx: typer.Context,
    task_ids: Annotated[Optional[list[str]], typer.Argument(help="事项编号，可写多个（一次提交，连续编号）；用 --overdue 时不写", metavar="[ID]...")] = None,
    level: Annotated[str, typer.Option("--level", help="remind 催办单，supervise 督办单", metavar="remind|supervise")] = "remind",
    note: NoteOpt = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="对全部逾期的在办事项发单（一次提交）")] = False,
    round_: Annotated[Optional[str], typer.Option("--round", help="催报：对该轮（YYYY-MM）未报回报送表的单位的各在办事项发单（一次提交）", metavar="YYYY-MM")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不打印催办单正文")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """发催办单（remind）或督办单（supervise），统一编号（如 催〔2026〕12号），并打印单子正文。

    正文模板可由台账的 templates/urge_remind.txt、templates/urge_supervise.txt 覆盖。
    """
    from ledger.domain.model import URGE_LEVELS
    from ledger.services import workflow

    issued = workflow.urge(make_env(ctx, ledger, as_of, by), task_ids, level, note, overdue, round_)
    if not issued:
        out("各单位都已报回，未发单" if round_ else "没有逾期的在办事项，未发单")
        return
    for task, text in issued:
        if not quiet:
            out(text.rstrip("\n") + "\n")
        out(f"已对 {task.id} {URGE_LEVELS[level]}：{task.urges[-1].number}")


def suspend(
    ctx: typer.Context,
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="暂缓原因（必填）", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """暂缓执行：暂缓期间不计逾期，恢复时按暂缓的工作日数顺延时限。"""
    from ledger.services import workflow

    task = workflow.suspend(make_env(ctx, ledger, by=by, future=future), task_id, reason, on)
    out(f"{task.id} 已暂缓")


def resume(
    ctx: typer.Context,
    task_id: IdArg,
    shift: Annotated[bool, typer.Option("--shift", help="时限按暂缓的工作日数顺延（默认）")] = True,
    to: Annotated[Optional[str], typer.Option("--to", help="改为新的办结时限 YYYY-MM-DD（代替顺延）", metavar="DATE")] = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    note: NoteOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """恢复办理暂缓的事项：时限顺延暂缓的工作日数，或用 --to 重新确定。"""
    from ledger.services import workflow

    task = workflow.resume(make_env(ctx, ledger, by=by, future=future), task_id, to, on, note)
    out(f"{task.id} 已恢复办理，时限 {task.due}")


def report_difficulty(
    ctx: typer.Context,
    task_id: IdArg,
    text: Annotated[str, typer.Argument(help="难以执行的情况和原因", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位反馈决定难以执行（应在决定后 5 个工作日内）；督查室须在 3 个工作日内答复。"""
    from ledger.services import workflow

    task = workflow.report_difficulty(make_env(ctx, ledger, by=by, future=future), task_id, text, on)
    d = task.difficulties[-1]
    late = f"（迟于应反馈期限 {d.report_due}）" if d.report_due and d.on > d.report_due else ""
    out(f"已记录 {task.id} 难以执行的反馈{late}，请于 {d.answer_due} 前答复（taizhang answer）")


def answer(
    ctx: typer.Context,
    task_id: IdArg,
    decision: Annotated[str, typer.Argument(help="continue 继续执行、suspend 暂缓执行、redirect 按新的办法执行", metavar="continue|suspend|redirect")],
    note: NoteOpt = None,
    to: Annotated[Optional[str], typer.Option("--to", help="按新的办法执行时的新时限 YYYY-MM-DD", metavar="DATE")] = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """答复难以执行的反馈：继续执行、暂缓执行（事项转为暂缓）或按新的办法执行。"""
    from ledger.domain.model import DIFFICULTY_ANSWERS
    from ledger.services import workflow

    task = workflow.answer(make_env(ctx, ledger, by=by, future=future), task_id, decision, note, on, to)
    out(f"已答复 {task.id}：{DIFFICULTY_ANSWERS[decision]}")


milestone_app = typer.Typer(help="时间节点：增加、完成。", no_args_is_help=True, rich_markup_mode=None)


@milestone_app.command("add")
def milestone_add(
    ctx: typer.Context,
    task_id: IdArg,
    spec: Annotated[str, typer.Argument(help="日期:内容 或 期限:内容（期限从交办日期起算），如 2026-06-30:完成招标", metavar="DATE|SPAN:TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """给事项增加一个时间节点；节点过期未完成时亮黄灯。"""
    from ledger.services import workflow

    task = workflow.milestone_add(make_env(ctx, ledger, by=by), task_id, spec)
    out(f"已为 {task.id} 增加时间节点（共 {len(task.milestones)} 个）")


@milestone_app.command("done")
def milestone_done(
    ctx: typer.Context,
    task_id: IdArg,
    n: Annotated[int, typer.Argument(help="时间节点序号（见 taizhang show）", metavar="N")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """登记第 N 个时间节点已完成。"""
    from ledger.services import workflow

    task = workflow.milestone_done(make_env(ctx, ledger, by=by, future=future), task_id, n, on)
    out(f"{task.id} 第 {n} 个时间节点已完成")


def escalate(
    ctx: typer.Context,
    task_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="协调层级：office 办公室、deputy 分管领导、head 主要领导", metavar="office|deputy|head")],
    note: Annotated[str, typer.Option("--note", help="协调情况（必填）", metavar="TEXT")],
    resolved: Annotated[bool, typer.Option("--resolved", help="本次协调已解决问题")] = False,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录一次协调及其层级；两次协调仍未解决时，show 和 check --strict 提示须书面上报。"""
    from ledger.domain.cycles import written_report_due
    from ledger.services import workflow

    task = workflow.escalate(make_env(ctx, ledger, by=by, future=future), task_id, to, note, resolved, on)
    out(f"已记录 {task.id} 的协调（共 {len(task.coordinations)} 次）")
    if written_report_due(task):
        out("提示：已两次以上协调仍未解决，须以书面形式上报协调情况、原因和意见建议")


def notice(
    ctx: typer.Context,
    task_id: IdArg,
    due: Annotated[Optional[str], typer.Option("--due", help="整改期限 YYYY-MM-DD", metavar="DATE")] = None,
    within: Annotated[Optional[str], typer.Option("--within", help="整改期限，如 10wd", metavar="SPAN")] = None,
    note: NoteOpt = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """下达督查通知书（统一编号，如 督通〔2026〕1号），责令限期整改。"""
    from ledger.services import workflow

    task = workflow.notice(make_env(ctx, ledger, as_of, by), task_id, due, within, note)
    n = task.notices[-1]
    out(f"已对 {task.id} 下达督查通知书 {n.number}，限 {n.fix_due} 前整改")


def print_(
    ctx: typer.Context,
    task_id: IdArg,
    kind: Annotated[str, typer.Option("--kind", help="assign 交办单、remind 催办单、supervise 督办单、notice 督查通知书", metavar="assign|remind|supervise|notice")],
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="写入 FILE.docx 或 FILE.pdf（PDF 需 LibreOffice；默认 编号-单名.docx）", metavar="FILE")] = None,
    number: Annotated[Optional[str], typer.Option("--number", help="打印哪一份：文号如 督〔2026〕3号，或只写序号 3（默认最近一份）", metavar="文号")] = None,
    ledger: LedgerOpt = None,
) -> None:
    """按 GB/T 9704-2012 版式打印公文：交办单、催办单、督办单、督查通知书（文号沿用台账编发的）。

    版式可由台账的 templates/print.docx 覆盖，文字可由 templates/print_KIND.txt 覆盖。
    """
    from ledger.services import documents

    out(f"已生成：{documents.print_task(make_env(ctx, ledger), task_id, kind, output, number)}")


def interview(
    ctx: typer.Context,
    task_id: IdArg,
    person: Annotated[str, typer.Option("--person", help="被约谈人（单位分管负责人）", metavar="NAME")],
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录约谈；同一人一年内被约谈两次的，check --strict 提示通报批评。"""
    from ledger.domain.cycles import INTERVIEW_LIMIT
    from ledger.services import workflow

    env = make_env(ctx, ledger, by=by, future=future)
    task = workflow.interview(env, task_id, person, note, on)
    i = task.interviews[-1]
    out(f"已记录约谈 {i.person}（{task.id}）")
    times = workflow.interview_count(env, i.person, i.on.year)
    if times >= INTERVIEW_LIMIT:
        out(f"提示：{i.person} {i.on.year} 年内已被约谈 {times} 次，应予通报批评")


def due_reports(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """列出当前应报未报的进展（按 add --report 的周期）：应报为黄灯，超期未报为红灯。"""
    from ledger.formats.render import dumps
    from ledger.formats.tables import DUE_REPORT_COLUMNS, due_report_rows, due_report_table
    from ledger.services import workflow

    rows = due_report_rows(workflow.due_reports(make_env(ctx, ledger, as_of)))
    if fmt == Fmt.json:
        out(dumps(rows))
        return
    if fmt == Fmt.csv:
        from ledger.formats.render import csv_text

        out(csv_text(rows, DUE_REPORT_COLUMNS))
        return
    display(due_report_table(rows))
