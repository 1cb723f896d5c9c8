"""The git store: commit messages and authors, one commit per change, atomic writes, rollback, the cache."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time

import pytest


def trailer(h, root, key: str, rev: str = "HEAD") -> list[str]:
    """Trailers as git itself parses them, so a malformed block would show up empty."""
    out = h.git(root, "log", "-1", f"--format=%(trailers:key={key},valueonly)", rev)
    return [line for line in out.splitlines() if line.strip()]


def changed_files(h, root, rev: str = "HEAD") -> list[str]:
    return h.git(root, "show", "--format=", "--name-only", rev).split()


def test_commit_message_is_a_chinese_sentence_with_trailers(ledger, run, h):
    tid = h.add("推进老旧小区改造")
    subject = h.git(ledger, "log", "-1", "--format=%s").strip()
    assert subject.startswith(f"交办 {tid} 推进老旧小区改造")
    assert h.han.search(subject)
    assert trailer(h, ledger, "Taizhang-Action") == ["add"]
    assert trailer(h, ledger, "Taizhang-Task") == [tid]
    assert changed_files(h, ledger) == [f"tasks/2026/{tid}.yaml"]

    run("done", tid)
    run("close", tid, "--verified-by", "督查室赵某")
    assert h.git(ledger, "log", "-1", "--format=%s").startswith(f"销号 {tid} ")
    assert "督查室赵某" in h.git(ledger, "log", "-1", "--format=%b")
    assert trailer(h, ledger, "Taizhang-Action") == ["close"]
    assert trailer(h, ledger, "Taizhang-Task") == [tid]


def test_every_changing_command_is_exactly_one_commit_of_one_file(ledger, run, h):
    tid = h.add()
    path = f"tasks/2026/{tid}.yaml"
    for args, action in [
        (("progress", tid, "完成方案"), "progress"),
        (("urge", tid), "urge"),
        (("extend", tid, "--by", "1w", "--reason", "资金未到位"), "extend"),
        (("done", tid), "done"),
        (("reopen", tid, "--reason", "材料不全"), "reopen"),
        (("cancel", tid, "--reason", "不再办理"), "cancel"),
    ]:
        before = h.commit_count(ledger)
        run(*args)
        assert h.commit_count(ledger) == before + 1, args
        assert changed_files(h, ledger) == [path], args
        assert trailer(h, ledger, "Taizhang-Action") == [action]
        assert h.git(ledger, "status", "--porcelain") == ""
    # Reading commands commit nothing.
    before = h.commit_count(ledger)
    for args in (("list",), ("show", tid), ("log", tid), ("check",), ("overdue",), ("calendar",)):
        run(*args)
    assert h.commit_count(ledger) == before


def test_author_is_the_git_user_or_by(ledger, run, h):
    tid = h.add()
    assert h.git(ledger, "log", "-1", "--format=%an|%ae|%cn").strip() == f"{h.clerk}|{h.clerk_email}|{h.clerk}"
    run("progress", tid, "已开工", "--by", "张科员")
    assert h.git(ledger, "log", "-1", "--format=%an|%ae").strip() == f"张科员|{h.clerk_email}"
    assert run("show", tid, "--format", "json").json()["progress"][0]["by"] == "张科员"
    run("extend", tid, "--by", "5wd", "--reason", "待审批", "--clerk", "李科员")  # --by is the SPAN here
    assert h.git(ledger, "log", "-1", "--format=%an").strip() == "李科员"


def test_ledger_git_identity_beats_the_global_one(ledger, run, h):
    h.git(ledger, "config", "user.name", "台账专用名")
    h.add()
    assert h.git(ledger, "log", "-1", "--format=%an").strip() == "台账专用名"


def test_without_a_git_user_the_clerk_must_be_named(ledger, refuse, run, h, tmp_path):
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    env = {"GIT_CONFIG_GLOBAL": str(empty)}
    res = refuse(ledger, "add", "无名氏", "--lead-unit", "市住建局", "--within", "5wd", code=3, env=env)
    assert "user.name" in res.err
    tid = run("add", "有名氏", "--lead-unit", "市住建局", "--within", "5wd", "--by", "王科员", env=env).last_line
    assert h.git(ledger, "log", "-1", "--format=%an").strip() == "王科员"
    assert tid == "2026-0001"


def test_init_without_identity_leaves_nothing(tmp_path, run):
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    target = tmp_path / "l"
    res = run("init", str(target), code=2, env={"GIT_CONFIG_GLOBAL": str(empty)})
    assert "user.name" in res.err and "--name" in res.err and "git -C" not in res.err
    assert not target.exists() or list(target.iterdir()) == []


def tmp_leftovers(root):
    return [p for p in root.rglob("*") if ".taizhang-tmp" in p.name]


def test_atomic_writes_leave_no_temp_files(ledger, run, h):
    tid = h.add()
    run("progress", tid, "一")
    assert tmp_leftovers(ledger) == []
    # One left behind by a killed process is swept up by the next write in that folder.
    stale = ledger / "tasks" / "2026" / f".{tid}.yaml.taizhang-tmp.99999"
    stale.write_bytes(b"half a file")
    assert h.git(ledger, "status", "--porcelain") == ""  # and git never sees it
    run("progress", tid, "二")
    assert tmp_leftovers(ledger) == []
    assert run("check").out == ""


LOCKS = {
    "index": ".git/index.lock",           # `git add` fails: nothing was staged yet
    "branch": ".git/refs/heads/main.lock",  # `git add` succeeds, `git commit` fails: must unstage
}


@contextlib.contextmanager
def _git_running_in(root):
    """A live git process in the ledger: a stale index.lock is removed only when none is running."""
    holder = subprocess.Popen(["git", "hash-object", "--stdin"], cwd=root, stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        holder.communicate(b"x")


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_a_failed_commit_rolls_back_a_new_task(ledger, run, h, lock):
    h.add()
    before = h.snapshot(ledger)
    lockfile = ledger / LOCKS[lock]
    lockfile.write_text("")
    with _git_running_in(ledger):
        res = run("add", "不该留下的事项", "--lead-unit", "市住建局", "--within", "5wd", code=3)
    lockfile.unlink()
    assert len(res.err.strip().splitlines()) == 1 and "git" in res.err
    assert not (ledger / "tasks" / "2026" / "2026-0002.yaml").exists()
    assert h.snapshot(ledger) == before
    assert tmp_leftovers(ledger) == []
    # And the ledger still works; the number was not burnt.
    assert h.add() == "2026-0002"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_a_failed_commit_restores_the_old_file(ledger, run, h, lock):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    old = path.read_bytes()
    before = h.snapshot(ledger)
    lockfile = ledger / LOCKS[lock]
    lockfile.write_text("")
    with _git_running_in(ledger):
        run("done", tid, code=3)
    lockfile.unlink()
    assert path.read_bytes() == old
    assert h.snapshot(ledger) == before
    assert run("show", tid, "--format", "json").json()["status"] == "open"


def _age(path, seconds: float = 30) -> None:
    """Push a file's mtime into the past so the cache trusts it (git's racy-clean window)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_cache_sees_a_hand_edited_file(ledger, run, h):
    tid = h.add("原来的标题")
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    _age(path)
    assert run("list", "--format", "json").json()[0]["title"] == "原来的标题"
    cache = ledger / ".git" / "taizhang" / "cache.sqlite"
    assert cache.is_file()
    # Same length in bytes, so only the mtime tells the cache the file changed.
    text = path.read_text(encoding="utf-8").replace("原来的标题", "手改的标题")
    path.write_text(text, encoding="utf-8")
    _age(path, 20)
    assert run("list", "--format", "json").json()[0]["title"] == "手改的标题"
    # A file added by hand (copied from another clerk's checkout, say) shows up too.
    twin = path.with_name("2026-0002.yaml")
    twin.write_text(text.replace(tid, "2026-0002"), encoding="utf-8")
    assert [t["id"] for t in run("list", "--format", "json").json()] == [tid, "2026-0002"]
    twin.unlink()
    assert [t["id"] for t in run("list", "--format", "json").json()] == [tid]


