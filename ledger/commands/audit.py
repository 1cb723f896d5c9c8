"""Checking and the audit trail: check, log, review, audit, undo."""

import sys
from typing import Annotated, Optional

import typer

from .exits import out
from .options import AsOfOpt, ByOpt, LedgerOpt, ShowFmt, display, make_env


def check(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="再查交办是否超时、单位是否在名录中、答复是否超时、约谈次数")] = False,
    staged: Annotated[bool, typer.Option("--staged", help="只校验 git 暂存区中待提交的事项文件（pre-commit 钩子用）")] = False,
    ledger: LedgerOpt = None,
) -> None:
    """校验全部事项文件（格式、编号、状态、日期先后）；无问题时不输出，有问题逐条列出并以 1 退出。"""
    from ledger.services.checking import check as check_ledger

    checked = check_ledger(make_env(ctx, ledger), strict, staged)
    if checked.refused:
        print(checked.refused, file=sys.stderr)
    problems = checked.problems
    for p in problems:
        out(str(p))
    if problems:
        raise typer.Exit(1)


def log(
    ctx: typer.Context,
    task_id: Annotated[Optional[str], typer.Argument(help="事项编号；不写则列出全台账的变更", metavar="[ID]")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="从该日起（按记录的日期，即显示的日期；YYYY-MM-DD，或 昨天、上周一、本月初 等）", metavar="DATE")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="到该日止（含当日；写法同 --since）", metavar="DATE")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="只看该经办人（姓名或邮箱）的变更", metavar="CLERK")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="只看牵头或责任单位为该单位的事项", metavar="UNIT")] = None,
    action: Annotated[Optional[str], typer.Option("--action", help="只看该动作：add、progress、done、close、extend、urge、reopen、cancel、undo、hand-edit 等", metavar="ACTION")] = None,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """从 git 历史读出变更：谁、何时、做了什么、哪些字段从什么改成什么。给出编号则只看该事项。"""
    from ledger.domain.audit import entry_json
    from ledger.formats.render import dumps, log_json, log_table
    from ledger.formats.tables import entries_table
    from ledger.services import common, reading, trail

    env = make_env(ctx, ledger)
    if task_id and not any((since, until, by, unit, action)):
        commits = reading.log(env, task_id)  # `log ID` alone: that task's own history
        if fmt == ShowFmt.json:
            out(dumps(log_json(commits)))
        else:
            display(log_table(common.resolve_id(task_id, env.today), commits))
        return
    entries = trail.log(env, since, until, by, unit, action, task_id)
    if fmt == ShowFmt.json:
        out(dumps([entry_json(e) for e in entries]))
    else:
        display(entries_table(entries))


def review(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="从该日起（按记录的日期；YYYY-MM-DD，或 昨天、上周一、本月初 等）", metavar="DATE")],
    until: Annotated[Optional[str], typer.Option("--until", help="到该日止（含当日；写法同 --since）", metavar="DATE")] = None,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """督查室负责人的变更摘要：新交办、销号、延期、转红灯、催办，以及未经 taizhang 的手工修改，各列经办人和时间。"""
    from ledger.formats.render import dumps
    from ledger.formats.tables import review_tables
    from ledger.services import trail

    digest = trail.review(make_env(ctx, ledger, as_of), since, until)
    if fmt == ShowFmt.json:
        out(dumps(digest))
        return
    for table in review_tables(digest):
        display(table)


def audit(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="手工修改也算问题（以 1 退出）")] = False,
    anchor: Annotated[bool, typer.Option("--anchor", help="审计通过后把当前 HEAD 记为锚点（.git/taizhang/anchor），之后的审计检查历史未被改写")] = False,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """审计 git 历史本身：删除事项文件、已销号事项未经退回被改、倒签日期、手工修改、历史改写、未签名提交；有问题以 1 退出。"""
    from ledger.formats.render import dumps
    from ledger.services import trail

    found = trail.run_audit(make_env(ctx, ledger), strict, anchor)
    if fmt == ShowFmt.json:
        out(dumps([{"kind": f.kind, "commit": f.commit, "path": f.path, "message": f.message, "fatal": f.fatal}
                    for f in found]))
    else:
        for f in found:
            out(("" if f.fatal else "提示：") + str(f))
    if any(f.fatal for f in found):
        raise typer.Exit(1)


def undo(ctx: typer.Context, ledger: LedgerOpt = None, by: ByOpt = None) -> None:
    """撤回本人最近一次 taizhang 变更（git revert，历史中两次提交都保留）；之后有别的提交改过同一文件时拒绝。"""
    from ledger.services import trail

    sha, subject = trail.undo(make_env(ctx, ledger, by=by))
    out(f"已撤回：{subject}（{sha[:8]}）")
