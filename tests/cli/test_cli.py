"""The command-line contract (README), command by command, in-process through typer's runner and as the installed script."""

from __future__ import annotations

import csv
import io
import json

import pytest

CLI_JSON_FIELDS = {
    "id", "title", "status", "lead_unit", "units", "leader", "contact", "source", "ref",
    "assigned_on", "due", "due_provisional", "light", "overdue_workdays", "progress",
}


@pytest.fixture(params=["run", "sh"])
def tz(request, run, sh):
    """The same scenario through typer's runner and through the installed console script."""
    return run if request.param == "run" else sh


def task(run, task_id: str, **kw) -> dict:
    return run("show", task_id, "--format", "json", **kw).json()


def ids(res) -> list[str]:
    return [t["id"] for t in res.json()]


# -- init ------------------------------------------------------------------------
def test_init_makes_a_ledger_with_one_commit(ledger, h):
    for name in ("taizhang.yaml", ".gitignore", "README.md", "tasks", "calendar"):
        assert (ledger / name).exists(), name
    assert h.commit_count(ledger) == 1
    assert h.git(ledger, "status", "--porcelain") == ""
    assert "Taizhang-Action: init" in h.git(ledger, "log", "-1", "--format=%B")
    assert h.git(ledger, "log", "-1", "--format=%an").strip() == h.clerk


