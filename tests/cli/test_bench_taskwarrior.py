"""The benchmark's Taskwarrior copy shows the overdue tasks `taizhang overdue` shows (bench/taskwarrior.py)."""

from __future__ import annotations

import taskwarrior  # the benchmark's mapping to Taskwarrior (bench/ is on pytest's pythonpath)

from tests.support.runner import add

LATER = "2026-11-25"


def test_taskwarrior_gets_a_due_date_exactly_for_the_tasks_taizhang_counts_overdue(ledger, run):
    # Due Friday 2026-11-20: reported the Saturday after (0 workdays late), the Monday after (1), or still open.
    saturday = add(run, "周六报办结", "--due", "2026-11-20", today="2026-11-16")
    monday = add(run, "周一报办结", "--due", "2026-11-20", today="2026-11-16")
    still_open = add(run, "仍在办", "--due", "2026-11-20", today="2026-11-16")
    in_time = add(run, "按时报办结", "--due", "2026-11-20", today="2026-11-16")
    run("done", saturday, "--on", "2026-11-21", today=LATER)
    run("done", monday, "--on", "2026-11-23", today=LATER)
    run("done", in_time, "--on", "2026-11-19", today=LATER)

    overdue = {t["id"] for t in run("overdue", "--format", "json", today=LATER).json()}
    rows = run("list", "--all", "--format", "json", today=LATER).json()
    with_due = {t["id"] for t in rows if "due" in taskwarrior.as_taskwarrior(t)}
    assert overdue == with_due == {monday, still_open}
