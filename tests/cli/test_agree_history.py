"""A reopen keeps the done report and verification it sends back, and reports count them."""

from __future__ import annotations

import json

from ledger.files.codec import load_yaml


def _reopened(run, h):
    tid = h.add("解决学校周边交通拥堵", today="2026-10-08")
    run("done", tid, "--note", "已增设护学岗", today="2026-10-09")
    run("close", tid, "--verified-by", "孙丽", "--method", "onsite", today="2026-10-12")
    run("reopen", tid, "--reason", "放学时段仍拥堵", today="2026-10-13")
    return tid


def test_reopen_keeps_done_and_verification_in_the_file(ledger, run, h):
    tid = _reopened(run, h)
    data = load_yaml((ledger / f"tasks/2026/{tid}.yaml").read_bytes())
    assert data["done"] is None and data["verification"] is None
    [r] = data["returned"]
    assert str(r["done_on"]) == "2026-10-09" and r["note"] == "已增设护学岗"
    assert str(r["verified_on"]) == "2026-10-12" and r["verified_by"] == "孙丽" and r["method"] == "onsite"
    assert str(r["reopened_on"]) == "2026-10-13"
    run("check")
    run("audit")


def test_show_lists_the_returned_round(ledger, run, h):
    tid = _reopened(run, h)
    out = run("show", tid, today="2026-10-14").out
    assert "退回的办结记录" in out and "已增设护学岗" in out and "孙丽（现场核验）" in out
    shown = run("show", tid, "--format", "json", today="2026-10-14").json()
    assert shown["returned"][0]["verified_by"] == "孙丽"


def test_monthly_report_counts_every_done_and_close_of_the_month(ledger, run, h):
    tid = _reopened(run, h)
    run("done", tid, today="2026-10-20")
    run("close", tid, "--verified-by", "孙丽", today="2026-10-21")
    other = h.add("另一事项", today="2026-10-08")
    run("done", other, today="2026-10-22")
    rep = run("report", "monthly", "--month", "2026-10", "--format", "json", today="2026-11-05").json()
    assert rep["totals"]["reported_done"] == 3
    assert rep["totals"]["closed"] == 2


def test_second_reopen_keeps_both_rounds_in_order(ledger, run, h):
    tid = _reopened(run, h)
    run("done", tid, "--note", "第二次", today="2026-10-20")
    run("reopen", tid, "--reason", "仍不合格", today="2026-10-21")
    data = json.loads(run("show", tid, "--format", "json", today="2026-10-22").out)
    assert [r["note"] for r in data["returned"]] == ["已增设护学岗", "第二次"]
    assert data["returned"][1]["verified_on"] is None
    assert "未核验" in run("show", tid, today="2026-10-22").out


def test_old_file_without_returned_reads_and_reopens(ledger, run, h):
    """A version-2 file written before `returned` existed reads as before and stays canonical."""
    tid = h.add("旧文件", today="2026-10-08")
    path = ledger / f"tasks/2026/{tid}.yaml"
    assert "returned" not in path.read_text(encoding="utf-8")
    run("check")


def test_example_2026_0007_holds_its_done_report():
    from tests.support.runner import REPO

    data = load_yaml((REPO / "examples/ledger/tasks/2026/2026-0007.yaml").read_bytes())
    assert data["status"] == "open"
    assert data["returned"] and data["returned"][0]["note"] == "已增设护学岗和临时停车区"
