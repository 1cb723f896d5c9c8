"""Suspension, resume, the 难以执行 path (item 4); milestones (5); decomposition (6)."""

from __future__ import annotations

from tests.support.gitkit import commit_count, git
from tests.support.runner import add


def js(run, tid, **kw):
    return run("show", tid, "--format", "json", **kw).json()


def test_suspended_is_not_overdue_and_resume_shifts_by_workdays(ledger, run, refuse):
    # due Fri 09-25 is 中秋; use Wed 09-23. Suspended Mon 09-21 .. resumed Fri 10-09:
    # workdays after 09-21 up to 10-09: 22,23,24,28,29,30, 10-08, 10-09 = 8
    tid = add(run, "甲", "--on", "2026-09-01", "--due", "2026-09-23", today="2026-09-01")
    run("suspend", tid, "--reason", "等待上级政策", "--on", "2026-09-21", today="2026-09-21")
    t = js(run, tid, today="2026-10-09")
    assert t["status"] == "suspended" and t["overdue_workdays"] == 0 and t["light"] != "red"
    assert run("overdue", "--format", "json", today="2026-10-09").json() == []
    refuse(ledger, "done", tid, today="2026-10-09")
    refuse(ledger, "suspend", tid, "--reason", "again", today="2026-10-09")
    n = commit_count(ledger)
    out = run("resume", tid, "--on", "2026-10-09", today="2026-10-09").out
    assert commit_count(ledger) == n + 1
    t = js(run, tid, today="2026-10-09")
    assert t["status"] == "open"
    assert t["due"] == "2026-10-12"  # 09-23 + 8 workdays: 24,28,29,30,10-08,09,10(Sat make-up),12
    change = t["deadline_changes"][-1]
    assert change["kind"] == "resume" and change["old_due"] == "2026-09-23"
    assert "8 个工作日" in change["reason"]
    assert t["due"] in out
    assert [e["action"] for e in t["events"]] == ["suspend", "resume"]
    assert "Taizhang-Action: resume" in git(ledger, "log", "-1", "--format=%B")
    refuse(ledger, "resume", tid, today="2026-10-09")  # not suspended any more


def test_resume_to_a_new_date(ledger, run, refuse):
    tid = add(run, "甲", "--due", "2026-11-30")
    run("suspend", tid, "--reason", "暂缓")
    refuse(ledger, "resume", tid, "--to", "2026-11-01")  # before the resume day
    run("resume", tid, "--to", "2026-12-15")
    assert js(run, tid)["due"] == "2026-12-15"


def test_difficulty_report_and_answers(ledger, run, refuse):
    tid = add(run, "甲", "--on", "2026-11-16", "--due", "2026-12-31")
    refuse(ledger, "answer", tid, "continue")  # nothing to answer
    run("report-difficulty", tid, "资金缺口大")
    refuse(ledger, "report-difficulty", tid, "又一条")  # one open report at a time
    refuse(ledger, "answer", tid, "maybe")
    run("answer", tid, "redirect", "--note", "改为分两期实施", "--to", "2027-03-31")
    t = js(run, tid)
    d = t["difficulties"][0]
    assert d["answer"] == "redirect" and d["answered_on"] == "2026-11-20" and d["note"] == "改为分两期实施"
    assert t["due"] == "2027-03-31" and t["deadline_changes"][-1]["kind"] == "redirect"
    run("report-difficulty", tid, "仍难推进", today="2026-11-23")
    run("answer", tid, "suspend", "--note", "待预算调整", today="2026-11-26")
    t = js(run, tid, today="2026-11-27")
    assert t["status"] == "suspended"
    assert "暂缓执行" in run("show", tid, today="2026-11-27").out
    assert run("check", "--strict").out == ""  # answered within 3 workdays


def test_late_answer_flagged_by_strict_check(ledger, run):
    tid = add(run, "甲", "--due", "2026-12-31")
    run("report-difficulty", tid, "难", today="2026-11-20")
    run("answer", tid, "continue", today="2026-11-30")  # due 11-25
    res = run("check", "--strict", code=1)
    assert "答复迟于 2026-11-25" in res.out


