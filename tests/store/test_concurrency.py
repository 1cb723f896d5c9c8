"""Several clerks at once: concurrent `taizhang` processes on one ledger lose nothing."""

from __future__ import annotations

import json
import subprocess

N = 8


def test_concurrent_adds_make_distinct_tasks_and_commits(ledger, run, h):
    before = h.commit_count(ledger)
    procs = [
        subprocess.Popen(
            [*h.script, "add", f"并发登记的事项{i}", "--lead-unit", f"单位{i}", "--within", "10wd"],
            cwd=ledger, env=h.script_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for i in range(N)
    ]
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, out, err in results:
        assert code == 0, err
        assert err == ""
    printed = [out.rstrip("\n").splitlines()[-1] for _, out, _ in results]
    assert sorted(printed) == [f"2026-{i:04d}" for i in range(1, N + 1)]

    assert h.commit_count(ledger) == before + N
    log = h.git(ledger, "log", f"-{N}", "--format=%(trailers:key=Taizhang-Task,valueonly)")
    assert sorted(line for line in log.splitlines() if line.strip()) == sorted(printed)
    files = sorted(p.name for p in (ledger / "tasks" / "2026").glob("*.yaml"))
    assert files == [f"{i}.yaml" for i in sorted(printed)]

    # Each task holds its own title: no process wrote over another's file.
    tasks = json.loads(run("list", "--format", "json").out)
    assert sorted(t["title"] for t in tasks) == sorted(f"并发登记的事项{i}" for i in range(N))
    by_id = {t["id"]: t for t in tasks}
    for i in range(N):
        assert by_id[printed[i]]["title"] == f"并发登记的事项{i}"

    h.git(ledger, "fsck", "--full", "--strict")
    assert h.git(ledger, "status", "--porcelain", "--ignored") == ""
    assert run("check").out == ""


def test_concurrent_changes_to_one_task_keep_every_entry(ledger, run, h):
    """Read-modify-write under the lock: eight progress entries on one task, none lost."""
    tid = h.add()
    procs = [
        subprocess.Popen([*h.script, "progress", tid, f"第{i}次进展"], cwd=ledger, env=h.script_env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for i in range(N)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    entries = run("show", tid, "--format", "json").json()["progress"]
    assert sorted(e["text"] for e in entries) == sorted(f"第{i}次进展" for i in range(N))
    assert len(run("log", tid, "--format", "json").json()) == N + 1
    h.git(ledger, "fsck", "--full", "--strict")
