"""The units directory as commands use it (read in domain/unitsdir.py): names resolved, new units added, edits checked."""

from __future__ import annotations

from ..domain.errors import UsageError
from ..domain.model import Task
from ..domain.unitsdir import units_directory
from .context import Env


def resolve_units(env: Env, names: list[str], new_unit: bool) -> tuple[list[str], dict | None]:
    """Canonical names for the units given; unknown ones refused unless --new-unit adds them.

    An empty directory means the office keeps none, and nothing is checked.
    Returns the names and, when units were added, the new taizhang.yaml content.
    """
    config = env.ledger().config
    units = units_directory(config)
    out: list[str] = []
    added: list[str] = []
    for name in names:
        c = units.resolve(name)
        if c is None:
            if new_unit or not units.raw:
                if new_unit and name not in added:
                    added.append(name)
                c = name
            else:
                near = units.suggest(name)
                raise UsageError(
                    f"单位名录中没有“{name}”" + (f"，是否是：{'、'.join(near)}？" if near else ""),
                    "请使用名录中的名称或别名；确属新单位请加 --new-unit 一并加入名录",
                )
        if c not in out:
            out.append(c)
    if not added:
        return out, None
    table = {k: v for k, v in units.raw.items()}
    for a in added:
        table[a] = []
    return out, {**config, "units": table}


def check_unknown_units(config: dict):
    """A strict check (for check --strict): units in hand-edited files missing from the directory."""
    units = units_directory(config)

    def check_units(rel: str, plain: dict, task: Task):
        if not units.raw:
            return []
        found = []
        for key, names in (("lead_unit", [task.lead_unit]), ("units", task.units)):
            for n in names:
                if units.resolve(n) is None:
                    near = units.suggest(n)
                    found.append((key, f"单位“{n}”不在单位名录中" + (f"（是否是：{'、'.join(near)}）" if near else "")))
        return found

    return check_units
