"""A forged trailer cannot hide an edit: every real command's commit passes its action's rules, forgeries do not."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from ledger.domain.actions import RULES, action_problems, undo_problems
from ledger.files import codec
from ledger.services import trail
from ledger.services.context import Env
from tests.support.clerkkit import Clerk


def _every_command(run, h, ledger: Path, tmp_path: Path) -> None:
    """Each command that writes a task file, in the order an office would use them."""
    a = run("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--on", "2026-11-02", "--within", "30wd",
            "--contact", "王五", "--milestone", "2026-11-10:完成方案").last_line
    run("progress", a, "已完成立项", "--percent", "30")
    run("edit", a, "--title", "推进城镇老旧小区改造", "--unit", "市财政局", "--tag", "城市更新", "--reason", "名称笔误")
    run("milestone", "add", a, "2026-11-12:完成招标")
    run("milestone", "done", a, "1")
    run("urge", a, "-q")
    run("urge", a, "--level", "supervise", "-q")
    run("escalate", a, "--to", "office", "--note", "协调资金")
    run("notice", a, "--within", "10wd")
    run("interview", a, "--person", "李四")
    run("extend", a, "--by", "5wd", "--reason", "资金未到位")
    run("report-difficulty", a, "资金缺口大")
    run("answer", a, "continue")
    run("report-difficulty", a, "仍有缺口")
    run("answer", a, "redirect", "--to", "2026-12-31", "--note", "分两期")
    run("report-difficulty", a, "无法开工")
    run("answer", a, "suspend", "--note", "等待批复")
    run("resume", a)
    run("suspend", a, "--reason", "汛期")
    run("resume", a, "--to", "2026-12-30")
    run("done", a, "--note", "已完成")
    run("close", a, "--verified-by", "赵六")
    run("reopen", a, "--reason", "材料不全")
    run("done", a)
    run("close", a, "--verified-by", "赵六", "--method", "document")
    b = run("add", "清理拖欠账款", "--lead-unit", "市财政局", "--on", "2026-11-02", "--due", "2026-11-10").last_line
    run("urge", "--overdue", "-q")
    run("extend", b, "--to", "2026-12-01", "--reason", "补报", "--late", "--approved-by", "陈副市长")
    c = run("add", "撤销的事项", "--lead-unit", "市教育局", "--within", "5wd").last_line
    run("cancel", c, "--reason", "已合并")
    run("add", "跨年事项", "--lead-unit", "市住建局", "--within", "40wd")  # lands in 2027: provisional
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\nworkdays: []\n", encoding="utf-8")
    h.git(ledger, "add", "--", "calendar/2027.yaml")
    h.git(ledger, "commit", "-q", "-m", "录入 2027 年节假日安排")
    run("calendar", "--recompute")
    run("add", "两年事项", "--lead-unit", "市住建局", "--within", "320wd")  # lands in 2028
    (ledger / "calendar" / "2028.yaml").write_text("holidays:\n  - 2028-01-03\nworkdays: []\n", encoding="utf-8")
    run("calendar", "--recompute")  # commits the hand-typed calendar file with the deadlines (calendar)
    csv = tmp_path / "导入.csv"
    csv.write_text("事项,牵头单位,办结时限\n落实常务会议定事项,市教育局,2026-12-31\n", encoding="utf-8")
    run("import", str(csv))
    run("request-extension", b, "--to", "2027-03-31", "--reason", "冬季停工")
    _collect_round(run, tmp_path, b)
    run("progress", b, "将被撤回的进展")
    run("undo")


def _collect_round(run, tmp_path: Path, task_id: str) -> None:
    """A unit's workbook out and back: progress, a done report and an extension request in one commit."""
    from tests.support.collectkit import fill

    out = tmp_path / "报送表"
    run("collect", "out", "-o", str(out))
    d = run("add", "报送办结的事项", "--lead-unit", "市财政局", "--within", "20wd").last_line
    for book in out.iterdir():
        fill(book, {task_id: {"本期进展": "已补报材料", "申请延期至": "2027-06-30", "延期理由": "等待审批"}})
    run("collect", "in", *map(str, out.iterdir()))
    out2 = tmp_path / "报送表2"
    run("collect", "out", "-o", str(out2), "--unit", "市财政局", "--as-of", "2026-12-01", today="2026-12-01")
    fill(out2 / "2026-12_市财政局.xlsx", {d: {"本期进展": "已办完", "申请办结": "是"}})
    run("collect", "in", str(out2 / "2026-12_市财政局.xlsx"), today="2026-12-01")


