"""`taizhang init`: a new ledger's files, its git repository and the clerk's identity."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..domain.errors import UsageError
from ..files import emit
from .common import clean, commit_message
from .context import Env

# -- init ------------------------------------------------------------------------
LEDGER_README = """# {org}督查督办台账

本目录由 taizhang 管理：每个事项是 tasks/年份/编号.yaml 一个文件，每次变更是一次 git 提交。

- 查看在办事项：`taizhang list`；逾期事项：`taizhang overdue`
- 查看某事项及其全部记录：`taizhang show 2026-0001`、`taizhang log 2026-0001`
- 设置：`taizhang.yaml`（单位、预警天数、来源时限规则）
- 节假日：`calendar/年份.yaml`（内置日历未覆盖的年份，请在此录入国务院公布的安排）

请勿直接删除事项文件；撤销用 `taizhang cancel`。手工修改后请运行 `taizhang check`。
"""


GITIGNORE = ("# taizhang 的缓存在 .git/ 中；这里忽略编辑器和系统的临时文件，以及误存在台账里的通报、导出文件\n"
             "*.swp\n*~\n.DS_Store\n.*.taizhang-tmp.*\n*.xlsx\n*.docx\n*.pdf\n*.csv\n")


def _init_identity(root: Path, existing_repo: bool, name: str | None, email: str | None,
                   by: str | None, ask: Callable[[str], str] | None) -> tuple[str, str]:
    """Who the new ledger records as clerk: --name/--email, else git's own settings, else asked on a terminal.

    Returns the name and email to store in the ledger's git config ("" for what git already knows).
    """
    from ..files.gitcmd import git_try
    from ..files.remote import global_config

    name, email = clean(name, "经办人姓名"), clean(email, "邮箱")
    known = global_config("user.name")
    if existing_repo:
        code, out, _ = git_try(root, "config", "--get", "user.name")
        known = out.strip() if code == 0 and out.strip() else known
    if not name and not known and not by and ask is not None:
        name = clean(ask("经办人姓名（记在每次变更上）"), "经办人姓名")
        email = email or clean(ask("邮箱"), "邮箱")
    if not name and not known and not by:
        raise UsageError("不知道经办人是谁：git 没有设置 user.name，每次变更都要记下是谁做的",
                         "请加 --name 你的姓名 --email 你的邮箱（记在台账的 git 设置里），"
                         "或先运行 git config --global user.name 你的姓名")
    return name, email


def init(path: str | None, org: str | None, env: Env, *, existing: bool = False, name: str | None = None,
         email: str | None = None, ask: Callable[[str], str] | None = None) -> Path:
    """A new ledger in an empty folder; with `existing`, in a non-empty folder or repository,
    adding only the files that are not there (an existing file is never overwritten)."""
    from ..files.configfiles import DEFAULT_CONFIG
    from ..files.gitcmd import git, git_try, remote_ledger_branch, unchecked_clone_error
    from ..files.settings import CONFIG_FILE
    from ..files.store import Ledger

    root = Path(path or ".").expanduser().resolve()
    org = clean(org, "单位名称")
    if (root / CONFIG_FILE).exists():
        raise UsageError(f"{root} 已经是台账，不会覆盖", "如要重新开始，请换一个空目录")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} 不是目录", "请指定一个目录")
    existing_repo = (root / ".git").exists()
    ref = remote_ledger_branch(root) if existing_repo else None
    if ref:  # a clone of the office ledger with nothing checked out: a second ledger there would fork it
        raise unchecked_clone_error(root, ref)
    if root.exists() and any(root.iterdir()) and not existing:
        what = "已是一个 git 仓库" if existing_repo else "不是空目录"
        raise UsageError(f"{root} {what}，不在这里建立台账",
                         "请换一个空目录；确要在此建立台账请加 --existing（已有的文件一个也不会改动）")
    name, email = _init_identity(root, existing_repo, name, email, env.by, ask)
    config = {**DEFAULT_CONFIG, "org": org, "units": {}}  # the mapping form README shows: 全称: [别名…]
    wanted = {
        root / CONFIG_FILE: emit.mapping_to_yaml(config),
        root / ".gitignore": GITIGNORE.encode(),
        root / "README.md": LEDGER_README.format(org=org).encode(),
        root / "tasks" / ".gitkeep": b"",
        root / "calendar" / ".gitkeep": b"",
    }
    # Never overwrite: a project's README.md or .gitignore stays exactly as it was.
    files = {p: data for p, data in wanted.items() if not p.exists() and not p.is_symlink()}
    kept = [p.relative_to(root).as_posix() for p in wanted if p not in files]
    if kept:
        env.warn(f"提示：已有的 {'、'.join(kept)} 保持原样，未写入")
    made_dirs = [d for d in (root, root / "tasks", root / "calendar") if not d.exists()]
    root.mkdir(parents=True, exist_ok=True)
    created_repo = False
    previous: dict[str, str | None] = {}
    try:
        if not existing_repo:
            # GitPython creates the repository; every other git call is the git command line
            # (gitcmd.git), which spares each command the ~100 ms import of GitPython.
            import git as gitpython

            gitpython.Repo.init(root, initial_branch="main")
            created_repo = True
        for key, value in (("user.name", name), ("user.email", email)):
            if value:
                code, out, _ = git_try(root, "config", "--local", "--get", key)
                previous[key] = out.strip() if code == 0 else None
                git(root, "config", key, value)
        ledger = Ledger(root, env.today, env.warn)
        clerk = ledger.clerk(env.by)
        ledger.commit(files, commit_message(f"建立台账{('：' + org) if org else ''}", "init", []), clerk)
        from ..files.hooks import ensure_setup

        ensure_setup(root, env.warn)
    except BaseException:
        import shutil

        if created_repo:
            shutil.rmtree(root / ".git", ignore_errors=True)
        else:  # the repository was there before: its own settings come back as they were
            for key, value in previous.items():
                git_try(root, "config", key, value) if value is not None else git_try(root, "config", "--unset", key)
        for p in files:
            p.unlink(missing_ok=True)
        for d in reversed(made_dirs):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        raise
    return root
