"""`overdue`, `list` and `--help` answered before typer is imported, through the same functions as the commands."""

import sys

from .exits import guarded
from .helptext import asks_for_help, remembered
from .listing import FORMATS, LIST_TITLE, OVERDUE_TITLE, emit, listed, narrowed_note

# The options the lane understands, each with a value; anything else takes the ordinary path.
OPTIONS = ("--format", "--ledger", "--as-of")


def answer(argv: list[str]) -> int | None:
    """The exit code of `overdue`/`list` with only --format, --ledger and --as-of, as scripts, dashboards
    and clerks mostly call them (typer and its command cost ~0.05 s of a 0.2 s run), or None for anything
    else. Filtering, order, formats and messages are listing.py's, which the commands call too."""
    if asks_for_help(argv):
        text = remembered()
        if text is None:
            return None
        sys.stdout.write(text)
        return 0
    if not argv or argv[0] not in ("overdue", "list") or len(argv) % 2 == 0:
        return None
    opts: dict[str, str] = {}
    for key, value in zip(argv[1::2], argv[2::2]):
        if key not in OPTIONS or key in opts or value.startswith("-"):
            return None
        opts[key] = value
    fmt = opts.get("--format", "table")
    if fmt not in FORMATS:
        return None  # typer says what the choices are

    def work() -> int:
        from ledger.services import reading
        from ledger.services.context import Env, resolve_today

        env = Env(ledger_path=opts.get("--ledger"), today=resolve_today(opts.get("--as-of")), by=None)
        if argv[0] == "overdue":
            emit(reading.overdue(env), fmt, OVERDUE_TITLE)
        else:
            items, mine = listed(env)
            narrowed_note(mine, fmt)
            emit(items, fmt, LIST_TITLE)
        sys.stdout.flush()
        return 0

    return guarded(work)
