"""What the cache remembers besides tasks: parsed settings files, values derived from a file, which files passed the checks."""

from __future__ import annotations

import marshal
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from .cachedb import CacheDB
from .cachefiles import RACY_NS, Stat, file_stat, freeze, thaw


class Memos:
    """Values keyed by a file's stat (the docs table) and the last check's verdicts, in the cache file."""

    def __init__(self, db: CacheDB):
        self.db = db

    def doc(self, path: Path, parse: Callable[[bytes], Any]) -> Any:
        """A small settings file (taizhang.yaml, calendar/*.yaml) parsed once per change."""
        return self.keyed(path, lambda: parse(path.read_bytes()))

    def keyed(self, path: Path, compute: Callable[[], Any]) -> Any:
        """What `compute` derives from the file at `path`, computed again only when the file changes."""
        st = file_stat(path)
        if st is None:
            raise FileNotFoundError(2, "No such file or directory", str(path))
        key = str(path)
        rows = self.db.rows("SELECT mtime, size, ino, cached_at, data FROM docs WHERE path=?", (key,))
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
            db = self.db.connect()
            db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?)", (key, *st, now, blob))
        except sqlite3.Error:
            pass
        return value

    def verdicts(self, key: str) -> dict[str, Stat]:
        """path -> stat of the files that passed the per-file checks identified by `key`."""
        rows = self.db.rows("SELECT key, data FROM verdicts WHERE id=0")
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
            self.db.connect().execute("INSERT OR REPLACE INTO verdicts VALUES (0, ?, ?)",
                                    (key, marshal.dumps(passed)))
        except sqlite3.Error:
            pass  # only a cache: the next check validates everything again
