"""What every command runs with: which ledger, what day it is, who is acting, where warnings go."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from typing import Callable

from .errors import UsageError
from .workdays import parse_date


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
            from .hooks import ensure_setup
            from .store import Ledger, find_root

            root = find_root(self.ledger_path)
            # A plain `git clone` gets what init sets up on its first write; a read changes nothing.
            self._ledger = Ledger(root, self.today, self.warn, lambda: ensure_setup(root, self.warn))
        return self._ledger
