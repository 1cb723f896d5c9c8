"""催办/督办 numbering, urge --overdue in one commit, notice templates; extensions (items 2, 3)."""

from __future__ import annotations

from tests.support.gitkit import commit_count, git
from tests.support.runner import add, console_script, script_env


def numbers(run, tid):
    return [u["number"] for u in run("show", tid, "--format", "json").json()["urges"]]


def test_urge_numbers_per_level_and_year_never_reused(ledger, run):
    a = add(run, "甲", "--due", "2026-12-31")
    b = add(run, "乙", "--due", "2026-12-31")
    out = run("urge", a).out
    assert "催〔2026〕1号" in out and "催 办 单" in out and "市住建局" in out
    run("urge", b)
    run("urge", a, "--level", "supervise")
    assert numbers(run, a) == ["催〔2026〕1号", "督〔2026〕1号"]
    assert numbers(run, b) == ["催〔2026〕2号"]
    # a cancelled task keeps its numbers: the next one is still 3
    run("cancel", b, "--reason", "重复立项")
    run("urge", a)
    assert numbers(run, a)[-1] == "催〔2026〕3号"
    # a new year starts a new series
    run("urge", a, today="2027-01-05")
    assert numbers(run, a)[-1] == "催〔2027〕1号"
    msg = git(ledger, "log", "-1", "--format=%B")
    assert "Taizhang-Action: urge" in msg and f"Taizhang-Task: {a}" in msg


def test_urge_overdue_issues_one_commit_for_all(ledger, run):
    late1 = add(run, "逾期一", "--on", "2026-11-01", "--due", "2026-11-10")
    late2 = add(run, "逾期二", "--on", "2026-11-01", "--due", "2026-11-12")
    fine = add(run, "未到期", "--due", "2026-12-31")
    done = add(run, "已报办结", "--on", "2026-11-01", "--due", "2026-11-10")
    run("done", done, "--on", "2026-11-09")
    n = commit_count(ledger)
    out = run("urge", "--overdue", "--level", "supervise").out
    assert commit_count(ledger) == n + 1
    assert out.count("督 办 单") == 2 and "逾期" in out
    assert numbers(run, late1) == ["督〔2026〕1号"]
    assert numbers(run, late2) == ["督〔2026〕2号"]
    assert numbers(run, fine) == [] and numbers(run, done) == []
    msg = git(ledger, "log", "-1", "--format=%B")
    assert f"Taizhang-Task: {late1}" in msg and f"Taizhang-Task: {late2}" in msg


def test_urge_overdue_with_nothing_overdue_changes_nothing(ledger, run):
    add(run, "未到期", "--due", "2026-12-31")
    n = commit_count(ledger)
    assert "没有逾期" in run("urge", "--overdue").out
    assert commit_count(ledger) == n


def test_urge_refusals(ledger, run, refuse):
    tid = add(run, "甲", "--due", "2026-12-31")
    refuse(ledger, "urge")  # neither ID nor --overdue
    refuse(ledger, "urge", tid, "--overdue")
    refuse(ledger, "urge", tid, "--level", "shout")
    refuse(ledger, "urge", "2026-0099")
    run("done", tid)
    run("close", tid, "--verified-by", "督查室王五")
    refuse(ledger, "urge", tid)  # urging a closed task


def test_ledger_template_overrides_the_shipped_one(ledger, run):
    tid = add(run, "甲", "--due", "2026-12-31")
    (ledger / "templates").mkdir()
    (ledger / "templates" / "urge_remind.txt").write_text("本地催办单 ${number} 致 ${lead_unit}：${title}\n",
                                                          encoding="utf-8")
    out = run("urge", tid).out
    assert "本地催办单 催〔2026〕1号 致 市住建局：甲" in out
    assert "催 办 单" not in out
    assert "督 办 单" in run("urge", tid, "--level", "supervise").out  # the other level keeps the shipped text


