"""collect out / in / status: workbooks per unit, every bad row refused with sheet and row, one commit per workbook."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest

from ledger.services import rounds
from tests.support.collectkit import MAIN, columns, fill, row_of


@pytest.fixture
def office(ledger, run, h):
    """Four tasks of three units on 2026-11-02; one already reported done, so not sent out."""
    ids = {
        "shared": run("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--unit", "市财政局", "--on", "2026-11-02",
                      "--within", "30wd").last_line,
        "finance": run("add", "清理拖欠企业账款", "--lead-unit", "市财政局", "--on", "2026-11-02", "--within", "30wd").last_line,
        "school": run("add", "=HYPERLINK(\"http://x\",\"新建学校\")", "--lead-unit", "市教育局", "--on", "2026-11-02",
                      "--within", "30wd").last_line,
        "done": run("add", "已办完的事项", "--lead-unit", "市住建局", "--on", "2026-11-02", "--within", "30wd").last_line,
    }
    run("progress", ids["shared"], "已完成摸底调查", "--on", "2026-11-10")
    run("done", ids["done"])
    return ids


def send(run, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "报送表"
    run("collect", "out", "-o", str(out), *extra)
    return out


def test_out_writes_one_protected_workbook_per_unit(office, run, ledger, tmp_path, h):
    before = h.commit_count(ledger)
    out = send(run, tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        "2026-11_市住建局.xlsx", "2026-11_市教育局.xlsx", "2026-11_市财政局.xlsx"]
    wb = openpyxl.load_workbook(out / "2026-11_市财政局.xlsx")
    assert wb.sheetnames == [MAIN, "填报说明", "_taizhang"]
    assert wb["_taizhang"].sheet_state == "veryHidden" and wb.security.lockStructure
    ws = wb[MAIN]
    assert ws.protection.sheet
    head, cols = columns(ws)
    rows = {ws.cell(r, 1).value: r for r in range(head + 1, ws.max_row + 1)}
    assert set(rows) == {office["shared"], office["finance"]}  # lead or co-unit, open only
    assert ws.cell(rows[office["shared"]], cols["承办角色"]).value == "配合"
    assert ws.cell(rows[office["shared"]], cols["最新进展"]).value == "2026-11-10 已完成摸底调查"
    r = rows[office["finance"]]
    for h_ in ("编号", "事项", "办结时限", "预警", "最新进展"):
        assert ws.cell(r, cols[h_]).protection.locked, h_
    for h_ in ("本期进展", "存在问题", "下一步措施", "申请办结", "申请延期至", "延期理由"):
        assert not ws.cell(r, cols[h_]).protection.locked, h_
    checks = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert checks["list"].formula1 == '"是,否"' and str(checks["list"].sqref).startswith(openpyxl.utils.get_column_letter(cols["申请办结"]))
    assert checks["date"].sqref and str(checks["date"].sqref).startswith(openpyxl.utils.get_column_letter(cols["申请延期至"]))
    guide = [c.value for c in wb["填报说明"]["A"] if c.value]
    assert any("申请延期" in line for line in guide) and any("锁定" in line for line in guide)
    # A title a spreadsheet would run stays text (no formula anywhere in what we send out).
    school = openpyxl.load_workbook(out / "2026-11_市教育局.xlsx")[MAIN]
    cell = next(c for c in school["B"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    # The round is one commit writing rounds/2026-11.yaml only.
    assert h.commit_count(ledger) == before + 1
    assert h.git(ledger, "show", "--name-only", "--format=", "HEAD").split() == ["rounds/2026-11.yaml"]
    assert "Taizhang-Action: collect-out" in h.git(ledger, "log", "-1", "--format=%B")
    r11 = rounds.read_round(ledger, "2026-11")
    assert set(r11.units["市财政局"].tasks) == {office["shared"], office["finance"]}
    assert run("collect", "status", "--format", "json").json()["missing"] == ["市住建局", "市教育局", "市财政局"]


def test_out_for_named_units_and_refusals(office, run, ledger, tmp_path, refuse):
    out = send(run, tmp_path, "--unit", "市教育局")
    assert [p.name for p in out.iterdir()] == ["2026-11_市教育局.xlsx"]
    refuse(ledger, "collect", "out", "-o", str(out), "--unit", "市教育局")  # the file is there: never overwritten
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    refuse(ledger, "collect", "out", "-o", str(blocker))
    refuse(ledger, "collect", "out", "-o", str(tmp_path / "new"), "--unit", "市公安局")  # no open task
    assert not (tmp_path / "new").exists()
    refuse(ledger, "collect", "status", "--round", "2026-13")
    refuse(ledger, "collect", "status", "--round", "2026-10")


def _answer_all(out: Path, office: dict) -> None:
    fill(out / "2026-11_市财政局.xlsx", {
        office["shared"]: {"本期进展": "拨付资金 500 万元", "存在问题": "配套资金不足", "下一步措施": "12 月上旬拨付余款"},
        office["finance"]: {"本期进展": "已全部清偿", "申请办结": "是"},
    })
    fill(out / "2026-11_市住建局.xlsx", {
        office["shared"]: {"申请延期至": dt.datetime(2027, 1, 29), "延期理由": "冬季停工"},
    })


def test_in_records_progress_done_and_requests_one_commit_per_workbook(office, run, sh, ledger, tmp_path, h):
    out = send(run, tmp_path)
    _answer_all(out, office)
    before = h.commit_count(ledger)
    res = sh("collect", "in", out / "2026-11_市财政局.xlsx", out / "2026-11_市住建局.xlsx", today="2026-11-25", cwd=ledger)
    assert "已收回 2026-11 轮 市财政局 的报送表：更新 2 项" in res.out
    assert h.commit_count(ledger) == before + 2
    msg = h.git(ledger, "log", "-2", "--format=%an|%B%x00").split("\0")
    assert all(m.strip().startswith(f"{h.clerk}|") for m in msg if m.strip())  # committed by the clerk
    finance_msg = msg[1]
    assert "Taizhang-Action: collect" in finance_msg and "Taizhang-Unit: 市财政局" in finance_msg
    assert "Taizhang-Round: 2026-11" in finance_msg and f"Taizhang-Task: {office['finance']}" in finance_msg
    shared = run("show", office["shared"], "--format", "json").json()
    last = shared["progress"][-1]
    assert last == {"on": "2026-11-25", "text": "本期进展：拨付资金 500 万元；存在问题：配套资金不足；下一步措施：12 月上旬拨付余款",
                    "by": "市财政局", "percent": None}
    assert shared["extension_requests"] == [{"on": "2026-11-25", "requested_due": "2027-01-29", "reason": "冬季停工",
                                             "by": "市住建局", "round": "2026-11"}]
    assert shared["due"] != "2027-01-29"  # a request never moves the deadline
    finance = run("show", office["finance"], "--format", "json").json()
    assert finance["status"] == "reported" and finance["done"]["by"] == "市财政局"
    assert "延期申请（待批准）" in run("show", office["shared"]).out
    assert run("audit", "--strict", "--format", "json").json() == []
    run("check")
    # The office grants it with extend; then nothing is pending.
    run("extend", office["shared"], "--to", "2027-01-29", "--reason", "同意单位申请", today="2026-11-26")
    assert "延期申请（待批准）" not in run("show", office["shared"]).out
    st = run("collect", "status", "--format", "json").json()
    assert st["returned"] == ["市住建局", "市财政局"] and st["missing"] == ["市教育局"]


def _refused(run, ledger, h, args, *wanted: str, today="2026-11-25"):
    before = h.snapshot(ledger)
    res = run("collect", "in", *map(str, args), code=2, today=today)
    assert h.snapshot(ledger) == before, "a refused workbook left something behind"
    lines = res.err.strip().splitlines()
    assert lines[-1].startswith("错误：") and "全部未收录" in lines[-1]
    for w in wanted:
        assert any(re.search(w, line) for line in lines[:-1]), (w, res.err)
    return lines


def test_every_bad_row_is_named_with_sheet_and_row_and_nothing_is_recorded(office, run, ledger, tmp_path, h):
    out = send(run, tmp_path)
    book = out / "2026-11_市财政局.xlsx"
    shared, finance = row_of(book, office["shared"]), row_of(book, office["finance"])
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["编号", "本期进展"])
    wb.save(other)

    def bad_rows(ws, head, cols):
        ws.cell(shared, cols["事项"]).value = "改过的名称"                      # a locked cell changed
        ws.cell(finance, cols["申请延期至"]).value = "下个月"                    # not a date
        ws.cell(finance, cols["延期理由"]).value = "资金"
        ws.cell(finance + 1, cols["编号"]).value = office["school"]             # another unit's task
        ws.cell(finance + 1, cols["本期进展"]).value = "代报"
        ws.cell(finance + 2, cols["编号"]).value = "2026-9999"                  # no such task
        ws.cell(finance + 2, cols["本期进展"]).value = "不存在"

    fill(book, {}, bad_rows)
    lines = _refused(run, ledger, h, [book, other],
                     rf"工作表“进展报送”第 {shared} 行：锁定的“事项”列被改动",
                     rf"工作表“进展报送”第 {finance} 行：“申请延期至”不是日期",
                     rf"第 {finance + 1} 行：事项 {office['school']} 是市教育局的事项，不是市财政局的",
                     rf"第 {finance + 2} 行：台账中没有编号为 2026-9999 的事项",
                     r"^other\.xlsx：不是 taizhang collect out 发出的报送表")
    _refused(run, ledger, h, [tmp_path / "没有这个文件.xlsx"], r"^没有这个文件\.xlsx：找不到文件")
    assert all(line.startswith(("2026-11_市财政局.xlsx：", "other.xlsx：", "错误：")) for line in lines)


@pytest.mark.parametrize("case", ["yes-no", "both", "no-reason", "reason-only", "not-later", "closed", "changed",
                                  "twice", "hidden-edited"])
def test_each_bad_sheet_case_is_refused(case, office, run, ledger, tmp_path, h):
    out = send(run, tmp_path)
    book = out / "2026-11_市财政局.xlsx"
    row = row_of(book, office["finance"])
    answers = {
        "yes-no": {"申请办结": "可以"},
        "both": {"申请办结": "是", "申请延期至": "2027-01-29", "延期理由": "来不及"},
        "no-reason": {"申请延期至": "2027-01-29"},
        "reason-only": {"延期理由": "来不及"},
        "not-later": {"申请延期至": "2026-11-30", "延期理由": "来不及"},
    }.get(case, {"本期进展": "已清偿一半"})
    fill(book, {office["finance"]: answers})
    want = {
        "yes-no": rf"第 {row} 行：“申请办结”只能填“是”或“否”",
        "both": rf"第 {row} 行：申请办结和申请延期不能同时填写",
        "no-reason": rf"第 {row} 行：申请延期须在“延期理由”中写明原因",
        "reason-only": rf"第 {row} 行：写了延期理由，但没有填“申请延期至”",
        "not-later": rf"第 {row} 行：申请延期至 2026-11-30，不晚于现在的时限",
        "closed": rf"第 {row} 行：事项 {office['finance']} 在报送表发出后已有变化（现为“已撤销”",
        "changed": rf"第 {row} 行：事项 {office['finance']} 在报送表发出后已有变化（现为“在办”，时限 2027-01-15",
        "twice": r"工作表“_taizhang”：市财政局 的 2026-11 轮报送表已于 2026-11-25 收回，不能重复收录",
        "hidden-edited": r"工作表“_taizhang”：表中的事项与 2026-11 轮发给市财政局的不符",
    }[case]
    if case == "closed":
        run("cancel", office["finance"], "--reason", "已并入其他事项")
    elif case == "changed":
        run("extend", office["finance"], "--to", "2027-01-15", "--reason", "调整")
    elif case == "twice":
        run("collect", "in", str(book), today="2026-11-25")
    elif case == "hidden-edited":
        wb = openpyxl.load_workbook(book)
        # A unit adds a task to the hidden sheet and the visible one alike: the round in git says otherwise.
        wb["_taizhang"].append([office["school"], "0" * 16, "x", "配合", "2026-12-31", "绿灯", ""])
        wb[MAIN].append([office["school"], "x", "配合", "2026-12-31", "绿灯", "", "冒报的进展"])
        wb.save(book)
    _refused(run, ledger, h, [book], want)


def test_extra_blank_rows_and_moved_columns_still_read(office, run, ledger, tmp_path):
    from tests.support.collectkit import move_column

    out = send(run, tmp_path)
    book = out / "2026-11_市财政局.xlsx"

    def rearrange(ws, head, cols):
        move_column(ws, head, cols, "延期理由", 7)       # the fill-in columns in another order
        move_column(ws, head, dict(columns(ws)[1]), "本期进展", 12)
        ws.insert_rows(head + 2, 2)                       # blank rows between the tasks
        ws.insert_rows(1)                                 # and a line above the title

    fill(book, {office["finance"]: {"本期进展": "已清偿", "申请延期至": "2027年1月29日", "延期理由": "尚有尾款"}}, rearrange)
    run("collect", "in", str(book), today="2026-11-25")
    t = run("show", office["finance"], "--format", "json").json()
    assert t["progress"][-1]["text"] == "已清偿"
    assert t["extension_requests"][0]["requested_due"] == "2027-01-29"
    st = run("collect", "status", "--format", "json").json()
    assert st["empty_rows"] == [{"unit": "市财政局", "id": office["shared"]}]


def test_status_text_and_urge_the_missing_units(office, run, ledger, tmp_path, h):
    out = send(run, tmp_path)
    fill(out / "2026-11_市财政局.xlsx", {office["finance"]: {"本期进展": "已清偿一半"}})
    run("collect", "in", str(out / "2026-11_市财政局.xlsx"), today="2026-11-25")
    text = run("collect", "status", "--round", "2026-11").out
    assert "应报未报 2 个：市住建局、市教育局" in text and "已报（2026-11-25）" in text
    assert office["shared"] in text  # 市财政局 left the shared task empty
    res = run("urge", "--round", "2026-11", "-q", today="2026-11-26")
    urged = re.findall(r"已对 (\S+) 催办", res.out)
    assert sorted(urged) == sorted([office["shared"], office["school"]])
    msg = h.git(ledger, "log", "-1", "--format=%B")
    assert "2026-11 轮未报送单位的事项 2 项" in msg and "Taizhang-Action: urge" in msg
    t = run("show", office["school"], "--format", "json").json()
    assert t["urges"][-1]["note"] == "2026-11 轮进展报送表尚未报回，请尽快报送"


def test_request_extension_on_a_clone_is_a_request_until_extend(office, run, sh, ledger, refuse, h):
    sid = office["finance"]
    res = sh("request-extension", sid, "--to", "2027-01-29", "--reason", "资金未到位", "--by", "市财政局王五", cwd=ledger)
    assert "待督查室批准" in res.out
    msg = h.git(ledger, "log", "-1", "--format=%B")
    assert "Taizhang-Action: request-extension" in msg and f"Taizhang-Task: {sid}" in msg
    t = run("show", sid, "--format", "json").json()
    req = t["extension_requests"]
    assert len(req) == 1 and {k: req[0][k] for k in ("on", "requested_due", "reason", "by")} == {
        "on": "2026-11-20", "requested_due": "2027-01-29", "reason": "资金未到位", "by": "市财政局王五"}
    table = run("show", sid).out
    assert "延期申请（待批准）" in table and f"taizhang extend {sid} --to 2027-01-29" in table
    refuse(ledger, "request-extension", sid, "--to", "2026-12-01", "--reason", "x")  # not later than the deadline
    refuse(ledger, "request-extension", sid, "--to", "2027-01-29", "--reason", " ")
    refuse(ledger, "request-extension", office["done"], "--to", "2027-01-29", "--reason", "x")  # reported done
    refuse(ledger, "request-extension", sid, "--to", "2027-02-30", "--reason", "x")
    run("extend", sid, "--to", "2027-01-15", "--grant", "2027-01-15", "--reason", "批准到 1 月 15 日")
    assert "延期申请（待批准）" not in run("show", sid).out
    assert run("audit", "--strict", "--format", "json").json() == []
    # The schema knows the new record: check validates the file.
    run("check")
    plain = json.loads(json.dumps(t))
    assert plain["extension_requests"][0]["by"] == "市财政局王五"


def test_unit_names_never_leave_the_folder_or_share_a_file(ledger, run, tmp_path, refuse):
    run("add", "事项一", "--lead-unit", "../../市住建局", "--within", "10wd")
    out = send(run, tmp_path)
    assert [p.name for p in out.iterdir()] == ["2026-11__.._市住建局.xlsx"]
    run("add", "事项二", "--lead-unit", "市/局", "--within", "10wd")
    run("add", "事项三", "--lead-unit", "市_局", "--within", "10wd")
    res = refuse(ledger, "collect", "out", "-o", str(tmp_path / "again"), "--as-of", "2026-12-01")
    assert "文件名相同：2026-12_市_局.xlsx" in res.err
    assert not (tmp_path / "again").exists()
