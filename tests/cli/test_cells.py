"""No csv or xlsx the tool writes holds a live formula from ledger text, and import reads the text back."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ledger.formats import cells

TITLE = '=HYPERLINK("http://x.example","点我")'
LEAD = "@市住建局"
LEADER = "-李副市长"
DESCRIPTION = "+1 元，见附件"
PROGRESS = "=1+1 已开工"
REASON = "@SUM(A1) 需延期"
RISKY = (TITLE, LEAD, LEADER, DESCRIPTION, PROGRESS, REASON)


@pytest.fixture
def risky(ledger, run, h):
    """One overdue task and one extended task whose every free-text field starts like a formula."""
    first = h.add(TITLE, "--on", "2026-11-02", "--due", "2026-11-10", "--leader", LEADER,
                  "--description", DESCRIPTION, "--new-unit", "--tag", "#REF!")
    run("progress", first, PROGRESS, "--on", "2026-11-05")
    second = run("add", "--lead-unit", LEAD, "--new-unit", "--on", "2026-11-02", "--within", "30wd",
                 "--report", "weekly:1wd", "--", "-推进口袋公园建设").last_line
    run("extend", second, "--to", "2027-01-29", "--reason", REASON)
    return ledger


def _all_cells(path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_no_formula(path, must_hold=RISKY):
    seen = set()
    for cell in _all_cells(path):
        assert cell.data_type != "f", f"{path.name} {cell.parent.title}!{cell.coordinate} = {cell.value!r}"
        if isinstance(cell.value, str):
            seen.update(t for t in must_hold if t in cell.value)
    # The texts did reach the workbook (as text), so the loop above looked at them.
    assert seen == set(must_hold), set(must_hold) - seen


def test_safe_text_escapes_exactly_what_a_spreadsheet_evaluates():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''+1"):
        assert cells.safe_text(text) == "'" + text
        assert cells.unescape_csv(cells.safe_text(text)) == text
    for text in ("普通事项", "1-2", "a=b", "'引号开头", "", "'"):
        assert cells.safe_text(text) == text
        assert cells.unescape_csv(text) == text
    assert cells.safe_text(-3) == -3 and cells.safe_text(None) is None
    assert cells.unescape_csv("'=x") == "=x" and cells.unescape_csv("'x") == "'x"


def test_export_xlsx_holds_text_not_formulas(risky, run, tmp_path):
    out = tmp_path / "导出.xlsx"
    run("export", "--format", "xlsx", "-o", out)
    _assert_no_formula(out, (TITLE, LEAD, LEADER, DESCRIPTION, PROGRESS))
    ws = load_workbook(out).active
    titles = [c.value for c in ws["B"]]
    assert TITLE in titles and "-推进口袋公园建设" in titles
    tags = [c for c in ws["N"] if c.value == "#REF!"]
    assert tags and all(c.data_type == "s" for c in tags)  # not Excel's #REF! error either


@pytest.mark.parametrize("kind, texts", [
    (("monthly",), RISKY), (("weekly",), (TITLE, LEAD, LEADER, DESCRIPTION, PROGRESS)),
    (("unit", LEAD), (LEAD, "-推进口袋公园建设")),  # the unit's own task only
])
def test_report_xlsx_holds_text_not_formulas(risky, sh, tmp_path, kind, texts):
    out = tmp_path / f"{kind[0]}.xlsx"
    sh("report", *kind, "--format", "xlsx", "-o", out, cwd=risky)
    wb = load_workbook(out)
    assert "全部事项" in wb.sheetnames
    if kind[0] == "monthly":
        assert "逾期清单" in wb.sheetnames and "延期事项" in wb.sheetnames
    _assert_no_formula(out, texts)


def _csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


@pytest.mark.parametrize("argv", [("export", "--format", "csv"), ("list", "--all", "--format", "csv"),
                                  ("overdue", "--format", "csv"), ("due-reports", "--format", "csv")])
def test_every_csv_escapes_formula_cells(risky, sh, argv):
    out = sh(*argv, cwd=risky).out
    got = _csv_cells(out)
    assert got, out
    for c in got:
        assert not c.startswith(cells.RISKY_START), f"{' '.join(argv)}: {c!r}"
    # The ledger's own risky texts are there, escaped.
    assert "'" + TITLE in got or "'-推进口袋公园建设" in got


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_back_the_original_text(risky, run, tmp_path, fmt):
    out = tmp_path / f"导出.{fmt}"
    run("export", "--format", fmt, "-o", out)
    if fmt == "csv":
        assert "'" + TITLE.replace('"', '""') in out.read_text(encoding="utf-8-sig")
    run("import", out)
    rows = run("list", "--all", "--format", "json").json()
    by_title: dict[str, list[dict]] = {}
    for r in rows:
        by_title.setdefault(r["title"], []).append(r)
    assert len(by_title[TITLE]) == 2 and len(by_title["-推进口袋公园建设"]) == 2
    imported = max(by_title[TITLE], key=lambda r: r["id"])
    assert imported["lead_unit"] == "市住建局" and imported["leader"] == LEADER
    assert imported["tags"] == ["#REF!"]
    shown = run("show", imported["id"], "--format", "json").json()
    assert shown["description"] == DESCRIPTION
    # the export carries no date for the progress line, so import marks it undated; the text itself is exact
    assert [p["text"] for p in shown["progress"]] == ["〔导入：原表未注日期〕" + PROGRESS]
    assert max(by_title["-推进口袋公园建设"], key=lambda r: r["id"])["lead_unit"] == LEAD
