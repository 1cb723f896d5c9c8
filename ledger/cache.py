"""A derived SQLite cache of parsed task files, exactly as fresh as the files on disk."""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable

# Bump when the cached form or the codec's rules change; a mismatch rebuilds the cache silently.
CACHE_VERSION = f"2/{marshal.version}/{sys.version_info[0]}.{sys.version_info[1]}"
# Like git's "racy clean" rule: a file modified within this window of when we cached
# it may have changed again within the same mtime tick, so it is parsed again.
RACY_NS = 2_000_000_000

Stat = tuple[int, int, int]  # mtime_ns, size, inode


def scan(tasks_dir: Path) -> dict[str, tuple[Stat, str]]:
    """Every task file under tasks/YYYY/ with its stat, keyed by path relative to tasks/."""
    found: dict[str, tuple[Stat, str]] = {}
    try:
        years = [e for e in os.scandir(tasks_dir) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return found
    for year in years:
        with os.scandir(year.path) as it:
            for e in it:
                # A symlink could point anywhere (/dev/zero, /etc); `check` reports it instead.
                if e.name.endswith(".yaml") and not e.name.startswith(".") and not e.is_symlink():
                    st = e.stat(follow_symlinks=False)
                    found[f"{year.name}/{e.name}"] = ((st.st_mtime_ns, st.st_size, st.st_ino), e.path)
    return found


class TaskCache:
    """Parsed tasks keyed by file and stat; anything that does not match is parsed again."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open()
        except sqlite3.DatabaseError:
            # A corrupt cache is only a cache: throw it away and start again.
            self.db_path.unlink(missing_ok=True)
            db = self._open()
        self._db = db
        return db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if row is None or row[0] != CACHE_VERSION:
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CACHE_VERSION,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime INTEGER,"
            " size INTEGER, ino INTEGER, cached_at INTEGER, data BLOB)"
        )
        return db

    def load(
        self,
        tasks_dir: Path,
        parse: Callable[[bytes], dict],
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, dict | Exception]:
        """Every task file's parsed plain form (or the error reading it), keyed by path."""
        files = scan(tasks_dir)
        try:
            db = self._connect()
            rows = {r[0]: r for r in db.execute("SELECT path, mtime, size, ino, cached_at, data FROM files")}
        except sqlite3.DatabaseError:
            self.close()
            self.db_path.unlink(missing_ok=True)
            db = self._connect()
            rows = {}
        result: dict[str, dict | Exception] = {}
        stale: list[tuple[str, Stat, str]] = []
        for rel, (st, path) in files.items():
            row = rows.get(rel)
            if row is not None and (row[1], row[2], row[3]) == st and row[4] - st[0] > RACY_NS:
                try:
                    result[rel] = marshal.loads(row[5])
                    continue
                except (ValueError, EOFError, TypeError):
                    pass
            stale.append((rel, st, path))
        updates = []
        now = time.time_ns()
        for i, (rel, st, path) in enumerate(stale):
            if progress is not None:
                progress(i, len(stale))
            try:
                with open(path, "rb") as f:
                    plain = parse(f.read())
            except Exception as e:  # a broken file is reported by the caller, never cached
                result[rel] = e
                continue
            result[rel] = plain
            updates.append((rel, st[0], st[1], st[2], now, marshal.dumps(plain)))
        gone = [rel for rel in rows if rel not in files]
        if updates or gone:
            try:
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?)", updates)
                db.executemany("DELETE FROM files WHERE path=?", [(g,) for g in gone])
                db.execute("COMMIT")
            except sqlite3.Error:
                # Another process holds the cache: our results are still right, just unsaved.
                if db.in_transaction:
                    db.execute("ROLLBACK")
        return result

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
