"""check as bean-check, the pre-commit hook, ledger-wide log, review, audit and undo: real CLI, real git."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess

from ledger.domain.model import Task
from ledger.files import emit
from tests.support.clerkkit import Clerk

LINE = re.compile(r"^tasks/\d{4}/\d{4}-\d{4}\.yaml:\d+: .+$")


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- check -----------------------------------------------------------------------
def test_check_silent_on_a_good_ledger(clerk: Clerk):
    tid = clerk.add()
    clerk.tz("progress", tid, "已开工")
    clerk.tz("done", tid)
    clerk.tz("close", tid, "--verified-by", "李四")
    r = clerk.tz("check")
    assert r.out == "" and r.err == ""


def test_check_reports_broken_transitions_with_file_and_line(clerk: Clerk):
    a, b, c = clerk.add("甲"), clerk.add("乙"), clerk.add("丙")
    _edit(clerk.cwd / f"tasks/2026/{a}.yaml", "status: open", "status: cancelled")
    _edit(clerk.cwd / f"tasks/2026/{b}.yaml", "status: open", "status: closed")
    clerk.tz("extend", c, "--to", "2026-12-31", "--reason", "资金未到位")
    _edit(clerk.cwd / f"tasks/2026/{c}.yaml", "  - on: 2026-11-20\n    kind: extend",
          "  - on: 2026-12-30\n    kind: extend")
    r = clerk.tz("check", code=1)
    lines = r.out.splitlines()
    assert all(LINE.match(x) for x in lines), r.out
    text = r.out
    assert f"tasks/2026/{a}.yaml:5: 状态为“已撤销”却没有撤销记录" in text
    assert f"tasks/2026/{b}.yaml:5: " in text and "已销号却没有核验记录" in text
    assert f"{c}.yaml" in text and "超期不得延期" in text


# -- the pre-commit hook -----------------------------------------------------------
def test_init_installs_a_hook_that_refuses_a_broken_hand_edit(clerk: Clerk):
    hook = clerk.cwd / ".git/hooks/pre-commit"
    assert hook.is_file() and os.access(hook, os.X_OK)
    tid = clerk.add()
    path = clerk.cwd / f"tasks/2026/{tid}.yaml"
    _edit(path, "status: open", "status: closed")
    clerk.git("add", "--", path)
    p = clerk.git("commit", "-m", "手工改", check=False)
    assert p.returncode != 0
    assert f"tasks/2026/{tid}.yaml:5: 已销号却没有核验记录" in p.stdout + p.stderr
    before = clerk.commits()
    _edit(path, "status: closed", "status: open")
    _edit(path, "title: 推进老旧小区改造", "title: 推进老旧小区改造工程")
    clerk.git("add", "--", path)
    clerk.git("commit", "-m", "手工改标题")  # a good hand edit passes
    assert clerk.commits() == before + 1


def test_hook_refuses_hostile_yaml_and_deletion(clerk: Clerk):
    tid = clerk.add()
    path = clerk.cwd / f"tasks/2026/{tid}.yaml"
    original = path.read_bytes()
    path.write_bytes(original + b"evil: !!python/object/apply:os.system [\"touch /tmp/pwned\"]\n")
    clerk.git("add", "--", path)
    p = clerk.git("commit", "-m", "x", check=False)
    assert p.returncode != 0 and "YAML 标签" in p.stdout + p.stderr
    path.write_bytes(original)
    clerk.git("add", "--", path)
    clerk.git("rm", "-q", "--", path)
    p = clerk.git("commit", "-m", "删掉", check=False)
    assert p.returncode != 0 and "不允许删除事项文件" in p.stdout + p.stderr


def _git_state(root) -> dict[str, bytes]:
    """.git/config and every hook, byte for byte."""
    files = [root / ".git/config", *sorted((root / ".git/hooks").iterdir())]
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}


def test_reads_leave_a_plain_clone_alone_and_the_first_write_sets_it_up(clerk: Clerk, tmp_path):
    task = clerk.add()
    clerk.tz("progress", task, "已开工")
    other = Clerk(tmp_path / "home2", tmp_path, "李四", "lisi@example.gov.cn")
    other.git("clone", "-q", clerk.cwd, tmp_path / "clone")
    other.cwd = tmp_path / "clone"
    before = _git_state(other.cwd)
    for argv in (["list"], ["list", "--all", "--format", "json"], ["show", task], ["overdue"], ["log", task],
                 ["report", "monthly"], ["check"], ["audit"], ["review", "--since", "2026-01-01"],
                 ["calendar"]):
        other.tz(*argv)
    assert _git_state(other.cwd) == before
    assert not (other.cwd / ".git/hooks/pre-commit").exists()
    other.tz("progress", task, "完成过半")
    assert (other.cwd / ".git/hooks/pre-commit").is_file()
    assert "merge-driver" in other.git("config", "merge.taizhang.driver").stdout


def test_setup_puts_back_a_removed_hook(clerk: Clerk):
    clerk.add()
    hook = clerk.cwd / ".git/hooks/pre-commit"
    hook.unlink()
    assert "已为" in clerk.tz("setup").out
    assert hook.is_file()


def _bulk_ledger(clerk: Clerk, n: int) -> None:
    """n valid task files written directly and committed once (add would take minutes)."""
    folder = clerk.cwd / "tasks/2026"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        t = Task(id=f"2026-{i:04d}", title=f"事项{i}", lead_unit="市住建局", assigned_on=dt.date(2026, 3, 2),
                 due=dt.date(2026, 3, 16), registered_on=dt.date(2026, 3, 2), deadline_rule="10wd")
        (folder / f"{t.id}.yaml").write_bytes(emit.task_to_yaml(t))
    clerk.git("add", "tasks")
    clerk.git("commit", "-q", "--no-verify", "-m", "bulk")


def test_hook_judges_one_staged_file_among_10000_tasks(clerk: Clerk):
    # Its speed is measured by bench/hook.py; here, that it accepts a good edit and names a bad one.
    _bulk_ledger(clerk, 10_000)
    path = clerk.cwd / "tasks/2026/2026-0042.yaml"
    _edit(path, "title: 事项42", "title: 事项四十二")
    clerk.git("add", "--", path)
    hook = clerk.cwd / ".git/hooks/pre-commit"
    p = subprocess.run(["sh", str(hook)], cwd=clerk.cwd, env=clerk.env, capture_output=True)
    assert p.returncode == 0, p.stderr
    clerk.git("commit", "-q", "-m", "改标题")
    _edit(path, "status: open", "status: closed")
    clerk.git("add", "--", path)
    p = subprocess.run(["sh", str(hook)], cwd=clerk.cwd, env=clerk.env, capture_output=True, text=True)
    assert p.returncode == 1 and "2026-0042.yaml:5:" in p.stdout


# -- log ledger-wide -------------------------------------------------------------------
def test_log_table_shows_a_commit_of_many_tasks_in_part_and_json_in_full(clerk: Clerk):
    _bulk_ledger(clerk, 30)
    table = clerk.tz("log").out
    shown = [n for n in range(1, 31) if f"2026-{n:04d} " in table]
    assert len(shown) == 20 and "另有 10 个事项" in table
    (entry,) = clerk.tz("log", "--format", "json").json()
    assert len(entry["tasks"]) == 30


def test_log_ledger_wide_with_field_changes_and_filters(clerk: Clerk, tmp_path):
    a = clerk.add("甲")
    b = clerk.tz("add", "乙", "--lead-unit", "市财政局", "--within", "5wd").last_line
    clerk.tz("progress", a, "已开工")
    clerk.tz("extend", a, "--to", "2026-12-31", "--reason", "资金未到位")
    clerk.tz("urge", b, "--by", "王五")
    # `log ID` keeps the shape scripts read (README「审计与多人协作」)
    old = clerk.tz("log", a, "--format", "json").json()
    assert [c["action"] for c in old] == ["add", "progress", "extend"]
    everything = clerk.tz("log", "--format", "json").json()
    assert [e["action"] for e in everything] == ["add", "add", "progress", "extend", "urge"]
    ext = everything[3]["tasks"][0]
    assert ext["id"] == a
    due = next(f for f in ext["fields"] if f["field"] == "due")
    assert due["old"] == "2026-12-04" and due["new"] == "2026-12-31"
    assert clerk.tz("log", "--unit", "市财政局", "--format", "json").json()[-1]["action"] == "urge"
    assert [e["action"] for e in clerk.tz("log", "--by", "王五", "--format", "json").json()] == ["urge"]
    assert len(clerk.tz("log", "--action", "add", "--format", "json").json()) == 2
    assert clerk.tz("log", "--since", "2000-01-01", "--until", "2000-12-31", "--format", "json").json() == []
    table = clerk.tz("log").out
    assert "due: 2026-12-04 → 2026-12-31" in table and "王五" in table
    clerk.tz("log", "--since", "2026-13-01", code=2)


# -- review --------------------------------------------------------------------------------
def test_review_lists_new_closed_extended_red_urged_and_hand_edits(clerk: Clerk):
    a = clerk.add("甲")
    late = clerk.tz("add", "乙", "--lead-unit", "市财政局", "--on", "2026-11-02", "--due", "2026-11-19").last_line
    clerk.tz("extend", a, "--to", "2026-12-31", "--reason", "资金未到位")
    clerk.tz("urge", late, "--level", "supervise")
    c = clerk.add("丙")
    clerk.tz("done", c)
    clerk.tz("close", c, "--verified-by", "李四")
    path = clerk.cwd / f"tasks/2026/{a}.yaml"
    _edit(path, "title: 甲", "title: 甲（改）")
    clerk.git("commit", "-qam", "改个标题")
    d = clerk.tz("review", "--since", "2026-11-01", "--format", "json").json()
    assert {r["task"] for r in d["new"]} == {a, late, c}
    assert [r["task"] for r in d["closed"]] == [c] and "李四" in d["closed"][0]["detail"]
    assert [r["task"] for r in d["extended"]] == [a]
    assert [r["task"] for r in d["urged"]] == [late] and "督办" in d["urged"][0]["detail"]
    assert [r["task"] for r in d["red"]] == [late] and d["red"][0]["when"] == "2026-11-20"
    assert [r["task"] for r in d["hand_edit"]] == [a] and d["hand_edit"][0]["who"] == "张三"
    assert all(r["when"] for k in d for r in d[k])
    text = clerk.tz("review", "--since", "2026-11-01").out
    assert "手工修改" in text and "转为红灯" in text
    # nothing turned red after the deadline passed before `since`
    assert clerk.tz("review", "--since", "2026-11-21", "--format", "json", today="2026-11-23").json()["red"] == []


# -- audit ----------------------------------------------------------------------------------
def test_audit_clean_ledger_exits_0(clerk: Clerk):
    a = clerk.add()
    clerk.tz("progress", a, "x")
    r = clerk.tz("audit")
    assert r.out == ""


def test_audit_finds_deletion_closed_change_backdating_and_hand_edits(clerk: Clerk):
    a, b, c = clerk.add("甲"), clerk.add("乙"), clerk.add("丙")
    clerk.tz("progress", a, "第二次", today="2026-11-25")
    clerk.tz("progress", a, "补记", "--on", "2026-11-21", today="2026-11-26")  # backdated
    clerk.tz("done", b)
    clerk.tz("close", b, "--verified-by", "李四")
    _edit(clerk.cwd / f"tasks/2026/{b}.yaml", "title: 乙", "title: 乙乙")
    clerk.git("commit", "-qam", "销号后偷改")
    clerk.git("rm", "-q", f"tasks/2026/{c}.yaml")
    clerk.git("commit", "-q", "--no-verify", "-m", "删掉")
    r = clerk.tz("audit", code=1)
    assert f"tasks/2026/{c}.yaml" in r.out and "事项文件被删除" in r.out
    assert f"tasks/2026/{b}.yaml" in r.out and "已销号事项未经退回重办就被修改（title" in r.out
    assert "倒签：progress 记为 2026-11-21，早于此前已有的 2026-11-25" in r.out
    assert "提示：" in r.out and "手工修改" in r.out
    kinds = {f["kind"]: f["fatal"] for f in clerk.tz("audit", "--format", "json", code=1).json()}
    assert kinds == {"deleted": True, "closed_changed": True, "backdated": True, "hand_edit": False}


def test_audit_hand_edits_are_fatal_only_when_strict(clerk: Clerk):
    a = clerk.add()
    _edit(clerk.cwd / f"tasks/2026/{a}.yaml", "title: 推进老旧小区改造", "title: 推进改造")
    clerk.git("commit", "-qam", "手改")
    assert "手工修改" in clerk.tz("audit").out
    clerk.tz("audit", "--strict", code=1)


def test_audit_anchor_detects_rewritten_history(clerk: Clerk):
    clerk.add("甲")
    clerk.add("乙")
    clerk.tz("audit", "--anchor")
    assert (clerk.cwd / ".git/taizhang/anchor").read_text().strip() == clerk.git("rev-parse", "HEAD").stdout.strip()
    clerk.add("丙")
    clerk.tz("audit")  # descending from the anchor is fine
    clerk.git("reset", "-q", "--hard", "HEAD~2")
    clerk.git("commit", "-q", "--allow-empty", "-m", "另起炉灶")
    r = clerk.tz("audit", code=1)
    assert "历史被改写" in r.out


def test_audit_require_signed_verifies_every_commit(clerk: Clerk, tmp_path):
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    (tmp_path / "allowed").write_text(f"zhangsan@example.gov.cn {(tmp_path / 'key.pub').read_text()}")
    cfg = (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true"),
           ("gpg.ssh.allowedSignersFile", str(tmp_path / "allowed")))
    # the first commit (init) is unsigned: audit must say so once require_signed is on
    for k, v in cfg:
        clerk.git("config", k, v)
    conf = clerk.cwd / "taizhang.yaml"
    conf.write_text(conf.read_text(encoding="utf-8") + "require_signed: true\n", encoding="utf-8")
    clerk.git("commit", "-qam", "要求签名")
    clerk.add()  # taizhang's own commits are signed through git's settings
    r = clerk.tz("audit", "--format", "json", code=1)
    unsigned = [f["commit"] for f in r.json() if f["kind"] == "unsigned"]
    root_commit = clerk.git("rev-list", "--max-parents=0", "HEAD").stdout.strip()
    assert unsigned == [root_commit]


# -- undo -------------------------------------------------------------------------------------
def test_undo_reverts_the_clerks_last_change_and_keeps_history(clerk: Clerk):
    a = clerk.add()
    clerk.tz("progress", a, "第一条")
    clerk.tz("progress", a, "写错了")
    before = clerk.commits()
    r = clerk.tz("undo")
    assert "已撤回：进展" in r.out
    assert clerk.commits() == before + 1
    assert "写错了" not in (clerk.cwd / f"tasks/2026/{a}.yaml").read_text(encoding="utf-8")
    msg = clerk.git("log", "-1", "--format=%B").stdout
    assert "Taizhang-Action: undo" in msg and f"Taizhang-Task: {a}" in msg
    # a second undo reaches past the pair to the one before
    clerk.tz("undo")
    assert "第一条" not in (clerk.cwd / f"tasks/2026/{a}.yaml").read_text(encoding="utf-8")
    clerk.tz("check")
    clerk.tz("audit")


def test_undo_refuses_when_a_later_commit_depends_on_it(clerk: Clerk):
    a = clerk.add()
    clerk.tz("progress", a, "张三的进展")
    clerk.tz("progress", a, "李四的进展", "--by", "李四")
    head = clerk.git("rev-parse", "HEAD").stdout
    r = clerk.tz("undo", code=2)
    assert "李四" in r.err and len(r.err.strip().splitlines()) == 1
    assert clerk.git("rev-parse", "HEAD").stdout == head
    assert clerk.git("status", "--porcelain").stdout == ""
    # adding is never undone: numbers are not reused
    b = clerk.add("乙")
    assert "cancel" in clerk.tz("undo", code=2).err
    assert (clerk.cwd / f"tasks/2026/{b}.yaml").exists()
