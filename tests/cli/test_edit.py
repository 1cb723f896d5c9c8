"""`taizhang edit` corrects a task in one audited commit; cancel, progress and urge take several IDs."""

from __future__ import annotations

from ledger.domain.actions import RULES
from ledger.files import codec


def _task(root, tid: str) -> dict:
    return codec.load_yaml((root / "tasks" / tid[:4] / f"{tid}.yaml").read_bytes())


def test_edit_rewrites_the_fields_in_one_commit_with_old_and_new_values(ledger, run, h):
    tid = h.add("推进老旧小区改照", "--leader", "张建国", "--tag", "民生")
    before = h.commit_count(ledger)
    res = run("edit", tid, "--title", "推进老旧小区改造", "--unit", "市财政局、市民政局", "--tag", "城市更新",
              "--leader", "", "--reason", "名称笔误，补列责任单位")
    assert res.last_line == f"已修改 {tid}"
    assert h.commit_count(ledger) == before + 1
    body = h.git(ledger, "log", "-1", "--format=%B")
    assert body.splitlines()[0] == f"修改 {tid} 推进老旧小区改造：名称、责任单位、牵头领导、标签"
    for line in ("名称（title）：推进老旧小区改照 → 推进老旧小区改造", "责任单位（units）：（无） → 市财政局、市民政局",
                 "牵头领导（leader）：张建国 → （无）", "标签（tags）：民生 → 城市更新", "原因：名称笔误，补列责任单位",
                 "Taizhang-Action: edit", f"Taizhang-Task: {tid}"):
        assert line in body.splitlines(), line
    task = _task(ledger, tid)
    assert (task["title"], task["units"], task["tags"], task.get("leader")) == (
        "推进老旧小区改造", ["市财政局", "市民政局"], ["城市更新"], "")
    run("check", "--strict")
    assert run("audit", "--strict", "--format", "json").json() == []
    review = run("review", "--since", "2026-11-01", "--format", "json").json()
    assert review["hand_edit"] == []


def test_the_same_change_by_hand_is_still_a_hand_edit(ledger, run, h):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("推进老旧小区改造", "另一个名称"), encoding="utf-8")
    h.git(ledger, "commit", "-qam", "改名")
    assert [r["task"] for r in run("review", "--since", "2026-11-01", "--format", "json").json()["hand_edit"]] == [tid]
    assert "edit" in RULES


def test_edit_moves_the_lead_unit_out_of_the_units(ledger, run, h):
    tid = h.add("甲", "--unit", "市财政局")
    run("edit", tid, "--lead-unit", "市财政局", "--reason", "牵头单位调整")
    task = _task(ledger, tid)
    assert (task["lead_unit"], task.get("units")) == ("市财政局", [])


def test_edit_parent_sets_and_clears_the_breakdown(ledger, run, h, refuse):
    top = h.add("总任务", "--within", "30wd")
    kid = h.add("子任务")
    run("edit", kid, "--parent", top, "--reason", "补记分解关系")
    assert _task(ledger, kid)["parent"] == top
    res = refuse(ledger, "edit", top, "--parent", kid, "--reason", "误操作")
    assert "下级事项" in res.err
    refuse(ledger, "edit", top, "--parent", top, "--reason", "误操作")
    run("edit", kid, "--parent", "", "--reason", "不再分解")
    assert "parent" not in _task(ledger, kid)


def test_edit_refusals_change_nothing(ledger, run, h, refuse):
    tid = h.add()
    assert "没有需要修改的内容" in refuse(ledger, "edit", tid, "--reason", "无").err
    assert "没有需要修改的内容" in refuse(ledger, "edit", tid, "--title", "推进老旧小区改造", "--reason", "同名").err
    assert "修改原因不能为空" in refuse(ledger, "edit", tid, "--title", "新", "--reason", " ").err
    refuse(ledger, "edit", tid, "--title", "", "--reason", "清空")
    refuse(ledger, "edit", "99", "--title", "新", "--reason", "无此事项")
    refuse(ledger, "edit", tid, "--title", "新", code=2)  # --reason is required


def test_edit_through_the_installed_script(ledger, sh, h):
    tid = h.add()
    res = sh("edit", tid, "--ref", "市政府常务会议纪要〔2026〕5号", "--reason", "补录文号")
    assert res.out.splitlines() == ["文号（ref）：（无） → 市政府常务会议纪要〔2026〕5号", f"已修改 {tid}"]


# -- several IDs ------------------------------------------------------------------------
def test_cancel_several_in_one_commit(ledger, run, h):
    a, b = h.add("甲"), h.add("乙")
    before = h.commit_count(ledger)
    res = run("cancel", a, b, "--reason", "已合并办理")
    assert res.out.splitlines() == [f"{a} 已撤销", f"{b} 已撤销"]
    assert h.commit_count(ledger) == before + 1
    body = h.git(ledger, "log", "-1", "--format=%B")
    assert body.startswith(f"撤销 2 项：{a}、{b}\n")
    assert f"Taizhang-Task: {a}\nTaizhang-Task: {b}" in body
    assert {_task(ledger, t)["status"] for t in (a, b)} == {"cancelled"}
    assert run("audit", "--strict", "--format", "json").json() == []


def test_several_ids_are_all_checked_before_anything_is_written(ledger, run, h, refuse):
    a, b = h.add("甲"), h.add("乙")
    run("cancel", b, "--reason", "重复交办")
    refuse(ledger, "cancel", a, b, "--reason", "再撤一次")
    refuse(ledger, "cancel", a, "99", "--reason", "无此事项")
    refuse(ledger, "progress", a, b, "已推进")
    refuse(ledger, "urge", a, b, "-q")


def test_progress_for_several_tasks_in_one_commit(ledger, run, h):
    a, b = h.add("甲"), h.add("乙")
    before = h.commit_count(ledger)
    res = run("progress", a, b, "已召开联席会议")
    assert res.out.splitlines() == [f"已记录 {a} 的进展（共 1 条）", f"已记录 {b} 的进展（共 1 条）"]
    assert h.commit_count(ledger) == before + 1
    assert [_task(ledger, t)["progress"][0]["text"] for t in (a, b)] == ["已召开联席会议"] * 2


def test_urge_several_tasks_numbers_them_in_order_in_one_commit(ledger, run, h):
    a, b = h.add("甲"), h.add("乙")
    before = h.commit_count(ledger)
    res = run("urge", a, b, "-q")
    assert res.out.splitlines() == [f"已对 {a} 催办：催〔2026〕1号", f"已对 {b} 催办：催〔2026〕2号"]
    assert h.commit_count(ledger) == before + 1
    assert h.git(ledger, "log", "-1", "--format=%s").strip() == "催办 2 项（催〔2026〕1号—催〔2026〕2号）"