def test_init_through_the_installed_script(tmp_path, sh, h):
    res = sh("init", str(tmp_path / "l"), "--org", "某县督查室")
    assert "已建立台账" in res.out
    assert h.commit_count(tmp_path / "l") == 1
    assert "某县督查室" in (tmp_path / "l" / "taizhang.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("via", ["run", "sh"])
def test_init_refuses_to_overwrite(ledger, refuse, h, via):
    h.add()
    res = refuse(ledger, "init", str(ledger), "--org", "别的单位", via=via)
    assert "已经是台账" in res.err


def test_init_refuses_a_folder_with_files(tmp_path, run):
    (tmp_path / "x.txt").write_text("x")
    res = run("init", str(tmp_path), code=2)
    assert not (tmp_path / ".git").exists() and not (tmp_path / "taizhang.yaml").exists()
    assert len(res.err.strip().splitlines()) == 1


# -- add -------------------------------------------------------------------------
def test_add_prints_the_id_alone_on_the_last_line(ledger, tz):
    first = tz("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--within", "10wd")
    second = tz("add", "整治背街小巷", "--lead-unit", "市城管局", "--within", "10wd")
    assert first.last_line == "2026-0001"
    assert second.last_line == "2026-0002"
    assert (ledger / "tasks" / "2026" / "2026-0002.yaml").is_file()


def test_add_json_is_one_document_with_every_field(ledger, tz):
    res = tz("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--unit", "市财政局", "--unit", "市发改委",
             "--leader", "王副市长", "--contact", "李科长", "--source", "常务会议", "--ref", "常务会议纪要〔2026〕12号",
             "--on", "2026-11-16", "--tag", "民生", "--format", "json")
    doc = json.loads(res.out)  # the whole of stdout is one JSON document
    assert CLI_JSON_FIELDS <= set(doc)
    assert doc["id"] == "2026-0001"
    assert doc["title"] == "推进老旧小区改造"
    assert doc["status"] == "open"
    assert doc["units"] == ["市财政局", "市发改委"]
    assert (doc["leader"], doc["contact"], doc["source"]) == ("王副市长", "李科长", "常务会议")
    assert doc["ref"] == "常务会议纪要〔2026〕12号"
    assert doc["assigned_on"] == "2026-11-16"
    assert doc["due"] == "2026-12-01"  # 常务会议: half a month = 15 natural days, a Tuesday
    assert doc["due_provisional"] is False
    assert doc["light"] == "green" and doc["overdue_workdays"] == 0
    assert doc["progress"] == []
    assert "推进老旧小区改造" in res.out and "\\u" not in res.out  # UTF-8, not ASCII-escaped
    assert res.err == ""


def test_add_within_counts_workdays_from_the_day_after(ledger, run):
    # README's example: Sun 2026-02-15 + 5 workdays = Sat 2026-02-28 (a make-up workday).
    tid = run("add", "春节后复工检查", "--lead-unit", "市应急局", "--on", "2026-02-15", "--within", "5wd",
              today="2026-02-15").last_line
    t = task(run, tid, today="2026-02-15")
    assert (t["assigned_on"], t["due"]) == ("2026-02-15", "2026-02-28")


def test_add_source_rule_rolls_a_rest_day_forward(ledger, run):
    # README's example: 2026-09-24 + 1 week = 10-01, a holiday, so 10-08.
    tid = run("add", "专题会议定事项", "--lead-unit", "市商务局", "--source", "专题会议", "--on", "2026-09-24",
              today="2026-09-24").last_line
    t = task(run, tid, today="2026-09-24")
    assert t["due"] == "2026-10-08" and t["source"] == "专题会议"


def test_add_due_date_and_milestone(ledger, run):
    tid = run("add", "完成招标", "--lead-unit", "市住建局", "--due", "2026-12-31",
              "--milestone", "2026-12-10:完成招标文件").last_line
    t = task(run, tid)
    assert t["due"] == "2026-12-31" and t["due_provisional"] is False
    assert t["milestones"][0]["due"] == "2026-12-10"


def test_add_without_deadline_is_refused(ledger, refuse):
    refuse(ledger, "add", "无时限", "--lead-unit", "市住建局")
    refuse(ledger, "add", "两个时限", "--lead-unit", "市住建局", "--due", "2026-12-31", "--within", "5wd")
    refuse(ledger, "add", "没有这种来源", "--lead-unit", "市住建局", "--source", "天降")


def test_bare_number_is_this_years_id(ledger, run, h):
    tid = h.add()
    assert tid == "2026-0001"
    assert task(run, "1")["id"] == "2026-0001"
    assert task(run, "0001")["id"] == "2026-0001"
    run("show", "1", today="2027-01-05", code=2)  # next year, 1 is 2027-0001, which does not exist


# -- show / list / overdue ---------------------------------------------------------
def test_show_table_and_json(ledger, tz, h):
    tid = h.add("推进老旧小区改造", "--leader", "王副市长")
    table = tz("show", tid)
    assert "推进老旧小区改造" in table.out and "王副市长" in table.out and "牵头单位" in table.out
    assert json.loads(tz("show", tid, "--format", "json").out)["id"] == tid


@pytest.fixture
def stocked(ledger, run):
    """Four tasks registered on Mon 2026-11-02 that differ in every filterable way."""
    day = {"today": "2026-11-02"}
    a = run("add", "甲：老旧小区改造", "--lead-unit", "市住建局", "--leader", "王副市长", "--source", "常务会议",
            "--tag", "民生", **day).last_line                      # due 11-17
    b = run("add", "乙：财政资金绩效", "--lead-unit", "市财政局", "--unit", "市住建局", "--leader", "李副市长",
            "--due", "2026-11-25", "--tag", "重点", **day).last_line  # due 11-25
    c = run("add", "丙：背街小巷整治", "--lead-unit", "市城管局", "--due", "2026-12-31", **day).last_line
    d = run("add", "丁：已办结的事", "--lead-unit", "市城管局", "--due", "2026-11-10", **day).last_line
    run("done", d, "--on", "2026-11-09")
    run("close", d, "--verified-by", "督查室赵某", "--on", "2026-11-12")
    return {"a": a, "b": b, "c": c, "d": d}


def test_list_formats(stocked, tz):
    table = tz("list")
    for header in ("编号", "预警", "事项", "牵头单位", "时限"):
        assert header in table.out
    assert stocked["a"] in table.out and stocked["d"] not in table.out  # closed ones hidden by default
    as_json = tz("list", "--format", "json")
    assert ids(as_json) == [stocked["a"], stocked["b"], stocked["c"]]  # by deadline
    assert all(CLI_JSON_FIELDS <= set(t) for t in as_json.json())
    rows = list(csv.DictReader(io.StringIO(tz("list", "--format", "csv").out)))
    assert [r["id"] for r in rows] == ids(as_json)
    assert rows[0]["title"] == "甲：老旧小区改造"


def test_list_filters(stocked, run):
    s = stocked

    def q(*args):
        return ids(run("list", "--format", "json", *args))

    assert q("--status", "closed") == [s["d"]]
    assert q("--status", "open", "--status", "closed") == [s["d"], s["a"], s["b"], s["c"]]  # by deadline
    assert q("--unit", "市住建局") == [s["a"], s["b"]]  # lead or co-unit
    assert q("--leader", "李副市长") == [s["b"]]
    assert q("--source", "常务会议") == [s["a"]]
    assert q("--source", "常务会") == [s["a"]]  # an alias
    assert q("--tag", "重点") == [s["b"]]
    assert q("--due-before", "2026-11-25") == [s["a"]]
    # Today 11-20: a is 3 workdays late, b due in 3 workdays (yellow), c far away.
    assert q("--overdue") == [s["a"]]
    assert q("--light", "red") == [s["a"]]
    assert q("--light", "yellow") == [s["b"]]
    assert q("--light", "green") == [s["c"]]
    assert q("--as-of", "2026-11-17", "--overdue") == []  # the deadline day itself is not late
    assert q("--as-of", "2026-11-18", "--overdue") == [s["a"]]
    late = run("list", "--format", "json", "--overdue").json()[0]
    assert (late["light"], late["overdue_workdays"]) == ("red", 3)


@pytest.mark.parametrize("args", [
    ("list", "--status", "done"),
    ("list", "--light", "blue"),
    ("list", "--due-before", "2026-02-30"),
    ("list", "--as-of", "2026/11/20"),
    ("list", "--bogus"),
    ("overdue", "--format", "xml"),
])
def test_list_refuses_bad_input(ledger, refuse, args):
    refuse(ledger, *args)


def test_overdue_formats_and_exit_code(stocked, tz):
    s = stocked
    table = tz("overdue")
    assert s["a"] in table.out and s["b"] not in table.out
    assert ids(tz("overdue", "--format", "json")) == [s["a"]]
    assert [r["id"] for r in csv.DictReader(io.StringIO(tz("overdue", "--format", "csv").out))] == [s["a"]]
    tz("overdue", "--exit-code", code=1)
    tz("overdue", "--exit-code", "--as-of", "2026-11-17", code=0)
    assert tz("overdue", "--format", "json", "--as-of", "2026-11-17").json() == []


def test_done_on_time_is_never_overdue(ledger, run):
    tid = run("add", "按期申请办结", "--lead-unit", "市住建局", "--due", "2026-11-18", today="2026-11-02").last_line
    run("done", tid, "--on", "2026-11-18")
    t = task(run, tid, today="2026-12-20")
    assert t["status"] == "reported" and t["overdue_workdays"] == 0 and t["light"] != "red"
    assert run("overdue", "--format", "json", today="2026-12-20").json() == []


# -- the life of a task ------------------------------------------------------------
def test_lifecycle(ledger, tz, h):
    """progress, urge, extend, done, reopen, done, close — each one commit, each visible in show/log."""
    tid = tz("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--within", "10wd").last_line
    n = h.commit_count(ledger)
    steps = [
        ("progress", tid, "已完成摸底调查", "--on", "2026-11-20"),
        ("urge", tid, "--level", "supervise", "--note", "请加快进度"),
        ("extend", tid, "--by", "5wd", "--reason", "需等待财政资金下达"),
        ("done", tid, "--note", "改造完成"),
        ("reopen", tid, "--reason", "现场核验发现未完成"),
        ("done", tid),
        ("close", tid, "--verified-by", "督查室赵某", "--method", "document", "--note", "材料齐全"),
    ]
    for i, step in enumerate(steps, 1):
        tz(*step)
        assert h.commit_count(ledger) == n + i, step
    t = json.loads(tz("show", tid, "--format", "json").out)
    assert t["status"] == "closed" and t["light"] is None
    assert t["progress"][0]["text"] == "已完成摸底调查" and t["progress"][0]["by"] == h.clerk
    assert t["urges"][0]["level"] == "supervise"
    assert t["due"] == "2026-12-11" and t["deadline_changes"][0]["old_due"] == "2026-12-04"
    assert t["verification"]["verified_by"] == "督查室赵某" and t["verification"]["method"] == "document"
    log = json.loads(tz("log", tid, "--format", "json").out)
    assert [c["action"] for c in log] == ["add", "progress", "urge", "extend", "done", "reopen", "done", "close"]
    assert all(c["author"] == h.clerk for c in log)
    table = tz("log", tid)
    assert "销号" in table.out and "交办" in table.out
    assert h.git(ledger, "status", "--porcelain") == ""


def test_extend_to_a_date(ledger, run, h):
    tid = h.add()
    run("extend", tid, "--to", "2026-12-31", "--reason", "工程量增加")
    assert task(run, tid)["due"] == "2026-12-31"


def test_extend_on_the_deadline_day_is_granted(ledger, run):
    tid = run("add", "到期当日延期", "--lead-unit", "市住建局", "--due", "2026-11-20", today="2026-11-02").last_line
    run("extend", tid, "--by", "1w", "--reason", "需补充材料")  # today is 11-20, the deadline
    assert task(run, tid)["due"] == "2026-11-27"


@pytest.mark.parametrize("via", ["run", "sh"])
def test_extend_after_the_deadline_is_refused(ledger, run, refuse, via):
    tid = run("add", "超期延期", "--lead-unit", "市住建局", "--due", "2026-11-19", today="2026-11-02").last_line
    res = refuse(ledger, "extend", tid, "--by", "5wd", "--reason", "来不及了", via=via)
    assert "延期" in res.err


def test_extend_needs_exactly_one_of_to_and_by(ledger, refuse, h):
    tid = h.add()
    refuse(ledger, "extend", tid, "--reason", "x")
    refuse(ledger, "extend", tid, "--to", "2026-12-31", "--by", "5wd", "--reason", "x")
    refuse(ledger, "extend", tid, "--to", "2026-11-30", "--reason", "比原时限早")
    refuse(ledger, "extend", tid, "--by", "5xx", "--reason", "坏期限")
    refuse(ledger, "extend", tid, "--to", "2026-12-31")  # no reason


@pytest.mark.parametrize("via", ["run", "sh"])
def test_close_requires_done(ledger, refuse, h, via):
    tid = h.add()
    res = refuse(ledger, "close", tid, "--verified-by", "督查室赵某", via=via)
    assert "申请办结" in res.err


def test_close_refusals(ledger, run, refuse, h):
    tid = h.add()
    run("done", tid)
    refuse(ledger, "close", tid)  # no verifier
    refuse(ledger, "close", tid, "--verified-by", "赵某", "--method", "phone")
    refuse(ledger, "close", tid, "--verified-by", "赵某", "--on", "2026-11-01")  # before done
    run("close", tid, "--verified-by", "赵某")
    assert task(run, tid)["verification"]["method"] == "onsite"
    refuse(ledger, "close", tid, "--verified-by", "赵某")  # already closed
    refuse(ledger, "cancel", tid, "--reason", "已销号的不能撤销")
    refuse(ledger, "urge", tid)


def test_reopen_needs_reported_or_closed(ledger, refuse, h):
    refuse(ledger, "reopen", h.add(), "--reason", "还没申请办结")


def test_cancel_keeps_the_file(ledger, run, h):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    run("cancel", tid, "--reason", "职能调整，不再办理")
    assert path.is_file()
    assert "cancelled" in path.read_text(encoding="utf-8")
    assert h.git(ledger, "ls-files", "--", str(path.relative_to(ledger))).strip()
    t = task(run, tid)
    assert t["status"] == "cancelled" and t["light"] is None
    assert ids(run("list", "--format", "json")) == []
    assert ids(run("list", "--format", "json", "--status", "cancelled")) == [tid]


def test_progress_refusals(ledger, refuse, h):
    tid = h.add()
    refuse(ledger, "progress", tid, "")
    refuse(ledger, "progress", tid, "早于交办", "--on", "2026-11-01")
    refuse(ledger, "progress", tid, "控制字符\x85在此")
    refuse(ledger, "urge", tid, "--level", "shout")


# -- check -------------------------------------------------------------------------
def test_check_is_silent_on_a_good_ledger(ledger, tz, h):
    h.add()
    res = tz("check")
    assert (res.code, res.out, res.err) == (0, "", "")


def test_check_names_file_and_line(ledger, tz, h):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    status_line = next(i for i, line in enumerate(lines, 1) if line.startswith("status:"))
    lines[status_line - 1] = "status: closed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = tz("check", code=1)
    assert f"tasks/2026/{tid}.yaml:{status_line}: " in res.out
    for line in res.out.strip().splitlines():
        assert line.startswith(f"tasks/2026/{tid}.yaml:")


def test_check_reports_unparsable_yaml(ledger, tz, h):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "title: 重复的键\n", encoding="utf-8")
    res = tz("check", code=1)
    line = res.out.strip().splitlines()[0]
    prefix, lineno, message = line.split(":", 2)
    assert prefix == f"tasks/2026/{tid}.yaml" and int(lineno) > 1 and message.strip()


