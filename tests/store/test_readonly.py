"""A ledger the clerk may read but not write (another user's, a mounted share): reading needs no writable cache.

Tests run as root, whom file modes do not stop, so the ledger is made unwritable in ways that
stop root too: its cache folder replaced by a plain file, and (where the file system allows)
the whole ledger marked immutable with chattr +i.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

READERS = [("list",), ("list", "--format", "json"), ("show", "1"), ("check",), ("overdue",),
           ("report", "monthly", "--month", "2026-11"), ("log", "1"), ("export", "--format", "json")]


def _ledger_with_tasks(h, run):
    h.add()
    run("progress", "1", "已完成摸底调查")


def test_reading_works_when_the_cache_folder_cannot_be_made(ledger, run, h, sh, tmp_path, refuse):
    _ledger_with_tasks(h, run)
    shutil.rmtree(ledger / ".git" / "taizhang")
    (ledger / ".git" / "taizhang").write_text("not a folder\n", encoding="utf-8")  # mkdir fails, for root too
    xdg = tmp_path / "xdg"
    for args in READERS:
        res = sh(*args, env={"XDG_CACHE_HOME": str(xdg)})
        assert res.err == "", args
    assert list((xdg / "taizhang").glob("*.sqlite")), "the cache moved to the user's cache folder"
    res = refuse(ledger, "progress", "1", "再推进", code=3, env={"XDG_CACHE_HOME": str(xdg)})
    assert res.err.startswith("错误：台账不可写")


def test_reading_works_without_any_writable_cache(ledger, run, h, sh, tmp_path):
    _ledger_with_tasks(h, run)
    shutil.rmtree(ledger / ".git" / "taizhang")
    (ledger / ".git" / "taizhang").write_text("not a folder\n", encoding="utf-8")
    blocker = tmp_path / "xdg-file"
    blocker.write_text("", encoding="utf-8")  # XDG_CACHE_HOME under a file: no user cache either
    res = sh("list", "--format", "json", env={"XDG_CACHE_HOME": str(blocker / "sub")})
    assert [t["id"] for t in res.json()] == ["2026-0001"]
    assert res.err == ""


@pytest.fixture
def immutable(ledger):
    """The whole ledger marked immutable (chattr +i), which root cannot write either; undone afterwards."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    probe = ledger.parent / "probe"
    probe.mkdir()
    try:
        if subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode != 0:
            pytest.skip("this file system does not support chattr +i")
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
        probe.rmdir()

    def freeze():
        subprocess.run(["chattr", "-R", "+i", str(ledger)], check=True, capture_output=True)

    yield freeze
    subprocess.run(["chattr", "-R", "-i", str(ledger)], check=True, capture_output=True)


def test_an_immutable_ledger_never_set_up_here_reads_and_refuses_writes(ledger, run, h, sh, tmp_path, immutable):
    _ledger_with_tasks(h, run)
    shutil.rmtree(ledger / ".git" / "taizhang")  # like another user's clone: no cache, no setup marker
    before = h.git(ledger, "rev-parse", "HEAD")
    immutable()
    with pytest.raises(OSError):
        (ledger / ".git" / "probe").write_text("", encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for args in READERS:
        assert sh(*args, env=env).err == "", args
    res = sh("progress", "1", "再推进", code=3, env=env)
    assert res.err.startswith("错误：台账不可写") and res.err.count("\n") == 1
    assert h.git(ledger, "rev-parse", "HEAD") == before
