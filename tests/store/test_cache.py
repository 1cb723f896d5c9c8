"""The derived cache: exactly as fresh as the files, rebuilt when broken, invisible in results."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import gen  # the benchmark's generator of realistic ledgers (bench/ is on pytest's pythonpath)
import pytest

from ledger.domain.model import Task
from ledger.files import codec
from ledger.files.cachedb import CACHE_VERSION
from ledger.files.cachefiles import RACY_NS
from ledger.files.store import Ledger, parse_task
from tests.support.runner import REPO

TODAY = dt.date(2026, 11, 20)


def age(root: Path, seconds: float = 30) -> None:
    """Push every task file's mtime into the past, out of the racy window, so the cache trusts it."""
    t = time.time() - seconds
    for path in (root / "tasks").glob("*/*.yaml"):
        os.utime(path, (t, t))


def cache_db(root: Path) -> Path:
    return root / ".git" / "taizhang" / "cache.sqlite"


def cached_at(root: Path) -> dict[str, int]:
    with sqlite3.connect(cache_db(root)) as db:
        return dict(db.execute("SELECT path, cached_at FROM files"))


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "ledger"
    gen.generate(root, 400, TODAY, seed=7)
    return root


@pytest.fixture
def big(template, tmp_path, monkeypatch) -> Path:
    """A copy of a generated 400-task ledger (a real git repository), files aged, no cache yet."""
    root = tmp_path / "ledger"
    subprocess.run(["cp", "-a", str(template), str(root)], check=True)
    age(root)
    monkeypatch.chdir(root)
    return root


def ids(res) -> list[str]:
    return [t["id"] for t in res.json()]


def strict_view(root: Path) -> dict[str, Task]:
    """Every task read straight from its file with the strict loader: the truth."""
    return {p.stem: codec.task_from_bytes(p.read_bytes()) for p in sorted((root / "tasks").glob("*/*.yaml"))}


def test_results_with_and_without_the_cache_are_identical(big, run):
    commands = [("list", "--all", "--format", "json"), ("overdue", "--format", "json"),
                ("list", "--format", "csv"), ("list", "--unit", "市教育局", "--format", "json")]
    cold = [run(*c).out for c in commands]  # the first builds the cache
    assert cache_db(big).is_file()
    stamps = cached_at(big)
    assert len(stamps) == 400
    warm = [run(*c).out for c in commands]
    assert cached_at(big) == stamps, "a warm run parsed files again"
    cache_db(big).unlink()
    rebuilt = [run(*c).out for c in commands]
    assert cold == warm == rebuilt
    # And the cache's tasks are the strict loader's tasks, field for field.
    truth = strict_view(big)
    listed = run("list", "--all", "--format", "json").json()
    assert len(listed) == len(truth)
    for item in listed:
        assert codec.task_from_plain({k: item[k] for k in codec.TASK_KEYS}) == truth[item["id"]]


def test_the_status_prefilter_sees_a_hand_changed_status(big, run):
    closed = next(t for t in run("list", "--all", "--format", "json").json() if t["status"] == "closed")
    assert closed["id"] not in ids(run("list", "--format", "json"))
    path = big / "tasks" / closed["id"][:4] / f"{closed['id']}.yaml"
    path.write_bytes(path.read_bytes().replace(b"status: closed", b"status: suspended"))
    shown = run("list", "--format", "json").json()
    assert closed["id"] in [t["id"] for t in shown]


def test_a_hand_edit_of_the_same_size_is_seen(big, run):
    first = run("list", "--format", "json").json()[0]
    path = big / "tasks" / first["id"][:4] / f"{first['id']}.yaml"
    data = path.read_bytes()
    new_title = "手改" + first["title"][2:]
    edited = data.replace(first["title"].encode(), new_title.encode())
    assert len(edited) == len(data) and edited != data
    with open(path, "r+b") as f:  # in place: same inode, same size; only the mtime moves
        f.write(edited)
    age(big, 20)
    assert run("list", "--format", "json").json()[0]["title"] == new_title


