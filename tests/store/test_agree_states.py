"""The states taizhang itself makes pass `check` and the pre-commit hook; future dates need --future."""

from __future__ import annotations

import subprocess

from tests.support.gitkit import commit_count


def _hook_accepts(root, path):
    """A hand edit of the file (a trailing comment line) goes through the real pre-commit hook."""
    f = root / path
    f.write_text(f.read_text(encoding="utf-8") + "# 复核\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", path], check=True)
    p = subprocess.run(["git", "-C", str(root), "commit", "-qm", "手工备注"], capture_output=True, text=True)
    return p.returncode, p.stderr


def test_an_approved_late_extension_passes_check_and_the_hook(ledger, run, h):
    tid = h.add("超期事项", "--on", "2026-10-09", today="2026-10-09")
    run("extend", tid, "--by", "10wd", "--reason", "设备到货推迟", "--approved-by", "李副市长", "--late")
    run("check")
    run("check", "--strict")
    assert _hook_accepts(ledger, f"tasks/2026/{tid}.yaml") == (0, "")


def test_a_task_registered_in_advance_recomputes_and_cancels_cleanly(ledger, run, h):
    tid = run("add", "年底资金清算", "--lead-unit", "市财政局", "--on", "2026-12-20", "--within", "10wd",
              "--future").last_line
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\nworkdays: []\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(ledger), "add", "calendar"], check=True)
    subprocess.run(["git", "-C", str(ledger), "commit", "-qm", "2027 年日历"], check=True)
    assert "2027-01-04" in run("calendar", "--recompute").out
    run("check")
    run("cancel", tid, "--reason", "并入年度清算")
    run("check")
    assert _hook_accepts(ledger, f"tasks/2026/{tid}.yaml") == (0, "")


def test_future_dates_are_refused_without_future(ledger, run, h, refuse):
    tid = h.add()
    for args in (("add", "将来的事", "--lead-unit", "市住建局", "--on", "2027-05-01", "--within", "5wd"),
                 ("progress", tid, "提前写的进展", "--on", "2027-01-01"),
                 ("done", tid, "--on", "2026-11-21")):
        res = refuse(ledger, *args)
        assert "--future" in res.err
    run("progress", tid, "预告", "--on", "2026-11-23", "--future")


def test_acting_on_a_task_before_its_assignment_day_is_refused(ledger, run, h, refuse):
    tid = run("add", "下月的事", "--lead-unit", "市住建局", "--on", "2026-12-01", "--within", "5wd",
              "--future").last_line
    res = refuse(ledger, "urge", tid)
    assert "早于交办日期" in res.err
    run("check")


def test_an_assignment_date_that_is_overdue_on_arrival_warns(ledger, run):
    before = commit_count(ledger)
    res = run("add", "旧事", "--lead-unit", "市住建局", "--on", "2020-01-01", "--within", "10wd")
    assert "一登记就逾期" in res.err and "2020-01-15" in res.err
    assert commit_count(ledger) == before + 1
    quiet = run("add", "新事", "--lead-unit", "市住建局", "--within", "10wd")
    assert quiet.err == ""
