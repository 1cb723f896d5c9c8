"""The units directory with aliases (item 7) and separation of duties on close (item 8)."""

from __future__ import annotations

from tests.support.gitkit import commit_count, git
from tests.support.runner import add

DIRECTORY = "units:\n  市住房和城乡建设局:\n    - 市住建局\n  市财政局: []\n  市发展和改革委员会:\n    - 市发改委\n"


def with_directory(ledger):
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("units: {}\n", DIRECTORY), encoding="utf-8")
    git(ledger, "commit", "-qam", "单位名录")


def test_aliases_resolve_to_canonical_names(ledger, run):
    with_directory(ledger)
    t = run("add", "甲", "--lead-unit", "市住建局", "--unit", "市发改委、市财政局", "--due", "2026-12-31",
            "--format", "json").json()
    assert t["lead_unit"] == "市住房和城乡建设局"
    assert t["units"] == ["市发展和改革委员会", "市财政局"]
    assert [x["id"] for x in run("list", "--unit", "市住房和城乡建设局", "--format", "json").json()] == [t["id"]]


def test_unknown_unit_refused_with_suggestions(ledger, run, refuse):
    with_directory(ledger)
    res = refuse(ledger, "add", "甲", "--lead-unit", "市住建委", "--due", "2026-12-31")
    assert "市住房和城乡建设局" in res.err and "--new-unit" in res.err
    refuse(ledger, "add", "甲", "--lead-unit", "市财政局", "--unit", "市教育局", "--due", "2026-12-31")


def test_new_unit_joins_the_directory_in_the_same_commit(ledger, run):
    with_directory(ledger)
    n = commit_count(ledger)
    tid = add(run, "甲", "--unit", "市教育局", "--new-unit", "--due", "2026-12-31")
    assert commit_count(ledger) == n + 1
    files = git(ledger, "show", "--name-only", "--format=", "HEAD").split()
    assert "taizhang.yaml" in files and f"tasks/2026/{tid}.yaml" in files
    assert "市教育局" in (ledger / "taizhang.yaml").read_text(encoding="utf-8")
    assert "单位名录新增：市教育局" in git(ledger, "log", "-1", "--format=%B")
    add(run, "乙", "--unit", "市教育局", "--due", "2026-12-31")  # now known


def test_empty_directory_checks_nothing(ledger, run):
    add(run, "甲", "--unit", "任意单位", "--due", "2026-12-31")
    assert run("check", "--strict").out == ""


def test_strict_check_flags_hand_edited_unknown_units(ledger, run):
    with_directory(ledger)
    tid = add(run, "甲", "--due", "2026-12-31")
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lead_unit: 市住房和城乡建设局", "lead_unit: 市住建委"),
                    encoding="utf-8")
    assert run("check").out == ""
    res = run("check", "--strict", code=1)
    assert "单位“市住建委”不在单位名录中" in res.out and "市住房和城乡建设局" in res.out


# -- separation of duties (item 8) ---------------------------------------------------
def test_verifier_is_neither_contact_nor_done_clerk(ledger, run, refuse):
    tid = add(run, "甲", "--contact", "张责任", "--due", "2026-12-31")
    run("done", tid, "--by", "李登记")
    refuse(ledger, "close", tid, "--verified-by", "张责任")
    res = refuse(ledger, "close", tid, "--verified-by", "李登记")
    assert "separation_of_duties" in res.err
    run("close", tid, "--verified-by", "王核验")
    assert run("show", tid, "--format", "json").json()["status"] == "closed"


def test_separation_can_be_switched_off(ledger, run):
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "separation_of_duties: false\n", encoding="utf-8")
    git(ledger, "commit", "-qam", "关闭职责分离")
    tid = add(run, "甲", "--contact", "张责任", "--due", "2026-12-31")
    run("done", tid)
    run("close", tid, "--verified-by", "张责任")