def test_an_edit_within_the_same_mtime_tick_is_seen(big, run):
    """git's racy-clean case: the file changes after it was cached but its stat does not."""
    first = run("list", "--format", "json").json()[0]
    path = big / "tasks" / first["id"][:4] / f"{first['id']}.yaml"
    path.write_bytes(path.read_bytes())  # fresh mtime: cached now, inside the racy window
    st = path.stat()
    run("list", "--format", "json")
    with sqlite3.connect(cache_db(big)) as db:
        (stamp,) = db.execute("SELECT cached_at FROM files WHERE path = ?", (f"{first['id'][:4]}/{path.name}",)).fetchone()
    if stamp - st.st_mtime_ns > RACY_NS:
        pytest.skip("this machine took over 2 s to read one file; the racy window cannot be exercised")
    data = path.read_bytes()
    new_title = "手改" + first["title"][2:]
    path.write_bytes(data.replace(first["title"].encode(), new_title.encode()))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same inode, same mtime
    assert path.stat().st_size == st.st_size and path.stat().st_ino == st.st_ino
    assert run("list", "--format", "json").json()[0]["title"] == new_title


def test_git_checkout_of_another_commit_is_seen(big, run):
    before = run("list", "--all", "--format", "json").out
    tid = run("list", "--status", "open", "--format", "json").json()[0]["id"]
    run("progress", tid, "检出测试的进展")
    run("done", tid, "--note", "已完成")
    after = run("list", "--all", "--format", "json").out
    assert after != before
    git(big, "checkout", "-q", "HEAD~2")
    age(big, 40)
    assert run("list", "--all", "--format", "json").out == before
    git(big, "checkout", "-q", "main")
    age(big, 50)
    assert run("list", "--all", "--format", "json").out == after


def test_deleted_and_new_files_are_seen(big, run):
    listed = ids(run("list", "--all", "--format", "json"))
    gone = big / "tasks" / listed[0][:4] / f"{listed[0]}.yaml"
    data = gone.read_bytes()
    gone.unlink()
    assert ids(run("list", "--all", "--format", "json")) == listed[1:]
    twin_id = f"{TODAY.year}-9999"
    twin = big / "tasks" / str(TODAY.year) / f"{twin_id}.yaml"
    twin.write_bytes(data.replace(listed[0].encode(), twin_id.encode()))
    age(big, 25)
    assert twin_id in ids(run("list", "--all", "--format", "json"))
    with sqlite3.connect(cache_db(big)) as db:
        paths = {p for (p,) in db.execute("SELECT path FROM files")}
    assert f"{listed[0][:4]}/{listed[0]}.yaml" not in paths and f"{TODAY.year}/{twin_id}.yaml" in paths


def test_a_corrupt_cache_is_rebuilt_silently(big, run):
    want = run("overdue", "--format", "json").out
    cache_db(big).write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    res = run("overdue", "--format", "json")
    assert res.out == want and res.err == ""
    with sqlite3.connect(cache_db(big)) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 400
    assert git(big, "status", "--porcelain") == ""  # never committed, never in the work tree


def test_a_damaged_row_is_read_again(big, run):
    want = run("list", "--format", "json").out
    with sqlite3.connect(cache_db(big)) as db:
        db.execute("UPDATE files SET data = x'00ff'")
    assert run("list", "--format", "json").out == want


def test_a_version_mismatch_rebuilds(big, run):
    want = run("list", "--all", "--format", "json").out
    with sqlite3.connect(cache_db(big)) as db:
        db.execute("UPDATE meta SET value = '0/old' WHERE key = 'version'")
        db.execute("UPDATE files SET status = 'closed'")  # would hide every open task if trusted
    assert run("list", "--all", "--format", "json").out == want
    with sqlite3.connect(cache_db(big)) as db:
        assert db.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0] == CACHE_VERSION
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 400


def test_changing_commands_update_the_cache(big, run):
    tid = run("list", "--format", "json").json()[0]["id"]
    run("progress", tid, "写入时同步更新缓存")
    with sqlite3.connect(cache_db(big)) as db:
        (blob,) = db.execute("SELECT data FROM files WHERE path = ?", (f"{tid[:4]}/{tid}.yaml",)).fetchone()
    assert marshal.loads(blob)["progress"][-1]["text"] == "写入时同步更新缓存"


