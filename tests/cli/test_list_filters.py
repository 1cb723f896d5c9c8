"""`list` filters for the workflow records and the reasons behind a yellow or red light."""

from __future__ import annotations

from tests.support.gitkit import git
from tests.support.runner import add


def ids(run, *args, **kw):
    return [t["id"] for t in run("list", *args, "--format", "json", **kw).json()]


def js(run, tid, **kw):
    return run("show", tid, "--format", "json", **kw).json()


def test_workflow_filters_and_derived_booleans(ledger, run, refuse):
    plain = add(run, "普通", "--due", "2026-12-31")
    urged = add(run, "催办过", "--due", "2026-12-31")
    run("urge", urged, "--note", "请加快")
    extended = add(run, "延期过", "--on", "2026-11-02", "--due", "2026-12-10")
    run("extend", extended, "--to", "2026-12-31", "--reason", "设备未到")
    late = add(run, "常务会议事项", "--source", "常务会议", "--on", "2026-11-10")
    written = add(run, "跨部门", "--due", "2026-12-31")
    run("escalate", written, "--to", "office", "--note", "未果")
    run("escalate", written, "--to", "deputy", "--note", "仍未果")
    child = add(run, "分解一", "--parent", plain, "--due", "2026-12-20")
    child2 = add(run, "分解二", "--parent", plain, "--due", "2026-12-20")

    assert ids(run, "--urged") == [urged]
    assert ids(run, "--extended") == [extended]
    assert ids(run, "--late-assignment") == [late]
    assert ids(run, "--written-report-due") == [written]
    assert sorted(ids(run, "--parent", plain)) == [child, child2]
    assert sorted(ids(run, "--parent", plain.split("-")[1].lstrip("0"))) == [child, child2]  # a bare number
    assert ids(run, "--urged", "--extended") == []
    assert ids(run, "--parent", child) == []
    rows = {t["id"]: t for t in run("list", "--format", "json").json()}
    assert (rows[urged]["urged"], rows[urged]["extended"]) == (True, False)
    assert (rows[extended]["urged"], rows[extended]["extended"]) == (False, True)
    assert rows[late]["assign_late_days"] > 0 and rows[plain]["assign_late_days"] == 0
    assert rows[written]["written_report_due"] is True and rows[child]["parent"] == plain
    # filters combine with the others and with --status
    run("suspend", urged, "--reason", "等待批复")
    assert ids(run, "--urged") == [urged]
    assert ids(run, "--urged", "--status", "open") == []
    refuse(ledger, "list", "--parent", "abc")


def test_light_reasons_in_list_show_and_json(ledger, run):
    green = add(run, "正常", "--due", "2026-12-31")
    milestone = add(run, "招标", "--on", "2026-10-09", "--due", "2026-12-31", "--milestone", "2026-11-10:完成招标",
                    today="2026-10-09")
    lag = add(run, "进度", "--on", "2026-11-02", "--due", "2026-12-31")
    run("progress", lag, "刚启动", "--percent", "10")
    report = add(run, "民生实事", "--on", "2026-09-01", "--due", "2026-12-31", "--report", "monthly:3wd",
                 today="2026-09-01")
    soon = add(run, "临近", "--due", "2026-11-24")
    late = add(run, "逾期", "--on", "2026-11-02", "--due", "2026-11-10")

    rows = {t["id"]: t for t in run("list", "--format", "json").json()}
    assert rows[green]["light"] == "green" and rows[green]["light_reasons"] == []
    assert rows[milestone]["light"] == "yellow" and rows[milestone]["light_reasons"] == ["milestone_missed"]
    assert rows[lag]["light"] == "yellow" and rows[lag]["light_reasons"] == ["progress_lag"]
    assert rows[report]["light"] == "red" and rows[report]["light_reasons"] == ["report_missed"]
    assert rows[soon]["light"] == "yellow" and rows[soon]["light_reasons"] == ["due_soon"]
    assert rows[late]["light"] == "red" and rows[late]["light_reasons"] == ["overdue"]
    assert js(run, report, today="2026-11-03")["light_reasons"] == ["report_owed"]
    assert js(run, milestone)["light_reasons"] == ["milestone_missed"]

    table = run("list").out
    assert "节点逾期：完成招标（11-10）" in table
    assert "进度落后序时 23 个百分点" in table
    assert "未按期报送进展（应于 11-04 前）" in table
    assert "逾期 8 个工作日" in table
    assert "节点逾期：完成招标（11-10）" in run("show", milestone).out
    assert "应报送进展（11-04 前）" in run("show", report, today="2026-11-03").out
    # a milestone done clears its reason, and the light goes back to green
    run("milestone", "done", milestone, "1", "--on", "2026-11-12")
    assert js(run, milestone)["light_reasons"] == [] and js(run, milestone)["light"] == "green"
    assert "节点逾期" not in run("list").out
    # the reason codes are plain data for scripts: yellow tasks by reason
    assert git(ledger, "status", "--porcelain") == ""
