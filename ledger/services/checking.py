"""`check`: the problems of every task file, or of those staged for the next commit (the pre-commit hook)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Env


@dataclass
class Checked:
    problems: list = field(default_factory=list)
    refused: str | None = None  # the hook's refusal line, when the staged files would be refused


def check(env: Env, strict: bool = False, staged: bool = False) -> Checked:
    led = env.ledger()
    if staged:
        from ..files.hooks import REFUSED, staged_problems

        problems = staged_problems(led.root)
        return Checked(problems, REFUSED if problems else None)
    from ..formats.render import rebuild_progress
    from .safety import ledger_problems

    return Checked(ledger_problems(led, strict, rebuild_progress()))