# -- calendar ----------------------------------------------------------------------
def test_calendar_month_grid(ledger, tz):
    out = tz("calendar", "2026-10").out
    assert "2026 年 10 月" in out
    assert "1休" in out and "10班" in out  # 国庆 and the make-up Saturday 10-10
    for day in "一二三四五六日":
        assert day in out


def test_calendar_refuses_a_bad_month(ledger, refuse):
    for month in ("2026-13", "十月", "9999-12", "0000-01"):
        refuse(ledger, "calendar", month)


@pytest.mark.parametrize("extra", [
    ("--within", "100000000000000000000wd"),  # used to hang growing the calendar index
    ("--within", "100000m"),
    ("--within", "99999wd"),
    ("--on", "0001-01-01", "--within", "5wd"),
    ("--on", "9999-12-31", "--within", "1wd"),
    ("--due", "9999-12-31"),
])
def test_absurd_spans_and_dates_are_refused(ledger, refuse, extra):
    refuse(ledger, "add", "荒唐的时限", "--lead-unit", "市住建局", *extra)


def test_calendar_recompute_after_the_year_is_filed(ledger, run, h):
    # 30 workdays from Fri 2026-11-20 land in 2027, which chinese-calendar does not know.
    res = run("add", "跨年事项", "--lead-unit", "市住建局", "--within", "30wd", "--format", "json")
    doc = json.loads(res.out)
    assert doc["due_provisional"] is True and doc["due"] == "2027-01-01"  # weekends only
    assert "2027" in res.err and len(res.err.strip().splitlines()) == 1
    assert run("list", "--format", "json").json()[0]["due_provisional"] is True

    (ledger / "calendar" / "2027.yaml").write_text(
        "holidays:\n  - 2027-01-01\nworkdays: []\n", encoding="utf-8")
    h.git(ledger, "add", "--", "calendar/2027.yaml")
    h.git(ledger, "commit", "-q", "-m", "录入 2027 年节假日安排")
    n = h.commit_count(ledger)
    out = run("calendar", "--recompute").out
    assert doc["id"] in out
    assert h.commit_count(ledger) == n + 1
    msg = h.git(ledger, "log", "-1", "--format=%B")
    assert "Taizhang-Action: recompute" in msg and f"Taizhang-Task: {doc['id']}" in msg
    t = task(run, doc["id"])
    assert t["due"] == "2027-01-04" and t["due_provisional"] is False
    assert h.git(ledger, "status", "--porcelain") == ""
    # Nothing left to recompute: no commit.
    run("calendar", "--recompute")
    assert h.commit_count(ledger) == n + 1


