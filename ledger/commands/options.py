"""What every command shares: the common options, the output formats, the context and the output helpers."""

# No `from __future__ import annotations` in the command modules: typer would eval() every option's
# annotation string on each start, ~400 compiles that cost 50–80 ms.
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Optional

import typer

from .listing import FORMATS

LedgerOpt = Annotated[Optional[str], typer.Option("--ledger", help="台账目录（默认：环境变量 TAIZHANG_LEDGER，或从当前目录向上查找）", metavar="PATH")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="按哪一天计算（YYYY-MM-DD，默认今天或 TAIZHANG_TODAY）", metavar="DATE")]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="经办人姓名（默认取台账仓库的 git user.name）", metavar="NAME")]
OnOpt = Annotated[Optional[str], typer.Option("--on", help="发生日期 YYYY-MM-DD（默认今天）", metavar="DATE")]
FutureOpt = Annotated[bool, typer.Option("--future", help="允许 --on 写今天之后的日期（预先登记）")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", help="说明", metavar="TEXT")]
IdArg = Annotated[str, typer.Argument(help="事项编号，如 2026-0042；只写 42 表示当年第 42 号", metavar="ID")]


# list's and overdue's --format: the values the fast lane accepts too.
Fmt = Enum("Fmt", [(name, name) for name in FORMATS], type=str)


class TextFmt(str, Enum):
    text = "text"
    json = "json"


class ShowFmt(str, Enum):
    table = "table"
    json = "json"


@dataclass
class Options:
    """The options given before the command (`taizhang --ledger PATH CMD`), carried on typer's context."""

    ledger: Optional[str] = None


def global_options(ctx: typer.Context, ledger: LedgerOpt = None) -> None:
    ctx.obj = Options(ledger)


def make_env(ctx: typer.Context, ledger: Optional[str] = None, as_of: Optional[str] = None,
             by: Optional[str] = None, future: bool = False):
    """The command's Env; a command's own --ledger wins over the one given before it."""
    from ledger.services.context import Env, resolve_today

    given = ctx.obj.ledger if isinstance(ctx.obj, Options) else None
    return Env(ledger_path=ledger or given, today=resolve_today(as_of), by=by, future=future)


def display(renderable) -> None:
    from ledger.formats.render import console

    console().print(renderable)
