"""Files a clerk edits by hand (task files, calendar, settings, units) are validated like task files."""

from __future__ import annotations

import pytest


def _status(root, tid: str, status: str) -> None:
    path = root / "tasks" / tid[:4] / f"{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: open", f"status: {status}"), encoding="utf-8")


# -- an unknown status ---------------------------------------------------------------
@pytest.mark.parametrize("args", [("show", "1"), ("progress", "1", "已推进"), ("log", "1")])
def test_unknown_status_names_the_file_for_one_task(ledger, run, h, args):
    h.add()
    _status(ledger, "2026-0001", "finished")
    if args[0] == "log":  # log reads history only: it still works
        run(*args)
        return
    res = run(*args, code=3)
    assert "tasks/2026/2026-0001.yaml:" in res.err and "finished" in res.err
    assert "KeyError" not in res.err


@pytest.mark.parametrize("args", [("list", "--all"), ("export", "--format", "json"), ("overdue",),
                                  ("report", "monthly", "--month", "2026-11")])
def test_unknown_status_is_reported_not_dropped_by_readers(ledger, run, h, args):
    h.add()
    h.add("第二件")
    _status(ledger, "2026-0001", "finished")
    res = run(*args)
    assert "tasks/2026/2026-0001.yaml:" in res.err and "未知状态“finished”" in res.err


def test_check_names_an_unknown_status_once(ledger, run, h):
    h.add()
    _status(ledger, "2026-0001", "finished")
    res = run("check", code=1)
    assert res.out.count("\n") == 1
    assert res.out.startswith("tasks/2026/2026-0001.yaml:5: status 是未知状态“finished”")


# -- calendar/YYYY.yaml and taizhang.yaml --------------------------------------------
def _calendar(root, text: str, name: str = "2027.yaml"):
    path = root / "calendar" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_reports_calendar_dates_of_another_year_with_their_line(ledger, run):
    _calendar(ledger, "holidays:\n  - 2027-01-01\n  - 2028-01-01\nworkdays:\n  - 2027-01-01\n")
    res = run("check", code=1)
    assert res.out.splitlines() == [
        "calendar/2027.yaml:3: holidays 中的 2028-01-01 不是 2027 年的日期（2027.yaml 只能写 2027 年的日子）",
        "calendar/2027.yaml:5: 2027-01-01 既写在 holidays 中又写在 workdays 中",
    ]


def test_a_bad_calendar_stops_commands_that_count_workdays_in_one_chinese_line(ledger, run, h, sh):
    tid = h.add()
    _calendar(ledger, "holidays:\n  - 2027-01-01\n  - 2028-01-01\n")
    for args in (("list",), ("show", tid)):
        res = sh(*args, code=3)
        assert res.err.splitlines() == [
            "错误：calendar/2027.yaml:3: holidays 中的 2028-01-01 不是 2027 年的日期（2027.yaml 只能写 2027 年的日子）；"
            "请修正日历文件后重试（taizhang check 可列出所有问题）"]
        assert "datetime" not in res.err
    run("log", tid)  # history needs no calendar


def test_broken_calendar_yaml_is_named_with_its_line(ledger, run):
    _calendar(ledger, "holidays:\n  - 2027-01-01\nworkdays: [\n")
    res = run("check", code=1)
    assert res.out.startswith("calendar/2027.yaml:") and "YAML" in res.out
    res = run("list", code=3)
    assert res.err.startswith("错误：calendar/2027.yaml:")


def test_calendar_file_not_named_by_year_is_flagged(ledger, run):
    _calendar(ledger, "holidays: []\n", name="2027.yml")
    assert run("check", code=1).out == "calendar/2027.yml:1: 日历文件名应为 年份.yaml（如 2027.yaml），此文件不会被读取\n"


def test_check_reports_bad_settings_values_with_their_line(ledger, run):
    cfg = ledger / "taizhang.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("warn_workdays: 3", "warn_workdays: 三").replace("units: {}", "units: 5"),
                   encoding="utf-8")
    lines = text.split("\n")
    warn_line = next(i for i, x in enumerate(lines, 1) if x.startswith("warn_workdays"))
    units_line = next(i for i, x in enumerate(lines, 1) if x.startswith("units"))
    res = run("check", code=1)
    assert res.out.splitlines() == [f"taizhang.yaml:{warn_line}: warn_workdays 应为非负整数（现为：三）",
                                    f"taizhang.yaml:{units_line}: units 写法不对"]
    res = run("list", code=3)
    assert res.err == f"错误：taizhang.yaml:{warn_line}: warn_workdays 应为非负整数（现为：三）；请修正台账设置文件后重试（taizhang check 可列出所有问题）\n"
    run("check", "--strict", code=1)  # still a report, not a stop


def test_rules_that_are_not_a_mapping_are_a_problem_not_an_internal_error(ledger, run, h):
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("rules: {}", "rules: [常务会议]"), encoding="utf-8")
    assert "rules 应为" in run("check", code=1).out
    assert run("add", "甲", "--lead-unit", "市住建局", "--source", "常务会议", code=3).err.startswith("错误：taizhang.yaml:")


def test_pre_commit_hook_refuses_a_staged_bad_calendar(ledger, run, h):
    _calendar(ledger, "holidays:\n  - 2028-01-01\n")
    h.git(ledger, "add", "calendar/2027.yaml")
    import subprocess

    proc = subprocess.run(["git", "commit", "-qm", "手工录入日历"], cwd=ledger, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "calendar/2027.yaml:2: holidays 中的 2028-01-01 不是 2027 年的日期" in proc.stderr
    _calendar(ledger, "holidays:\n  - 2027-01-01\n")
    h.git(ledger, "add", "calendar/2027.yaml")
    before = h.commit_count(ledger)
    proc = subprocess.run(["git", "commit", "-qm", "手工录入日历"], cwd=ledger, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert h.commit_count(ledger) == before + 1
    run("check")


# -- a task file deleted by hand -------------------------------------------------------
def test_a_task_file_deleted_by_hand_is_named_by_check_and_readers(ledger, run, h, sh):
    h.add()
    h.add("第二件")
    rel = "tasks/2026/2026-0002.yaml"
    (ledger / rel).unlink()
    res = run("check", code=1)
    assert res.out == f"{rel}:1: 事项文件已被删除（尚未提交），事项不得删除；请运行 git checkout -- {rel} 恢复，撤销事项请用 taizhang cancel\n"
    for args in (("list",), ("list", "--format", "json"), ("report", "monthly", "--month", "2026-11"), ("overdue",)):
        res = sh(*args)
        assert res.err.count("\n") == 1 and res.err.startswith(f"警告：{rel}: 事项文件已被删除"), args
    res = run("show", "2", code=3)
    assert res.err.startswith(f"错误：{rel}: 事项文件已被删除")
    h.git(ledger, "checkout", "--", rel)
    run("check")
    assert run("list").err == ""
