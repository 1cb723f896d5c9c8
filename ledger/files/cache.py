"""A derived SQLite cache of parsed task files, exactly as fresh as the files on disk."""

# A row is trusted only while the file's (mtime_ns, size, inode) are what they were when it
# was read, and only if it was read well after its mtime (git's "racy clean" rule), so a hand
# edit, a checkout, a pull or a sync is seen on the next command. The cache is never
# committed, never the source of truth: a corrupt or version-mismatched one is rebuilt.

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any, Callable, Collection

# Bump when the cached form or what a file may hold changes; a mismatch rebuilds the cache silently.
CACHE_VERSION = f"7/{marshal.version}/{sys.version_info[0]}.{sys.version_info[1]}"
# A file modified within this window before we read it may have changed again within
# the same mtime tick without its stat changing, so it is parsed again next time.
RACY_NS = 2_000_000_000

MEMORY = Path(":memory:")
from .cachefiles import Stat, file_stat, freeze, thaw, year_dirs


def _rollback(db: sqlite3.Connection | None) -> None:
    """Give up a cache write; a failure here only means the cache stays as it was."""
    if db is not None and db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


class TaskCache:
    """Parsed tasks keyed by file and stat; anything that does not match is parsed again."""

    def __init__(self, db_path: Path, fallback: Path | None = None):
        self.db_path = db_path
        # Where the cache goes when db_path cannot be written (another user's or a mounted
        # ledger): the user's cache folder, else memory. Reading never needs a writable ledger.
        self.fallback = fallback
        self._db: sqlite3.Connection | None = None
        # Stats of the files the last load() may vouch for: read well after their mtime.
        self.trusted: dict[str, Stat] = {}
        # How many task files the last load() found in the work tree (see Ledger.missing_task_files).
        self.scanned = 0

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        for path in (self.db_path, self.fallback, MEMORY):
            if path is None:
                continue
            try:
                self._db = self._open_at(path)
            except (OSError, sqlite3.Error):
                continue  # not writable here: the next place
            self.db_path = path
            return self._db
        raise sqlite3.OperationalError("no cache")  # unreachable: memory always opens

    def _open_at(self, path: Path) -> sqlite3.Connection:
        self.db_path = path
        if path != MEMORY:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._open()
        except sqlite3.OperationalError:
            raise  # cannot open or write here, which is not corruption: keep the file
        except sqlite3.DatabaseError:
            # A corrupt cache is only a cache: throw it away and start again.
            self._discard()
            return self._open()

    def _discard(self) -> None:
        self.close()
        if self.db_path == MEMORY:
            return
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.db_path) + suffix).unlink(missing_ok=True)
            except OSError:
                pass  # a read-only folder: _connect moves on to the next place

    def _open(self) -> sqlite3.Connection:
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

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run a read; a cache that turns out corrupt is thrown away and read as empty."""
        try:
            return self._connect().execute(sql, args).fetchall()
        except sqlite3.DatabaseError:
            self._discard()
            try:
                self._connect()
            except sqlite3.Error:  # a full disk cannot even hold a new cache: read without one
                self.close()
            return []

    def _manifest(self) -> dict[str, tuple]:
        """path -> (mtime_ns, size, inode, cached_at, status, parent) of every cached file, in one blob.

        One marshal blob loads 100,000 entries in a few milliseconds, where as many SQLite
        rows take a third of a second. Each entry is one observation (this stat parsed to
        this status) and the row it describes is checked against it when unpacked.
        """
        rows = self._rows("SELECT data FROM manifest WHERE id=0")
        value: dict = {}
        if rows:
            try:
                value = marshal.loads(rows[0][0])
            except (ValueError, EOFError, TypeError):
                value = {}
            if not isinstance(value, dict):
                value = {}
        for rel, *entry in self._rows("SELECT path, mtime, size, ino, cached_at, status, parent FROM pending"):
            value[rel] = tuple(entry)
        return value

    def load(
        self,
        tasks_dir: Path,
        parse: Callable[[bytes], dict],
        progress: Callable[[int, int], None] | None = None,
        statuses: Collection[str] | None = None,
        parent: str | None = None,
    ) -> dict[str, dict | Exception]:
        """Each task file's plain form (or the error reading it), keyed by path under tasks/.

        With `statuses`, only tasks in those states are returned (errors always are): the
        cache knows every file's status, so the others are never unpacked. With `parent`,
        likewise only the tasks broken down from that task.
        """
        known = self._manifest()
        self.trusted = trusted = {}
        result: dict[str, dict | Exception] = {}
        fresh: dict[str, Stat] = {}
        stale: list[tuple[str, Stat, str]] = []
        racy = RACY_NS
        matched = seen = 0
        get = known.get
        # The stat of every file is the price of exact freshness; keep this loop lean.
        for year in year_dirs(tasks_dir):
            prefix = year.name + "/"
            with os.scandir(year.path) as it:
                for e in it:
                    name = e.name
                    # A symlink could point anywhere (/dev/zero, /etc); `check` reports it instead.
                    if not name.endswith(".yaml") or name[0] == "." or e.is_symlink():
                        continue
                    rel = prefix + name
                    seen += 1
                    st = e.stat(follow_symlinks=False)
                    row = get(rel)
                    if row is not None:
                        matched += 1
                        mtime = st.st_mtime_ns
                        if (row[0] == mtime and row[1] == st.st_size and row[2] == st.st_ino
                                and row[3] - mtime > racy):
                            if (statuses is None or row[4] in statuses) and (parent is None or row[5] == parent):
                                fresh[rel] = row[:3]
                            trusted[rel] = row[:3]
                            continue
                    stale.append((rel, (st.st_mtime_ns, st.st_size, st.st_ino), e.path))
        self.scanned = seen
        if fresh:
            result.update(self._unpack(fresh, statuses, len(known)))
            for rel in fresh.keys() - result.keys():  # a row gone or damaged: read the file again
                trusted.pop(rel, None)
                path = os.path.join(tasks_dir, rel)
                st = file_stat(Path(path))
                if st is not None:
                    stale.append((rel, st, path))
        updates = []
        for i, (rel, st, path) in enumerate(stale):
            if progress is not None:
                progress(i, len(stale))
            # Taken before reading: the content read is at least as new as this moment.
            now = time.time_ns()
            try:
                with open(path, "rb") as f:
                    plain = parse(f.read())
            except Exception as e:  # a broken file is reported by the caller, never cached
                result[rel] = e
                continue
            if (statuses is None or plain.get("status") in statuses) and (
                    parent is None or plain.get("parent") == parent):
                result[rel] = plain
            if now - st[0] > racy:
                trusted[rel] = st
            else:
                trusted.pop(rel, None)
            updates.append((rel, st[0], st[1], st[2], now, plain.get("status"), marshal.dumps(plain),
                            plain.get("parent")))
        if progress is not None and stale:
            progress(len(stale), len(stale))
        gone: list[str] = []
        if matched < len(known):
            present = set()
            for year in year_dirs(tasks_dir):
                present.update(year.name + "/" + n for n in os.listdir(year.path))
            gone = [rel for rel in known if rel not in present]
        gone += [rel for rel, value in result.items() if isinstance(value, Exception) and rel in known]
        self._write(updates, gone)
        return result

    def _unpack(self, fresh: dict[str, Stat], statuses: Collection[str] | None, total: int) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if len(fresh) <= 500 and len(fresh) * 4 < total:
            rows = []
            names = list(fresh)
            for i in range(0, len(names), 250):
                chunk = names[i:i + 250]
                rows += self._rows(f"SELECT path, mtime, size, ino, data FROM files WHERE path IN "
                                   f"({','.join('?' * len(chunk))})", tuple(chunk))
        elif statuses is not None and len(fresh) * 4 < total:
            marks = ",".join("?" * len(statuses))
            rows = self._rows(f"SELECT path, mtime, size, ino, data FROM files WHERE status IN ({marks})",
                              tuple(statuses))
        else:
            rows = self._rows("SELECT path, mtime, size, ino, data FROM files")
        for rel, mtime, size, ino, data in rows:
            st = fresh.get(rel)
            if st is not None and st == (mtime, size, ino):
                try:
                    out[rel] = marshal.loads(data)
                except (ValueError, EOFError, TypeError):
                    pass
        return out

    def _write(self, updates: list[tuple], gone: list[str]) -> None:
        if not updates and not gone:
            return
        db = None
        try:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            # Re-read inside the lock so that two writers never lose each other's entries.
            row = db.execute("SELECT data FROM manifest WHERE id=0").fetchone()
            try:
                manifest = marshal.loads(row[0]) if row else {}
            except (ValueError, EOFError, TypeError):
                manifest = {}
            if not isinstance(manifest, dict):
                manifest = {}
            for rel, *entry in db.execute("SELECT path, mtime, size, ino, cached_at, status, parent FROM pending"):
                manifest[rel] = tuple(entry)
            db.execute("DELETE FROM pending")
            for rel, mtime, size, ino, cached_at, status, _, parent in updates:
                manifest[rel] = (mtime, size, ino, cached_at, status, parent)
            for rel in gone:
                manifest.pop(rel, None)
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)", [u[:7] for u in updates])
            db.executemany("DELETE FROM files WHERE path=?", [(g,) for g in gone])
            db.execute("INSERT OR REPLACE INTO manifest VALUES (0, ?)", (marshal.dumps(manifest),))
            db.execute("COMMIT")
        except sqlite3.Error:
            # Another process holds the cache, or it broke: our results are right, just unsaved.
            _rollback(db)

    def put(self, rel: str, path: Path, plain: dict) -> None:
        """Record a file taizhang just wrote, so the next command need not parse it."""
        st = file_stat(path)
        if st is None:
            return
        # Stamped with the write's own mtime: the racy rule re-reads it once, which is cheap.
        row = (rel, st[0], st[1], st[2], st[0], plain.get("status"), marshal.dumps(plain), plain.get("parent"))
        db = None
        try:
            db = self._connect()
            if db.execute("SELECT count(*) FROM pending").fetchone()[0] >= 1000:
                self._write([row], [])  # fold the pending entries into the blob now and then
                return
            # Not the whole manifest (100,000 entries, a quarter of a second): one pending entry.
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)", row[:7])
            db.execute("INSERT OR REPLACE INTO pending VALUES (?,?,?,?,?,?,?)", (*row[:6], row[7]))
            db.execute("COMMIT")
        except sqlite3.Error:
            _rollback(db)

    def doc(self, path: Path, parse: Callable[[bytes], Any]) -> Any:
        """A small settings file (taizhang.yaml, calendar/*.yaml) parsed once per change."""
        return self.keyed(path, lambda: parse(path.read_bytes()))

    def keyed(self, path: Path, compute: Callable[[], Any]) -> Any:
        """What `compute` derives from the file at `path`, computed again only when the file changes."""
        st = file_stat(path)
        if st is None:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        key = str(path)
        rows = self._rows("SELECT mtime, size, ino, cached_at, data FROM docs WHERE path=?", (key,))
        if rows and tuple(rows[0][:3]) == st and rows[0][3] - st[0] > RACY_NS:
            try:
                return thaw(marshal.loads(rows[0][4]))
            except (ValueError, EOFError, TypeError):
                pass
        now = time.time_ns()
        value = compute()  # errors propagate and nothing is cached
        try:
            blob = marshal.dumps(freeze(value))
        except (TypeError, ValueError):
            return value
        try:
            db = self._connect()
            db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?)", (key, *st, now, blob))
        except sqlite3.Error:
            pass
        return value

    def verdicts(self, key: str) -> dict[str, Stat]:
        """path -> stat of the files that passed the per-file checks identified by `key`."""
        rows = self._rows("SELECT key, data FROM verdicts WHERE id=0")
        if rows and rows[0][0] == key:
            try:
                value = marshal.loads(rows[0][1])
                if isinstance(value, dict):
                    return value
            except (ValueError, EOFError, TypeError):
                pass
        return {}

    def save_verdicts(self, key: str, passed: dict[str, Stat]) -> None:
        """Remember which file versions passed; a stat or a key that differs later means "check again"."""
        try:
            self._connect().execute("INSERT OR REPLACE INTO verdicts VALUES (0, ?, ?)",
                                    (key, marshal.dumps(passed)))
        except sqlite3.Error:
            pass  # only a cache: the next check validates everything again

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
