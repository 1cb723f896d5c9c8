"""`overdue` and `list --format json` answered before typer is imported, from the same definitions as the commands."""

import sys

from .exits import guarded, out
from .listing import json_text, listed

# The options the lane understands; anything else takes the ordinary path.
OPTIONS = ("--format", "--ledger", "--as-of")


def answer(argv: list[str]) -> int | None:
    """The exit code of `overdue`/`list --format json` as scripts and dashboards call them (typer and the
    ~40 commands cost ~0.1 s of a 0.2 s run), or None for anything else; output, messages and exit codes
    are the same either way."""
    if not argv or argv[0] not in ("overdue", "list") or len(argv) % 2 == 0:
        return None
    opts: dict[str, str] = {}
    for key, value in zip(argv[1::2], argv[2::2]):
        if key not in OPTIONS or key in opts or value.startswith("-"):
            return None
        opts[key] = value
    if opts.get("--format") != "json":
        return None

    def work() -> int:
        from ledger.services import reading
        from ledger.services.context import Env, resolve_today

        env = Env(ledger_path=opts.get("--ledger"), today=resolve_today(opts.get("--as-of")), by=None)
        items = reading.overdue(env) if argv[0] == "overdue" else listed(env)[0]
        out(json_text(items))
        sys.stdout.flush()
        return 0

    return guarded(work)
