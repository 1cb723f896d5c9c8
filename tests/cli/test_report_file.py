"""`report … --format xlsx` without -o never leaves a file in the ledger's work tree."""

from __future__ import annotations


def test_report_xlsx_without_output_is_refused_inside_the_ledger(ledger, h, refuse):
    h.add()
    res = refuse(ledger, "report", "monthly", "--month", "2026-11", "--format", "xlsx")
    assert "-o" in res.err
    assert not list(ledger.glob("*.xlsx"))


def test_report_xlsx_without_output_goes_to_the_current_folder_outside(ledger, run, h, tmp_path):
    h.add()
    out = tmp_path / "out"
    out.mkdir()
    res = run("report", "monthly", "--month", "2026-11", "--format", "xlsx", "--ledger", str(ledger), cwd=out)
    assert (out / "督查通报-2026-11.xlsx").is_file(), res.out
    assert h.git(ledger, "status", "--porcelain") == ""


def test_a_new_ledger_ignores_report_files(ledger, h):
    (ledger / "督查通报-2026-11.xlsx").write_bytes(b"x")
    assert h.git(ledger, "status", "--porcelain") == ""
