"""Crashes, full disks, stale locks, concurrency, hostile files and hostile paths: the real CLI on real git."""

from __future__ import annotations

import concurrent.futures
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.clerkkit import Clerk, stress
from tests.support.runner import console_script

HAN = "\u4e00-\u9fff"


def _one_chinese_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), err
    return lines[0]


def _clean(clerk: Clerk) -> None:
    assert clerk.git("status", "--porcelain").stdout == ""
    fsck = clerk.git("fsck", "--strict", check=False)
    assert fsck.returncode == 0, fsck.stderr
    clerk.tz("check")


# -- stale index.lock -------------------------------------------------------------------
def test_stale_index_lock_is_removed_when_no_git_process_holds_it(clerk: Clerk):
    a = clerk.add()
    (clerk.cwd / ".git/index.lock").write_bytes(b"")  # as a killed `git add` leaves it
    clerk.tz("progress", a, "锁文件残留后照常记录")
    assert not (clerk.cwd / ".git/index.lock").exists()
    _clean(clerk)


def test_index_lock_of_a_running_git_is_left_alone(clerk: Clerk):
    a = clerk.add()
    lock = clerk.cwd / ".git/index.lock"
    lock.write_bytes(b"")
    # a live git process working in this repository (waits on its stdin)
    holder = subprocess.Popen(["git", "hash-object", "--stdin"], cwd=clerk.cwd, env=clerk.env,
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        before = clerk.git("rev-parse", "HEAD").stdout
        r = clerk.tz("progress", a, "不该写入", code=3)
        _one_chinese_line(r.err)
        assert lock.exists()
        assert clerk.git("rev-parse", "HEAD").stdout == before
        assert "不该写入" not in (clerk.cwd / f"tasks/2026/{a}.yaml").read_text(encoding="utf-8")
    finally:
        holder.communicate(b"x")
    lock.unlink()
    _clean(clerk)


# -- SIGKILL in the middle of a write or commit --------------------------------------------
@pytest.mark.slow
def test_sigkill_mid_command_leaves_old_or_new_state_and_next_command_repairs(clerk: Clerk):
    a = clerk.add()
    rng = random.Random(5)
    path = clerk.cwd / f"tasks/2026/{a}.yaml"
    killed = 0
    # Kill within the time one such command takes here, so the kills land mid-command on a
    # fast idle machine as on a loaded one (a fixed window let a fast machine finish first).
    start = time.monotonic()
    clerk.tz("progress", a, "量一下用时")
    took = time.monotonic() - start
    for i in range(stress(7, 16)):
        before = clerk.commits()
        env = dict(clerk.env)
        p = subprocess.Popen([*console_script(), "progress", a, f"第{i}次"], cwd=clerk.cwd, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, 0.8) * took)
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed += p.returncode == -signal.SIGKILL
        # the file on disk is always a whole version: the committed one or the new one
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and "events:" in text
        # the next command reports what it repaired and works
        r = clerk.tz("progress", a, f"补记{i}")
        assert clerk.commits() in (before + 1, before + 2)
        assert clerk.git("status", "--porcelain").stdout == "", r.err
    assert killed >= 3, "the kills all came too late to test anything"
    for sha in clerk.git("rev-list", "HEAD").stdout.split()[:-1]:
        files = clerk.git("show", "--name-only", "--format=", sha).stdout.split()
        assert len(files) == 1
    _clean(clerk)


# -- full disk ---------------------------------------------------------------------------
def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def _fill(folder: Path, leave: int) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\1" * 4096)
    except OSError:
        pass
    os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    os.close(fd)
    return filler


def test_full_disk_fails_cleanly_and_keeps_the_original_file(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "16m"):
        pytest.skip("cannot mount a tmpfs here (needs root and mount permission)")
    try:
        c = Clerk(tmp_path / "home", tmp_path)
        c.tz("init", disk / "ledger")
        c.cwd = disk / "ledger"
        a = c.add()
        c.tz("progress", a, "长" * 1500)
        path = c.cwd / f"tasks/2026/{a}.yaml"
        original = path.read_bytes()
        head = c.git("rev-parse", "HEAD").stdout
        for leave in (4096, 0):  # room for the journal but not the file; then no room at all
            filler = _fill(disk, leave)
            r = c.tz("progress", a, "满" * 1500, code=3)
            line = _one_chinese_line(r.err)
            assert "磁盘" in line
            assert path.read_bytes() == original
            assert c.git("rev-parse", "HEAD").stdout == head
            assert not list(path.parent.glob(".*taizhang-tmp*"))
            filler.unlink()
        c.tz("progress", a, "空间恢复后照常")
        assert c.git("status", "--porcelain").stdout == ""
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# -- 4 processes × 40 changing commands (10 unless TAIZHANG_STRESS=full) --------------------------
@pytest.mark.slow
def test_four_processes_forty_commands_each(clerk: Clerk):
    ids = [clerk.add(f"事项{i}") for i in range(4)]
    start = clerk.commits()
    each = stress(10, 40)  # commands per process

    def worker(w: int) -> list[int]:
        codes = []
        for i in range(each):
            tid = ids[(w + i) % 4]
            args = ["progress", tid, f"进程{w}第{i}条"] if i % 5 else ["urge", tid, "--note", f"{w}-{i}"]
            p = subprocess.run([*console_script(), *args], cwd=clerk.cwd, env=clerk.env, capture_output=True, timeout=120)
            err = p.stderr.decode("utf-8")
            assert "Traceback" not in err and "内部错误" not in err, err
            assert p.returncode in (0, 2, 3), err
            codes.append(p.returncode)
        return codes

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = [c for codes in pool.map(worker, range(4)) for c in codes]
    successes = results.count(0)
    print(f"4×{each} commands: {successes} succeeded")
    assert successes == 4 * each
    assert clerk.commits() - start == successes
    for sha in clerk.git("rev-list", f"HEAD~{successes}..HEAD").stdout.split():
        assert len(clerk.git("show", "--name-only", "--format=", sha).stdout.split()) == 1
    _clean(clerk)