def test_a_hand_broken_file_is_named_not_cached(ledger, run, h):
    tid = h.add()
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    good = path.read_bytes()
    run("list")
    path.write_bytes(good.replace(b"status: open", b"status: [open"))
    res = run("list", "--format", "json")
    assert res.json() == [] and f"tasks/2026/{tid}.yaml" in res.err
    path.write_bytes(good)
    assert [t["id"] for t in run("list", "--format", "json").json()] == [tid]


def test_a_corrupt_cache_is_rebuilt_silently(ledger, run, h):
    h.add("缓存测试")
    run("list")
    cache = ledger / ".git" / "taizhang" / "cache.sqlite"
    assert cache.is_file()
    cache.write_bytes(b"this is not a database \x00\xff" * 200)
    res = run("list", "--format", "json")
    assert res.err == ""
    assert [t["title"] for t in res.json()] == ["缓存测试"]
    with sqlite3.connect(cache) as db:  # rebuilt, and a real database again
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 1
    assert h.git(ledger, "status", "--porcelain") == ""


def test_a_missing_cache_folder_is_fine(ledger, run, h):
    tid = h.add()
    shutil.rmtree(ledger / ".git" / "taizhang")
    assert [t["id"] for t in run("list", "--format", "json").json()] == [tid]
    run("progress", tid, "缓存目录被删后仍可写")


