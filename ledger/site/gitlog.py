"""The git history the site needs, kept between builds so that a commit already seen is not read again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..files import changes, gitcmd, layout

SEP, START = "\x1f", "\x1e"


@dataclass
class History:
    """What the pages take from git, as of `head`.

    `chain` is the first-parent line from HEAD back to the first commit, newest first, each with
    its author day (as `Ledger.revision_at` reads it); `first_day` the earliest author day of any
    commit; `files` each task's commits, oldest first, as `changes.changesets` lists them.
    """

    head: str | None
    chain: list[list[str]]  # [sha, YYYY-MM-DD]
    first_day: str
    files: dict[str, list[list[str]]]  # task number → [[sha, YYYY-MM-DD], …]

    def revision_at(self, day: str) -> str | None:
        """The last commit recorded on or before `day`: the same answer as Ledger.revision_at."""
        for sha, when in self.chain:
            if when <= day:
                return sha
        return None

    def commits(self, task_id: str, day: str) -> list[str]:
        """The commits that touched the task's file, recorded on or before `day`."""
        return [sha for sha, when in self.files.get(task_id, ()) if when <= day]

    def as_json(self) -> dict[str, Any]:
        return {"head": self.head, "chain": self.chain, "first_day": self.first_day, "files": self.files}


EMPTY = History(None, [], "", {})


def _kept(cached: Any) -> History | None:
    """The previous build's history, or None when it is missing or not in the shape written."""
    if not isinstance(cached, dict) or not isinstance(cached.get("head"), str):
        return None
    chain, files, first = cached.get("chain"), cached.get("files"), cached.get("first_day")
    if not (isinstance(chain, list) and isinstance(files, dict) and isinstance(first, str)):
        return None
    return History(cached["head"], chain, first, files)


def _new_commits(root, head: str, old: str | None) -> tuple[list[list[str]], str, bool] | None:
    """(chain from head down to old, earliest author day among them, whether old is on that chain),
    reading only the commits old does not reach; None when git cannot list them (old is gone)."""
    args = ["log", "--format=%H %P %ad", "--date=short", head]
    code, out, _ = gitcmd.git_try(root, *args, *([f"^{old}"] if old else []), large=True)
    if code != 0:
        return None
    parents: dict[str, tuple[str | None, str]] = {}
    first = ""
    for line in out.splitlines():
        sha, *rest = line.split()
        day = rest[-1]
        parents[sha] = (rest[0] if len(rest) > 1 else None, day)
        first = day if not first or day < first else first
    chain, at = [], head
    while at in parents:
        parent, day = parents[at]
        chain.append([at, day])
        at = parent
    return chain, first, at == old


def _file_commits(root, head: str, old: str | None) -> dict[str, list[list[str]]]:
    """Each task file's commits in (old, head], oldest first: changes.changesets' selection
    (first parent, merges against it), without reading blob ids, bodies or trailers."""
    args = ["log", "--reverse", "--no-renames", "--name-only", "-m", "--first-parent",
            f"--format={START}%H %ad", "--date=short", head, *([f"^{old}"] if old else []), "--", layout.TASKS_DIR]
    found: dict[str, list[list[str]]] = {}
    for chunk in gitcmd.git(root, *args, large=True).split(START)[1:]:
        top, *paths = chunk.strip("\n").split("\n")
        sha, day = top.split()
        for path in paths:
            if path.endswith(".yaml"):
                found.setdefault(path.rsplit("/", 1)[-1].removesuffix(".yaml"), []).append([sha, day])
    return found


def walk(root, head: str) -> list[changes.ChangeSet]:
    """Every first-parent commit's task-file changes, oldest first, as `changes.changesets` gives them
    for tasks/: one `git log --raw` without a pathspec, which costs git half as much as one with it."""
    inside = (layout.TASKS_DIR + "/", f'"{layout.TASKS_DIR}/')  # git quotes unusual names, the pathspec matches them
    found = []
    for cs in changes.changesets(root, paths=(), rev=head):
        files = tuple(f for f in cs.files if f.path.startswith(inside) or f.path == layout.TASKS_DIR)
        if files:
            found.append(replace(cs, files=files))
    return found


def _walk_files(sets: list[changes.ChangeSet]) -> dict[str, list[list[str]]]:
    """History.files from a walk: what _file_commits reads, without a second pass over git."""
    found: dict[str, list[list[str]]] = {}
    for cs in sets:
        for f in cs.files:
            if f.path.endswith(".yaml"):
                found.setdefault(f.path.rsplit("/", 1)[-1].removesuffix(".yaml"), []).append([cs.sha, cs.date[:10]])
    return found


def read(root, head: str | None, cached: Any) -> tuple[History, list[changes.ChangeSet] | None]:
    """The history at `head`: the cached one extended by the commits since, or read afresh when
    HEAD no longer descends from the cached head along the first-parent line (a reset, a rebase).

    Read afresh, it comes with the walk it was made from, for the timelines and the trend.
    """
    if head is None:
        return EMPTY, None
    kept = _kept(cached)
    if kept is not None and kept.head == head:
        return kept, None
    if kept is not None:
        new = _new_commits(root, head, kept.head)
        if new is not None and new[2]:
            chain, first, _ = new
            files = {k: list(v) for k, v in kept.files.items()}
            for task_id, commits in _file_commits(root, head, kept.head).items():
                files.setdefault(task_id, []).extend(commits)
            return History(head, chain + kept.chain, min(filter(None, (first, kept.first_day))), files), None
    chain, first, _ = _new_commits(root, head, None) or ([], "", True)
    sets = walk(root, head)
    return History(head, chain, first, _walk_files(sets)), sets