# -- extensions (item 3) ------------------------------------------------------------
def test_extension_before_deadline_keeps_the_chain(ledger, run):
    tid = add(run, "甲", "--on", "2026-11-02", "--due", "2026-11-20")
    run("extend", tid, "--to", "2026-11-30", "--reason", "设备未到")
    run("extend", tid, "--by", "5wd", "--reason", "再延", today="2026-11-30")
    task = run("show", tid, "--format", "json").json()
    assert task["due"] == "2026-12-07"
    chain = [(c["old_due"], c["requested_due"], c["new_due"], c["late"]) for c in task["deadline_changes"]]
    assert chain == [("2026-11-20", None, "2026-11-30", False),
                     ("2026-11-30", None, "2026-12-07", False)]
    # the office grants less than the unit asked for: both dates are kept
    run("extend", tid, "--to", "2026-12-31", "--grant", "2026-12-18", "--reason", "再申请", today="2026-12-01")
    c = run("show", tid, "--format", "json").json()["deadline_changes"][-1]
    assert (c["requested_due"], c["new_due"]) == ("2026-12-31", "2026-12-18")
    shown = run("show", tid).out
    assert "原定 2026-11-20 → 延期 2026-11-30 → 延期 2026-12-07 → 延期 申请 2026-12-31 批准 2026-12-18" in shown


def test_extension_after_deadline_needs_approval_and_is_marked_late(ledger, run, refuse):
    tid = add(run, "甲", "--on", "2026-11-02", "--due", "2026-11-18")
    refuse(ledger, "extend", tid, "--to", "2026-11-30", "--reason", "来不及")
    refuse(ledger, "extend", tid, "--to", "2026-11-30", "--reason", "来不及", "--late")  # no approver
    refuse(ledger, "extend", tid, "--to", "2026-11-30", "--reason", "来不及", "--approved-by", "李副市长")  # no --late
    n = commit_count(ledger)
    run("extend", tid, "--to", "2026-11-30", "--reason", "来不及", "--approved-by", "李副市长", "--late")
    assert commit_count(ledger) == n + 1
    c = run("show", tid, "--format", "json").json()["deadline_changes"][-1]
    assert c["late"] is True and c["approved_by"] == "李副市长"
    assert "超时" in run("show", tid).out
    assert "超时延期" in git(ledger, "log", "-1", "--format=%s")


def test_late_flag_before_deadline_and_cancelled_task_refused(ledger, run, refuse):
    tid = add(run, "甲", "--due", "2026-12-31")
    refuse(ledger, "extend", tid, "--to", "2027-01-10", "--reason", "x", "--approved-by", "李", "--late")
    run("cancel", tid, "--reason", "撤销")
    refuse(ledger, "extend", tid, "--to", "2026-12-31", "--reason", "x")


def test_installed_console_script_runs_the_workflow(ledger, run, tmp_path):
    """The installed `taizhang` (a subprocess importing this checkout) urges and suspends."""
    import subprocess

    base = console_script()
    tid = add(run, "甲", "--on", "2026-11-02", "--due", "2026-11-10")
    env = script_env()

    def sh(*args):
        return subprocess.run([*base, *args], cwd=ledger, env=env, capture_output=True, text=True, timeout=60)

    p = sh("urge", "--overdue", "-q")
    assert p.returncode == 0 and "催〔2026〕1号" in p.stdout, p.stderr
    p = sh("suspend", tid, "--reason", "暂缓")
    assert p.returncode == 0, p.stderr
    p = sh("milestone", "done", tid, "1")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "时间节点" in p.stderr


def test_monthly_report_marks_late_extensions_and_urge_numbers(ledger, run):
    tid = add(run, "甲", "--on", "2026-11-02", "--due", "2026-11-18")
    run("urge", tid, "-q")
    run("extend", tid, "--to", "2026-11-30", "--reason", "来不及", "--approved-by", "李副市长", "--late")
    rep = run("report", "monthly", "--month", "2026-11", "--format", "json").json()
    ext = [e for e in rep["extensions"] if e["id"] == tid][0]
    assert ext["late"] is True and ext["approved_by"] == "李副市长"
    assert "【超时，李副市长批准】" in run("report", "monthly", "--month", "2026-11").out
