"""Reports through the units directory, 约谈 twice and written coordination reports."""

from __future__ import annotations

import os
import subprocess

from openpyxl import load_workbook

from tests.support.gitkit import git
from tests.support.runner import add

DIRECTORY = "units:\n  市住房和城乡建设局:\n    - 市住建局\n  市财政局: []\n"


def with_directory(ledger):
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("units: {}\n", DIRECTORY), encoding="utf-8")
    git(ledger, "commit", "-qam", "单位名录")


def test_reports_fold_alias_written_files_into_the_canonical_unit(ledger, run):
    with_directory(ledger)
    a = add(run, "甲", "--lead-unit", "市住建局", "--on", "2026-11-02", "--due", "2026-11-10")
    b = add(run, "乙", "--lead-unit", "市财政局", "--unit", "市住房和城乡建设局", "--on", "2026-11-02",
            "--due", "2026-11-30")
    # a clerk edits b by hand and writes the alias
    path = ledger / "tasks" / "2026" / f"{b}.yaml"
    text = path.read_text(encoding="utf-8").replace("lead_unit: 市财政局", "lead_unit: 市住建局")
    path.write_text(text, encoding="utf-8")
    # dated like taizhang's own commits, so that the report's as-of snapshot includes it
    when = "2026-11-20T12:00:00+08:00"
    subprocess.run(["git", "-C", str(ledger), "commit", "-qam", "手工修改"], check=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    rep = run("report", "monthly", "--month", "2026-11", "--format", "json").json()
    units = {u["unit"]: u for u in rep["units"]}
    assert set(units) == {"市住房和城乡建设局"}
    assert units["市住房和城乡建设局"]["held"] == 2 and units["市住房和城乡建设局"]["overdue"] == 1
    assert rep["overdue"][0]["id"] == a and rep["overdue"][0]["lead_unit"] == "市住房和城乡建设局"
    # list --unit too finds the alias-written file under either name
    for name in ("市住建局", "市住房和城乡建设局"):
        assert sorted(t["id"] for t in run("list", "--unit", name, "--format", "json").json()) == [a, b]
    # report unit takes the alias or the full name
    for name in ("市住建局", "市住房和城乡建设局"):
        one = run("report", "unit", name, "--format", "json").json()
        assert one["unit"] == "市住房和城乡建设局" and one["units"][0]["held"] == 2


def test_monthly_report_flags_interviews_and_written_reports(ledger, run, tmp_path):
    a = add(run, "甲", "--lead-unit", "市交通运输局", "--on", "2026-01-05", "--due", "2026-12-31")
    b = add(run, "乙", "--lead-unit", "市水务局", "--on", "2026-01-05", "--due", "2026-12-31")
    run("interview", a, "--person", "赵副局长", "--on", "2026-03-01")
    run("interview", b, "--person", "赵副局长", "--on", "2026-11-03")
    run("interview", b, "--person", "钱副局长", "--on", "2026-11-04")
    run("escalate", a, "--to", "office", "--note", "办公室协调未果", "--on", "2026-11-05")
    run("escalate", a, "--to", "deputy", "--note", "分管领导协调未果", "--on", "2026-11-10")
    rep = run("report", "monthly", "--format", "json").json()
    assert rep["interviewed_twice"] == [{
        "person": "赵副局长", "year": 2026, "count": 2,
        "interviews": [{"on": "2026-03-01", "id": a, "lead_unit": "市交通运输局"},
                       {"on": "2026-11-03", "id": b, "lead_unit": "市水务局"}]}]
    assert [(w["id"], w["failed_coordinations"], w["last_coordination"]) for w in rep["written_reports_due"]] \
        == [(a, 2, "2026-11-10")]
    md = run("report", "monthly", "-o", str(tmp_path / "r.md")).out
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert md is not None and "## 一年内两次被约谈（应予通报批评）" in text and "| 赵副局长 | 2026 | 2 |" in text
    assert "## 经两次以上协调仍未解决（须书面报告协调情况）" in text and f"| {a} | 甲 | 市交通运输局 | 2 |" in text
    assert "通报批评" in run("report", "monthly").out  # the terminal form too
    run("report", "monthly", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb["约谈两次"]["A2"].value == "赵副局长" and wb["约谈两次"]["C2"].value == 2
    assert wb["须书面报告"]["A2"].value == a
    try:
        import docx
    except ImportError:  # the optional `docx` extra
        docx = None
    if docx is not None:
        run("report", "monthly", "--format", "docx", "-o", str(tmp_path / "r.docx"))
        paras = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
        assert "六、一年内两次被约谈（应予通报批评）" in paras
        assert "七、经两次以上协调仍未解决（须书面报告协调情况）" in paras
    # a unit's report carries only its own tasks' coordination, and the person seen through its tasks
    one = run("report", "unit", "市水务局", "--format", "json").json()
    assert one["written_reports_due"] == [] and one["interviewed_twice"] == []
    # October: the second interview had not happened yet
    octo = run("report", "monthly", "--month", "2026-10", "--format", "json").json()
    assert octo["interviewed_twice"] == [] and octo["written_reports_due"] == []
