"""What `list` and `overdue` show, in which order and format: one definition for the commands and the fast lane."""

# No typer here: the fast lane answers `list`/`overdue` with these before typer is imported.
import os
import sys

from .exits import out

# The formats of `list` and `overdue` (options.Fmt is built from these).
FORMATS = ("table", "json", "csv")
OVERDUE_TITLE = "逾期事项"
LIST_TITLE = "督查事项"


def listed(env, filters: dict | None = None, unit: str | None = None,
           all_units: bool = False) -> tuple[list, list[str]]:
    """The assessed tasks `list` shows, by due date, and the units they were narrowed to: in a unit
    reporter's clone only that unit's tasks, unless --unit or --all-units is given."""
    from ledger.services import reading

    mine = [] if unit or all_units else reading.home_units(env)
    items = reading.query(env, reading.Filter(unit=unit, any_unit=mine, **(filters or {})))
    items.sort(key=lambda a: (a.task.due is None, a.task.due or env.today, a.task.id))
    return items, mine


def narrowed_note(mine: list[str], fmt: str) -> None:
    """On a table, say on stderr that a unit reporter's clone lists only its units."""
    if mine and fmt == "table":
        print(f"只列出{'、'.join(mine)}的事项；加 --all-units 列出全部", file=sys.stderr)


def write_json(items: list) -> None:
    """The tasks as a JSON list, one task per line, written to stdout as the lines are made."""
    from ledger.formats.render import task_json, write_rows

    write_rows((task_json(a) for a in items), sys.stdout.write)


def emit(items: list, fmt: str, title: str) -> None:
    """The tasks in `fmt`: JSON one task per line, CSV, or a table (long ones drawn without rich's layout)."""
    if fmt == "json":
        write_json(items)
        return
    if fmt == "csv":
        from ledger.formats.render import csv_text, task_json

        out(csv_text(task_json(a) for a in items))
        return
    from ledger.formats.lines import PLAIN_TABLE_ROWS, task_lines

    if len(items) > PLAIN_TABLE_ROWS:
        out(task_lines(items, title, sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    else:
        from ledger.formats.render import console, task_table

        console().print(task_table(items, title))
