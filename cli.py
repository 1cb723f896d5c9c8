"""The `taizhang` command: the table of its commands, in the order of `taizhang --help`; they live in ledger/commands/."""

import os
import sys

# Only for the installed `taizhang` script (which imports this module): never for tests or imports.
if __name__ == "cli" and os.path.basename(sys.argv[0]) == "taizhang":
    import gc

    # One command per process: what it builds lives until it exits and reference counting frees the
    # rest, so the cycle collector's passes over tens of thousands of tasks find nothing to free.
    # Off, `report monthly` on 10,000 tasks takes 0.51 s instead of 0.78 s, `overdue --format json`
    # on 10,000 open ones 0.71 s instead of 0.91 s; peak memory is the same (README「性能」).
    gc.disable()
    from ledger.commands.fastlane import answer

    _rc = answer(sys.argv[1:])
    if _rc is not None:
        sys.exit(_rc)

from ledger.commands.exits import guarded, invoke
from ledger.commands.helptext import asks_for_help, remember

SETTINGS = {
    "name": "taizhang",
    "help": "督查督办台账：事项的交办、跟踪、预警、催办、核验销号，按中国工作日计算时限，每次变更都是一次 git 提交。",
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}

# (name, module in ledger/commands, function or sub-app): imported only when that command runs.
COMMANDS = (
    ("init", "tasks", "init"),
    ("add", "tasks", "add"),
    ("show", "tasks", "show"),
    ("list", "tasks", "list_"),
    ("overdue", "tasks", "overdue"),
    ("progress", "closing", "progress"),
    ("urge", "workflow", "urge"),
    ("extend", "closing", "extend"),
    ("done", "closing", "done"),
    ("close", "closing", "close"),
    ("reopen", "closing", "reopen"),
    ("cancel", "closing", "cancel"),
    ("edit", "tasks", "edit"),
    ("check", "audit", "check"),
    ("rules", "tasks", "rules_"),
    ("site", "reports", "site"),
    ("export", "reports", "export"),
    ("import", "reports", "import_"),
    ("suspend", "workflow", "suspend"),
    ("resume", "workflow", "resume"),
    ("report-difficulty", "workflow", "report_difficulty"),
    ("answer", "workflow", "answer"),
    ("escalate", "workflow", "escalate"),
    ("notice", "workflow", "notice"),
    ("print", "workflow", "print_"),
    ("interview", "workflow", "interview"),
    ("due-reports", "workflow", "due_reports"),
    ("log", "audit", "log"),
    ("review", "audit", "review"),
    ("audit", "audit", "audit"),
    ("undo", "audit", "undo"),
    ("sync", "sync", "sync"),
    ("clone", "sync", "clone"),
    ("setup", "sync", "setup"),
    ("request-extension", "closing", "request_extension"),
)
HIDDEN = (("merge-driver", "sync", "merge_driver"),)  # run by git, registered by taizhang itself
GROUPS = (
    ("calendar", "calendar", "calendar_app"),
    ("report", "reports", "report_app"),
    ("milestone", "workflow", "milestone_app"),
    ("guard", "guard", "guard_app"),
    ("collect", "collect", "collect_app"),
)


def _load(module: str, attr: str):
    from importlib import import_module

    return getattr(import_module(f"ledger.commands.{module}"), attr)


def build(names: tuple[str, ...] | None = None):
    """The typer app with the commands `names` (all when None).

    Typer turns every command's signature into a click command on each run, ~0.08 s for all
    of them; a run needs only the one it was asked for (`--help` and unknown words get all).
    """
    import typer

    from ledger.commands.options import global_options

    app = typer.Typer(**SETTINGS)
    app.callback()(global_options)
    for table, hidden in ((COMMANDS, False), (HIDDEN, True)):
        for name, module, attr in table:
            if names is None or name in names:
                app.command(name, hidden=hidden)(_load(module, attr))
    for name, module, attr in GROUPS:
        if names is None or name in names:
            app.add_typer(_load(module, attr), name=name)
    return app


def asked(argv: list[str]) -> tuple[str, ...] | None:
    """The command argv runs (past a leading --ledger PATH), or None when it runs none in particular."""
    words = list(argv)
    while words and words[0].startswith("--ledger"):
        words = words[1:] if "=" in words[0] else words[2:]
    known = {row[0] for table in (COMMANDS, HIDDEN, GROUPS) for row in table}
    return (words[0],) if words and words[0] in known else None


def __getattr__(name: str):
    if name == "app":  # the whole app, for tests and tools that inspect it
        return build()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if asks_for_help(words):
        return guarded(lambda: help_once(argv))
    return guarded(lambda: invoke(build(asked(words)), argv))


def help_once(argv: list[str] | None) -> int:
    """The top-level help, printed by typer and kept for the script's fast lane to reprint."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = invoke(build(), argv)
    sys.stdout.write(buf.getvalue())
    if code == 0:
        remember(buf.getvalue())
    return code


def run() -> None:
    """Console-script entry point."""
    rc = main()
    try:
        sys.stdout.flush()  # what is still buffered: a reader gone by now must not turn 0 into 120
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(rc)


if __name__ == "__main__":
    run()
