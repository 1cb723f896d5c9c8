"""report.trend_totals gives exactly the open / overdue / closed totals of a full report.build."""

from __future__ import annotations

import datetime as dt
import random

import gen  # the benchmark's generator of realistic ledgers (bench/ is on pytest's pythonpath)
import pytest

from ledger.domain import report
from ledger.domain.model import Event
from ledger.domain.rules import reopen
from ledger.domain.workdays import Calendar

TODAY = dt.date(2026, 11, 20)
CAL = Calendar()


def tasks() -> list:
    rng = random.Random(11)
    found = [gen.make_task(rng, year, seq, TODAY, CAL) for year in (2025, 2026) for seq in range(1, 201)]
    # A reopened task: its earlier 核验销号 still counts in its month.
    closed = [t for t in found if t.status == "closed"]
    found += [reopen(t, Event(t.verification.on + dt.timedelta(days=3), "reopen", "材料不全", "督查室"))
              for t in closed[:20]]
    return found


@pytest.mark.parametrize("month", ["2025-03", "2025-12", "2026-02", "2026-06", "2026-10", "2026-11"])
def test_trend_totals_are_the_reports_totals(month):
    start, end = report.month_period(month)
    as_of = min(end, TODAY)
    everything = tasks()
    full = report.build(everything, start, end, as_of, CAL, ranking=False).totals
    got = report.trend_totals(everything, start, end, as_of, CAL)
    assert got == {k: full[k] for k in ("open", "overdue", "closed")}
    assert got["open"] and got["closed"]
