"""The cache's SQLite file: where it goes, its tables and version, and throwing it away when it is corrupt."""

from __future__ import annotations

import marshal
import sqlite3
import sys
from pathlib import Path

# Bump when the cached form or what a file may hold changes; a mismatch rebuilds the cache silently.
CACHE_VERSION = f"7/{marshal.version}/{sys.version_info[0]}.{sys.version_info[1]}"
MEMORY = Path(":memory:")


def rollback(db: sqlite3.Connection | None) -> None:
    """Give up a cache write; a failure here only means the cache stays as it was."""
    if db is not None and db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


class CacheDB:
    """One connection to the cache file, opened on first use; a cache that cannot be written moves elsewhere."""

    def __init__(self, db_path: Path, fallback: Path | None = None):
        self.db_path = db_path
        # Where the cache goes when db_path cannot be written (another user's or a mounted
        # ledger): the user's cache folder, else memory. Reading never needs a writable ledger.
        self.fallback = fallback
        self.conn: sqlite3.Connection | None = None

    def connect(self) -> sqlite3.Connection:
        if self.conn is not None:
            return self.conn
        for path in (self.db_path, self.fallback, MEMORY):
            if path is None:
                continue
            try:
                self.conn = self.open_at(path)
            except (OSError, sqlite3.Error):
                continue  # not writable here: the next place
            self.db_path = path
            return self.conn
        raise sqlite3.OperationalError("no cache")  # unreachable: memory always opens

    def open_at(self, path: Path) -> sqlite3.Connection:
        self.db_path = path
        if path != MEMORY:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self.open()
        except sqlite3.OperationalError:
            raise  # cannot open or write here, which is not corruption: keep the file
        except sqlite3.DatabaseError:
            # A corrupt cache is only a cache: throw it away and start again.
            self.discard()
            return self.open()

    def discard(self) -> None:
        self.close()
        if self.db_path == MEMORY:
            return
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.db_path) + suffix).unlink(missing_ok=True)
            except OSError:
                pass  # a read-only folder: _connect moves on to the next place

    def open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            if row is None or row[0] != CACHE_VERSION:
                db.execute("BEGIN IMMEDIATE")
                db.execute("DROP TABLE IF EXISTS files")
                db.execute("DROP TABLE IF EXISTS docs")
                db.execute("DROP TABLE IF EXISTS manifest")
                db.execute("DROP TABLE IF EXISTS pending")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CACHE_VERSION,))
                db.execute("COMMIT")
            # data last: SQLite then never reads a blob that a query does not ask for.
            db.execute(
                "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime INTEGER,"
                " size INTEGER, ino INTEGER, cached_at INTEGER, status TEXT, data BLOB)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS files_status ON files(status)")
            db.execute("CREATE TABLE IF NOT EXISTS manifest (id INTEGER PRIMARY KEY, data BLOB)")
            # Manifest entries written since the blob was last rewritten (see put).
            db.execute("CREATE TABLE IF NOT EXISTS pending (path TEXT PRIMARY KEY, mtime INTEGER,"
                       " size INTEGER, ino INTEGER, cached_at INTEGER, status TEXT, parent TEXT)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS docs (path TEXT PRIMARY KEY, mtime INTEGER,"
                " size INTEGER, ino INTEGER, cached_at INTEGER, data BLOB)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS verdicts (id INTEGER PRIMARY KEY, key TEXT, data BLOB)")
            db.execute("SELECT count(*) FROM files WHERE 0").fetchone()  # a garbage file fails here
        except BaseException:
            db.close()
            raise
        return db

    def rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run a read; a cache that turns out corrupt is thrown away and read as empty."""
        try:
            return self.connect().execute(sql, args).fetchall()
        except sqlite3.DatabaseError:
            self.discard()
            try:
                self.connect()
            except sqlite3.Error:  # a full disk cannot even hold a new cache: read without one
                self.close()
            return []

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
