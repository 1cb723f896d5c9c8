"""One judgement per ledger: every reader lights a task the same way under the ledger's own settings."""

from __future__ import annotations

import openpyxl

from ledger.domain.model import LIGHT_LABELS
from tests.support.gitkit import git
from tests.support.runner import add


def test_list_show_and_reports_agree_on_lights_under_a_stricter_lag_setting(ledger, run, tmp_path):
    # 2026-11-02 .. 12-31 is 43 workdays; by 11-20 14 have passed: 序时进度 33%.
    behind = add(run, "落后两成", "--on", "2026-11-02", "--due", "2026-12-31", today="2026-11-20")
    run("progress", behind, "推进中", "--percent", "30", today="2026-11-20")
    on_pace = add(run, "按序时", "--on", "2026-11-02", "--due", "2026-12-31", today="2026-11-20")
    run("progress", on_pace, "推进中", "--percent", "40", today="2026-11-20")
    # 3 points behind is green by default (20 allowed) and yellow once the ledger allows only 2.
    assert run("show", behind, "--format", "json", today="2026-11-20").json()["light"] == "green"
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "progress_lag_points: 2\n", encoding="utf-8")
    git(ledger, "commit", "-qam", "stricter lag")

    want = {behind: "yellow", on_pace: "green"}
    listed = {t["id"]: t["light"] for t in run("list", "--format", "json", today="2026-11-20").json()}
    shown = {tid: run("show", tid, "--format", "json", today="2026-11-20").json()["light"] for tid in want}
    assert listed == shown == want
    # The unit bulletin lists each task with its light: the same lights, in Chinese.
    bulletin = run("report", "unit", "市住建局", "--format", "md", today="2026-11-20").out
    rows = {line.split("|")[1].strip(): line for line in bulletin.splitlines() if line.startswith("| 2026-")}
    assert "黄" in rows[behind] and "绿" in rows[on_pace]
    # The monthly bulletin's workbook lists every task with its light (全部事项).
    book = tmp_path / "通报.xlsx"
    run("report", "monthly", "--month", "2026-11", "--format", "xlsx", "-o", str(book), today="2026-11-20")
    sheet = openpyxl.load_workbook(book)["全部事项"]
    header = [c.value for c in sheet[1]]
    lights = {r[0]: r[header.index("预警")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert lights == {behind: LIGHT_LABELS["yellow"], on_pace: LIGHT_LABELS["green"]}
