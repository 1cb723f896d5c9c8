"""Where things live in a ledger: its folders and marks, how its root is found."""

from __future__ import annotations

from pathlib import Path

TASKS_DIR = "tasks"


# In tasks/YYYY: the highest number an undone import had issued, so `undo` never frees a number.
RETIRED_FILE = ".retired"


TMP_MARK = ".taizhang-tmp"


def anchor_file(root: Path) -> Path:
    return root / ".git" / "taizhang" / "anchor"


def journal_path(root: Path) -> Path:
    return root / ".git" / "taizhang" / "pending"


def deleted_message(rel: str) -> str:
    """What `check` and the reading commands say about a task file deleted by hand."""
    return (f"事项文件已被删除（尚未提交），事项不得删除；请运行 git checkout -- {rel} 恢复，"
            "撤销事项请用 taizhang cancel")
