"""Error types that carry an exit code and a hint, and Problem values found by checks."""

from __future__ import annotations

from dataclasses import dataclass


class TaizhangError(Exception):
    """An error a clerk can act on: a Chinese message, what to do, and CLI.md's exit code."""

    exit_code = 2

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        return f"{self.message}；{self.hint}" if self.hint else self.message


class UsageError(TaizhangError):
    """Bad usage or bad input: exit 2."""

    exit_code = 2


class TransitionError(UsageError):
    """A forbidden change of a task's state, such as closing a task never reported done."""


class LedgerError(TaizhangError):
    """The ledger itself is unusable (not found, unreadable, git failed): exit 3."""

    exit_code = 3


@dataclass(frozen=True)
class Problem:
    """One finding of `check`: where it is and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
