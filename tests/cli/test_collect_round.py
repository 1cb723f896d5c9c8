"""A whole round in an office of 20 units: out, filled (one re-saved by LibreOffice), in, status, the bulletin."""

from __future__ import annotations

import datetime as dt

import openpyxl

from tests.support.collectkit import MAIN, fill, move_column, resave

UNITS = ("市发展改革委", "市教育局", "市科技局", "市工业和信息化局", "市公安局", "市民政局", "市司法局", "市财政局",
         "市人力资源社会保障局", "市自然资源局", "市生态环境局", "市住建局", "市交通运输局", "市水利局", "市农业农村局",
         "市商务局", "市文化广电旅游局", "市卫生健康委", "市应急管理局", "市市场监管局")
MISSING = ("市水利局", "市商务局", "市应急管理局")
RESAVED = "市教育局"


def _ledger_of_20_units(run, tmp_path) -> None:
    lines = ["事项,牵头单位,责任单位,办结时限"]
    for i, unit in enumerate(UNITS):
        partner = UNITS[(i + 1) % len(UNITS)]
        lines.append(f"{unit}重点工作一,{unit},{partner},2026-12-31")
        lines.append(f"{unit}重点工作二,{unit},,2027-03-31")
    csv = tmp_path / "台账.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", str(csv), "--assigned-on", "2026-10-09", today="2026-10-09")


def _tasks(book) -> dict[str, str]:
    """Each task of the workbook by what it is to the unit: 配合, or the title's 一/二 for the two it leads."""
    ws = openpyxl.load_workbook(book)[MAIN]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    return {("配合" if r[2] == "配合" else r[1][-1]): r[0] for r in rows if r[0]}


def test_a_round_of_twenty_units(ledger, run, sh, tmp_path, h):
    _ledger_of_20_units(run, tmp_path)
    out = tmp_path / "11月报送表"
    run("collect", "out", "-o", str(out), today="2026-11-20")
    books = {u: out / f"2026-11_{u}.xlsx" for u in UNITS}
    assert sorted(p.name for p in out.iterdir()) == sorted(b.name for b in books.values())
    assert all(len(_tasks(b)) == 3 for b in books.values())  # two led, one as co-unit

    progress = done = requests = 0
    for unit, book in books.items():
        if unit in MISSING:
            continue
        ids = _tasks(book)
        answers = {ids["配合"]: {"本期进展": f"{unit}：已完成配合工作的 80%", "存在问题": "无"}}
        progress += 1
        if unit != "市住建局":  # 市住建局 leaves the rows of the two tasks it leads empty
            answers[ids["二"]] = {"本期进展": "已办结", "申请办结": "是"}
            answers[ids["一"]] = {"申请延期至": dt.datetime(2027, 6, 30), "延期理由": "需跨年实施"}
            progress, done, requests = progress + 1, done + 1, requests + 1
        if unit == RESAVED:
            fill(book, answers, lambda ws, head, cols: (move_column(ws, head, cols, "延期理由", 7),
                                                        ws.insert_rows(head + 2)))
            resave(book, tmp_path)
        else:
            fill(book, answers)
    returned = [books[u] for u in UNITS if u not in MISSING]

    # One bad workbook among them: nothing at all is recorded.
    bad = tmp_path / "改坏的.xlsx"
    wb = openpyxl.load_workbook(books["市财政局"])
    wb[MAIN].cell(3, 4).value = "2030-01-01"  # a locked deadline typed over
    wb.save(bad)
    before = h.snapshot(ledger)
    res = sh("collect", "in", *returned[:5], bad, code=2, today="2026-11-25", cwd=ledger)
    assert "改坏的.xlsx：工作表“进展报送”第 3 行：锁定的“办结时限”列被改动" in res.err
    assert h.snapshot(ledger) == before

    commits = h.commit_count(ledger)
    res = sh("collect", "in", *returned, today="2026-11-25", cwd=ledger)
    assert res.out.count("已收回 2026-11 轮") == len(returned)
    assert h.commit_count(ledger) == commits + len(returned)  # one commit per workbook

    st = run("collect", "status", "--format", "json", today="2026-11-26").json()
    assert sorted(st["missing"]) == sorted(MISSING)
    assert len(st["returned"]) == len(returned)
    assert [e["unit"] for e in st["empty_rows"]] == ["市住建局", "市住建局"]
    text = run("collect", "status", today="2026-11-26").out
    assert f"应报未报 {len(MISSING)} 个" in text

    rep = run("report", "monthly", "--month", "2026-11", "--format", "json", today="2026-11-30").json()
    assert rep["totals"]["progress"] == progress
    assert rep["totals"]["reported_done"] == done
    pending = [t for t in run("list", "--format", "json", today="2026-11-30").json() if t.get("extension_requests")]
    assert len(pending) == requests
    assert run("audit", "--strict", "--format", "json").json() == []
