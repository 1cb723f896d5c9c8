"""One change, one commit: the clerk's identity and date, the journal that undoes a killed write."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import LedgerError
from .atomic import atomic_write, atomic_write_many
from .gitcmd import clear_stale_index_lock, disk_full, git, git_try, rev
from .layout import TMP_MARK, journal_path


@dataclass(frozen=True)
class Clerk:
    name: str
    email: str


# Ledgers whose write was cut off by a closed stdout while it held the lock (before its
# commit): only then does a broken pipe fail the command (cli.py); after a commit it succeeds.
WRITE_CUT: list[Path] = []


def author_date(today: dt.date | None) -> dict[str, str]:
    """A change is dated the command's "today" (TAIZHANG_TODAY, --as-of), at the clock's time of day.

    The committer date stays the real clock; reports of the ledger "as it stood" on a
    day read the author date, so a history replayed day by day reports like a lived one.
    """
    if today is None:
        return {}
    return {"GIT_AUTHOR_DATE": f"{today.isoformat()}T{dt.datetime.now():%H:%M:%S}"}


def clean_message(message: str) -> str:
    """What `git commit -F` stores (its "whitespace" cleanup), since commit-tree stores the text as given."""
    lines: list[str] = []
    for line in message.split("\n"):
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def auto_maintenance(root: Path) -> None:
    """`git commit` packs loose objects now and then (gc --auto); commit-tree does not, so do it here.

    The same estimate git uses (gc.auto 6700 loose objects over 256 folders, sampled in objects/17)
    keeps the common case to one listdir.
    """
    try:
        loose = len(os.listdir(root / ".git" / "objects" / "17"))
    except OSError:
        return
    if loose > 6700 // 256:
        git_try(root, "maintenance", "run", "--auto", "--quiet")


def recover_interrupted(root: Path) -> list[str]:
    """After a killed write: put the files a journal names back to HEAD (the last whole commit)."""
    journal = journal_path(root)
    if not journal.exists():
        return []
    rels = [r for r in journal.read_text(encoding="utf-8").split("\n") if r]
    clear_stale_index_lock(root)
    restored = []
    for rel in rels:
        if ".." in rel.split("/") or rel.startswith("/"):
            continue
        code, _, _ = git_try(root, "cat-file", "-e", f"HEAD:{rel}")
        if code == 0:
            git(root, "checkout", "-q", "HEAD", "--", rel)
        else:
            git_try(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", rel)
            (root / rel).unlink(missing_ok=True)
        restored.append(rel)
    journal.unlink(missing_ok=True)
    return restored


def revert_commit(root: Path, sha: str, message: str, clerk: Clerk, extra: dict[Path, bytes] | None = None) -> str:
    """`git revert` one commit as a new commit with our message (and `extra` files written in it);
    on any failure leave HEAD as it was."""
    ident = {
        "GIT_AUTHOR_NAME": clerk.name, "GIT_AUTHOR_EMAIL": clerk.email,
        "GIT_COMMITTER_NAME": clerk.name, "GIT_COMMITTER_EMAIL": clerk.email,
    }
    try:
        git(root, "revert", "--no-commit", sha, env=ident)
        for path, data in (extra or {}).items():
            atomic_write(path, data)
            git(root, "add", "--", path.relative_to(root).as_posix())
        git(root, "commit", "-q", "--no-verify", "-F", "-", input=message.encode("utf-8"), env=ident)
    except LedgerError:
        git_try(root, "revert", "--abort")
        raise
    return git(root, "rev-parse", "HEAD").strip()


def commit_files(root: Path, files: dict[Path, bytes], old: dict[Path, bytes | None], message: str, clerk: Clerk,
                 today: dt.date | None) -> str:
    """Write `files` atomically and record them in exactly one commit, or put `old` back and change nothing."""
    # Once per folder, not per file: an import of 10,000 files would otherwise glob 10,000 times.
    for folder in {p.parent for p in files}:
        try:
            names = [n for n in os.listdir(folder) if n[0] == "." and TMP_MARK + "." in n]
        except FileNotFoundError:
            names = []
        for name in names:
            (folder / name).unlink(missing_ok=True)  # left by a killed process; we hold the lock
    rels = [p.relative_to(root).as_posix() for p in files]
    try:
        branch = git(root, "symbolic-ref", "-q", "HEAD").strip()
    except LedgerError:
        # A commit on a detached HEAD is dropped by the next checkout: the audit trail would lose it.
        raise LedgerError("台账仓库不在任何分支上（HEAD 处于分离状态）",
                          f"请先运行 git -C {root} checkout main（或你的分支）") from None
    ident = {
        "GIT_AUTHOR_NAME": clerk.name, "GIT_AUTHOR_EMAIL": clerk.email,
        "GIT_COMMITTER_NAME": clerk.name, "GIT_COMMITTER_EMAIL": clerk.email,
    }
    ident.update(author_date(today))
    journal = journal_path(root)
    try:
        clear_stale_index_lock(root)
        # A journal names our files until the commit exists, so a SIGKILL can be undone next time.
        atomic_write(journal, "\n".join(rels).encode("utf-8"))
        # When nothing else is staged, commit through plumbing: `git add` + `git commit -- paths`
        # stat every file of the work tree (0.5 s at 100,000 tasks) and git's pathspec matching is
        # quadratic (8 s for an import of 10,000 files). update-index touches only our paths,
        # write-tree reuses the index's cache-tree, update-ref moves the branch only from the HEAD we saw.
        parent = rev(root, "HEAD")
        direct = parent is not None and not git(
            root, "diff-index", "--cached", "--name-only", "-z", parent, "--").strip("\0")
        if len(files) > 20:
            atomic_write_many(files)
        else:
            for path, data in files.items():
                atomic_write(path, data)
        if direct:
            git(root, "update-index", "--add", "-z", "--stdin",
                input="".join(f"{r}\0" for r in rels).encode("utf-8"))
            tree = git(root, "write-tree").strip()
            if tree == git(root, "rev-parse", f"{parent}^{{tree}}").strip():
                raise LedgerError("git commit 失败：nothing to commit", "请检查台账的 git 仓库状态")
            text = clean_message(message)
            # `git commit` signs when commit.gpgSign says so; commit-tree only when asked.
            sign = ["-S"] if git_try(root, "config", "--type=bool", "--get",
                                     "commit.gpgsign")[1].strip() == "true" else []
            new_head = git(root, "commit-tree", *sign, tree, "-p", parent, "-F", "-",
                           input=text.encode("utf-8"), env=ident).strip()
            git(root, "update-ref", "-m", f"commit: {text.splitlines()[0]}", branch, new_head, parent)
            auto_maintenance(root)
        else:
            git(root, "add", "--", *rels)
            git(root, "commit", "-q", "--no-verify", "-F", "-", "--", *rels,
                input=message.encode("utf-8"), env=ident)
        journal.unlink(missing_ok=True)
    except BaseException as exc:
        for path, data in old.items():
            with contextlib.suppress(OSError):
                if data is None:
                    path.unlink(missing_ok=True)
                elif path.read_bytes() != data:  # untouched originals need no rewrite on a full disk
                    atomic_write(path, data)
        with contextlib.suppress(LedgerError):
            git(root, "reset", "-q", "--", *rels)
        journal.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise LedgerError("磁盘空间已满，本次变更未写入，原文件保持不变", "请清理磁盘后重试") from None
        if isinstance(exc, LedgerError) and (disk_full(exc.message) or exc.message.startswith("磁盘空间已满")):
            raise LedgerError("磁盘空间已满，git 无法提交，本次变更未写入", "请清理磁盘后重试") from None
        raise
    return new_head if direct else git(root, "rev-parse", "HEAD").strip()
