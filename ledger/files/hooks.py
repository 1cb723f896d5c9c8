"""What `init` sets up in a ledger's .git and a fresh clone gets on its first command: hook, merge driver."""

from __future__ import annotations

import fcntl
import os
import shlex
import sys
from pathlib import Path

from ..domain.findings import Finding
from . import atomic, gitcmd, store

# Raised whenever the hook or driver line changes (4: the modules moved into layer folders),
# so that a clone set up before is set up again on its next write.
SETUP_VERSION = "4"
REFUSED = "taizhang：暂存的事项或设置文件有问题，提交被拒绝（改正后再提交；taizhang check 可查全部）："
HOOK_MARK = "# taizhang pre-commit hook"
ATTRIBUTES = "tasks/**/*.yaml merge=taizhang\n"


def python_call(args: list[str], shell_args: str = "", code: str = "") -> str:
    """A shell line running this taizhang (same interpreter, same code) with `args` + the shell's args.

    Git runs hooks and merge drivers in the ledger's top folder, and `python -c` would put that
    folder first on sys.path: a cli.py or ledger/ committed to the ledger would run instead of
    this taizhang. `-I` (isolated mode) leaves the current folder, PYTHONPATH and the user's site
    out; the code's own folder is put on sys.path by absolute path.
    """
    libdir = Path(__file__).resolve().parents[2]  # holds cli.py and ledger/, in a checkout or a wheel
    code = f"import sys; sys.path.insert(0, {str(libdir)!r}); " + (
        code or f"import cli; sys.exit(cli.main({args!r} + sys.argv[1:]))")
    return f"exec {shlex.quote(sys.executable)} -I -c {shlex.quote(code)} {shell_args}".rstrip()


def driver_line() -> str:
    return python_call(["merge-driver"], "%O %A %B %P")


def hook_text() -> str:
    return (
        "#!/bin/sh\n"
        f"{HOOK_MARK}: a hand edit that breaks the ledger cannot be committed.\n"
        "# Installed by taizhang; it checks only the staged task and settings files. Bypass knowingly: git commit --no-verify\n"
        # Straight to hook_main, not through the CLI: importing typer alone costs ~0.3 s.
        f"{python_call([], code='from ledger.files.hooks import hook_main; sys.exit(hook_main())')}\n"
    )


def install_hook(root: Path) -> str | None:
    """Write .git/hooks/pre-commit unless someone else's hook is there; returns a warning or None."""
    path = gitcmd.git_path(root, "hooks/pre-commit")
    if path.exists():
        current = path.read_text(encoding="utf-8", errors="replace")
        if HOOK_MARK not in current:
            return f"警告：{path} 已有别的 pre-commit 钩子，未安装 taizhang 的校验钩子"
        if current == hook_text():
            return None
    atomic.atomic_write(path, hook_text().encode("utf-8"))
    path.chmod(0o755)
    return None


def register_merge_driver(root: Path) -> None:
    """git config merge.taizhang.*: task files merge through taizhang, never with conflict markers."""
    gitcmd.git(root, "config", "merge.taizhang.name", "taizhang 事项文件合并")
    gitcmd.git(root, "config", "merge.taizhang.driver", driver_line())


def tune_index(root: Path) -> None:
    """A ledger of 100,000 files has a 9 MB index: write it as a small split index over a shared
    base (core.splitIndex) in the compact v4 format (feature.manyFiles), so a one-file commit
    rewrites kilobytes, not megabytes. Per clone; plain git honours both."""
    gitcmd.git_try(root, "config", "core.splitIndex", "true")
    gitcmd.git_try(root, "config", "feature.manyFiles", "true")
    gitcmd.git_try(root, "update-index", "--index-version", "4")


def ensure_setup(root: Path, warn=None, again: bool = False) -> None:
    """Once per checkout (a marker in .git/taizhang): what `init` sets up, for a plain `git clone` too.

    A clone set up by an older taizhang (whose hook and driver a ledger's files could hijack)
    is set up again before its next write; `again` sets it up even when the marker is current.
    """
    marker = root / ".git" / "taizhang" / "setup"
    if (_marked(marker) and not again) or not (root / ".git").is_dir():
        return
    try:
        _setup(root, marker, warn, again)
    except (OSError, store.LedgerError):
        # A read-only ledger (another user's, a mounted share) cannot be set up; reading it
        # needs none of this, and a command that writes fails on its own with a clear line.
        return


def _setup(root: Path, marker: Path, warn, again: bool) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True)
    # Several commands may start at once in a fresh or upgraded clone: one sets up, the others wait.
    with open(marker.parent / "setup.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _marked(marker) and not again:
            return
        message = install_hook(root)
        if message and warn:
            warn(message)
        register_merge_driver(root)
        tune_index(root)
        attributes = gitcmd.git_path(root, "info/attributes")  # per clone, so nothing has to be committed
        current = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
        if ATTRIBUTES not in current:
            atomic.atomic_write(attributes, (current + ATTRIBUTES).encode("utf-8"))
        atomic.atomic_write(marker, SETUP_VERSION.encode())


def _marked(marker: Path) -> bool:
    try:
        return marker.read_text(encoding="utf-8") == SETUP_VERSION
    except OSError:
        return False


def staged_problems(root: Path) -> list[Finding]:
    """`check --staged`: only the task files about to be committed, read from the index."""
    from .invariants import check_texts

    changed, deleted = gitcmd.staged_task_files(root)
    problems = [Finding.at(rel, 1, "不允许删除事项文件；撤销事项请用 taizhang cancel") for rel in deleted]
    blobs = gitcmd.read_blobs(root, [f":{rel}" for rel in changed])
    texts = {rel: blobs[f":{rel}"] for rel in changed if blobs.get(f":{rel}") is not None}
    problems.extend(check_texts(texts))
    problems.extend(staged_settings_problems(root))
    return sorted(problems, key=lambda p: (p.path, p.line))


def staged_settings_problems(root: Path) -> list[Finding]:
    """taizhang.yaml and calendar/*.yaml about to be committed, read from the index."""
    from . import settings

    rels = [r for r in gitcmd.staged_files(root, settings.CONFIG_FILE, settings.CALENDAR_DIR)
            if settings.is_settings_file(r)]
    blobs = gitcmd.read_blobs(root, [f":{rel}" for rel in rels])
    problems = []
    for rel in rels:
        if blobs.get(f":{rel}") is not None:
            problems += settings.problems_in(rel, blobs[f":{rel}"])
    return problems


def hook_main() -> int:
    """The pre-commit hook: `taizhang check --staged` without the CLI's import cost."""
    from ..domain.errors import TaizhangError

    try:
        root = store.find_root(os.getcwd())  # git runs hooks at the top of the work tree
        problems = staged_problems(root)
    except TaizhangError as e:
        print(f"错误：{e.line()}", file=sys.stderr)
        return e.exit_code
    except Exception as e:  # a hook refuses in one line, never with a traceback
        print(f"错误：taizhang 校验钩子无法检查暂存的文件（{type(e).__name__}）；"
              "提交被拒绝，请运行 taizhang check 查看", file=sys.stderr)
        return 3
    if problems:
        print(REFUSED, file=sys.stderr)
        for p in problems:
            print(p)
        return 1
    return 0
