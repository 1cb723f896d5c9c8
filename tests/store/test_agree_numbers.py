"""Urge, supervision and notice numbers are never reused: sync renumbers, check reports duplicates."""

from __future__ import annotations

from tests.support.clerkkit import Clerk
from tests.support.clerkkit import join as _join


def _numbers(c: Clerk) -> list[str]:
    out = []
    for t in c.tz("export", "--format", "json").json():
        out += [u["number"] for u in t["urges"]] + [n["number"] for n in t.get("notices", [])]
    return sorted(out)


def test_offline_urges_with_the_same_number_are_renumbered_by_sync(clerk: Clerk, server, tmp_path):
    first = clerk.add("甲事项", "--on", "2026-11-02", today="2026-11-02")
    second = clerk.add("乙事项", "--on", "2026-11-02", today="2026-11-02")
    clerk.git("remote", "add", "origin", server)
    clerk.tz("sync")
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    assert "催〔2026〕1号" in a.tz("urge", first).out
    assert "催〔2026〕1号" in b.tz("urge", second).out
    assert "督〔2026〕1号" in b.tz("urge", first, "--level", "supervise").out
    a.tz("sync")
    res = b.tz("sync")
    assert "催〔2026〕1号" in res.out and "催〔2026〕2号" in res.out
    assert _numbers(b) == ["催〔2026〕1号", "催〔2026〕2号", "督〔2026〕1号"]
    log = b.git("log", "-3", "--format=%B").stdout
    assert "Taizhang-Renumbered: 催〔2026〕1号 -> 催〔2026〕2号" in log
    assert "同步时发现文号 催〔2026〕1号 已被他人使用" in log
    assert "（催〔2026〕2号）" in b.git("log", "--format=%s", "-2").stdout
    b.tz("check")
    a.tz("sync")
    assert _numbers(a) == _numbers(b)
    # The next number after the sync follows both sides' numbers.
    assert "催〔2026〕3号" in a.tz("urge", second).out


def test_offline_notices_with_the_same_number_are_renumbered(clerk: Clerk, server, tmp_path):
    tid = clerk.add("丙事项", "--on", "2026-11-02", today="2026-11-02")
    clerk.git("remote", "add", "origin", server)
    clerk.tz("sync")
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    a.tz("notice", tid, "--within", "10wd")
    b.tz("notice", tid, "--within", "5wd", "--note", "乙下达")
    a.tz("sync")
    b.tz("sync")
    assert _numbers(b) == ["督通〔2026〕1号", "督通〔2026〕2号"]
    b.tz("check")


def test_check_reports_a_duplicate_number(clerk: Clerk):
    one = clerk.add("甲", "--on", "2026-11-02", today="2026-11-02")
    two = clerk.add("乙", "--on", "2026-11-02", today="2026-11-02")
    clerk.tz("urge", one)
    clerk.tz("urge", two)
    path = clerk.cwd / f"tasks/2026/{two}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("催〔2026〕2号", "催〔2026〕1号"), encoding="utf-8")
    res = clerk.tz("check", code=1)
    assert "催〔2026〕1号" in res.out and "重复" in res.out and f"{two}.yaml" in res.out