def test_every_real_commands_commit_passes_its_actions_rules(ledger, run, h, tmp_path):
    _every_command(run, h, ledger, tmp_path)
    history = trail.entries(Env(ledger_path=str(ledger)))
    seen = {e.action for e in history}
    assert seen >= set(RULES) | {"add", "import", "undo"}, set(RULES) - seen
    for e in history:
        if e.action in (None, "undo"):
            continue
        for c in e.changes:
            assert action_problems(e.action, c.old if c.status != "A" else None, c.new) == [], (e.subject, c.path)
    assert run("audit", "--strict", "--format", "json").json() == []


# -- forged changes, judged on a real task file ------------------------------------------------
@pytest.fixture
def task(ledger, run) -> dict:
    a = run("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--on", "2026-11-02", "--within", "30wd").last_line
    run("progress", a, "已完成立项")
    run("urge", a, "-q")
    run("extend", a, "--by", "5wd", "--reason", "资金未到位")
    run("done", a)
    return codec.load_yaml((ledger / f"tasks/2026/{a}.yaml").read_bytes())


def _forge(task: dict, **changes) -> dict:
    new = copy.deepcopy(task)
    for key, value in changes.items():
        new[key] = value
    return new


def test_forged_changes_under_a_progress_trailer_are_named(task):
    assert action_problems("progress", task, _forge(task, progress=task["progress"] + [
        {"on": "2026-11-20", "text": "新进展", "by": "测试员"}])) == []
    moved = action_problems("progress", task, _forge(task, due="2027-03-01"))
    assert any("办结时限（due）" in p for p in moved)
    assert any("催办" in p for p in action_problems("progress", task, _forge(task, urges=[])))
    erased = action_problems("progress", task, _forge(task, deadline_changes=[], due=task["deadline_changes"][0]["old_due"]))
    assert any("时限变更" in p for p in erased) and any("due" in p for p in erased)
    closed = _forge(task, status="closed", verification={"on": "2026-11-20", "verified_by": "无名氏", "method": "onsite"})
    found = action_problems("progress", task, closed)
    assert any("状态" in p for p in found) and any("核验" in p for p in found)
    assert action_problems("close", task, closed) == []
    assert action_problems("close", task, _forge(closed, title="改过的名称"))
    assert action_problems("extend", task, _forge(task, due="2027-03-01"))  # no deadline_changes record
    assert action_problems("undo", task, None) and action_problems("progress", task, None)
    assert action_problems("progress", None, task) and action_problems("add", task, task)
    assert action_problems("no-such-action", task, _forge(task, title="x"))
    assert undo_problems(task, _forge(task, due="2027-03-01"), task, task)


def _hand_commit(c: Clerk, rel: str, text: str | None, message: str) -> None:
    path = c.cwd / rel
    if text is None:
        c.git("rm", "-q", rel)
    else:
        path.write_text(text, encoding="utf-8")
        c.git("add", rel)
    c.git("commit", "-q", "--no-verify", "-F", "-", input=message)


def _kinds(c: Clerk, *args) -> list[dict]:
    return json.loads(c.tz("audit", "--format", "json", *args, code=None).out)


def test_audit_reports_hand_edits_under_forged_trailers(clerk: Clerk):
    tid = clerk.add()
    clerk.tz("urge", tid, "-q")
    rel = f"tasks/2026/{tid}.yaml"
    text = (clerk.cwd / rel).read_text(encoding="utf-8")
    due = next(ln for ln in text.splitlines() if ln.startswith("due: "))
    forged = text.replace(due, "due: 2027-06-30")
    forged = forged[: forged.index("urges:")] + "urges: []\n" + forged[forged.index("events:"):]
    _hand_commit(clerk, rel, forged, f"进展 {tid}\n\nTaizhang-Action: progress\nTaizhang-Task: {tid}\n")
    found = _kinds(clerk)
    assert [f for f in found if f["kind"] == "forged" and "due" in f["message"]]
    assert [f for f in found if f["kind"] == "forged" and "催办" in f["message"]]
    assert clerk.tz("audit", "--strict", code=1)
    review = clerk.tz("review", "--since", "2026-01-01", "--format", "json").json()
    assert any("改动与所记操作不符" in r["detail"] for r in review["hand_edit"])


def test_a_deletion_or_a_forged_undo_is_reported(clerk: Clerk):
    tid = clerk.add()
    clerk.tz("progress", tid, "进展")
    rel = f"tasks/2026/{tid}.yaml"
    sha = clerk.git("rev-parse", "HEAD").stdout.strip()
    text = (clerk.cwd / rel).read_text(encoding="utf-8")
    _hand_commit(clerk, rel, text.replace("status: open", "status: cancelled"),
                 f"撤回\n\nTaizhang-Action: undo\nTaizhang-Reverts: {sha}\n")
    _hand_commit(clerk, rel, None, f"撤回\n\nTaizhang-Action: undo\nTaizhang-Reverts: {sha}\n")
    found = _kinds(clerk)
    assert [f for f in found if f["kind"] == "deleted" and f["path"] == rel]
    assert [f for f in found if f["kind"] == "forged" and "撤回后的文件" in f["message"]]


