"""Plain git helpers the test fixtures share: run git, count commits, snapshot a work tree."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def commit_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD").strip())


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def snapshot(root: Path) -> dict:
    """Everything a refused command must leave alone: HEAD, the index, every work-tree file."""
    files = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts[0] == ".git" or not p.is_file():
            continue
        files[rel.as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return {
        "head": head(root),
        "status": git(root, "status", "--porcelain", "--ignored", "--untracked-files=all"),
        "files": files,
        "refs": git(root, "for-each-ref", "--format=%(refname) %(objectname)"),
    }
