"""What the workflow tests share beyond conftest.py's fixtures (run, ledger, refuse): names and `add`."""

from __future__ import annotations

from tests.conftest import CLERK, TODAY
from tests.support.gitkit import commit_count, git, snapshot

__all__ = ["TODAY", "CLERK", "add", "git", "commit_count", "snapshot"]


def add(run, title: str = "推进老旧小区改造", *extra: str, **kw) -> str:
    """Register a task with the options given (no default deadline) and return its ID."""
    return run("add", title, "--lead-unit", "市住建局", *extra, **kw).last_line
