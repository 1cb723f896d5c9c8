"""Monthly bulletin: numbers checked against a ledger whose history is lived day by day over two months."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import cli
from ledger.files.store import Ledger
from tests.support.runner import console_script

D = dt.date


@pytest.fixture
def ledger_dir(tmp_path, monkeypatch):
    cfg = tmp_path / "gitconfig"
    cfg.write_text("[user]\n\tname = 督查员\n\temail = clerk@example.org\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.delenv("TAIZHANG_TODAY", raising=False)
    root = tmp_path / "ledger"
    assert cli.main(["init", str(root), "--org", "某市人民政府督查室"]) == 0
    monkeypatch.setenv("TAIZHANG_LEDGER", str(root))
    return root


def run(monkeypatch, capsys, day: str | None, *args: str) -> str:
    capsys.readouterr()
    if day:
        monkeypatch.setenv("TAIZHANG_TODAY", day)
    code = cli.main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def report_json(monkeypatch, capsys, day: str, *args: str) -> dict:
    return json.loads(run(monkeypatch, capsys, day, "report", "monthly", "--format", "json", *args))


@pytest.fixture
def lived(ledger_dir, monkeypatch, capsys):
    """September and October 2026, one command at a time on the day it happened."""
    steps = [
        ("2026-09-01", "add", "改造老旧小区", "--lead-unit", "市住建局", "--due", "2026-09-15"),   # A 0001
        ("2026-09-01", "add", "整治黑臭水体", "--lead-unit", "市生态环境局", "--due", "2026-09-20"),  # B 0002
        ("2026-09-01", "add", "建设口袋公园", "--lead-unit", "市住建局", "--unit", "市财政局",
         "--due", "2026-10-20"),                                                                   # C 0003
        ("2026-09-01", "add", "优化公交线路", "--lead-unit", "市交通运输局", "--due", "2026-09-30"),  # D 0004
        ("2026-09-10", "done", "2026-0001"),
        ("2026-09-14", "extend", "2026-0004", "--to", "2026-10-15", "--reason", "需与公交集团协调"),
        ("2026-09-22", "urge", "2026-0002", "--note", "请加快进度"),
        ("2026-09-25", "close", "2026-0001", "--verified-by", "王核验"),
        ("2026-10-09", "done", "2026-0002"),
        ("2026-10-12", "add", "更新路灯", "--lead-unit", "市生态环境局", "--due", "2026-10-30"),    # E 0005
        ("2026-10-16", "progress", "2026-0003", "已完成选址"),
        ("2026-10-21", "urge", "2026-0003", "--level", "supervise"),
        ("2026-10-28", "done", "2026-0005"),
        ("2026-10-28", "done", "2026-0004"),
        ("2026-11-03", "close", "2026-0002", "--verified-by", "王核验", "--method", "document"),
        ("2026-11-04", "reopen", "2026-0005", "--reason", "材料不全"),
    ]
    for day, *args in steps:
        run(monkeypatch, capsys, day, *args)
    return ledger_dir


def units(rep: dict) -> dict[str, dict]:
    return {u["unit"]: u for u in rep["units"]}


def test_september_as_it_stood(lived, monkeypatch, capsys):
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--month", "2026-09")
    cal = Ledger(lived, None, print).calendar
    assert rep["schema_version"] == 1
    assert rep["period"] == {"start": "2026-09-01", "end": "2026-09-30"}
    assert rep["as_of"] == "2026-09-30"
    assert rep["source"].startswith("git:")
    assert rep["totals"] == {
        "tasks": 4, "new": 4, "reported_done": 1, "closed": 1, "open": 3, "awaiting_verification": 0,
        "overdue": 1, "suspended": 0, "cancelled": 0, "extended": 1, "urged": 1, "urges": 1,
        "due": 2, "done_on_time": 1, "done_late": 0, "progressed": 0, "progress": 0,
    }
    u = units(rep)
    assert u["市住建局"] == {"unit": "市住建局", "held": 2, "due": 1, "due_suspended": 0, "done_on_time": 1,
                             "done_late": 0, "overdue": 0, "urges": 0, "on_time_rate": 1.0}
    assert u["市生态环境局"]["on_time_rate"] == 0.0 and u["市生态环境局"]["overdue"] == 1
    assert u["市交通运输局"]["due"] == 0 and u["市交通运输局"]["on_time_rate"] is None  # extended out of Sept
    [late] = rep["overdue"]
    assert late["id"] == "2026-0002"
    assert late["overdue_workdays"] == cal.count_workdays(D(2026, 9, 20), D(2026, 9, 30)) == 7  # 9-25 is 中秋
    assert (late["reminders"], late["supervisions"], late["last_urge"]) == (1, 0, "2026-09-22")
    assert rep["extensions"] == [{"id": "2026-0004", "title": "优化公交线路", "lead_unit": "市交通运输局",
                                  "on": "2026-09-14", "old_due": "2026-09-30", "new_due": "2026-10-15",
                                  "reason": "需与公交集团协调", "late": False, "approved_by": ""}]
    assert [r["unit"] for r in rep["ranking"]] == ["市住建局", "市生态环境局", "市交通运输局"]


def test_october(lived, monkeypatch, capsys):
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--month", "2026-10")
    assert rep["as_of"] == "2026-10-31"
    t = rep["totals"]
    assert (t["tasks"], t["new"], t["reported_done"], t["closed"]) == (5, 1, 3, 0)
    assert (t["open"], t["awaiting_verification"], t["overdue"]) == (1, 3, 1)  # E is reopened only in Nov
    assert (t["extended"], t["urged"], t["due"], t["done_on_time"], t["done_late"]) == (0, 1, 3, 1, 2)
    u = units(rep)
    assert (u["市住建局"]["held"], u["市住建局"]["due"], u["市住建局"]["overdue"], u["市住建局"]["on_time_rate"]) \
        == (1, 1, 1, 0.0)  # A was closed in September
    assert (u["市生态环境局"]["held"], u["市生态环境局"]["done_on_time"], u["市生态环境局"]["done_late"]) == (2, 1, 1)
    assert u["市交通运输局"]["done_late"] == 1 and u["市交通运输局"]["on_time_rate"] == 0.0
    [late] = rep["overdue"]
    assert late["id"] == "2026-0003" and late["supervisions"] == 1 and late["overdue_workdays"] == 8


def test_past_month_is_reproducible(lived, monkeypatch, capsys):
    later = report_json(monkeypatch, capsys, "2026-12-15", "--month", "2026-09")
    earlier = report_json(monkeypatch, capsys, "2026-10-02", "--month", "2026-09")
    assert later == earlier
    # Today's files say something else: B is closed now.
    now = report_json(monkeypatch, capsys, "2026-11-10")
    assert now["source"] == "files" and now["totals"]["closed"] == 1


def test_as_of_a_day_inside_the_month(lived, monkeypatch, capsys):
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--as-of", "2026-09-22")
    assert rep["period"]["start"] == "2026-09-01" and rep["as_of"] == "2026-09-22"
    assert rep["totals"]["closed"] == 0 and rep["totals"]["urged"] == 1  # closed on the 25th


def test_no_ranking_and_markdown(lived, monkeypatch, capsys, tmp_path):
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--month", "2026-09", "--no-ranking")
    assert rep["ranking"] is None
    text = run(monkeypatch, capsys, None, "report", "monthly", "--month", "2026-09")
    assert text.startswith("# 某市人民政府督查室 2026年9月督查通报")
    assert "| 2026-0002 | 整治黑臭水体 | 市生态环境局 | 2026-09-20 | 7 | 1 | 0 | 2026-09-22 |" in text
    assert "████████████████████ 100.0%" in text and "单位排名" in text
    out = tmp_path / "sep.md"
    run(monkeypatch, capsys, None, "report", "monthly", "--month", "2026-09", "--no-ranking", "-o", str(out))
    assert "单位排名" not in out.read_text(encoding="utf-8")
    assert "\x1b[" not in out.read_text(encoding="utf-8")


def test_xlsx_report_reads_back(lived, monkeypatch, capsys, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "oct.xlsx"
    run(monkeypatch, capsys, "2026-11-10", "report", "monthly", "--month", "2026-10", "--format", "xlsx",
        "-o", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "单位统计", "逾期清单", "单位排名", "全部事项"]
    ws = wb["单位统计"]
    assert [c.value for c in ws[1]] == ["单位", "承办事项", "本期到期", "按期办结", "逾期办结", "当前逾期", "按期办结率"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 20
    assert len(ws._charts) == 1 and ws._charts[0].tagname == "barChart"
    assert ws["G2"].number_format == "0.0%"
    tasks = wb["全部事项"]
    assert tasks.freeze_panes == "A2"
    rows = {r[0].value: r for r in tasks.iter_rows(min_row=2)}
    assert set(rows) == {f"2026-000{i}" for i in range(1, 6)}
    assert rows["2026-0003"][3].value == "红灯" and rows["2026-0003"][3].fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["逾期清单"]["A2"].value == "2026-0003"
    # The overdue list's deadline and last urge are real dates, as in 全部事项, so Excel sorts them.
    overdue = wb["逾期清单"]
    assert isinstance(overdue["D2"].value, dt.datetime) and overdue["D2"].number_format == "yyyy-mm-dd"
    assert overdue["D2"].value.date().isoformat() == rows["2026-0003"][12].value.date().isoformat()
    assert isinstance(rows["2026-0003"][11].value, dt.datetime)
    assert wb["汇总"]["A1"].value == "某市人民政府督查室 2026年10月督查通报"
    sep = tmp_path / "sep.xlsx"
    run(monkeypatch, capsys, "2026-10-10", "report", "monthly", "--month", "2026-09", "--format", "xlsx",
        "-o", str(sep))
    ext = load_workbook(sep)["延期事项"]
    assert [ext.cell(2, c).value.date().isoformat() for c in (4, 5, 6)] == ["2026-09-14", "2026-09-30", "2026-10-15"]
    assert ext.cell(2, 4).number_format == "yyyy-mm-dd"


def test_docx_bulletin_reads_back(lived, monkeypatch, capsys, tmp_path):
    docx = pytest.importorskip("docx")
    out = tmp_path / "oct.docx"
    said = run(monkeypatch, capsys, "2026-11-10", "report", "monthly", "--month", "2026-10", "--format", "docx",
               "-o", str(out))
    assert f"已生成：{out}" in said
    doc = docx.Document(str(out))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "某市人民政府督查室" and text[1] == "2026年10月督查通报"  # 版头, then the title
    assert "统计期间：2026-10-01 至 2026-10-31" in text[2]
    assert ["一、总体情况", "二、各单位办理情况", "三、逾期事项", "四、延期事项", "五、单位排名（按按期办结率）"] \
        == [t for t in text if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
    units = doc.tables[1]
    assert [c.text for c in units.rows[0].cells] == ["单位", "承办事项", "本期到期", "按期办结", "逾期办结", "当前逾期", "按期办结率"]
    overdue = doc.tables[2]
    assert overdue.rows[1].cells[0].text == "2026-0003"
    assert text[-1].endswith("2026年11月10日")  # 成文日期: the day it was issued (today), not the month end
    # the same data as the JSON report
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--month", "2026-10")
    assert len(units.rows) == len(rep["units"]) + 1


def test_xlsx_converts_to_pdf(lived, monkeypatch, capsys, tmp_path):
    # Not skipped when missing: .ci/run installs LibreOffice and poppler-utils (as root).
    assert shutil.which("soffice") and shutil.which("pdftotext"), "需要 libreoffice-calc-nogui 和 poppler-utils"
    out = tmp_path / "oct.xlsx"
    run(monkeypatch, capsys, "2026-11-10", "report", "monthly", "--month", "2026-10", "--format", "xlsx",
        "-o", str(out))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=120)
    assert (tmp_path / "oct.pdf").stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(tmp_path / "oct.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "按期办结率" in text  # the sheets' Chinese text is in the PDF


def test_weekly_and_unit(lived, monkeypatch, capsys):
    week = json.loads(run(monkeypatch, capsys, "2026-10-28", "report", "weekly", "--format", "json"))
    assert week["period"] == {"start": "2026-10-26", "end": "2026-11-01"} and week["kind"] == "weekly"
    assert week["totals"]["reported_done"] == 2
    unit = json.loads(run(monkeypatch, capsys, "2026-11-10", "report", "unit", "市住建局", "--format", "json"))
    assert [u["unit"] for u in unit["units"]] == ["市住建局"]
    text = run(monkeypatch, capsys, None, "report", "unit", "市住建局")
    assert "2026-0001" in text and "2026-0003" in text and "2026-0002" not in text


def test_report_refusals(lived, monkeypatch, capsys):
    monkeypatch.setenv("TAIZHANG_TODAY", "2026-11-10")
    assert cli.main(["report", "monthly", "--month", "2026-13"]) == 2
    assert cli.main(["report", "monthly", "--month", "2027-01"]) == 2
    assert cli.main(["report", "unit", "不存在的局"]) == 2
    assert "月份格式不对" in capsys.readouterr().err


def test_month_before_the_ledger_existed(lived, monkeypatch, capsys):
    rep = report_json(monkeypatch, capsys, "2026-11-10", "--month", "2026-08")
    assert rep["totals"]["tasks"] == 0 and rep["units"] == []


def test_report_on_a_ledger_with_no_tasks(ledger_dir, monkeypatch, capsys):
    rep = report_json(monkeypatch, capsys, None)
    assert rep["totals"]["tasks"] == 0 and rep["overdue"] == []


def test_report_through_the_installed_command(lived, tmp_path):
    import os

    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parent), "TAIZHANG_TODAY": "2026-11-10"}
    proc = subprocess.run([*console_script(), "report", "monthly", "--month", "2026-09"],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "| 市住建局 | 2 | 1 | 1 | 0 | 0 | 100.0% |" in proc.stdout
