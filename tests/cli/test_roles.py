"""Roles in taizhang.yaml: unit reporters, the office and verifiers, refused in the CLI before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.domain.roles import Identity, Policy, Touched, Who, policy_from_config, refusal

OFFICE = ("测试员", "ceshiyuan@example.gov.cn")  # conftest's git identity
ZJJ = ("李明", "liming@zjj.example.gov.cn")  # reporter of 市住建局
CZJ = ("王强", "wangqiang@czj.example.gov.cn")  # reporter of 市财政局
VERIFIER = ("赵核验", "zhao@example.gov.cn")

ROLES = f"""
roles:
  office:
    - {OFFICE[0]} <{OFFICE[1]}>
  units:
    市住建局: [{ZJJ[0]} <{ZJJ[1]}>]
    市财政局:
      - {{name: {CZJ[0]}, email: {CZJ[1]}}}
  verifiers:
    - {VERIFIER[0]} <{VERIFIER[1]}>
"""


def set_roles(root: Path, h, text: str = ROLES) -> None:
    with open(root / "taizhang.yaml", "a", encoding="utf-8") as f:
        f.write(text)
    h.git(root, "commit", "-qam", "roles")


def act_as(root: Path, h, who: tuple[str, str]) -> None:
    h.git(root, "config", "user.name", who[0])
    h.git(root, "config", "user.email", who[1])


@pytest.fixture
def roled(ledger, run, h):
    """Three tasks (市住建局 leads 1, co-unit on 2; 市财政局 leads 3), then the roles."""
    h.add("老旧小区改造")
    run("add", "城市更新资金", "--lead-unit", "市财政局", "--unit", "市住建局", "--within", "10wd")
    run("add", "预算绩效评价", "--lead-unit", "市财政局", "--within", "10wd")
    set_roles(ledger, h)
    return ledger


def test_without_roles_everyone_may_do_everything(ledger, run, h):
    act_as(ledger, h, ("路人", "passer@example.com"))
    tid = h.add()
    run("urge", tid)
    run("done", tid)
    run("close", tid, "--verified-by", "李华")
    assert h.commit_count(ledger) == 5


def test_reporter_records_progress_and_done_on_own_units_tasks(roled, run, h):
    act_as(roled, h, ZJJ)
    run("progress", "1", "已完成摸底")
    run("progress", "2", "配合提供资料")  # co-unit
    run("done", "1", "--note", "已完工")
    log = h.git(roled, "log", "-3", "--format=%an <%ae> %s")
    assert log.count(f"{ZJJ[0]} <{ZJJ[1]}>") == 3


def test_reporter_refused_on_another_units_task(roled, refuse, h):
    act_as(roled, h, ZJJ)
    err = refuse(roled, "progress", "3", "越权填报").err
    assert "市住建局的报送人" in err and "2026-0003" in err and "市财政局" in err
    err = refuse(roled, "done", "3", via="sh").err  # the installed script as well
    assert "只能报送本单位的事项" in err


@pytest.mark.parametrize("args", [
    ("add", "新事项", "--lead-unit", "市住建局", "--within", "5wd"),
    ("urge", "1"),
    ("extend", "1", "--by", "5wd", "--reason", "来不及"),
    ("cancel", "1", "--reason", "不办了"),
    ("suspend", "1", "--reason", "等待"),
    ("reopen", "1", "--reason", "重办"),
    ("milestone", "add", "1", "2026-11-30:完成招标"),
    ("report-difficulty", "1", "征地受阻"),
])
def test_reporter_refused_office_actions_naming_the_role(roled, refuse, h, args):
    act_as(roled, h, ZJJ)
    err = refuse(roled, *args).err
    assert "roles.office" in err and "市住建局的报送人" in err, err


def test_only_verifiers_close(roled, run, refuse, h):
    run("done", "1")
    err = refuse(roled, "close", "1", "--verified-by", "李华").err  # the office is no verifier
    assert "roles.verifiers" in err and OFFICE[0] in err
    act_as(roled, h, ZJJ)
    assert "roles.verifiers" in refuse(roled, "close", "1", "--verified-by", "李华").err
    act_as(roled, h, VERIFIER)
    run("close", "1", "--verified-by", VERIFIER[0], "--method", "document")
    assert h.git(roled, "log", "-1", "--format=%an").strip() == VERIFIER[0]


def test_stranger_refused_and_told_how_to_join(roled, refuse, h):
    act_as(roled, h, ("路人", "passer@example.com"))
    err = refuse(roled, "progress", "1", "路过").err
    assert "不在 taizhang.yaml 的角色名单" in err and "roles.units" in err


def test_by_name_does_not_borrow_the_office_role(roled, refuse, h):
    """--by changes the recorded name only; the email still says who it is."""
    act_as(roled, h, ZJJ)
    err = refuse(roled, "urge", "1", "--by", OFFICE[0]).err
    assert "roles.office" in err


def test_undo_is_for_the_office(roled, run, refuse, h):
    act_as(roled, h, ZJJ)
    run("progress", "1", "写错了")
    assert "撤回变更" in refuse(roled, "undo").err
    act_as(roled, h, OFFICE)
    run("progress", "1", "督查室代录")
    run("undo")


def test_unit_aliases_in_roles_and_tasks(ledger, run, refuse, h):
    """roles.units may name a unit by its alias; tasks written with the full name still match."""
    text = (ledger / "taizhang.yaml").read_text(encoding="utf-8").replace(
        "units: {}", "units:\n  市住房和城乡建设局: [市住建局]\n  市财政局: []")
    (ledger / "taizhang.yaml").write_text(text, encoding="utf-8")
    h.git(ledger, "commit", "-qam", "directory")
    h.add("老旧小区改造")  # recorded as 市住房和城乡建设局
    set_roles(ledger, h)
    act_as(ledger, h, ZJJ)
    run("progress", "1", "按别名也认得")
    err = refuse(ledger, "extend", "1", "--by", "5wd", "--reason", "x").err
    assert "市住房和城乡建设局的报送人" in err


@pytest.mark.parametrize("bad, says", [
    ("roles:\n  office: 王芳\n", "应为人员列表"),
    ("roles:\n  clerks: [王芳]\n", "只能有 office、units、verifiers"),
    ("roles:\n  office: [王芳 <a@b> <c@d>]\n", "写法不对"),
    ("roles:\n  units: [市住建局]\n", "roles.units"),
])
def test_malformed_roles_refused_with_one_line(ledger, refuse, h, bad, says):
    h.add()
    set_roles(ledger, h, bad)
    assert says in refuse(ledger, "progress", "1", "x", code=3).err


def test_reporter_list_defaults_to_own_unit(roled, run, sh, h):
    act_as(roled, h, CZJ)
    mine = run("list", "--format", "json").json()
    assert [t["id"] for t in mine] == ["2026-0002", "2026-0003"]
    assert [t["id"] for t in sh("list", "--format", "json").json()] == ["2026-0002", "2026-0003"]  # fast lane
    assert len(run("list", "--all-units", "--format", "json").json()) == 3
    assert [t["id"] for t in run("list", "--unit", "市住建局", "--format", "json").json()] == ["2026-0001", "2026-0002"]
    table = run("list")
    assert "只列出市财政局的事项" in table.err and "2026-0001" not in table.out
    act_as(roled, h, OFFICE)
    assert len(sh("list", "--format", "json").json()) == 3


# -- the policy itself, as the guard uses it ----------------------------------------------
POLICY = Policy(office=(Who(*OFFICE),), units={"市住建局": (Who(email=ZJJ[1].upper()),)},
                verifiers=(Who(name=VERIFIER[0]),))


@pytest.mark.parametrize("who, action, units, others, allowed", [
    (ZJJ, "request-extension", {"市住建局"}, (), True),
    (ZJJ, "collect", {"市财政局", "市住建局"}, (), True),
    (ZJJ, "request-extension", {"市财政局"}, (), False),
    (ZJJ, "progress", {"市住建局"}, ("taizhang.yaml",), False),
    (ZJJ, None, {"市住建局"}, (), False),
    (OFFICE, None, {"市财政局"}, ("taizhang.yaml",), True),
    (OFFICE, "close", {"市住建局"}, (), False),
    (("赵核验", "other@example.com"), "close", {"市财政局"}, (), True),
    (("别人", VERIFIER[1]), "close", {"市财政局"}, (), False),
])
def test_policy_rules(who, action, units, others, allowed):
    why = refusal(POLICY, Identity(*who), action, [Touched("2026-0001", frozenset(units))], others)
    assert (why is None) == allowed, why


def test_policy_from_config_reads_both_spellings():
    p = policy_from_config({"roles": {"office": ["王芳 <wf@example.gov.cn>", "<only@mail>", "只有姓名"],
                                      "units": {"市住建局": [{"name": "李明", "email": "lm@x"}]}}},
                           {"市住建局": "市住房和城乡建设局"})
    assert p.office == (Who("王芳", "wf@example.gov.cn"), Who("", "only@mail"), Who("只有姓名", ""))
    assert p.units_of(Identity("李明", "LM@x")) == ["市住房和城乡建设局"]
    assert not policy_from_config({"roles": {}}).configured
    assert refusal(Policy(), Identity("任何人"), "close") is None
