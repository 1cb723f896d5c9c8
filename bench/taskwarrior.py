"""The same tasks in a throw-away Taskwarrior, for the benchmark's side-by-side rows.

taizhang's statuses map to Taskwarrior's so that `task list` and `task overdue` show the same tasks
as `taizhang list` and `taizhang overdue`: open → pending with its due date; reported (done, awaiting
verification) → pending, with its due date only when it was done late, counted in workdays (taizhang
counts a late report as overdue, one in time not); suspended → pending without a due date (listed, never overdue);
closed → completed; cancelled → deleted. A due date is the end of that day in UTC (TZ=UTC for both
programs), so a task due today is not overdue in either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

# Labels and the "N tasks" line as a user sees them; no "Configuration override" line for rc.gc=off, and
# no "Recently upgraded" nag; 200 columns, as taizhang's tables are drawn when piped.
TASKRC = """data.location={data}
confirmation=off
hooks=off
verbose=blank,label,footnote,affected
defaultwidth=200
news.version={version}
dateformat=Y-M-D
"""


def stamp(d: str) -> str:
    return d.replace("-", "") + "T235959Z"


def as_taskwarrior(t: dict) -> dict:
    """One task of taizhang's `list --all --format json` as a Taskwarrior import record."""
    status = {"closed": "completed", "cancelled": "deleted"}.get(t["status"], "pending")
    item = {"description": t["title"], "status": status, "entry": stamp(t["assigned_on"]),
            "project": t["lead_unit"], "tags": t["tags"] or []}
    done_on = (t.get("done") or {}).get("on")
    # Lateness is counted in workdays: a report on the Saturday after a Friday deadline is 0 workdays
    # late, so not overdue; the row's overdue_workdays says so.
    late = t["status"] != "reported" or t["overdue_workdays"] > 0
    if t["due"] and t["status"] != "suspended" and late:
        item["due"] = stamp(t["due"])
    if status != "pending":
        item["end"] = stamp((t.get("verification") or {}).get("on") or done_on or t["assigned_on"])
    return item


class Taskwarrior:
    """A Taskwarrior data folder holding one ledger's tasks, kept while the ledger's HEAD is the same."""

    def __init__(self, data: Path):
        self.data = data
        self.env = {**os.environ, "TASKRC": str(data / "taskrc"), "TASKDATA": str(data), "TZ": "UTC",
                    "LC_ALL": "C.UTF-8"}

    def load(self, tasks_json: str, head: str) -> float:
        """Import the tasks unless this folder already holds them for `head`; the seconds it took."""
        marker = self.data / "loaded-from"
        if marker.is_file() and marker.read_text() == head:
            return 0.0
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)
        (self.data / "taskrc").write_text(TASKRC.format(data=self.data, version=version()))
        src = self.data / "tasks.json"
        src.write_text(json.dumps([as_taskwarrior(t) for t in json.loads(tasks_json)], ensure_ascii=False),
                       encoding="utf-8")
        start = time.perf_counter()
        self.task("import", str(src))
        src.unlink()
        # One run with garbage collection moves completed and deleted tasks out of pending.data, as in a
        # Taskwarrior in daily use; the timed runs then pass rc.gc=off, so none of them writes.
        self.task("list")
        marker.write_text(head)
        return time.perf_counter() - start

    def task(self, *args: str) -> str:
        return subprocess.run(["task", *args], env=self.env, cwd=self.data, capture_output=True, text=True,
                              check=True).stdout

    def count(self, *filters: str) -> int:
        return int(self.task("rc.gc=off", *filters, "count").strip() or 0)

    def counts(self) -> tuple[int, int]:
        """How many tasks `task list` and `task overdue` show."""
        return self.count("status:pending", "-WAITING"), self.count("status:pending", "+OVERDUE")


def version() -> str:
    """Taskwarrior's version, or "" when `task` is not installed."""
    if not shutil.which("task"):
        return ""
    return subprocess.run(["task", "--version"], capture_output=True, text=True, check=False).stdout.strip()
