"""Units report back through Excel rounds: collect out, in, status."""

import sys
from typing import Annotated, Optional

import typer

from ledger.domain.errors import UsageError

from .exits import out
from .options import AsOfOpt, ByOpt, LedgerOpt, TextFmt, display, make_env

collect_app = typer.Typer(help="各单位报送进展：发出 Excel 报送表、收回、查看谁未报。", no_args_is_help=True,
                          rich_markup_mode=None)


@collect_app.command("out")
def collect_out(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("-o", "--output", help="报送表写入的目录（不存在时新建）", metavar="DIR")],
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="只给这个单位发（可重复；默认所有有在办事项的单位）", metavar="UNIT")] = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """每个单位一份报送表（如 2026-11_市住建局.xlsx）：列出该单位牵头或配合的在办事项，留出填报列；本轮记入 rounds/，一次提交。"""
    from ledger.services import collect_out as outgoing

    round_, books = outgoing.collect_out(make_env(ctx, ledger, as_of, by), unit or [], output)
    for b in books:
        out(f"{b.path}（{len(b.rows)} 项）")
    out(f"已发出 {round_} 轮报送表 {len(books)} 份，共 {sum(len(b.rows) for b in books)} 项")


@collect_app.command("in")
def collect_in(
    ctx: typer.Context,
    files: Annotated[list[str], typer.Argument(help="各单位报回的报送表（.xlsx，可多个）", metavar="FILE...")],
    on: Annotated[Optional[str], typer.Option("--on", help="收回日期 YYYY-MM-DD（默认今天），即进展的日期", metavar="DATE")] = None,
    limit: Annotated[Optional[list[str]], typer.Option("--limit", help="放宽读表限制，如 --limit rows=100000", metavar="KEY=N")] = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """收回报送表：先逐行校验全部文件，都没有问题才记录进展、申请办结和延期申请，每份表一次提交。"""
    from ledger.services import collect_in as cin

    result = cin.receive(make_env(ctx, ledger, by=by), files, on, limit)
    for p in result.problems:
        sys.stderr.write(f"{p}\n")
    if result.problems:
        bad = len({p.path for p in result.problems})
        raise UsageError(f"{bad} 份报送表有 {len(result.problems)} 处问题，全部未收录",
                         "请按上面列出的工作表和行改正（或退回单位重填）后重新收回")
    for b in result.books:
        empty = len(b.sent.empty)
        out(f"已收回 {b.round} 轮 {b.unit} 的报送表：更新 {len(b.changed)} 项" + (f"，未填 {empty} 项" if empty else ""))


@collect_app.command("status")
def collect_status(
    ctx: typer.Context,
    round_: Annotated[Optional[str], typer.Option("--round", help="轮次 YYYY-MM（默认最近一轮）", metavar="YYYY-MM")] = None,
    fmt: Annotated[TextFmt, typer.Option("--format", help="text 或 json", metavar="text|json")] = TextFmt.text,
    ledger: LedgerOpt = None,
) -> None:
    """本轮报送情况：哪些单位已报、哪些应报未报、报回的表中哪些事项未填。"""
    from ledger.formats.render import dumps
    from ledger.services import rounds

    st = rounds.status(make_env(ctx, ledger), round_)
    if fmt == TextFmt.json:
        out(dumps(st.as_json()))
        return
    from ledger.formats.render import round_table

    display(round_table(st))
    missing = [u.unit for u in st.missing]
    out(f"已报 {len(st.units) - len(missing)} 个单位，应报未报 {len(missing)} 个" + (f"：{'、'.join(missing)}" if missing else ""))
    if missing:
        out(f"催报：taizhang urge --round {st.round}")
