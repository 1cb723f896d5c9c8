"""What every command runs with: which ledger, what day it is, who is acting, where warnings go."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from typing import Callable

from ..domain.errors import UsageError
from ..domain.workdays import parse_date


def resolve_today(as_of: str | None = None) -> dt.date:
    """--as-of, else $TAIZHANG_TODAY, else the local date."""
    if as_of:
        return parse_date(as_of, "--as-of 日期")
    env = os.environ.get("TAIZHANG_TODAY")
    if env:
        try:
            return parse_date(env, "TAIZHANG_TODAY")
        except UsageError as e:
            raise UsageError(e.message, "环境变量 TAIZHANG_TODAY 应写成 YYYY-MM-DD") from None
    return dt.date.today()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass
class Env:
    ledger_path: str | None = None
    today: dt.date = field(default_factory=resolve_today)
    by: str | None = None
    future: bool = False  # --future: an --on date after today is meant (registered in advance)
    warn: Callable[[str], None] = _stderr
    _ledger: object = None

    def ledger(self):
        if self._ledger is None:
            from ..files.store import Ledger, find_root

            root = find_root(self.ledger_path)

            def prepare() -> None:
                # A plain `git clone` gets what init sets up on its first write; a read changes nothing
                # (and does not even import the set-up).
                from ..files.hooks import ensure_setup

                ensure_setup(root, self.warn)

            self._ledger = Ledger(root, self.today, self.warn, prepare)
            self._ledger.gate = lambda changes, message, clerk: authorize(self._ledger, changes, message, clerk)
        return self._ledger


def trailer_action(message: str) -> str | None:
    """The last Taizhang-Action trailer of a commit message (None: a hand edit)."""
    from ..files.changes import message_trailers

    found = message_trailers(message).get("Taizhang-Action")
    return found[-1] if found else None


def ledger_policy(config: dict):
    """taizhang.yaml's roles, unit names as the units directory spells them."""
    from ..domain.roles import policy_from_config
    from ..domain.unitsdir import units_directory

    return policy_from_config(config, units_directory(config).canonical)


def touched(changes: dict[str, tuple[bytes | None, bytes | None]], canonical: dict[str, str]):
    """The tasks a change writes (units as they stood before it) and the other files it writes."""
    from ..domain.model import ID_RE
    from ..domain.roles import Touched, task_units
    from ..files import codec

    tasks, others = [], []
    for rel, (before, after) in changes.items():
        name = rel.rsplit("/", 1)[-1].removesuffix(".yaml")
        if not (rel.startswith("tasks/") and rel.endswith(".yaml") and ID_RE.match(name)):
            others.append(rel)
            continue
        try:
            plain = codec.task_to_plain(codec.task_from_bytes(before if before is not None else after or b""))
        except Exception:  # an unreadable old version has no units: only the office may touch it
            plain = None
        tasks.append(Touched(name, task_units(plain, canonical)))
    return tasks, others


def authorize(ledger, changes: dict[str, tuple[bytes | None, bytes | None]], message: str, clerk) -> None:
    """The one role check of every write: the ledger's roles against the clerk's git identity."""
    from ..domain.roles import Identity, check
    from ..domain.unitsdir import units_directory

    policy = ledger_policy(ledger.config)
    if not policy.configured:
        return
    tasks, others = touched(changes, units_directory(ledger.config).canonical)
    check(policy, Identity(clerk.name, clerk.email), trailer_action(message), tasks, others)