# -- hostile and broken task files -------------------------------------------------------------
GOOD = """schema_version: 1
id: 2026-0001
title: 推进老旧小区改造
description: ""
status: open
source: ""
ref: ""
lead_unit: 市住建局
units: []
leader: ""
contact: ""
assigned_on: 2026-11-20
registered_on: 2026-11-20
deadline_rule: 10wd
due: 2026-12-04
due_provisional: false
milestones: []
tags: []
progress: []
deadline_changes: []
urges: []
events: []
"""

HOSTILE = {
    "python_tag": (GOOD.replace('ref: ""', 'ref: !!python/object/apply:os.system ["touch PWNED"]'), 7, "标签"),
    "alias": (GOOD.replace("units: []", "units: &u [市财政局]").replace("tags: []", "tags: *u"), 9, "锚点"),
    "dup_key": (GOOD + "title: 又一个标题\n", 23, "duplicate"),
    "tab": (GOOD.replace("progress: []", "progress:\n\t- on: 2026-11-20"), 20, "制表符"),
    "crlf": (GOOD.replace("\n", "\r\n"), 1, "CRLF"),
    "yaml11": ("%YAML 1.1\n---\n" + GOOD, 1, "指令"),
    "no_value": (GOOD.replace("leader: \"\"", "leader: no"), 10, "歧义"),
    "on_value": (GOOD.replace("contact: \"\"", "contact: on"), 11, "歧义"),
    "octal": (GOOD.replace('ref: ""', "ref: 012"), 7, "文字"),
    "sexagesimal": (GOOD.replace('ref: ""', "ref: 12:30"), 7, "歧义"),
    "feb30": (GOOD.replace("due: 2026-12-04", "due: 2026-02-30"), 15, "日期"),
    "short_date": (GOOD.replace("due: 2026-12-04", "due: 2026-3-1"), 15, "日期"),
    "truncated": (GOOD[: GOOD.index("deadline_rule")] + "deadline_rule: \"10w", 14, "YAML"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_task_file_reported_with_file_and_line(clerk: Clerk, name):
    text, line, word = HOSTILE[name]
    folder = clerk.cwd / "tasks/2026"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2026-0001.yaml"
    path.write_bytes(text.encode("utf-8"))
    before = path.read_bytes()
    r = clerk.tz("check", code=1)
    assert r.out.startswith(f"tasks/2026/2026-0001.yaml:{line}: "), r.out
    assert word in r.out, r.out
    assert path.read_bytes() == before  # never silently changed
    assert not (clerk.cwd / "PWNED").exists()  # never executed
    clerk.tz("list")  # other commands skip it with a warning, not a crash


@pytest.mark.parametrize("raw,line,word", [
    (b"\xef\xbb\xbf" + GOOD.encode(), 1, "BOM"),
    (GOOD.replace("推进老旧小区改造", "GBK").encode().replace(b"GBK", "推进".encode("gbk")), 3, "UTF-8"),
    (GOOD.replace("推进", "推\u0085进").encode(), 3, "U+0085"),
])
def test_hostile_bytes_reported_with_file_and_line(clerk: Clerk, raw, line, word):
    folder = clerk.cwd / "tasks/2026"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2026-0001.yaml").write_bytes(raw)
    r = clerk.tz("check", code=1)
    assert r.out.startswith(f"tasks/2026/2026-0001.yaml:{line}: ") and word in r.out, r.out


# -- hostile IDs and paths -------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["show", "--output=x"],
    ["show", "../x"],
    ["show", "/etc/passwd"],
    ["progress", "../../etc/passwd", "x"],
    ["progress", "--", "-rf", "x"],
    ["log", "2026-0001/../../x"],
    ["done", "2026-0001;rm"],
])
def test_hostile_ids_and_options_are_refused_before_git(clerk: Clerk, args):
    clerk.add()
    head = clerk.git("rev-parse", "HEAD").stdout
    r = clerk.tz(*args, code=2)
    _one_chinese_line(r.err)
    assert clerk.git("rev-parse", "HEAD").stdout == head
    assert clerk.git("status", "--porcelain").stdout == ""


def test_symlink_out_of_the_ledger_is_refused(clerk: Clerk, tmp_path):
    a = clerk.add()
    outside = tmp_path / "outside.yaml"
    path = clerk.cwd / f"tasks/2026/{a}.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    r = clerk.tz("check", code=1)
    assert f"tasks/2026/{a}.yaml:1: 是符号链接" in r.out
    clerk.tz("progress", a, "写到外面去", code=2)
    clerk.tz("show", a, code=2)
    assert "写到外面去" not in outside.read_text(encoding="utf-8")
    (clerk.cwd / "tasks/2026/2026-0999.yaml").symlink_to("/dev/zero")
    clerk.tz("list", timeout=20)  # never reads through the link
