"""Smaller things a clerk met (issue 11): tied ranks, usage lines."""

from __future__ import annotations


def test_tied_units_share_a_rank(ledger, run, h):
    for unit in ("市住建局", "市财政局", "市教育局"):
        run("add", f"{unit}的事项", "--lead-unit", unit, "--on", "2026-11-02", "--within", "5wd")
    run("done", "1", "--on", "2026-11-05")
    rep = run("report", "monthly", "--month", "2026-11", "--format", "json").json()
    ranks = {r["unit"]: r["rank"] for r in rep["ranking"]}
    assert ranks["市住建局"] == 1
    assert ranks["市财政局"] == ranks["市教育局"] == 2, rep["ranking"]


def test_no_line_says_both_usage_error_and_error(ledger, run, h):
    for args in (("list", "--as-of", "2026-13-01"), ("add", "甲", "--lead-unit", "市住建局", "--on", "昨天")):
        res = run(*args, code=2)
        assert "用法错误：错误：" not in res.err and not res.err.startswith("错误：用法错误")
