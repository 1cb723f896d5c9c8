"""Error types that carry an exit code and a hint, and Finding values found by checks."""

from __future__ import annotations

import errno
import os


class TaizhangError(Exception):
    """An error a clerk can act on: a Chinese message, what to do, and the exit code of the README's 退出码 table."""

    exit_code = 2

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        return f"{self.message}；{self.hint}" if self.hint else self.message


class UsageError(TaizhangError):
    """Bad usage or bad input: exit 2."""

    exit_code = 2


class TransitionError(UsageError):
    """A forbidden change of a task's state, such as closing a task never reported done."""


class LedgerError(TaizhangError):
    """The ledger itself is unusable (not found, unreadable, git failed): exit 3."""

    exit_code = 3



OS_ERRORS = {
    errno.ENOENT: "文件或目录不存在", errno.ENOTDIR: "路径中有一段不是目录", errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有权限", errno.EPERM: "不允许这样操作", errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "文件系统是只读的", errno.EEXIST: "文件已存在",
}


def os_error_line(e: OSError) -> tuple[str, int]:
    """One Chinese line and the exit code for a file error that reached the top.

    A path whose folder does not exist is bad input (an `-o` typo): exit 2; anything else
    is the disk or the ledger: exit 3.
    """
    name = str(e.filename or "")
    what = OS_ERRORS.get(e.errno, e.strerror or str(e))
    if e.errno in (errno.ENOENT, errno.ENOTDIR) and name and not os.path.isdir(os.path.dirname(name) or "."):
        return f"目录不存在：{os.path.dirname(name)}（{name}）；请先建立该目录，或换一个输出路径", 2
    return f"读写文件失败：{what}（{name}）；请检查路径、磁盘空间和权限", 3
