"""What the task cache keys on and stores: file stats, the year folders, values frozen for marshal, where a read-only ledger's cache goes."""

# A row is trusted only while the file's (mtime_ns, size, inode) are what they were when it
# was read, and only if it was read well after its mtime (git's "racy clean" rule), so a hand
# edit, a checkout, a pull or a sync is seen on the next command. The cache is never
# committed, never the source of truth: a corrupt or version-mismatched one is rebuilt.

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

# A file modified within this window before we read it may have changed again within
# the same mtime tick without its stat changing, so it is parsed again next time.
RACY_NS = 2_000_000_000


def user_cache_file(root: Path) -> Path:
    """This ledger's cache in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache), one file per ledger path."""
    import hashlib

    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "taizhang" / f"{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.sqlite"


def year_dirs(tasks_dir: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(tasks_dir) as it:
            return [e for e in it if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def file_stat(path: Path) -> Stat | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


# marshal carries no dates: settings files hold them, so they travel tagged.
_DATE_TAG = "\x00date"


def freeze(v: Any) -> Any:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return (_DATE_TAG, v.toordinal())
    if isinstance(v, dict):
        return {k: freeze(x) for k, x in v.items()}
    if isinstance(v, list):
        return [freeze(x) for x in v]
    if isinstance(v, (str, int, float, bool, type(None))):
        return v
    raise TypeError(type(v).__name__)


def thaw(v: Any) -> Any:
    if isinstance(v, tuple) and len(v) == 2 and v[0] == _DATE_TAG:
        return dt.date.fromordinal(v[1])
    if isinstance(v, dict):
        return {k: thaw(x) for k, x in v.items()}
    if isinstance(v, list):
        return [thaw(x) for x in v]
    return v


Stat = tuple[int, int, int]  # mtime_ns, size, inode
