"""Commits as the audit reads them: who, when, which task files, the Taizhang-* trailers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import strictyaml
from .gitcmd import git, git_try
from .layout import TASKS_DIR


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D
    path: str
    # Blob ids before and after ("" when absent): reading by id costs git no tree walk per file.
    old_blob: str = ""
    new_blob: str = ""


@dataclass(frozen=True)
class ChangeSet:
    """One commit as `log` and the audit read it: who, when, what it says, which task files it touched."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # author date, ISO 8601
    committed: str
    subject: str
    body: str
    trailers: dict[str, list[str]]
    files: tuple[FileChange, ...]

    @property
    def shown_time(self) -> str:
        """YYYY-MM-DD HH:MM of the author date, in the author's own time zone: what `log ID` shows."""
        return self.date[:16].replace("T", " ")

    @property
    def action(self) -> str | None:
        values = self.trailers.get("Taizhang-Action")
        return values[-1] if values else None


TRAILER = re.compile(r"^(Taizhang-[\w-]+):[ \t]*(.*)$", re.M)


def message_trailers(message: str) -> dict[str, list[str]]:
    """A commit message's Taizhang-* trailers, every value of each in order."""
    found: dict[str, list[str]] = {}
    for key, value in TRAILER.findall(message):
        found.setdefault(key, []).append(value.strip())
    return found


def changesets(root: Path, paths: tuple[str, ...] = (TASKS_DIR,), rev: str = "HEAD",
               exclude: tuple[str, ...] | None = None, commits: list[str] | None = None) -> list[ChangeSet]:
    """Commits touching `paths`, oldest first, with their task-file changes (first parent for merges).

    With `exclude` (revisions, or `--all`), every commit reachable from `rev` and from none of
    those, merged side branches included, parents before children: what a push brings.
    With `commits` (in the order to list them), those of them that touch `paths`, as the walk shows
    them: a few known commits, without git walking the whole history to find them.
    """
    sep, start = "\x1f", "\x1e"
    fmt = start + sep.join(["%H", "%P", "%an", "%ae", "%aI", "%cI", "%s", "%b"]) + sep
    if commits is not None:
        if not commits:
            return []
        out = git(root, "log", "--stdin", "--no-walk=unsorted", "--no-renames", "--raw", "--no-abbrev", "-m",
                  "--first-parent", f"--format={fmt}", "--", *paths, input="".join(f"{c}\n" for c in commits).encode(),
                  large=True)
        return _parsed(out, sep, start)
    code, _, _ = git_try(root, "rev-parse", "--verify", "-q", rev)
    if code != 0:
        return []
    walk = ["-m", "--first-parent"] if exclude is None else ["--topo-order", "--diff-merges=first-parent"]
    args = ["log", "--reverse", "--no-renames", "--raw", "--no-abbrev", *walk, f"--format={fmt}"]
    # No --since/--until here: git filters them on the committer date, which is not the date
    # shown (the author date); trail.entries filters on the shown one.
    out = git(root, *args, rev, *(("--not", *exclude) if exclude else ()), "--", *paths, large=True)
    return _parsed(out, sep, start)


def _parsed(out: str, sep: str, start: str) -> list[ChangeSet]:
    result = []
    for chunk in out.split(start)[1:]:
        head, _, rest = chunk.rpartition(sep)
        sha, parents, author, email, date, committed, subject, body = head.split(sep, 7)
        author, email, subject, body = map(strictyaml.printable, (author, email, subject, body))
        files = []
        for line in rest.strip("\n").splitlines():
            meta, _, path = line.partition("\t")
            fields = meta.split()  # :old_mode new_mode old_blob new_blob status
            if path and len(fields) == 5:
                old_blob, new_blob = (b if b.strip("0") else "" for b in fields[2:4])
                files.append(FileChange(fields[4][:1], path, old_blob, new_blob))
        result.append(ChangeSet(sha, tuple(parents.split()), author, email, date, committed, subject,
                                body.strip(), message_trailers(body), tuple(files)))
    return result
