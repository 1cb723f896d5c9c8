"""What `list` shows and in which order, and its JSON: one definition for the list command and the script's fast lane."""

# No typer here: the fast lane answers `list --format json` with these before typer is imported.


def listed(env, filters: dict | None = None, unit: str | None = None, all_units: bool = False) -> tuple[list, list[str]]:
    """The assessed tasks `list` shows, by due date, and the units they were narrowed to: in a unit
    reporter's clone only that unit's tasks, unless --unit or --all-units is given."""
    from ledger.services import reading

    mine = [] if unit or all_units else reading.home_units(env)
    items = reading.query(env, reading.Filter(unit=unit, any_unit=mine, **(filters or {})))
    items.sort(key=lambda a: (a.task.due is None, a.task.due or env.today, a.task.id))
    return items, mine


def json_text(items: list) -> str:
    from ledger.formats.render import dumps_rows, task_json

    return dumps_rows(task_json(a) for a in items)