def test_log_reads_history_from_git(ledger, run, h):
    tid = h.add()
    run("progress", tid, "第一次进展", "--by", "张科员")
    log = run("log", tid, "--format", "json").json()
    assert [c["action"] for c in log] == ["add", "progress"]
    assert log[1]["author"] == "张科员"
    assert log[1]["commit"] == h.head(ledger)
    assert "第一次进展" in log[1]["subject"]


def test_a_hand_typed_far_future_date_is_named_not_a_crash(ledger, run, h):
    tid, other = h.add("手改时限"), h.add("另一事项")
    path = ledger / "tasks" / "2026" / f"{tid}.yaml"
    text = path.read_text(encoding="utf-8")
    due_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("due:"))
    path.write_text(text.replace("due: 2026-12-04", "due: 9999-12-31"), encoding="utf-8")
    res = run("list", "--format", "json")
    assert [t["id"] for t in res.json()] == [other]
    assert f"tasks/2026/{tid}.yaml:{due_line}:" in res.err
    res = run("check", code=1)
    assert res.out.startswith(f"tasks/2026/{tid}.yaml:{due_line}: ")


@pytest.mark.parametrize("name,text", [
    ("2027.yaml", "holidays: 5\n"),
    ("2027.yaml", "- 2027-01-01\n"),
    ("2027.yaml", "holidays:\n  - 2026-10-01\n"),
    ("2027.yaml", "holidays:\n  - 2027-02-30\n"),
    ("9999.yaml", "holidays: []\n"),
    ("0000.yaml", ""),
])
def test_a_broken_calendar_file_is_one_line_exit_3(ledger, run, h, name, text):
    h.add()
    (ledger / "calendar" / name).write_text(text, encoding="utf-8")
    res = run("list", code=3)
    assert len(res.err.strip().splitlines()) == 1 and f"calendar/{name}" in res.err


def test_a_detached_head_is_refused_so_no_commit_is_lost(ledger, refuse, run, h):
    tid = h.add()
    h.git(ledger, "checkout", "-q", "--detach")
    res = refuse(ledger, "progress", tid, "会丢失的进展", code=3)
    assert "分支" in res.err
    h.git(ledger, "checkout", "-q", "main")
    run("progress", tid, "回到分支后记录")
    assert [c["action"] for c in run("log", tid, "--format", "json").json()] == ["add", "progress"]


def test_plumbing_commit_stores_what_git_commit_would(ledger, run, h):
    """Commits go through update-index/write-tree/commit-tree/update-ref: same message, clean tree, sound repo."""
    from ledger.files.transaction import clean_message

    raw = "  \n交办 某事项  \n\n\n\n正文一行\t\n\nTaizhang-Action: add\n\n\n"
    cleaned = subprocess.run(["git", "stripspace"], input=raw, capture_output=True, text=True, check=True).stdout
    assert clean_message(raw) == cleaned
    tid = h.add("推进老旧小区改造")
    run("progress", tid, "完成方案")
    assert h.git(ledger, "status", "--porcelain") == ""
    assert h.git(ledger, "config", "--get", "core.splitIndex").strip() == "true"
    assert h.git(ledger, "log", "-g", "-1", "--format=%gs").startswith("commit: ")  # the reflog reads as git's
    subprocess.run(["git", "-C", str(ledger), "fsck", "--no-progress"], check=True, capture_output=True)
    assert h.git(ledger, "rev-parse", "HEAD~1:" + f"tasks/2026/{tid}.yaml") != h.git(
        ledger, "rev-parse", "HEAD:" + f"tasks/2026/{tid}.yaml")
