"""`calendar --recompute` commits the calendar file it counted with, and says what still waits."""

from __future__ import annotations


def test_recompute_before_the_year_is_known_says_what_waits(ledger, run):
    run("add", "年底资金清算", "--lead-unit", "市财政局", "--on", "2026-12-20", "--future", "--within", "10wd")
    res = run("calendar", "--recompute")
    assert res.out == "没有可以重算的暂定时限：1 项暂定时限等待 2027 年的节假日安排（录入 calendar/2027.yaml 后再重算）\n"


def test_recompute_commits_an_uncommitted_calendar_file_with_the_deadlines(ledger, run, h):
    tid = run("add", "年底资金清算", "--lead-unit", "市财政局", "--on", "2026-12-20", "--future", "--within", "10wd").last_line
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\nworkdays: []\n", encoding="utf-8")
    before = h.commit_count(ledger)
    res = run("calendar", "--recompute")
    assert res.out == f"{tid} 年底资金清算：时限 2027-01-04\n"
    assert h.commit_count(ledger) == before + 1
    assert h.git(ledger, "status", "--porcelain") == ""
    files = h.git(ledger, "show", "--name-only", "--format=%s", "HEAD").split()
    assert files[0] == "录入" and "calendar/2027.yaml" in files and f"tasks/2026/{tid}.yaml" in files
    run("audit")
    run("check")  # a deadline recomputed before its future assignment day is still a sound state


def test_recompute_commits_a_calendar_file_even_when_no_deadline_changes(ledger, run, h):
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\n", encoding="utf-8")
    run("calendar", "--recompute")
    assert h.git(ledger, "status", "--porcelain") == ""
    assert "calendar/2027.yaml" in h.git(ledger, "show", "--name-only", "--format=", "HEAD")


def test_recompute_refuses_while_a_calendar_file_is_deleted_by_hand(ledger, run, refuse, h):
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\n", encoding="utf-8")
    run("calendar", "--recompute")
    (ledger / "calendar" / "2027.yaml").unlink()
    res = refuse(ledger, "calendar", "--recompute")
    assert "calendar/2027.yaml 已被删除但尚未提交" in res.err
