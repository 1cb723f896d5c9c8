"""bench/gen.py's open_share: exactly that share of the generated tasks stays open, the recent ones first."""

from __future__ import annotations

import datetime as dt
import random

import gen  # the benchmark's generator of realistic ledgers (bench/ is on pytest's pythonpath)
import pytest

from ledger.domain.workdays import Calendar

TODAY = dt.date(2026, 11, 20)


def drafts(n: int) -> list:
    rng, cal = random.Random(3), Calendar()
    return [gen.draft_task(rng, year, seq, TODAY, cal) for year in (2024, 2025, 2026) for seq in range(1, n + 1)]


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 1.0])
def test_open_share_is_exact_and_the_rest_are_not_open(share):
    tasks = drafts(100)
    rng = random.Random(5)
    for t, fate in zip(tasks, gen.open_fates(rng, tasks, TODAY, share)):
        gen.settle(rng, t, TODAY, fate)
    still_open = [t for t in tasks if t.status == "open"]
    assert len(still_open) == round(share * len(tasks))
    assert all(t.done is None and t.verification is None for t in still_open)
    assert all(t.done is not None for t in tasks if t.status in ("reported", "closed"))


def test_a_freshly_imported_backlog_is_all_open_and_mostly_overdue():
    tasks = drafts(100)
    fates = gen.open_fates(random.Random(5), tasks, TODAY, 1.0)
    assert set(fates) == {"open"}
    assert sum(t.due < TODAY for t in tasks) > len(tasks) / 2


def test_the_open_ones_are_mostly_recent():
    tasks = drafts(200)
    fates = gen.open_fates(random.Random(5), tasks, TODAY, 0.1)
    kept = [t for t, f in zip(tasks, fates) if f == "open"]
    assert sum(t.assigned_on.year == 2026 for t in kept) > len(kept) / 2