def test_a_deeply_nested_file_in_the_history_is_one_finding(clerk: Clerk):
    tid = clerk.add()
    bomb = "tasks/2026/2026-0002.yaml"
    (clerk.cwd / "tasks/2026").mkdir(exist_ok=True)
    _hand_commit(clerk, bomb, "title: " + "[" * 500 + "]" * 500 + "\n", "加一个文件")
    clerk.git("rm", "-q", bomb, f"tasks/2026/{tid}.yaml")
    clerk.git("commit", "-q", "--no-verify", "-m", "删除")
    found = _kinds(clerk)
    assert {f["path"] for f in found if f["kind"] == "deleted"} == {bomb, f"tasks/2026/{tid}.yaml"}
    clerk.tz("log")
    clerk.tz("review", "--since", "2026-01-01")


def test_turning_off_signatures_is_reported_and_strict_audit_still_requires_them(clerk: Clerk):
    cfg = clerk.cwd / "taizhang.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text + "require_signed: true\nseparation_of_duties: false\n", encoding="utf-8")
    clerk.git("commit", "-qam", "开启签名")
    cfg.write_text(text + "require_signed: false\nseparation_of_duties: false\n", encoding="utf-8")
    clerk.git("commit", "-qam", "关闭签名")
    clerk.add()
    found = _kinds(clerk)
    settings = [f["message"] for f in found if f["kind"] == "settings"]
    assert any(m.startswith("关闭了要求签名提交") for m in settings)
    assert any(m.startswith("关闭了核验与申请分离") for m in settings)
    assert not [f for f in found if f["kind"] == "unsigned"]
    strict = _kinds(clerk, "--strict")
    assert [f for f in strict if f["kind"] == "unsigned" and "曾设" in f["message"]]


# -- sync against a remote whose history was rewritten -----------------------------------------
def _join(origin: Path, tmp_path: Path, name: str, email: str) -> Clerk:
    c = Clerk(tmp_path / f"home-{email}", tmp_path, name, email)
    c.git("clone", "-q", origin, tmp_path / email)
    c.cwd = tmp_path / email
    return c


def test_sync_refuses_a_rewritten_remote_and_warns_of_deletions(clerk: Clerk, tmp_path):
    tid = clerk.add()
    office = tmp_path / "office.git"
    clerk.git("clone", "-q", "--bare", clerk.cwd, office)
    a = _join(office, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(office, tmp_path, "乙", "yi@example.gov.cn")
    a.tz("progress", tid, "甲的进展")
    a.tz("sync")
    b.tz("sync")
    # 甲 amends the published commit and forces it onto the server.
    a.git("commit", "-q", "--amend", "--no-verify", "-m", "改写过的进展")
    a.git("push", "-q", "-f", "origin", "main")
    b.tz("progress", tid, "乙的进展")
    head = b.git("rev-parse", "HEAD").stdout
    for _ in range(2):  # refused again on the next try: the rewrite is not forgotten
        res = b.tz("sync", code=1)
        assert "历史被改写" in res.err and res.err.count("\n") == 1
        assert b.git("rev-parse", "HEAD").stdout == head

    c = _join(office, tmp_path, "丙", "bing@example.gov.cn")
    c.tz("list")
    a.git("rm", "-q", f"tasks/2026/{tid}.yaml")
    a.git("commit", "-q", "--no-verify", "-m", "删除")
    a.git("push", "-q", "origin", "main")
    res = c.tz("sync")
    assert f"删除了事项文件 tasks/2026/{tid}.yaml" in res.err


def test_sync_runs_check_before_pushing(clerk: Clerk, tmp_path):
    tid = clerk.add()
    office = tmp_path / "office.git"
    clerk.git("clone", "-q", "--bare", clerk.cwd, office)
    a = _join(office, tmp_path, "甲", "jia@example.gov.cn")
    a.tz("list")
    rel = f"tasks/2026/{tid}.yaml"
    path = a.cwd / rel
    path.write_text(path.read_text(encoding="utf-8").replace("status: open", "status: closed"), encoding="utf-8")
    a.git("commit", "-qam", "手工销号", "--no-verify")
    head = a.git("rev-parse", "HEAD").stdout
    res = a.tz("sync", code=1)
    assert "未通过校验，未推送" in res.err and "已销号" in res.err and res.err.count("\n") == 1
    assert a.git("rev-parse", "HEAD").stdout == head
    remote = subprocess.run(["git", "--git-dir", str(office), "show", f"main:{rel}"], capture_output=True, text=True)
    assert "status: open" in remote.stdout
