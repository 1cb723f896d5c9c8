"""The office's shared ledger on a server: `taizhang clone`, and a remote HEAD a plain `git clone` can use."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..domain.errors import LedgerError, UsageError
from . import gitcmd, layout, store

ORIGIN = "origin"


@dataclass
class Cloned:
    root: Path
    url: str
    branch: str
    tasks: int
    clerk: str
    head_note: str | None  # the remote's HEAD names another branch: how to fix it, for plain `git clone`


def default_dir(url: str) -> str:
    """What `git clone URL` would call the folder: the last path part without `.git`."""
    name = re.split(r"[/:\\]", url.rstrip("/\\"))[-1]
    name = name[:-4] if name.endswith(".git") else name
    return name or "台账"


def global_config(key: str) -> str:
    # Global and system only: the folder we are in may be some other repository.
    for scope in ("--global", "--system"):
        code, out, _ = gitcmd.git_try(Path.cwd(), "config", scope, "--get", key)
        if code == 0 and out.strip():
            return out.strip()
    return ""


def _pick_branch(tmp: Path) -> str:
    """The remote branch holding the ledger: main first, then the remote's HEAD, then any other."""
    code, out, _ = gitcmd.git_try(tmp, "for-each-ref", "--format=%(refname:short)", f"refs/remotes/{ORIGIN}")
    refs = [r for r in out.split() if r != f"{ORIGIN}/HEAD" and r != ORIGIN]
    if not refs:
        raise UsageError("远程仓库是空的，还没有人推送过台账",
                         "请先由一名经办人 taizhang init 建立台账，git remote add origin 这个地址后运行 taizhang sync")
    code, out, _ = gitcmd.git_try(tmp, "symbolic-ref", "-q", "--short", f"refs/remotes/{ORIGIN}/HEAD")
    head = out.strip() if code == 0 else ""
    preferred = [f"{ORIGIN}/{gitcmd.LEDGER_BRANCH}", head, *sorted(refs)]
    for ref in dict.fromkeys(r for r in preferred if r in refs):
        if gitcmd.git_try(tmp, "cat-file", "-e", f"{ref}:{store.CONFIG_FILE}")[0] == 0:
            return ref.split("/", 1)[1]
    raise UsageError(f"远程仓库的分支（{'、'.join(refs)}）里都没有 {store.CONFIG_FILE}，不是台账",
                     "请检查地址是不是督查室的台账仓库")


def clone(url: str, dest: str | None, name: str | None, email: str | None, warn=None) -> Cloned:
    """Clone the office ledger into dest, on its ledger branch, set up like `init`; or leave nothing."""
    name = (name or "").strip() or global_config("user.name")
    if not name:
        raise UsageError("没有经办人姓名：每次变更都要记下是谁做的（git user.name）",
                         "请加 --name 你的姓名 --email 你的邮箱，或先运行 git config --global user.name 你的姓名")
    email = (email or "").strip() or None
    root = Path(dest or default_dir(url)).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{root} 已存在且不是空目录", "请换一个新目录名，或先清空它")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = root.with_name(f".{root.name}{layout.TMP_MARK}.{os.getpid()}")
    try:
        code, _, err = gitcmd.git_try(root.parent, "clone", "-q", "--no-checkout", "--origin", ORIGIN, "--", url,
                                     str(tmp))
        if code != 0:
            raise LedgerError(f"无法克隆 {url}（{gitcmd.git_reason(err, code)}）", "请检查地址、网络和访问权限")
        branch = _pick_branch(tmp)
        unborn = gitcmd.current_branch(tmp)
        gitcmd.git(tmp, "checkout", "-q", "-B", branch, "--track", f"{ORIGIN}/{branch}")
        if unborn and unborn != branch:  # clone set up tracking for the remote HEAD's missing branch
            gitcmd.git_try(tmp, "config", "--remove-section", f"branch.{unborn}")
        gitcmd.git(tmp, "remote", "set-head", ORIGIN, branch)
        if name != global_config("user.name"):
            gitcmd.git(tmp, "config", "user.name", name)
        if email and email != global_config("user.email"):
            gitcmd.git(tmp, "config", "user.email", email)
        tasks = len([p for p in gitcmd.git(tmp, "ls-files", "-z", "--", layout.TASKS_DIR).split("\0")
                     if p.endswith(".yaml")])
        note = remote_head_note(tmp, ORIGIN, branch)
        from .hooks import ensure_setup

        ensure_setup(tmp, warn)  # hook, merge driver, index settings: what init sets up, per clone
        if root.exists():
            root.rmdir()  # the empty folder the clerk made for it
        os.rename(tmp, root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Cloned(root, url, branch, tasks, name, note)


# -- the remote's HEAD ----------------------------------------------------------------

def head_dangles(root: Path, remote: str) -> bool:
    """The remote has branches but its HEAD names none of them (`git init --bare` names master).

    ls-remote lists HEAD only when it names an existing branch; an unborn HEAD is not shown.
    """
    code, out, _ = gitcmd.git_try(root, "ls-remote", remote)
    lines = out.splitlines() if code == 0 else []
    return bool(lines) and not any(line.endswith("\tHEAD") for line in lines)


def local_path(url: str) -> Path | None:
    """The folder of a remote reached through the file system (a path or file://), else None."""
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if "://" in url or re.match(r"^[\w.-]+@[\w.-]+:", url) or re.match(r"^[\w.-]+:(?!\\)", url):
        return None
    return Path(url)


def _head_note(remote: str, branch: str) -> str:
    return (f"远程仓库 {remote} 的默认分支（HEAD）指向不存在的分支（用 git init --bare 建的仓库默认是 master），"
            f"别人直接 git clone 会得到空目录；请在服务器的裸仓库目录中运行 git symbolic-ref HEAD refs/heads/{branch}"
            f"（Gitea/GitLab：在仓库设置中把默认分支设为 {branch}），或让其他经办人用 taizhang clone 地址")


def remote_head_note(root: Path, remote: str, branch: str) -> str | None:
    """How to make the remote's HEAD name `branch`, when it names a branch the remote lacks."""
    return _head_note(remote, branch) if head_dangles(root, remote) else None


def fix_remote_head(root: Path, remote: str, branch: str) -> tuple[str | None, str | None]:
    """After a push: point a dangling remote HEAD at `branch`, so a plain `git clone` checks out the ledger.

    Returns (done, note): what was fixed, or how to fix it on the server. A remote reached through
    the file system is fixed here; a network remote cannot be from the client, so the note says how.
    """
    if not head_dangles(root, remote):
        return None, None
    path = local_path(gitcmd.git(root, "remote", "get-url", remote).strip())
    if path is not None:
        path = path if path.is_absolute() else (root / path).resolve()
        if gitcmd.git_try(path, "symbolic-ref", "HEAD", f"refs/heads/{branch}")[0] == 0:
            return f"已把 {remote} 的默认分支（HEAD）设为 {branch}：别人直接 git clone 也能得到台账", None
    return None, _head_note(remote, branch)
