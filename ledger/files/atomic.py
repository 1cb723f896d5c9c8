"""Writing files so that a crash leaves the old bytes or the new, never half of either."""

from __future__ import annotations

import os
from pathlib import Path

from ..domain.errors import LedgerError
from .layout import TMP_MARK


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temp file in the same folder, fsync, rename: old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}.{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(folder: Path) -> None:
    """Flush the filesystem holding folder once: one call instead of an fsync per file."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).syncfs(fd) != 0:
            raise OSError
    except (OSError, AttributeError):
        os.sync()
    finally:
        os.close(fd)


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """atomic_write for many files at once (an import of thousands): temp files, one sync, renames.

    Each file is still old-or-new, never half; fsyncing 10,000 files one by one took ~2 minutes here.
    """
    tmps: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}{TMP_MARK}.{os.getpid()}")
            tmps.append((tmp, path))
            with open(tmp, "wb") as f:
                f.write(data)
        folders = {p.parent for p in files}
        for folder in folders:
            _syncfs(folder)
            break  # one sync per filesystem; a ledger lives on one
        for tmp, path in tmps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in tmps:
            tmp.unlink(missing_ok=True)
        raise
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def refuse_link(root: Path, rel: str, what: str) -> None:
    """Refuse to read `rel` when it or a folder on the way is a symbolic link: it could point anywhere."""
    path = root
    for part in Path(rel).parts:
        path = path / part
        if os.path.islink(path):
            shown = path.relative_to(root).as_posix()
            raise LedgerError(f"{shown} 是符号链接，拒绝读取{what}",
                              f"台账中的{what}必须是台账内的普通文件；请删除该链接（git rm {shown}）")
