"""Deadline rules by source : every row of the source table, across holidays."""

from __future__ import annotations

import pytest

from tests.support.gitkit import commit_count, git
from tests.support.runner import add

# (source, event day, extra options, feedback deadline, 交办单 deadline or None)
# 2026: 春节 02-15..02-23 with make-up Sat 02-14 and 02-28; 中秋 09-25;
# 国庆 10-01..10-07 with make-up Sun 09-20 and Sat 10-10.
ROWS = [
    # 全体会议: 交办单 3 workdays; feedback within 1 month (003 too: 会议决定 within a month)
    ("政府全体会议", "2026-09-30", (), "2026-10-30", "2026-10-10"),
    ("全体会议", "2026-09-30", (), "2026-10-30", "2026-10-10"),
    # 常务会议: 交办单 3 workdays; feedback within half a month
    ("常务会议", "2026-09-30", (), "2026-10-15", "2026-10-10"),
    # 办公会 / 专题会: 交办单 2 workdays; feedback within 1 week (10-07 is a holiday -> 10-08)
    ("市长办公会议", "2026-09-30", (), "2026-10-08", "2026-10-09"),
    ("专题会议", "2026-09-30", (), "2026-10-08", "2026-10-09"),
    # 周例会: the README's example 09-24 + 1 week = 10-01 -> 10-08; 中秋 09-25 is skipped
    ("每周工作例会", "2026-09-24", (), "2026-10-08", "2026-09-29"),
    # 批示: 交办单 1 workday; feedback within 1 week
    ("主要领导批示", "2026-09-30", (), "2026-10-08", "2026-10-08"),
    ("分管领导批示", "2026-09-30", (), "2026-10-08", "2026-10-08"),
    # 公文: one unit 5wd (README: Sun 02-15 + 5wd = Sat 02-28), several 7wd, investigation 20wd, 尽快 3wd
    ("公文办理", "2026-02-15", (), "2026-02-28", None),
    ("公文办理", "2026-02-13", ("--unit", "市财政局"), "2026-03-02", None),
    ("公文调研", "2026-02-13", (), "2026-03-19", None),
    ("公文尽快", "2026-09-30", (), "2026-10-10", None),
    # policy explanation 5 workdays after a policy is issued [000 §七]
    ("政策解读", "2026-09-28", (), "2026-10-10", None),
    # 上级文件: deployed within 3 days; 10-03 is a holiday -> 10-08
    ("上级文件", "2026-09-30", (), "2026-10-08", None),
]


@pytest.mark.parametrize("source,on,extra,due,assign_due", ROWS)
def test_every_row_of_the_domain_table(ledger, run, source, on, extra, due, assign_due):
    res = run("add", "按规则计算时限", "--lead-unit", "市住建局", "--source", source, "--on", on,
              *extra, "--format", "json", today="2026-11-20")
    task = res.json()
    assert task["due"] == due
    assert task["assign_due"] == assign_due
    assert task["deadline_rule"]
    assert task["source"] in task["deadline_basis"]  # the rule that produced it is in the file
    text = (ledger / "tasks" / "2026" / f"{task['id']}.yaml").read_text(encoding="utf-8")
    assert f"deadline_basis: {task['deadline_basis']}" in text or "deadline_basis: \"" in text
    assert "schema_version: 2" in text


def test_government_report_needs_a_date_but_has_an_assign_deadline(ledger, run):
    # 两会 end 2026-02-13 (Fri): the decomposition is due within 1 week -> 02-20 is a holiday -> 02-24
    run("add", "分解政府工作报告", "--lead-unit", "市发改委", "--source", "政府工作报告",
        "--on", "2026-02-13", code=2)
    task = run("add", "分解政府工作报告", "--lead-unit", "市发改委", "--source", "政府工作报告",
               "--on", "2026-02-13", "--due", "2026-12-31", "--format", "json").json()
    assert task["assign_due"] == "2026-02-24"
    assert task["deadline_basis"] == ""


def test_difficulty_row_5_and_3_workdays(ledger, run):
    tid = add(run, "推进项目", "--on", "2026-09-29", "--due", "2026-12-31", today="2026-09-30")
    run("report-difficulty", tid, "征地受阻，难以执行", "--on", "2026-09-30", today="2026-09-30")
    d = run("show", tid, "--format", "json").json()["difficulties"][0]
    # 5 workdays after the decision (09-29): 09-30, 10-08, 10-09, Sat 10-10 (make-up), 10-12
    assert d["report_due"] == "2026-10-12"
    assert d["answer_due"] == "2026-10-10"  # 3 workdays after the report (09-30)


def test_late_registration_shown_and_reported_by_strict_check(ledger, run):
    late = add(run, "常务会议事项", "--source", "常务会议", "--on", "2026-11-10", today="2026-11-20")
    on_time = add(run, "批示事项", "--source", "批示", "--on", "2026-11-19", today="2026-11-20")
    shown = run("show", late, today="2026-11-20").out
    assert "交办迟了 7 天" in shown
    assert "按时" in run("show", on_time).out
    assert run("show", late, "--format", "json").json()["assign_late_days"] == 7
    assert run("check").out == ""  # the base tier does not judge the office's timing
    res = run("check", "--strict", code=1)
    lines = res.out.strip().splitlines()
    assert len(lines) == 1 and late in lines[0] and "交办迟了" in lines[0]


def test_rules_command_and_add_help_list_the_kinds(run):
    out = run("rules").out
    for kind in ("常务会议", "主要领导批示", "公文办理", "政策解读", "上级文件"):
        assert kind in out
    assert "半个月" in out
    assert "常务会议" in run("add", "--help").out


def test_ledger_rules_override_and_add_kinds(ledger, run):
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "rules: {}", "rules:\n  常务会议:\n    deadline: 10wd\n  安全生产检查:\n    deadline: 3wd\n"), encoding="utf-8")
    git(ledger, "commit", "-qam", "rules")
    assert run("add", "x", "--lead-unit", "a", "--source", "常务会议", "--on", "2026-09-30",
               "--format", "json").json()["due"] == "2026-10-20"
    assert run("add", "y", "--lead-unit", "a", "--source", "安全生产检查", "--on", "2026-09-30",
               "--format", "json").json()["due"] == "2026-10-10"
    assert "安全生产检查" in run("rules").out


def test_schema_version_1_files_are_still_read(ledger, run):
    tid = add(run, "旧格式事项", "--due", "2026-12-31")
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    v2_only = ("parent:", "assign_due:", "deadline_basis:", "difficulties:")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(v2_only)]
    path.write_text("\n".join(lines).replace("schema_version: 2", "schema_version: 1") + "\n", encoding="utf-8")
    git(ledger, "commit", "-qam", "v1 file")
    assert run("show", tid, "--format", "json").json()["schema_version"] == 1
    assert run("check").out == ""
    n = commit_count(ledger)
    run("progress", tid, "已开工")
    assert commit_count(ledger) == n + 1
    assert "schema_version: 2" in path.read_text(encoding="utf-8")
