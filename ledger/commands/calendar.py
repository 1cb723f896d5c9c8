"""The working calendar: calendar [YYYY-MM] [--recompute] and calendar notice."""

from typing import Annotated, Optional

import typer

from ledger.domain.errors import TaizhangError, UsageError

from .exits import out
from .options import ByOpt, LedgerOpt, display, make_env


class _MonthByDefault(typer.core.TyperGroup):
    """`calendar [YYYY-MM] [--recompute]` as before; only `calendar notice …` names a subcommand."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["month", *args]
        return super().parse_args(ctx, args)


class _UnnamedContext(typer.Context):
    @property
    def command_path(self) -> str:
        return super().command_path.rstrip()


class _Unnamed(typer.core.TyperCommand):
    """The default subcommand, shown in usage and hints as plain `taizhang calendar`."""

    context_class = _UnnamedContext

    def make_context(self, info_name, args, parent=None, **extra):
        return super().make_context(None, args, parent=parent, **extra)


calendar_app = typer.Typer(cls=_MonthByDefault, rich_markup_mode=None,
                           help="工作日历：显示某月、重算暂定时限，或读取国务院节假日安排通知（notice）。")


@calendar_app.command("month", hidden=True, cls=_Unnamed)
def calendar(
    ctx: typer.Context,
    month: Annotated[Optional[str], typer.Argument(help="月份 YYYY-MM（默认本月）", metavar="YYYY-MM")] = None,
    recompute: Annotated[bool, typer.Option("--recompute", help="节假日安排录入后，重算未办结事项的暂定时限（一次提交）")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """显示某月的工作日历（休 = 节假日，班 = 调休上班），或重算暂定时限。

    读取国务院节假日安排通知并录入 calendar/YYYY.yaml：taizhang calendar notice FILE|- [--write]
    """
    import re

    from ledger.domain.workdays import parse_date
    from ledger.formats.render import month_grid
    from ledger.services import provisional

    env = make_env(ctx, ledger, by=by)
    if recompute:
        waiting: dict[int, int] = {}
        changed = provisional.recompute(env, waiting=waiting)
        if not changed:
            out("没有可以重算的暂定时限" + ("：" + "；".join(
                f"{n} 项暂定时限等待 {y} 年的节假日安排（录入 calendar/{y}.yaml 后再重算）"
                for y, n in sorted(waiting.items())) if waiting else ""))
        for t in changed:
            out(f"{t.id} {t.title}：时限 {t.due}")
        return
    if month:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageError(f"月份格式不对：{month!r}", "请写成 YYYY-MM，如 2026-10")
        year, mon = int(m.group(1)), int(m.group(2))
        parse_date(f"{year:04d}-{mon:02d}-01", "月份")  # refuses years datetime cannot page through
    else:
        year, mon = env.today.year, env.today.month
    cal = env.ledger().calendar
    if not cal.is_known(year):
        env.warn(f"警告：{year} 年的节假日安排尚未录入，下表仅按周末显示；请录入 calendar/{year}.yaml")
    display(month_grid(year, mon, cal.month_days(year, mon)))


@calendar_app.command("notice")
def calendar_notice(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="通知文件（.txt 或 .docx），或 - 从标准输入粘贴", metavar="FILE|-")],
    write: Annotated[bool, typer.Option("--write", help="写入 calendar/YYYY.yaml 并重算暂定时限（一次提交）；不加则只预览")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """读取《国务院办公厅关于YYYY年部分节假日安排的通知》：显示全年日历、各节日天数和未能识别的句子。"""
    from ledger.formats.notice_view import notice_view
    from ledger.services import calendar_notice as cn

    notice = cn.load(source)
    env = make_env(ctx, ledger, by=by)
    if write:
        rel, wrote, changed = cn.write(env, notice)
        out(f"已写入 {rel}" if wrote else f"{rel} 已与通知一致，未改动")
        for t in changed:
            out(f"{t.id} {t.title}：时限 {t.due}")
        return
    try:
        files = env.ledger().calendar_files()
    except TaizhangError:
        files = {}  # a preview needs no ledger
    for part in notice_view(notice, cn.year_calendar(notice, files)):
        display(part)
