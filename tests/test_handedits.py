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
