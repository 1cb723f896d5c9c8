"""The `taizhang` command: the table of its commands, in the order of `taizhang --help`; they live in ledger/commands/."""

import os
import sys

# Only for the installed `taizhang` script (which imports this module): never for tests or imports.
if __name__ == "cli" and os.path.basename(sys.argv[0]) == "taizhang":
    from ledger.commands.fastlane import answer

    _rc = answer(sys.argv[1:])
    if _rc is not None:
        sys.exit(_rc)

import typer  # noqa: E402

from ledger.commands import audit, calendar, closing, collect, guard, reports, sync, tasks, workflow  # noqa: E402
from ledger.commands.exits import guarded, invoke  # noqa: E402
from ledger.commands.options import global_options  # noqa: E402

app = typer.Typer(
    name="taizhang",
    help="督查督办台账：事项的交办、跟踪、预警、催办、核验销号，按中国工作日计算时限，每次变更都是一次 git 提交。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(global_options)

COMMANDS = (
    ("init", tasks.init),
    ("add", tasks.add),
    ("show", tasks.show),
    ("list", tasks.list_),
    ("overdue", tasks.overdue),
    ("progress", closing.progress),
    ("urge", workflow.urge),
    ("extend", closing.extend),
    ("done", closing.done),
    ("close", closing.close),
    ("reopen", closing.reopen),
    ("cancel", closing.cancel),
    ("edit", tasks.edit),
    ("check", audit.check),
    ("rules", tasks.rules_),
    ("site", reports.site),
    ("export", reports.export),
    ("import", reports.import_),
    ("suspend", workflow.suspend),
    ("resume", workflow.resume),
    ("report-difficulty", workflow.report_difficulty),
    ("answer", workflow.answer),
    ("escalate", workflow.escalate),
    ("notice", workflow.notice),
    ("print", workflow.print_),
    ("interview", workflow.interview),
    ("due-reports", workflow.due_reports),
    ("log", audit.log),
    ("review", audit.review),
    ("audit", audit.audit),
    ("undo", audit.undo),
    ("sync", sync.sync),
    ("clone", sync.clone),
    ("setup", sync.setup),
    ("request-extension", closing.request_extension),
)
HIDDEN = (("merge-driver", sync.merge_driver),)  # run by git, registered by taizhang itself
GROUPS = (
    ("calendar", calendar.calendar_app),
    ("report", reports.report_app),
    ("milestone", workflow.milestone_app),
    ("guard", guard.guard_app),
    ("collect", collect.collect_app),
)

for _name, _command in COMMANDS:
    app.command(_name)(_command)
for _name, _command in HIDDEN:
    app.command(_name, hidden=True)(_command)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)


def main(argv: list[str] | None = None) -> int:
    return guarded(lambda: invoke(app, argv))


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
