"""The ledger as it stood: the commit of a day, task blobs at a commit or in the index, blobs read in bulk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..domain.errors import LedgerError
from .gitcmd import git, read_blobs, rev
from .layout import TASKS_DIR

_TASK_FILE = re.compile(rf"{TASKS_DIR}/\d{{4}}/[^/]+\.yaml").fullmatch


class Revisions:
    """Part of Ledger: reading git's objects for the ledger at `root`."""

    root: Path

    def revision_at(self, day: dt.date) -> str | None:
        """The last commit recorded on or before `day` (author date, see transaction.author_date), or None."""
        out = git(self.root, "log", "--first-parent", "--format=%H %ad", "--date=short", "HEAD", large=True)
        limit = day.isoformat()
        for line in out.splitlines():
            sha, _, when = line.partition(" ")
            if when <= limit:
                return sha
        return None

    def head(self) -> str | None:
        return rev(self.root, "HEAD")

    def tree_blobs(self, rev: str) -> dict[str, str]:
        """Every task file's blob id at commit `rev`, keyed by `tasks/YYYY/ID.yaml`."""
        return self._blobs(git(self.root, "ls-tree", "-r", "-z", rev, "--", TASKS_DIR, large=True), 2)

    def clean_blobs(self) -> dict[str, str]:
        """Blob ids of the task files whose work-tree copy is exactly what the index holds."""
        staged = self._blobs(git(self.root, "ls-files", "-s", "-z", "--", TASKS_DIR, large=True), 1)
        dirty = git(self.root, "diff", "--name-only", "-z", "--", TASKS_DIR).split("\0")
        for path in dirty:
            staged.pop(path, None)
        return staged

    @staticmethod
    def _blobs(listing: str, sha_field: int) -> dict[str, str]:
        found: dict[str, str] = {}
        task_file = _TASK_FILE  # the site's trend lists 10,000 files a month for a dozen months
        for entry in listing.split("\0"):
            meta, _, path = entry.partition("\t")
            if path and task_file(path):
                found[path] = meta.split()[sha_field]
        return found

    def read_blobs(self, shas: list[str]) -> list[bytes]:
        """The contents of many blobs through one `git cat-file --batch`."""
        found = read_blobs(self.root, shas)
        missing = [sha for sha in shas if found[sha] is None]
        if missing:
            raise LedgerError(f"读取台账历史失败：找不到对象 {missing[0][:12]}", "请检查台账的 git 仓库状态")
        return [found[sha] for sha in shas]

