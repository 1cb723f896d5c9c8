"""Reporting cycles, coordination, 督查通知书 and 约谈."""

from __future__ import annotations

from tests.support.gitkit import commit_count, git
from tests.support.runner import add


def js(run, tid, **kw):
    return run("show", tid, "--format", "json", **kw).json()


def test_monthly_report_owed_then_missed_across_national_day(ledger, run, refuse):
    tid = add(run, "民生实事", "--on", "2026-09-01", "--due", "2026-12-31", "--report", "monthly:3wd",
              today="2026-09-01")
    assert run("due-reports", "--format", "json", today="2026-09-02").json() == []  # assigned this month
    # October's report: 3 workdays after 09-30 = 10-08, 10-09, Sat 10-10 (make-up)
    owed = run("due-reports", "--format", "json", today="2026-10-05").json()
    assert [(r["id"], r["due"], r["state"]) for r in owed] == [(tid, "2026-10-10", "owed")]
    assert js(run, tid, today="2026-10-05")["light"] == "yellow"
    missed = run("due-reports", "--format", "json", today="2026-10-12").json()
    assert missed[0]["state"] == "missed" and js(run, tid, today="2026-10-12")["light"] == "red"
    run("progress", tid, "9月完成3个小区", "--on", "2026-10-09", today="2026-10-12")
    assert run("due-reports", "--format", "json", today="2026-10-12").json() == []
    assert js(run, tid, today="2026-10-12")["light"] == "green"
    refuse(ledger, "add", "x", "--lead-unit", "a", "--due", "2026-12-31", "--report", "yearly:3wd")


def test_quarterly_cycle_and_start_month(ledger, run):
    q = add(run, "年度重点工作", "--on", "2026-01-05", "--due", "2026-12-31", "--report", "quarterly:5wd",
            today="2026-01-05")
    later = add(run, "4月起报送", "--on", "2026-01-05", "--due", "2026-12-31",
                "--report", "monthly:3wd:from=2026-11", today="2026-01-05")
    rows = run("due-reports", "--format", "json", today="2026-10-12").json()
    assert [(r["id"], r["due"]) for r in rows] == [(q, "2026-10-13")]  # 5 workdays after the quarter ends
    assert later not in [r["id"] for r in run("due-reports", "--format", "json", today="2026-10-12").json()]
    assert later in [r["id"] for r in run("due-reports", "--format", "json", today="2026-11-02").json()]


def test_two_failed_coordinations_need_a_written_report(ledger, run, refuse):
    tid = add(run, "跨部门事项", "--due", "2026-12-31")
    run("escalate", tid, "--to", "office", "--note", "办公室协调未果")
    assert js(run, tid)["written_report_due"] is False
    out = run("escalate", tid, "--to", "deputy", "--note", "分管领导协调仍未解决").out
    assert "书面" in out
    assert js(run, tid)["written_report_due"] is True
    assert "须书面上报" in run("show", tid).out
    assert "书面形式上报" in run("check", "--strict", code=1).out
    run("escalate", tid, "--to", "head", "--note", "主要领导协调解决", "--resolved")
    assert js(run, tid)["written_report_due"] is False
    assert run("check", "--strict").out == ""
    refuse(ledger, "escalate", tid, "--to", "mayor", "--note", "x")
    assert "Taizhang-Action: escalate" in git(ledger, "log", "-1", "--format=%B")


def test_notice_numbered_with_a_rectification_deadline(ledger, run, refuse):
    tid = add(run, "严重滞后", "--on", "2026-09-01", "--due", "2026-09-30", today="2026-09-01")
    other = add(run, "另一项", "--due", "2026-12-31")
    n = commit_count(ledger)
    run("notice", tid, "--within", "10wd", "--note", "限期整改")
    run("notice", other, "--due", "2026-12-10")
    assert commit_count(ledger) == n + 2
    a, b = js(run, tid)["notices"][0], js(run, other)["notices"][0]
    assert a["number"] == "督通〔2026〕1号" and a["fix_due"] == "2026-12-04"
    assert b["number"] == "督通〔2026〕2号"
    refuse(ledger, "notice", tid)  # no deadline
    refuse(ledger, "notice", tid, "--due", "2026-11-01")  # before today


def test_interviewed_twice_in_a_year_is_flagged(ledger, run):
    a = add(run, "甲", "--on", "2026-01-05", "--due", "2026-12-31")
    b = add(run, "乙", "--on", "2025-12-01", "--due", "2026-12-31")
    run("interview", a, "--person", "赵副局长", "--on", "2026-03-01")
    run("interview", b, "--person", "钱副局长", "--on", "2025-12-30")  # another person
    assert run("check", "--strict").out == ""
    out = run("interview", b, "--person", "赵副局长", "--on", "2026-11-20").out
    assert "通报批评" in out
    res = run("check", "--strict", code=1)
    assert "赵副局长 2026 年内被约谈 2 次" in res.out
    assert "赵副局长" in run("show", b).out
