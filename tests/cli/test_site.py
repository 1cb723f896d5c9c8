"""`taizhang site`: the pages' numbers, timelines, incremental rebuilds, refusals and the public variant."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ledger.site.build import MANIFEST
from ledger.site.pages import task_href, unit_href

PHONE = "13912345678"
LANDLINE = "0791-86541234"


@pytest.fixture
def lived(ledger, run, h):
    """A ledger with a few months of history: one 民生实事 with personal details, one internal task."""
    pub = h.add("新增公办幼儿园学位", "--source", "民生实事", "--due", "2026-12-31", "--leader", "陈晓梅",
                "--contact", "黄丽", "--unit", "市财政局", today="2026-08-03")
    secret = h.add("研究解决企业欠薪问题", "--due", "2026-09-30", "--leader", "张建国", "--contact", "刘洋",
                   today="2026-08-10")
    run("progress", secret, "已约谈企业负责人", today="2026-09-01")
    done = h.add("背街小巷整治", "--tag", "民生实事", "--due", "2026-10-30", today="2026-09-01")
    run("progress", pub, f"已开工 3 所，联系电话 {PHONE}，座机 {LANDLINE}", "--by", "黄丽", today="2026-09-07")
    run("urge", pub, "--note", "请周五前报送进度照片", today="2026-10-12")
    run("interview", pub, "--person", "周卫国", "--note", "进度滞后约谈", today="2026-10-13")
    run("done", done, "--note", "已完成", today="2026-10-20")
    run("close", done, "--verified-by", "李核验", "--note", "现场查看无误", today="2026-10-22")
    return {"public": pub, "secret": secret, "closed": done}


def built(run, out: Path, *extra: str) -> dict:
    res = run("site", "-o", str(out), *extra)
    m = re.search(r"共 (\d+) 个文件，本次更新 (\d+) 个", res.out)
    assert m, res.out
    return {"files": int(m.group(1)), "written": int(m.group(2)), "out": res.out}


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_overview_numbers_are_the_monthly_reports(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    html = page_text(out / "index.html")
    rep = run("report", "monthly", "--format", "json").json()
    shown = dict(re.findall(r'data-total="(\w+)">(\d+)<', html))
    assert shown == {k: str(v) for k, v in rep["totals"].items()}
    for unit in rep["units"]:
        row = re.search(rf'<tr data-unit="{unit["unit"]}">(.*?)</tr>', html).group(1)
        assert re.search(rf'data-field="overdue">{unit["overdue"]}<', row)
        assert re.search(rf'data-field="held">{unit["held"]}<', row)


def test_trend_reproduces_each_months_report(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    html = page_text(out / "index.html")
    for month in ("2026-08", "2026-09", "2026-10", "2026-11"):
        rep = run("report", "monthly", "--month", month, "--format", "json").json()
        row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html).group(1)
        got = dict(re.findall(r'data-series="(\w+)">(\d+)<', row))
        assert got == {k: str(rep["totals"][k]) for k in ("open", "overdue", "closed")}, month
    assert 'data-month="2026-07"' not in html  # before the ledger's first commit


def test_every_page_exists_and_links_resolve(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    ids = [t["id"] for t in run("list", "--all", "--format", "json").json()]
    for task_id in ids:
        assert (out / task_href(task_id)).is_file()
    for unit in ("市住建局", "市财政局"):
        assert (out / unit_href(unit)).is_file()
    pages = list(out.rglob("*.html"))
    assert len(pages) >= len(ids) + 4
    for page in pages:
        for href in re.findall(r'(?:href|src)="([^"#]+)"', page_text(page)):
            assert not re.match(r"\w+://", href), f"{page.name} links outside: {href}"
            assert (page.parent / href).resolve().is_file(), f"{page.relative_to(out)} → {href}"


def test_task_page_has_every_field_and_the_git_timeline(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    html = page_text(out / task_href(lived["public"]))
    shown = run("show", lived["public"], "--format", "json").json()
    for key in ("leader", "contact", "due", "lead_unit", "source"):
        assert f'data-field="{key}"' in html
        assert str(shown[key]) in html
    assert "周卫国" in html and "请周五前报送进度照片" in html  # records: interviews, urges
    commits = run("log", lived["public"], "--format", "json").json()
    timeline = html.split('id="timeline"')[1]
    assert f"变更记录（{len(commits)} 次" in timeline
    for c in commits:
        assert c["subject"] in timeline.replace("&quot;", '"').replace("&#x27;", "'")
        assert f"<b>{c['date']}</b> · {c['author']} ·" in timeline
    assert timeline.count("<li><b>") == len(commits)


def test_overdue_page_in_overdue_order(lived, run, h, tmp_path):
    late = h.add("第二个逾期事项", "--due", "2026-11-02", today="2026-10-26")
    out = tmp_path / "site"
    built(run, out)
    want = [t["id"] for t in run("overdue", "--format", "json").json()]
    assert lived["secret"] in want and late in want
    shown = re.findall(r'<tr data-task="([\d-]+)">', page_text(out / "overdue.html"))
    assert shown == want


def test_rebuild_rewrites_only_what_changed(lived, run, tmp_path):
    out = tmp_path / "site"
    first = built(run, out)
    assert first["written"] == first["files"]
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    assert built(run, out)["written"] == 0
    run("progress", lived["secret"], "已协调财政资金")
    again = built(run, out)
    changed = {p.relative_to(out).as_posix() for p in stamps if p.stat().st_mtime_ns != stamps[p]}
    assert task_href(lived["secret"]) in changed
    assert task_href(lived["public"]) not in changed and task_href(lived["closed"]) not in changed
    assert 0 < again["written"] <= 4  # the task, its unit, and the overview with its search index
    assert "已协调财政资金" in page_text(out / task_href(lived["secret"]))
    (out / task_href(lived["public"])).unlink()  # a page lost by hand comes back
    assert built(run, out)["written"] == 1


def test_a_closed_task_page_does_not_change_with_the_day(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out, "--as-of", "2026-11-20")
    closed = page_text(out / task_href(lived["closed"]))
    again = built(run, out, "--as-of", "2026-11-23")
    assert page_text(out / task_href(lived["closed"])) == closed
    assert again["written"] < again["files"]


def test_as_of_shows_the_ledger_as_it_stood(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out, "--as-of", "2026-09-15")
    rep = run("report", "monthly", "--as-of", "2026-09-15", "--format", "json").json()
    html = page_text(out / "index.html")
    assert dict(re.findall(r'data-total="(\w+)">(\d+)<', html)) == {k: str(v) for k, v in rep["totals"].items()}
    assert "已销号" not in page_text(out / task_href(lived["closed"]))  # closed in October
    assert "请周五前报送进度照片" not in page_text(out / task_href(lived["public"]))  # urged in October


def test_public_site_carries_no_personal_field(lived, run, tmp_path):
    out = tmp_path / "public"
    built(run, out, "--public")
    everything = "\n".join(page_text(p) for p in out.rglob("*") if p.is_file())
    assert (out / task_href(lived["public"])).is_file() and (out / task_href(lived["closed"])).is_file()
    assert not (out / task_href(lived["secret"])).exists()
    assert "研究解决企业欠薪问题" not in everything
    forbidden = set()
    for task_id in (lived["public"], lived["closed"]):
        t = run("show", task_id, "--format", "json").json()
        forbidden |= {t["leader"], t["contact"]}
        for key in ("progress", "done", "verification", "urges", "interviews", "notices", "coordinations",
                    "events", "deadline_changes"):
            records = t.get(key) or []
            for r in records if isinstance(records, list) else [records]:
                forbidden |= {r.get(k) for k in ("by", "verified_by", "person", "note", "reason", "approved_by")}
        for c in run("log", task_id, "--format", "json").json():
            forbidden |= {c["author"], c["email"], c["subject"]}
    forbidden |= {PHONE, LANDLINE, "周卫国", "黄丽", "陈晓梅", "李核验", "测试员", "约谈", "问责", "催办"}
    forbidden.discard(None)
    forbidden.discard("")
    leaks = sorted(f for f in forbidden if f in everything)
    assert not leaks, leaks
    assert "已开工 3 所" in everything  # the 阶段性进展 itself is public
    assert "联系电话 ***" in everything


def test_public_marks_come_from_the_config(lived, run, ledger, tmp_path):
    config = ledger / "taizhang.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "public: [不存在的来源]\n", encoding="utf-8")
    out = tmp_path / "public"
    built(run, out, "--public")
    assert not list(out.glob("tasks/*.html"))
    config.write_text(config.read_text(encoding="utf-8").replace("public: [不存在的来源]", "public: 7"),
                      encoding="utf-8")
    res = run("site", "-o", str(tmp_path / "other"), "--public", code=3)
    assert "public" in res.err and not (tmp_path / "other").exists()


def test_switching_to_public_removes_internal_pages(lived, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    assert (out / task_href(lived["secret"])).is_file()
    res = built(run, out, "--public")
    assert "删除" in res["out"]
    assert not (out / task_href(lived["secret"])).exists()
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["public"] is True


def test_refusals_leave_no_file(lived, ledger, refuse, tmp_path):
    foreign = tmp_path / "别人的目录"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    refuse(ledger, "site", "-o", str(foreign))
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    a_file = tmp_path / "site.html"
    a_file.write_text("x", encoding="utf-8")
    refuse(ledger, "site", "-o", str(a_file))
    refuse(ledger, "site", "-o", str(tmp_path / "new"), "--as-of", "2026-13-01")
    assert not (tmp_path / "new").exists()


def test_site_through_the_installed_command(lived, sh, tmp_path):
    out = tmp_path / "site"
    res = sh("site", "-o", str(out), "--public")
    assert res.err == "" and "已生成网页" in res.out
    assert (out / "index.html").is_file()
