"""A write command whose stdout is closed exits 0 once it has committed; before that it still fails."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.support.gitkit import commit_count


def _closed_stdout(h, root, *args, today=None):
    """Run the installed taizhang with a stdout pipe whose reading end is already closed (like `| true`)."""
    read, write = os.pipe()
    os.close(read)
    env = h.script_env(**({"TAIZHANG_TODAY": today} if today else {}))
    try:
        p = subprocess.run([*h.script, *args], cwd=root, env=env, stdout=write, stderr=subprocess.PIPE,
                           timeout=60)
    finally:
        os.close(write)
    return p.returncode, p.stderr.decode("utf-8")


@pytest.mark.parametrize("args", [("urge", "{tid}"), ("progress", "{tid}", "x"), ("urge", "{tid}", "--level", "supervise")])
def test_committed_write_with_closed_stdout_exits_0(ledger, run, h, args):
    tid = h.add(today="2026-11-02")
    before = commit_count(ledger)
    rc, err = _closed_stdout(h, ledger, *[a.format(tid=tid) for a in args])
    assert (rc, err) == (0, "")
    assert commit_count(ledger) == before + 1


def test_one_notice_number_when_the_reader_went_away(ledger, run, h):
    tid = h.add(today="2026-11-02")
    assert _closed_stdout(h, ledger, "urge", tid)[0] == 0
    assert run("urge", tid).out.count("催〔2026〕2号") >= 1


def test_a_read_command_with_closed_stdout_is_quiet(ledger, run, h):
    h.add()
    for args in (("show", "1"), ("list",), ("log", "1")):
        assert _closed_stdout(h, ledger, *args) == (0, "")


def test_a_refused_write_still_fails_with_closed_stdout(ledger, run, h):
    tid = h.add()
    before = commit_count(ledger)
    rc, err = _closed_stdout(h, ledger, "close", tid, "--verified-by", "孙丽")
    assert rc == 2 and "申请办结" in err
    assert commit_count(ledger) == before
