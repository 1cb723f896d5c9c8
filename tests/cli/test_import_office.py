"""Importing a real office's old 台账 whole: real .xlsx built with openpyxl, real git ledgers, the real CLI."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from openpyxl import Workbook

from ledger.domain import phrases
from ledger.files import codec
from ledger.files.store import Ledger
from ledger.formats import tabular
from tests.support import sheetkit

D = dt.date
# The city sheet's size here; bench/imports.py builds the full 10,000 rows.
CITY_ROWS = int(os.environ.get("TAIZHANG_IMPORT_ROWS", "600"))


def tasks(root) -> dict:
    return {rel.split("/")[-1][:-5]: codec.task_from_plain(v) for rel, v in Ledger(root, None, print).load_all().items()}


def test_city_sheet_without_assigned_dates_imports_whole_in_one_commit(ledger, sh, h, tmp_path):
    path = tmp_path / "全市台账.xlsx"
    sheetkit.city_sheet(path, CITY_ROWS)
    before = h.commit_count(ledger)
    dry = sh("import", str(path), "--dry-run")
    n_past = sum(1 for i in range(1, CITY_ROWS + 1) if sheetkit.DEADLINES[i % 12] not in ("2026年底", "长期坚持"))
    assert f"可导入 {CITY_ROWS} 行（其中到达即逾期 {n_past} 行，交办日期不详 {n_past} 行" in dry.out
    assert "有问题 0 行" in dry.out and h.commit_count(ledger) == before
    res = sh("import", str(path), timeout=600)
    assert res.last_line == f"已导入 {CITY_ROWS} 项事项，编号 2026-0001 至 2026-{CITY_ROWS:04d}"
    assert h.commit_count(ledger) == before + 1
    t = tasks(ledger)
    assert len(t) == CITY_ROWS
    seventh = t["2026-0007"]  # two lead units, "，" between: the first leads, the second assists
    assert (seventh.lead_unit, seventh.units) == ("市生态环境局", ["市住建局", "市水利局", "市商务局"])
    assert t["2026-0011"].units == ["市住建局", "市财政局"]  # written on two lines
    first = t["2026-0001"]  # 2026-06-30, past: assigned date unknown, the deadline stands in
    assert (first.due, first.assigned_on, first.assigned_on_unknown) == (D(2026, 6, 30), D(2026, 6, 30), True)
    assert t["2026-0009"].due is None and not t["2026-0009"].assigned_on_unknown  # 长期坚持
    shown = h.git(ledger, "show", "-s", "--format=%B", "HEAD")
    assert shown.count("Taizhang-Task: ") == CITY_ROWS
    overdue = sh("list", "--overdue", "--format", "json").json()
    assert len(overdue) == n_past and all(x["assigned_on_unknown"] for x in overdue)
    sh("check")


def test_office_workbook_every_row_and_column_accounted_for(ledger, run, h, tmp_path):
    path = tmp_path / "督查台账.xlsx"
    sheetkit.office_workbook(path)
    before = h.commit_count(ledger)
    out = run("import", str(path), "--dry-run").out
    for line in ("工作表“重点工作”表头在第 3 行", "  完成情况 → 办理状态", "  进展情况 → 进展（按其中的日期分成多条进展）",
                 "  9月进展 → 9月进展（记为该月最后一天的一条进展）", "  备用列 → （未识别，不导入）",
                 "  序号 → （不导入", "工作表“重点工作”共 17 行：表头及以上 3 行，事项 9 行，分类/合计行 4 行（不作为事项），空行 1 行",
                 "跳过：第 4 行“一、经济发展类”（分类行）；第 9 行“小计”（合计行）；第 10 行“二、民生保障类”（分类行）；第 17 行“合计”（合计行）",
                 "工作表“领导批示”表头在第 2 行", "  承办单位 → 牵头单位", "  办理时限 → 办结时限", "  批示日期 → 交办日期",
                 "  批示领导 → 牵头领导", "  批示内容摘要 → 事项", "  具体内容 → 事项说明", "  办理情况 → 办理状态",
                 "工作表“领导批示”共 4 行：表头及以上 2 行，事项 2 行",
                 "  状态列写的不是状态词，事项记为在办、原文记为一条进展：第 4 行", "工作表“填表说明”前 15 行中找不到表头，未导入（2 行）",
                 "可导入 11 行（其中到达即逾期 1 行，交办日期不详 2 行，已完成待核验 3 行，已撤销 2 行，长期 2 行，按周期报送 2 行），有问题 0 行（试运行，未导入）"):
        assert line in out, line
    assert h.commit_count(ledger) == before
    run("import", str(path))
    assert h.commit_count(ledger) == before + 1
    t = tasks(ledger)
    assert len(t) == 11
    a = t["2026-0001"]
    assert (a.lead_unit, a.units, a.status, a.due) == ("市住建局", ["市财政局", "市自然资源局"], "reported", D(2026, 10, 31))
    assert [(p.on, p.text) for p in a.progress] == [(D(2026, 10, 15), "完成招标"), (D(2026, 11, 3), "开工")]
    assert (a.assigned_on, a.assigned_on_unknown, a.tags) == (D(2026, 10, 15), True, ["重点工作", "经济发展类"])
    assert a.done is not None and a.done.on == D(2026, 11, 20) and "已完成" in a.done.note
    b = t["2026-0002"]
    assert [(p.on, p.text) for p in b.progress] == [
        (D(2026, 9, 30), "完成设计"), (D(2026, 10, 15), "完成选址"), (D(2026, 10, 31), "完成招标"), (D(2026, 11, 2), "开工建设")]
    assert b.status == "open" and b.assigned_on == D(2026, 9, 30)
    c = t["2026-0003"]
    assert (c.units, c.assigned_on, c.assigned_on_unknown) == (["市商务局", "市政务服务中心"], D(2026, 11, 20), False)
    assert [p.text for p in c.progress] == ["〔导入：原表未注日期〕已形成方案"]
    d = t["2026-0004"]
    assert d.status == "cancelled" and d.events[-1].action == "cancel" and d.events[-1].reason == "已撤销"
    e = t["2026-0005"]
    assert (e.due, e.report_cycle, e.deadline_basis, e.tags) == (None, "", "原表：长期坚持", ["重点工作", "民生保障类"])
    assert (t["2026-0006"].due, t["2026-0006"].report_cycle) == (None, "quarterly:5wd")
    assert (t["2026-0007"].due, t["2026-0007"].status) == (D(2026, 12, 31), "reported")
    assert (t["2026-0008"].status, t["2026-0008"].events[-1].reason) == ("cancelled", "取消")
    assert t["2026-0009"].report_cycle == "monthly:3wd"
    p1, p2 = t["2026-0010"], t["2026-0011"]
    assert (p1.title, p1.leader, p1.assigned_on, p1.due, p1.description, p1.status, p1.tags) == (
        "关于背街小巷整治的批示", "张市长", D(2026, 3, 2), D(2026, 6, 30), "限期完成整治", "reported", ["领导批示"])
    # Prose in 办理情况 is no status: the task stays open and the words become progress.
    assert (p2.status, [p.text for p in p2.progress]) == ("open", ["〔导入：原表未注日期〕已完成招标，正在施工"])
    run("check")


def test_long_term_tasks_list_as_long_term_and_never_turn_red(ledger, run, tmp_path):
    path = tmp_path / "t.xlsx"
    sheetkit.office_workbook(path)
    run("import", str(path))
    shown = run("show", "2026-0005").out
    assert "长期（无办结时限，不计逾期）" in shown and "原表：长期坚持" in shown
    for as_of in ("2026-11-20", "2030-01-01"):
        listed = {x["id"]: x for x in run("list", "--format", "json", "--as-of", as_of).json()}
        assert listed["2026-0005"]["light"] == "green" and listed["2026-0005"]["due"] is None
    table = run("list").out
    assert any("2026-0005" in line and "长期" in line for line in table.splitlines())
    assert "2026-0005" not in run("list", "--overdue", "--as-of", "2030-01-01").out


def test_closed_as_verified_closes_what_the_sheet_calls_done(ledger, run, tmp_path):
    path = tmp_path / "t.xlsx"
    sheetkit.office_workbook(path)
    run("import", str(path), "--closed-as-verified")
    t = tasks(ledger)
    a = t["2026-0001"]
    assert a.status == "closed" and a.verification.method == "document" and a.verification.on == D(2026, 11, 20)
    assert sum(x.status == "closed" for x in t.values()) == 3
    run("check")


def _plain_sheet(path, rows, header=("工作任务", "牵头单位", "完成时限"), title=None):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_assigned_on_and_year_options(ledger, run, tmp_path):
    path = tmp_path / "t.xlsx"
    _plain_sheet(path, [("甲", "市财政局", "10月底"), ("乙", "市财政局", "3月15日")], title="2025年督查台账")
    run("import", str(path), "--assigned-on", "2025-01-10")
    t = tasks(ledger)
    assert (t["2026-0001"].due, t["2026-0001"].assigned_on, t["2026-0001"].assigned_on_unknown) == (
        D(2025, 10, 31), D(2025, 1, 10), False)  # the title's year
    assert t["2026-0002"].due == D(2025, 3, 15)
    run("import", str(path), "--year", "2026")
    assert tasks(ledger)["2026-0003"].due == D(2026, 10, 31)


def test_refused_import_leaves_nothing(ledger, refuse, tmp_path):
    path = tmp_path / "t.xlsx"
    _plain_sheet(path, [("甲", "市财政局", "2026-12-31")])
    refuse(ledger, "import", str(path), "--assigned-on", "2026-02-30")
    refuse(ledger, "import", str(path), "--limit", "rows")
    refuse(ledger, "import", str(path), "--limit", "rows=0", via="sh")
    refuse(ledger, "import", str(path), "--year", "99999")


def test_undo_of_an_import_is_one_revert_and_numbers_stay_used(ledger, run, refuse, h, tmp_path):
    path = tmp_path / "t.xlsx"
    _plain_sheet(path, [(f"事项{i}", "市财政局", "2026-12-31") for i in range(5)])
    run("import", str(path))
    before = h.commit_count(ledger)
    assert run("undo").out.startswith("已撤回：导入 5 项事项（t.xlsx）")
    assert h.commit_count(ledger) == before + 1 and tasks(ledger) == {}
    assert h.git(ledger, "status", "--porcelain") == ""
    body = h.git(ledger, "show", "-s", "--format=%B", "HEAD")
    assert "Taizhang-Action: undo" in body and body.count("Taizhang-Task: ") == 5
    assert h.add("新事项") == "2026-0006"  # the undone numbers are not issued again
    run("check")
    run("audit", "--strict")
    # A later change to one of the imported tasks: the import can no longer be undone as a whole.
    run("import", str(path))
    run("progress", "2026-0008", "已开工")
    run("undo")  # the progress goes first ...
    run("progress", "2026-0008", "已开工", "--by", "另一人")
    res = refuse(ledger, "undo")
    assert "另一人" in res.err and "2026-0008" in res.err


@pytest.mark.parametrize("text, due, cycle", [
    ("2026年10月底", D(2026, 10, 31), ""), ("10月底前", D(2026, 10, 31), ""), ("2026年底", D(2026, 12, 31), ""),
    ("2026.12", D(2026, 12, 31), ""), ("年内", D(2026, 12, 31), ""), ("2026年6月底前完成", D(2026, 6, 30), ""),
    ("每季度末", None, "quarterly:5wd"), ("每月", None, "monthly:3wd"), ("每月底前报送", None, "monthly:3wd"),
    ("每周五", None, "weekly:1wd"), ("长期坚持", None, ""), ("持续推进", None, ""), ("每半年", None, ""),
])
def test_deadline_phrases(text, due, cycle):
    d = phrases.parse_deadline(text, 2026)
    assert (d.due, d.cycle) == (due, cycle)
    assert d.phrase == ("" if due else text)


@pytest.mark.parametrize("cell, status, rest", [
    ("已完成", "done", ""), ("已办结", "done", ""), ("完成", "done", ""), ("已撤销", "cancelled", ""),
    ("取消", "cancelled", ""), ("进行中", "open", ""), ("推进中", "open", ""), ("未完成", "open", ""), ("", "open", ""),
    (None, "open", ""), ("已完成。已通过验收", "done", "已通过验收"), ("暂缓", "suspended", ""), ("待定", None, "待定"),
])
def test_status_words(cell, status, rest):
    assert phrases.status_of(cell) == (status, rest)


def test_progress_cells_split_at_dates():
    assert phrases.progress_entries("10月15日：完成招标；11月3日：开工", 2026) == [
        (D(2026, 10, 15), "完成招标"), (D(2026, 11, 3), "开工")]
    assert phrases.progress_entries("前期已调研。2026.10.15 完成选址\n2026年11月2日，开工", 2026) == [
        (None, "前期已调研"), (D(2026, 10, 15), "完成选址"), (D(2026, 11, 2), "开工")]
    assert phrases.progress_entries("按计划推进，预计12月完工", 2026) == [(None, "按计划推进，预计12月完工")]
    with pytest.raises(phrases.DateProblem):
        phrases.progress_entries("2月30日：开会", 2026)


def test_unknown_status_in_a_status_column_is_named_with_its_row(ledger, run, tmp_path):
    path = tmp_path / "t.xlsx"
    _plain_sheet(path, [("甲", "市财政局", "2026-12-31", "待定"), ("乙", "市财政局", "2026-12-31", "暂缓")],
                 header=("工作任务", "牵头单位", "完成时限", "状态"))
    res = run("import", str(path), "--dry-run", code=1)
    assert "t.xlsx: 第 2 行：看不懂的状态“待定”" in res.out and "第 3 行" not in res.out
    run("import", str(path), "--skip-bad")
    t = tasks(ledger)["2026-0001"]
    assert (t.title, t.status, t.events[-1].action, t.events[-1].reason) == ("乙", "suspended", "suspend", "暂缓")
    run("check")


def test_headers_offices_use():
    for word, fld in (("承办单位", "lead_unit"), ("办理时限", "due"), ("批示日期", "assigned_on"),
                      ("批示领导", "leader"), ("批示内容摘要", "title"), ("建议标题", "title"), ("案由", "title"),
                      ("具体内容", "description"), ("完成情况", "status"), ("办理情况", "status"), ("状态", "status"),
                      ("进展情况", "progress"), ("9月进展", "progress_month"), ("2026年10月进展情况", "progress_month")):
        assert tabular.header_field(word) == fld, word
    m = tabular.find_header([["工作任务", "牵头单位", "完成时限", "完成时限", "进展情况", "完成情况", "随便"]])
    assert m.columns == {0: "title", 1: "lead_unit", 2: "due", 4: "progress", 5: "status"}
    assert m.ignored == {3: "（与“完成时限”列重复，不导入）", 6: "（未识别，不导入）"}
    assert tabular.split_units("市财政局\n市人社局 市教育局") == ["市财政局", "市人社局", "市教育局"]


def test_hidden_sheets_are_named_not_imported(ledger, run, tmp_path):
    path = tmp_path / "t.xlsx"
    wb = Workbook()
    for name, hidden in (("在办", False), ("底稿", True)):
        ws = wb.active if not hidden else wb.create_sheet()
        ws.title = name
        ws.append(["工作任务", "牵头单位", "完成时限"])
        ws.append([f"{name}的事项", "市财政局", "2026-12-31"])
        ws.sheet_state = "hidden" if hidden else "visible"
    wb.save(path)
    out = run("import", str(path), "--dry-run").out
    assert "工作表“底稿”是隐藏的工作表，未导入（2 行）" in out and "可导入 1 行" in out
    run("import", str(path))
    assert [t.title for t in tasks(ledger).values()] == ["在办的事项"]