def test_calendar_recompute_replays_an_extension_into_the_new_year(ledger, run, h):
    tid = h.add("延期跨年")  # due Fri 2026-12-04
    res = run("extend", tid, "--by", "30wd", "--reason", "资金下达推迟")
    assert "2027" in res.err
    t = task(run, tid)
    assert (t["due"], t["due_provisional"]) == ("2027-01-15", True)  # weekends only
    (ledger / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\n", encoding="utf-8")
    h.git(ledger, "add", "--", "calendar/2027.yaml")
    h.git(ledger, "commit", "-q", "-m", "录入 2027 年节假日安排")
    n = h.commit_count(ledger)
    run("calendar", "--recompute")
    assert h.commit_count(ledger) == n + 1
    t = task(run, tid)
    assert (t["due"], t["due_provisional"]) == ("2027-01-18", False)
    assert [c["kind"] for c in t["deadline_changes"]] == ["extend", "recompute"]
    assert run("check").out == ""


# -- errors and exit codes ----------------------------------------------------------
REFUSED = [
    ("list", "--no-such-option"),
    ("frobnicate",),
    ("add", "坏日期", "--lead-unit", "市住建局", "--due", "2026-13-01"),
    ("add", "坏日期", "--lead-unit", "市住建局", "--on", "20261120", "--within", "5wd"),
    ("add", "坏期限", "--lead-unit", "市住建局", "--within", "5 days"),
    ("show", "2026-0099"),
    ("show", "../x"),
    ("progress", "../../etc/passwd", "进展"),
    ("done", "2026-0001/../x"),
    ("log", "2026-0099"),
    ("close", "0", "--verified-by", "赵某"),
]
# Through the installed script too, one of each kind (each subprocess costs ~0.3 s).
REFUSED_SH = [REFUSED[0], REFUSED[2], REFUSED[5], REFUSED[6]]


@pytest.mark.parametrize("via,args", [("run", a) for a in REFUSED] + [("sh", a) for a in REFUSED_SH])
def test_refusals_change_nothing(ledger, refuse, h, via, args):
    h.add()
    res = refuse(ledger, *args, via=via)
    assert res.code == 2


@pytest.mark.parametrize("via", ["run", "sh"])
def test_not_in_a_ledger_is_exit_3(tmp_path, run, sh, via):
    call = run if via == "run" else sh
    for args in (("list",), ("add", "x", "--lead-unit", "y", "--within", "5wd"),
                 ("check",), ("list", "--ledger", str(tmp_path / "nowhere"))):
        res = call(*args, code=3, cwd=tmp_path)
        assert len(res.err.strip().splitlines()) == 1 and res.out == ""
    assert list(tmp_path.iterdir()) == []


def test_ledger_found_by_env_and_option(ledger, tmp_path, run, h):
    tid = h.add()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert ids(run("list", "--format", "json", "--ledger", str(ledger), cwd=elsewhere)) == [tid]
    assert ids(run("list", "--format", "json", cwd=elsewhere, env={"TAIZHANG_LEDGER": str(ledger)})) == [tid]
    assert ids(run("list", "--format", "json", cwd=ledger / "tasks")) == [tid]  # walks up


@pytest.mark.parametrize("via", ["run", "sh"])
def test_ledger_option_before_the_command(ledger, tmp_path, run, sh, h, via):
    call = run if via == "run" else sh
    tid = h.add()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert ids(call("--ledger", str(ledger), "list", "--format", "json", cwd=elsewhere)) == [tid]
    # The command's own --ledger wins over the global one, which wins over $TAIZHANG_LEDGER.
    res = call("--ledger", str(ledger), "list", "--ledger", str(elsewhere), code=3, cwd=elsewhere)
    assert str(elsewhere) in res.err
    env = {"TAIZHANG_LEDGER": str(elsewhere)}
    assert ids(call("--ledger", str(ledger), "list", "--format", "json", cwd=elsewhere, env=env)) == [tid]
    # Nothing carries over to the next invocation in the same process.
    call("list", code=3, cwd=elsewhere)


def test_bad_taizhang_today_is_refused(ledger, refuse):
    refuse(ledger, "list", env={"TAIZHANG_TODAY": "明天"})


def test_json_output_with_warnings_keeps_stdout_clean(ledger, sh, h):
    h.add("跨年事项", "--within", "60wd")
    res = sh("list", "--format", "json")
    assert json.loads(res.out)[0]["due_provisional"] is True
    res = sh("show", "1", "--format", "json")
    assert json.loads(res.out)["id"] == "2026-0001"
    assert "\\u" not in res.out and "跨年事项" in res.out


@pytest.mark.parametrize("args", [
    ("list",),
    ("add", "不该写入", "--lead-unit", "市住建局", "--within", "5wd"),
])
def test_a_folder_with_taizhang_yaml_but_no_git_is_refused_untouched(tmp_path, run, args):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "taizhang.yaml").write_text("org: 假台账\n", encoding="utf-8")
    res = run(*args, "--ledger", str(fake), code=3)
    assert len(res.err.strip().splitlines()) == 1
    assert sorted(p.name for p in fake.rglob("*")) == ["taizhang.yaml"]  # no .git/, no tasks/