# -- milestones (item 5) -----------------------------------------------------------
def test_milestones_turn_the_light_yellow_and_are_listed(ledger, run, refuse):
    tid = add(run, "甲", "--on", "2026-10-09", "--due", "2026-12-31", "--milestone", "10wd:完成方案",
              today="2026-10-09")
    other = add(run, "乙", "--due", "2026-12-31")
    run("milestone", "add", tid, "2026-12-01:完成招标")
    t = js(run, tid)
    assert [m["due"] for m in t["milestones"]] == ["2026-10-22", "2026-12-01"]  # Sat 10-10 is a make-up workday
    assert t["light"] == "yellow"  # 10-22 missed, final deadline far
    listed = run("list", "--milestone-overdue", "--format", "json").json()
    assert [x["id"] for x in listed] == [tid]
    assert "未完成（已过期）" in run("show", tid).out
    run("milestone", "done", tid, "1", "--on", "2026-10-22")
    t = js(run, tid)
    assert t["milestones"][0]["done_on"] == "2026-10-22" and t["light"] == "green"
    assert run("list", "--milestone-overdue", "--format", "json").json() == []
    refuse(ledger, "milestone", "done", tid, "1")  # already done
    refuse(ledger, "milestone", "done", tid, "9")
    refuse(ledger, "milestone", "add", tid, "2027-02-01:晚于时限")
    refuse(ledger, "milestone", "add", tid, "没有冒号")
    assert "Taizhang-Action: milestone" in git(ledger, "log", "-1", "--format=%B")
    assert other


# -- decomposition (item 6) ----------------------------------------------------------
def test_decomposition_tree_and_close_rules(ledger, run, refuse):
    parent = add(run, "落实政府工作报告", "--due", "2026-12-31")
    child = add(run, "分解任务一", "--parent", parent, "--due", "2026-12-15")
    grandchild = add(run, "分解任务一之一", "--parent", child, "--due", "2026-12-10")
    refuse(ledger, "add", "太晚的子任务", "--lead-unit", "市住建局", "--parent", parent, "--due", "2027-01-15")
    refuse(ledger, "add", "无上级", "--lead-unit", "市住建局", "--parent", "2026-0099", "--due", "2026-12-01")
    assert js(run, child)["parent"] == parent
    rows = run("list", "--tree", "--format", "json").json()
    assert [(r["id"], r["depth"]) for r in rows] == [(parent, 0), (child, 1), (grandchild, 2)]
    table = run("list", "--tree").out
    assert "└ 分解任务一" in table
    run("done", parent)
    refuse(ledger, "close", parent, "--verified-by", "督查室王五")  # children still open
    for tid in (grandchild, child):
        run("done", tid)
        run("close", tid, "--verified-by", "督查室王五")
    run("close", parent, "--verified-by", "督查室王五")
    refuse(ledger, "add", "已销号的上级", "--lead-unit", "市住建局", "--parent", parent, "--due", "2026-12-01")


# -- 序时进度 (progress percentages) --------------------------------------------------
def test_progress_behind_schedule_turns_yellow(ledger, run, refuse):
    # after Mon 2026-11-02 up to 12-31: 43 workdays; up to 11-20: 14 -> 序时进度 33%
    tid = add(run, "甲", "--on", "2026-11-02", "--due", "2026-12-31")
    run("progress", tid, "刚启动", "--percent", "10")
    t = js(run, tid)
    assert t["expected_percent"] == 33 and t["progress_lag"] == 23 and t["light"] == "yellow"
    assert "落后 23 个百分点" in run("show", tid).out
    run("progress", tid, "加快推进", "--percent", "30")
    assert js(run, tid)["light"] == "green"
    refuse(ledger, "progress", tid, "x", "--percent", "120")
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "progress_lag_points: 2\n", encoding="utf-8")
    git(ledger, "commit", "-qam", "stricter")
    assert js(run, tid)["light"] == "yellow"
    assert [x["id"] for x in run("list", "--light", "yellow", "--format", "json").json()] == [tid]
