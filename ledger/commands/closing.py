"""A task's course to its end: progress, extensions, done, close, reopen, cancel."""

from typing import Annotated, Optional

import typer

from .exits import out
from .options import AsOfOpt, ByOpt, FutureOpt, IdArg, LedgerOpt, NoteOpt, OnOpt, make_env

IdsArg = Annotated[list[str], typer.Argument(help="事项编号，可写多个（一次提交）；只写 42 表示当年第 42 号", metavar="ID...")]


def progress(
    ctx: typer.Context,
    task_ids: Annotated[list[str], typer.Argument(help="事项编号，可写多个（同一条进展记入每一项，一次提交）", metavar="ID...")],
    text: Annotated[str, typer.Argument(help="进展内容", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    percent: Annotated[Optional[int], typer.Option("--percent", help="完成进度 0–100，与序时进度比较，落后过多亮黄灯", metavar="N")] = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录一条进展（可带完成百分比）；写多个编号时同一条进展记入每一项。"""
    from ledger.services import change

    for task in change.progress(make_env(ctx, ledger, by=by, future=future), task_ids, text, on, percent):
        out(f"已记录 {task.id} 的进展（共 {len(task.progress)} 条）")


def extend(
    ctx: typer.Context,
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="延期原因（必填）", metavar="TEXT")],
    to: Annotated[Optional[str], typer.Option("--to", help="新的办结时限 YYYY-MM-DD", metavar="DATE")] = None,
    by_span: Annotated[Optional[str], typer.Option("--by", help="从原时限起顺延，如 10wd、1m", metavar="SPAN")] = None,
    clerk: Annotated[Optional[str], typer.Option("--clerk", help="经办人姓名（默认取 git user.name）", metavar="NAME")] = None,
    approved_by: Annotated[Optional[str], typer.Option("--approved-by", help="批准超时延期的领导（与 --late 一起用）", metavar="NAME")] = None,
    late: Annotated[bool, typer.Option("--late", help="时限已过，经领导批准的超时延期（记为超时）")] = False,
    grant: Annotated[Optional[str], typer.Option("--grant", help="批准的时限与申请的不同时，批准的日期 YYYY-MM-DD", metavar="DATE")] = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """延期：须在时限届满前（含当日）提出并说明原因；超期后只有加 --approved-by 领导 --late 才记为超时延期。"""
    from ledger.services import change

    task = change.extend(make_env(ctx, ledger, as_of, clerk), task_id, to, by_span, reason, approved_by, late, grant)
    out(f"已延期 {task.id}：{task.deadline_changes[-1].old_due} → {task.due}" + ("（超时延期）" if late else ""))


def done(
    ctx: typer.Context,
    task_id: IdArg,
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位申请办结；之后须经核验才能销号（taizhang close）。"""
    from ledger.services import change

    task = change.done(make_env(ctx, ledger, by=by, future=future), task_id, note, on)
    out(f"{task.id} 已申请办结，待核验销号")


def close(
    ctx: typer.Context,
    task_id: IdArg,
    verified_by: Annotated[str, typer.Option("--verified-by", help="核验人（必填）", metavar="NAME")],
    method: Annotated[str, typer.Option("--method", help="onsite 现场核验，document 书面核验", metavar="onsite|document")] = "onsite",
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """核验后销号；事项须先申请办结。"""
    from ledger.services import change

    task = change.close(make_env(ctx, ledger, by=by, future=future), task_id, verified_by, method, note, on)
    out(f"{task.id} 已销号（核验人 {task.verification.verified_by}）")


def reopen(
    ctx: typer.Context,
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="退回原因（必填）", metavar="TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """把待核验或已销号的事项退回责任单位重办（退办）。"""
    from ledger.services import change

    task = change.reopen(make_env(ctx, ledger, by=by), task_id, reason)
    out(f"{task.id} 已退回重办")


def cancel(
    ctx: typer.Context,
    task_ids: IdsArg,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因（必填）", metavar="TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """撤销事项（可写多个编号，一次提交）；文件保留，历史可查。"""
    from ledger.services import change

    for task in change.cancel(make_env(ctx, ledger, by=by), task_ids, reason):
        out(f"{task.id} 已撤销")


def request_extension(
    ctx: typer.Context,
    task_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="申请的新时限 YYYY-MM-DD", metavar="DATE")],
    reason: Annotated[str, typer.Option("--reason", help="申请延期的理由（必填）", metavar="TEXT")],
    on: OnOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位申请延期：记为待批准的申请，时限不变；督查室用 taizhang extend 批准。"""
    from ledger.services import requests

    task = requests.request_extension(make_env(ctx, ledger, by=by), task_id, to, reason, on)
    r = task.extension_requests[-1]
    out(f"已记录 {task.id} 的延期申请：{task.due} → {r.requested_due}（待督查室批准：taizhang extend {task.id} --to {r.requested_due} --reason …）")
