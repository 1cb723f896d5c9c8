"""The task rows of the cache and their manifest: every task file's parsed form, exactly as fresh as the file on disk."""

# A row is trusted only while the file's (mtime_ns, size, inode) are what they were when it
# was read, and only if it was read well after its mtime (git's "racy clean" rule), so a hand
# edit, a checkout, a pull or a sync is seen on the next command. The cache is never
# committed, never the source of truth: a corrupt or version-mismatched one is rebuilt.

from __future__ import annotations

import marshal
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Collection

from .cachedb import CacheDB, rollback
from .cachefiles import RACY_NS, Stat, file_stat, year_dirs

BLOB_BATCH = 5_000  # parsed files written to the cache in batches while a rebuild goes on


class TaskCache:
    """Parsed tasks keyed by file and stat; anything that does not match is parsed again."""

    def __init__(self, db: CacheDB):
        self.db = db
        # Stats of the files the last load() may vouch for: read well after their mtime.
        self.trusted: dict[str, Stat] = {}
        # How many task files the last load() found in the work tree (see Ledger.missing_task_files).
        self.scanned = 0

    def _manifest(self) -> dict[str, tuple]:
        """path -> (mtime_ns, size, inode, cached_at, status, parent) of every cached file, in one blob.

        One marshal blob loads 100,000 entries in a few milliseconds, where as many SQLite
        rows take a third of a second. Each entry is one observation (this stat parsed to
        this status) and the row it describes is checked against it when unpacked.
        """
        rows = self.db.rows("SELECT data FROM manifest WHERE id=0")
        value: dict = {}
        if rows:
            try:
                value = marshal.loads(rows[0][0])
            except (ValueError, EOFError, TypeError):
                value = {}
            if not isinstance(value, dict):
                value = {}
        for rel, *entry in self.db.rows("SELECT path, mtime, size, ino, cached_at, status, parent FROM pending"):
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
        updates: list[tuple] = []
        flushed = 0  # updates before this one have their parsed form written already
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
            if len(updates) - flushed >= BLOB_BATCH:
                flushed = write_blobs(self.db, updates, flushed)
        if progress is not None and stale:
            progress(len(stale), len(stale))
        stale.clear()  # after a clone, 100,000 paths and stats: not needed for the write below
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
                rows += self.db.rows(f"SELECT path, mtime, size, ino, data FROM files WHERE path IN "
                                   f"({','.join('?' * len(chunk))})", tuple(chunk))
        elif statuses is not None and len(fresh) * 4 < total:
            marks = ",".join("?" * len(statuses))
            rows = self.db.rows(f"SELECT path, mtime, size, ino, data FROM files WHERE status IN ({marks})",
                              tuple(statuses))
        else:
            rows = self.db.rows("SELECT path, mtime, size, ino, data FROM files")
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
            db = self.db.connect()
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
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                           [u[:7] for u in updates if u[6] is not None])
            db.executemany("DELETE FROM files WHERE path=?", [(g,) for g in gone])
            db.execute("INSERT OR REPLACE INTO manifest VALUES (0, ?)", (marshal.dumps(manifest),))
            db.execute("COMMIT")
        except sqlite3.Error:
            # Another process holds the cache, or it broke: our results are right, just unsaved.
            rollback(db)

    def put(self, rel: str, path: Path, plain: dict) -> None:
        """Record a file taizhang just wrote, so the next command need not parse it."""
        st = file_stat(path)
        if st is None:
            return
        # Stamped with the write's own mtime: the racy rule re-reads it once, which is cheap.
        row = (rel, st[0], st[1], st[2], st[0], plain.get("status"), marshal.dumps(plain), plain.get("parent"))
        db = None
        try:
            db = self.db.connect()
            if db.execute("SELECT count(*) FROM pending").fetchone()[0] >= 1000:
                self._write([row], [])  # fold the pending entries into the blob now and then
                return
            # Not the whole manifest (100,000 entries, a quarter of a second): one pending entry.
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)", row[:7])
            db.execute("INSERT OR REPLACE INTO pending VALUES (?,?,?,?,?,?,?)", (*row[:6], row[7]))
            db.execute("COMMIT")
        except sqlite3.Error:
            rollback(db)


def write_blobs(cache: CacheDB, updates: list[tuple], start: int) -> int:
    """Write the parsed forms of updates[start:] and drop them from memory; where the next batch starts.

    A rebuild of 100,000 files would otherwise hold every parsed form (some 200 MB) until the
    end. Rows without a manifest entry are never trusted, so written early they are harmless;
    the manifest entries follow in TaskCache's final write. A row that cannot be written now is written there.
    """
    db = None
    try:
        db = cache.connect()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)", [u[:7] for u in updates[start:]])
        db.execute("COMMIT")
    except sqlite3.Error:
        rollback(db)
        return start
    for i in range(start, len(updates)):
        updates[i] = (*updates[i][:6], None, updates[i][7])
    return len(updates)