def test_settings_files_are_cached_by_stat(big, run):
    run("list")
    config = big / "taizhang.yaml"
    config.write_bytes(config.read_bytes().replace(b"warn_workdays: 3", b"warn_workdays: 400"))
    age_file = time.time() - 30
    os.utime(config, (age_file, age_file))
    lights = {t["light"] for t in run("list", "--status", "open", "--format", "json").json()}
    assert lights == {"red", "yellow"}  # every open task is now inside the warning window
    (big / "calendar" / "2027.yaml").write_text("holidays:\n  - 2027-01-01\nworkdays: []\n")
    assert Ledger(big, None, print).calendar.is_known(2027)


def test_fast_and_strict_readers_agree_on_the_generated_ledger(big):
    for path in sorted((big / "tasks").glob("*/*.yaml")):
        data = path.read_bytes()
        assert parse_task(data) == codec.task_from_bytes(data)


def passed_count(root: Path) -> int:
    with sqlite3.connect(cache_db(root)) as db:
        row = db.execute("SELECT data FROM verdicts WHERE id=0").fetchone()
    return len(marshal.loads(row[0])) if row else 0


def test_check_remembers_passed_files_and_still_sees_every_change(big, run):
    """A warm check validates only changed files; its findings are those of a cold one."""
    cold = run("check", code=None)
    assert passed_count(big) > 300
    assert run("check", code=None).out == cold.out  # warm: from the verdicts
    victim = run("list", "--format", "json").json()[0]["id"]
    path = big / "tasks" / victim[:4] / f"{victim}.yaml"
    good = path.read_bytes()
    path.write_bytes(good.replace(b"status: ", b"status: nonsense_", 1))  # broken by hand
    age(big, 20)
    broken = run("check", code=1)
    assert f"{victim}.yaml" in broken.out and "nonsense_" in broken.out
    assert run("check", code=1).out == broken.out  # a failing file is never remembered as passed
    path.write_bytes(good)  # fixed
    age(big, 20)
    assert run("check", code=None).out == cold.out
    # Two files with one number: the cross-file check runs over remembered files too.
    twin = path.with_name(f"{victim[:4]}-99999.yaml")
    twin.write_bytes(good)
    age(big, 20)
    run("check", code=1)  # remembers nothing about the twin (it fails: wrong place, duplicate)
    assert "重复" in run("check", code=1).out


def test_a_changed_schema_revalidates_remembered_files(big, tmp_path):
    """The verdicts are keyed by the schema and the checks' code: a copy of taizhang with a tighter schema re-checks."""
    src = REPO
    copy = tmp_path / "tz"
    copy.mkdir()
    subprocess.run(["cp", "-a", str(src / "ledger"), str(src / "schemas"), str(src / "cli.py"), str(copy)], check=True)
    env = {**os.environ, "PYTHONPATH": str(copy), "TAIZHANG_TODAY": TODAY.isoformat()}

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import cli; cli.run()", "check"], cwd=big, env=env,
                              capture_output=True, text=True)

    before = check()
    assert passed_count(big) > 300
    assert check().stdout == before.stdout
    schema = copy / "schemas" / "task.schema.json"
    text = schema.read_text(encoding="utf-8")
    marker = '"title": {\n      "type": "string",'
    assert marker in text
    schema.write_text(text.replace(marker, marker + ' "maxLength": 2,', 1), encoding="utf-8")
    after = check()
    assert after.returncode == 1 and after.stdout.count("title") >= 300


def test_a_rebuild_written_in_batches_is_whole_and_trusted(big, run, monkeypatch):
    """A cold rebuild writes parsed files in batches as it goes: afterwards every file has its row,
    the rows equal the files, and the next read parses nothing."""
    from ledger.files import cache

    monkeypatch.setattr(cache, "BLOB_BATCH", 7)  # 400 files: 57 batches and a remainder
    want = run("list", "--all", "--format", "json").out
    truth = strict_view(big)
    with sqlite3.connect(cache_db(big)) as db:
        rows = {Path(p).stem: marshal.loads(d) for p, d in db.execute("SELECT path, data FROM files")}
    assert rows.keys() == truth.keys()
    assert all(codec.task_from_cached(rows[tid]) == truth[tid] for tid in truth)
    before = cached_at(big)
    assert run("list", "--all", "--format", "json").out == want
    assert cached_at(big) == before  # nothing was read again
