"""What a ledger from someone else must not hold: program files, executables, links out of the ledger."""

from __future__ import annotations

from pathlib import Path

from . import store
from .errors import Problem

def tracked_code(root: Path) -> list[Problem]:
    """`check`: tracked Python files, a ledger/ folder, executable files and links outside tasks/."""
    problems = []
    listing = store.git(root, "ls-files", "-s", "-z")
    for entry in listing.split("\0"):
        meta, _, rel = entry.partition("\t")
        if not rel:
            continue
        mode = meta.split()[0]
        if rel.split("/", 1)[0] == "ledger":
            problems.append(Problem(rel, 1, "台账中不应有 ledger/ 目录：它与 taizhang 的程序包同名，"
                                    "可能被当作程序运行；请删除（git rm）"))
        elif rel.endswith((".py", ".pyc", ".pth")):
            problems.append(Problem(rel, 1, "台账中不应有 Python 程序文件：它可能被当作 taizhang 的程序运行；请删除（git rm）"))
        if mode == "100755":
            problems.append(Problem(rel, 1, f"台账中的文件不应可执行；请运行 git update-index --chmod=-x {rel} 后提交"))
        elif mode == "120000" and not rel.startswith(store.TASKS_DIR + "/"):  # tasks/ has its own check
            problems.append(Problem(rel, 1, "是符号链接，台账中的文件必须是普通文件；请删除该链接"))
    return problems