def test_the_scripts_fast_lane_answers_like_the_full_cli(ledger, run, sh, h):
    """`overdue`/`list` skip typer in the installed script; output, errors and codes match in every format."""
    a = h.add("推进老旧小区改造", "--due", "2026-11-10", today="2026-11-02")
    h.add("整治背街小巷", "--within", "10wd")
    run("progress", a, "已完成方案")
    cases = [("overdue", "--format", "json"), ("list", "--format", "json"),
             ("overdue", "--format", "json", "--as-of", "2026-11-30"),
             ("list", "--as-of", "2026-02-30", "--format", "json"),
             ("overdue", "--format", "json", "--ledger", "/nonexistent/taizhang"),
             ("list",), ("overdue",), ("list", "--format", "csv"), ("overdue", "--format", "table"),
             ("list", "--format", "yaml"), ("list", "--as-of", "2026-11-30", "--format", "table")]
    for args in cases:
        fast, full = sh(*args, code=None), run(*args, code=None)
        assert (fast.code, fast.out, fast.err) == (full.code, full.out, full.err), args
    assert a in sh("overdue", "--format", "json").out


def test_the_fast_lane_is_built_from_the_commands_own_definitions():
    """The lane takes only options `list` and `overdue` declare, with their formats and defaults, and
    answers through the very functions the commands call: the two paths are one code."""
    import typer

    import cli
    from ledger.commands import fastlane, listing, tasks
    from ledger.commands.options import Fmt

    assert tuple(f.value for f in Fmt) == listing.FORMATS
    for name in ("list", "overdue"):
        command = typer.main.get_command(cli.build((name,))).commands[name]
        declared = {opt: p for p in command.params for opt in p.opts}
        for opt in fastlane.OPTIONS:
            assert opt in declared, (name, opt)
        assert declared["--format"].default in (Fmt.table, "table")
    assert fastlane.emit is tasks.emit and fastlane.listed is tasks.listed
