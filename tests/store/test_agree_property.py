"""Any sequence of successful commands leaves a ledger that `check --strict` and the pre-commit hook accept.

Hypothesis draws commands (with their options, past and future `--on` dates) and moves of
TAIZHANG_TODAY back and forth. A command may refuse (exit 2); one that succeeds must leave
a ledger taizhang's own checks accept. The command set leaves out what check --strict reports
by design about the office's conduct rather than the ledger's consistency: a 交办单 issued
late (--source with an --on long past), two unresolved coordinations, the same person
interviewed twice, a 难以执行 answered late.

TAIZHANG_PROPERTY_EXAMPLES sets the number of examples (default 20, for CI).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("TAIZHANG_PROPERTY_EXAMPLES", "20"))
START = dt.date(2026, 3, 2)

offset = st.integers(min_value=-6, max_value=3)  # an --on relative to today
text = st.sampled_from(["完成摸底", "已开工", "正在推进", "完成验收"])
pick = st.integers(min_value=0, max_value=7)  # which of the tasks so far

COMMANDS = st.one_of(
    st.tuples(st.just("add"), offset, st.sampled_from(["5wd", "10wd", "1w", "0.5m", "3d"]), st.booleans()),
    st.tuples(st.just("progress"), pick, offset, text),
    st.tuples(st.just("done"), pick, offset),
    st.tuples(st.just("close"), pick, offset, st.sampled_from(["onsite", "document"])),
    st.tuples(st.just("reopen"), pick),
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("urge"), pick, st.sampled_from(["remind", "supervise"])),
    st.tuples(st.just("extend"), pick, st.sampled_from(["3wd", "10wd"]), st.booleans()),
    st.tuples(st.just("suspend"), pick, offset),
    st.tuples(st.just("resume"), pick, offset),
    st.tuples(st.just("notice"), pick),
    st.tuples(st.just("milestone"), pick, st.integers(min_value=1, max_value=8)),
    st.tuples(st.just("escalate"), pick),
    st.tuples(st.just("report-difficulty"), pick, offset),
    # done → close → reopen on one task: drawn one by one the three seldom meet on the same task.
    st.tuples(st.just("cycle"), pick, offset, st.sampled_from(["onsite", "document"]), st.booleans()),
)
FIRST = st.tuples(st.just(0), st.tuples(st.just("add"), offset, st.sampled_from(["5wd", "10wd"]), st.booleans()))
STEPS = st.lists(st.tuples(st.integers(min_value=-3, max_value=12), COMMANDS), min_size=4, max_size=14).flatmap(
    lambda rest: FIRST.map(lambda first: [first, *rest]))


def _on(today: dt.date, shift: int) -> list[str]:
    day = today + dt.timedelta(days=shift)
    return ["--on", day.isoformat()] + (["--future"] if day > today else [])


def _chain(cmd: tuple, today: dt.date, ids: list[str]) -> list[list[str]]:
    """The command lines one drawn step runs, in order; the chain stops at the first refusal."""
    if cmd[0] != "cycle":
        args = _args(cmd, today, ids)
        return [] if args is None else [args]
    _, which, shift, method, reopen = cmd
    steps = [("done", which, shift), ("close", which, max(shift, 0), method)] + ([("reopen", which)] if reopen else [])
    return [a for step in steps if (a := _args(step, today, ids)) is not None]


def _args(cmd: tuple, today: dt.date, ids: list[str]) -> list[str] | None:
    name = cmd[0]
    if name == "add":
        _, shift, span, with_source = cmd
        if with_source:  # the meeting's own day: the 交办单 is never late
            return ["add", "常务会议议定事项", "--lead-unit", "市住建局", "--source", "常务会议"]
        return ["add", "推进老旧小区改造", "--lead-unit", "市住建局", "--within", span, *_on(today, shift)]
    if not ids:
        return None
    tid = ids[cmd[1] % len(ids)]
    rest = cmd[2:]
    return {
        "progress": lambda: ["progress", tid, rest[1], *_on(today, rest[0])],
        "done": lambda: ["done", tid, "--by", "责任单位", *_on(today, rest[0])],
        "close": lambda: ["close", tid, "--verified-by", "孙丽", "--method", rest[1], *_on(today, rest[0])],
        "reopen": lambda: ["reopen", tid, "--reason", "核验不合格"],
        "cancel": lambda: ["cancel", tid, "--reason", "议定事项调整"],
        "urge": lambda: ["urge", tid, "--level", rest[0], "-q"],
        "extend": lambda: ["extend", tid, "--by", rest[0], "--reason", "设备到货推迟",
                           *(["--late", "--approved-by", "李副市长"] if rest[1] else [])],
        "suspend": lambda: ["suspend", tid, "--reason", "等待上级政策", *_on(today, rest[0])],
        "resume": lambda: ["resume", tid, *_on(today, rest[0])],
        "notice": lambda: ["notice", tid, "--within", "10wd"],
        "milestone": lambda: ["milestone", "add", tid, f"{rest[0]}wd:完成阶段任务"],
        "escalate": lambda: ["escalate", tid, "--to", "office", "--note", "协调用地", "--resolved"],
        "report-difficulty": lambda: ["report-difficulty", tid, "征地受阻", *_on(today, rest[0])],
    }[name]()


@settings(max_examples=EXAMPLES, deadline=None, derandomize="CI" in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_successful_commands_leave_a_ledger_check_strict_and_the_hook_accept(run, tmp_path_factory, template, steps):
    root = tmp_path_factory.mktemp("prop") / "台账"
    shutil.copytree(template, root, symlinks=True)
    today, ids, done = START, [], []
    for move, cmd in steps:
        today = max(START, today + dt.timedelta(days=move))
        for args in _chain(cmd, today, ids):
            res = run(*args, "--ledger", str(root), code=None, today=today.isoformat())
            assert res.code in (0, 2), (args, res.err)
            event(f"{args[0]}: exit {res.code}")
            if res.code != 0:
                break
            done.append(args)
            if args[0] == "add":
                ids.append(res.last_line)
    checked = run("check", "--strict", "--ledger", str(root), code=None, today=today.isoformat())
    assert checked.code == 0, (done, checked.out)
    # The pre-commit hook: every task file, re-committed with a comment line added by hand.
    files = sorted((root / "tasks").rglob("*.yaml"))
    for f in files:
        f.write_text(f.read_text(encoding="utf-8") + "# 复核\n", encoding="utf-8")
    if files:
        p = subprocess.run(["git", "-C", str(root), "commit", "-qam", "复核"], capture_output=True, text=True)
        assert p.returncode == 0, (done, p.stderr)


@pytest.fixture
def template(tmp_path, run):
    """One `taizhang init` for all examples of the test: each copies it (init with git and hooks costs ~0.5 s)."""
    root = tmp_path / "台账"
    run("init", str(root), "--org", "某某市人民政府督查室")
    return root
