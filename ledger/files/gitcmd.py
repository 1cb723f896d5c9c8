"""Git run as a subprocess: plumbing calls, their failures in Chinese, the index and the refs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..domain.errors import LedgerError, UsageError
from .layout import TASKS_DIR
from .settings import CALENDAR_DIR, CONFIG_FILE


def git_try(root: Path, *args: str, input: bytes | None = None, env: dict | None = None,
            large: bool = False) -> tuple[int, str, str]:
    """Run git and return (code, stdout, stderr) instead of raising: for questions, not changes.

    `large` is for an output of megabytes (a year's history, a tree, many blobs), see _run.
    """
    code, out, err = _run(["git", "-C", str(root), *args], input, {**os.environ, "LC_ALL": "C", **(env or {})}, large)
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def _run(argv: list[str], input: bytes | None, env: dict, large: bool) -> tuple[int, bytes, bytes]:
    """A pipe hands a large output over in pieces of a few KiB, each a poll and a read (30,000 of
    them, ~0.3 s of system time, for 8 MB of git log); a temporary file takes it in one read."""
    try:
        if large:
            import tempfile  # only the few large reads need it, not every command

            try:
                with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as out:
                    if input is not None:
                        given.write(input)
                        given.seek(0)
                    proc = subprocess.run(argv, stdin=given if input is not None else None, stdout=out,
                                          stderr=subprocess.PIPE, env=env, check=False)
                    out.seek(0)
                    return proc.returncode, out.read(), proc.stderr
            except OSError as e:
                if isinstance(e, FileNotFoundError) and e.filename == argv[0]:
                    raise
                # no room for a temporary file: the pipe still works
        proc = subprocess.run(argv, input=input, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise LedgerError("找不到 git 命令", "请先安装 git") from None
    return proc.returncode, proc.stdout, proc.stderr


def git(root: Path, *args: str, input: bytes | None = None, env: dict | None = None, large: bool = False) -> str:
    """Run git in the ledger; never through a shell, paths always after `--` by callers."""
    code, out, err = git_try(root, *args, input=input, env=env, large=large)
    if code != 0:
        if disk_full(err):
            raise LedgerError("磁盘空间已满，git 无法写入，本次变更未写入", "请清理磁盘后重试")
        lines = err.strip().splitlines()
        raise LedgerError(f"git {args[0]} 失败：{lines[-1] if lines else code}", "请检查台账的 git 仓库状态")
    return out


LEDGER_BRANCH = "main"  # the branch `taizhang init` makes; a clone checks it out whatever the remote HEAD says


def remote_ledger_branch(root: Path) -> str | None:
    """In a clone with nothing checked out (HEAD names no commit), the remote branch holding
    a ledger, e.g. origin/main: what a plain `git clone` of a bare repository whose HEAD names
    another branch (`git init --bare` makes it master) leaves behind."""
    if not (root / ".git").exists() or rev(root, "HEAD") is not None:
        return None
    code, out, _ = git_try(root, "for-each-ref", "--format=%(refname:short)", "refs/remotes")
    refs = sorted((r for r in out.split() if not r.endswith("/HEAD")),
                  key=lambda r: r.split("/", 1)[-1] != LEDGER_BRANCH)
    for ref in refs:
        if git_try(root, "cat-file", "-e", f"{ref}:{CONFIG_FILE}")[0] == 0:
            return ref
    return None


def unchecked_clone_error(root: Path, ref: str) -> LedgerError:
    branch = ref.split("/", 1)[-1]
    return LedgerError(f"{root} 是台账的克隆，但没有检出任何文件（台账在远程分支 {ref} 上，远程仓库的默认分支不是它）",
                       f"请运行 git -C {root} checkout {branch}")


def disk_full(git_stderr: str) -> bool:
    """Git's own words for a full disk (it says either, depending on where the write failed)."""
    return "No space left" in git_stderr or "Out of diskspace" in git_stderr


GIT_REASONS = (
    ("does not appear to be a git repository", "远程地址不是 git 仓库，或无权访问"),
    ("Could not resolve host", "找不到服务器（域名解析失败）"),
    ("Connection refused", "服务器拒绝连接"),
    ("Connection timed out", "连接服务器超时"),
    ("Permission denied", "没有访问权限"),
    ("Authentication failed", "身份验证失败"),
    ("not found", "远程仓库不存在"),
)


def git_reason(err: str, code: int) -> str:
    """Why git failed, in one whole phrase: its first fatal/error line (in Chinese where known),
    not the tail of the advice git prints after it."""
    lines = [x.strip() for x in err.splitlines() if x.strip()]
    first = next((x for x in lines if x.startswith(("fatal:", "error:"))), lines[0] if lines else f"退出码 {code}")
    for needle, chinese in GIT_REASONS:
        if needle.lower() in first.lower():
            return chinese
    return "git：" + first.removeprefix("fatal:").removeprefix("error:").strip()


# -- audit trail, hooks, several clerks ----------------------------------------------
def git_path(root: Path, name: str) -> Path:
    """Where git keeps `name` (hooks, index.lock, …) for this work tree, worktrees included."""
    out = git(root, "rev-parse", "--git-path", name).strip()
    p = Path(out)
    return p if p.is_absolute() else root / p


def staged_task_files(root: Path) -> tuple[list[str], list[str]]:
    """Task files in the index that differ from HEAD: (added or modified, deleted)."""
    changed, deleted = [], []
    code, out, _ = git_try(root, "diff", "--cached", "--name-status", "--no-renames", "-z", "--", TASKS_DIR)
    if code != 0:  # no HEAD yet: everything staged is new
        out = git(root, "ls-files", "-z", "--", TASKS_DIR)
        return [p for p in out.split("\0") if p.endswith(".yaml")], []
    parts = out.split("\0")
    for status, path in zip(parts[0::2], parts[1::2]):
        if not path.endswith(".yaml"):
            continue
        (deleted if status.startswith("D") else changed).append(path)
    return changed, deleted


def staged_files(root: Path, *paths: str) -> list[str]:
    """Files under `paths` added or modified in the index against HEAD (all staged ones before the first commit)."""
    code, out, _ = git_try(root, "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=AM", "-z",
                           "--", *paths)
    if code != 0:
        out = git(root, "ls-files", "-z", "--", *paths)
    return [p for p in out.split("\0") if p]


def read_blobs(root: Path, specs: list[str]) -> dict[str, bytes | None]:
    """Many `rev:path` objects in one `git cat-file --batch`; None where the object is missing."""
    if not specs:
        return {}
    for s in specs:
        if "\n" in s:
            raise UsageError(f"路径中不能有换行：{s!r}", "请检查文件名")
    code, out, _ = _run(["git", "-C", str(root), "cat-file", "--batch"], ("\n".join(specs) + "\n").encode("utf-8"),
                        {**os.environ, "LC_ALL": "C"}, len(specs) > 100)
    if code != 0:
        raise LedgerError("git cat-file 失败", "请检查台账的 git 仓库状态")
    pos, found = 0, {}
    for spec in specs:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].decode("utf-8", "replace").split(" ")
        pos = nl + 1
        if len(header) == 3 and header[1] == "blob":
            size = int(header[2])
            found[spec] = out[pos:pos + size]
            pos += size + 1
        elif len(header) == 3:  # a tree or commit named by mistake: skip its body
            pos += int(header[2]) + 1
            found[spec] = None
        else:
            found[spec] = None
    return found


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    code, _, _ = git_try(root, "merge-base", "--is-ancestor", older, newer)
    return code == 0


def verify_commit(root: Path, sha: str) -> bool:
    code, _, _ = git_try(root, "verify-commit", sha)
    return code == 0


def git_processes_in(root: Path) -> list[int]:
    """Pids of git processes working in this repository (by their cwd or -C), read from /proc."""
    pids = []
    me = str(root)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            cmd = Path(entry.path, "cmdline").read_bytes().split(b"\0")
            if not cmd or os.path.basename(cmd[0].decode("utf-8", "replace")) not in ("git", "git-remote-http"):
                continue
            cwd = os.readlink(Path(entry.path, "cwd"))
        except OSError:
            continue
        args = [c.decode("utf-8", "replace") for c in cmd]
        if cwd == me or cwd.startswith(me + "/") or me in args:
            pids.append(int(entry.name))
    return pids


def clear_stale_index_lock(root: Path) -> bool:
    """Remove .git/index.lock left by a killed process, but only when no git process is running here."""
    lock = git_path(root, "index.lock")
    if not lock.is_file() or lock.is_symlink() or git_processes_in(root):
        return False
    lock.unlink(missing_ok=True)
    return True


# -- sync with the office's remote ---------------------------------------------------
def current_branch(root: Path) -> str | None:
    code, out, _ = git_try(root, "symbolic-ref", "-q", "--short", "HEAD")
    return out.strip() if code == 0 and out.strip() else None


def default_remote(root: Path, branch: str) -> str:
    """The branch's configured remote, else the only remote, else origin."""
    code, out, _ = git_try(root, "config", "--get", f"branch.{branch}.remote")
    if code == 0 and out.strip():
        return out.strip()
    remotes = git(root, "remote").split()
    return remotes[0] if len(remotes) == 1 else "origin"


def has_remote(root: Path, name: str) -> bool:
    return name in git(root, "remote").split()


def uncommitted(root: Path) -> list[str]:
    """Tracked files changed or staged, untracked ledger files (tasks/, calendar/): what a rebase could clobber."""
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    found = []
    for entry in out.split("\0"):
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if status == "??" and not path.startswith((f"{TASKS_DIR}/", f"{CALENDAR_DIR}/", CONFIG_FILE)):
            continue
        found.append(path)
    return found


def rev(root: Path, spec: str) -> str | None:
    code, out, _ = git_try(root, "rev-parse", "-q", "--verify", f"{spec}^{{commit}}")
    return out.strip() if code == 0 else None


def rev_list(root: Path, *spec: str) -> list[str]:
    """Commits in `spec`, oldest first, parents before children."""
    return git(root, "rev-list", "--reverse", "--topo-order", *spec).split()


def tree_entries(root: Path, rev_: str, prefix: str = TASKS_DIR) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob) for every file under `prefix` at `rev_`."""
    found = {}
    for entry in git(root, "ls-tree", "-r", "-z", rev_, "--", prefix).split("\0"):
        meta, _, path = entry.partition("\t")
        if path:
            mode, _, sha = meta.split()
            found[path] = (mode, sha)
    return found


def commit_meta(root: Path, sha: str) -> dict[str, str]:
    """Author, committer, parents and raw message of one commit, for replaying it unchanged."""
    sep = "\x1f"
    out = git(root, "log", "-1", f"--format=%an{sep}%ae{sep}%ad{sep}%cn{sep}%ce{sep}%cd{sep}%P{sep}%T{sep}%B",
              "--date=raw", sha)
    an, ae, ad, cn, ce, cd, parents, tree, body = out.split(sep, 8)
    return {"author_name": an, "author_email": ae, "author_date": ad, "committer_name": cn,
            "committer_email": ce, "committer_date": cd, "parents": parents, "tree": tree,
            "message": body.rstrip("\n") + "\n"}


def write_blob(root: Path, data: bytes) -> str:
    return git(root, "hash-object", "-w", "--stdin", input=data).strip()


def commit_tree(root: Path, tree: str, changes: dict[str, tuple[str, str] | None], parents: list[str],
                meta: dict[str, str], message: str) -> str:
    """A new commit: `tree` with `changes` (path -> (mode, blob), None removes), same author and dates.

    Built in a private index file, so neither the work tree nor the real index is touched.
    """
    index = git_path(root, "taizhang/sync-index")
    index.parent.mkdir(parents=True, exist_ok=True)
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        git(root, "read-tree", tree, env=env)
        lines = []
        for path, entry in changes.items():
            if entry is None:
                lines.append(f"0 {'0' * 40}\t{path}\0")
            else:
                lines.append(f"{entry[0]} {entry[1]}\t{path}\0")
        if lines:
            git(root, "update-index", "-z", "--index-info", input="".join(lines).encode("utf-8"), env=env)
        new_tree = git(root, "write-tree", env=env).strip()
    finally:
        index.unlink(missing_ok=True)
    ident = {
        "GIT_AUTHOR_NAME": meta["author_name"], "GIT_AUTHOR_EMAIL": meta["author_email"],
        "GIT_AUTHOR_DATE": meta["author_date"], "GIT_COMMITTER_NAME": meta["committer_name"],
        "GIT_COMMITTER_EMAIL": meta["committer_email"], "GIT_COMMITTER_DATE": meta["committer_date"],
    }
    args = ["commit-tree", new_tree]
    for p in parents:
        args += ["-p", p]
    return git(root, *args, "-F", "-", input=message.encode("utf-8"), env=ident).strip()


def reset_hard(root: Path, sha: str) -> None:
    """Move the current branch and the (clean) work tree to `sha`."""
    git(root, "reset", "-q", "--hard", sha)


def rebase_in_progress(root: Path) -> bool:
    return git_path(root, "rebase-merge").exists() or git_path(root, "rebase-apply").exists()


def conflicted_paths(root: Path) -> list[str]:
    out = git(root, "diff", "--name-only", "-z", "--diff-filter=U")
    return sorted({p for p in out.split("\0") if p})


def index_stages(root: Path, path: str) -> tuple[bytes | None, bytes | None, bytes | None]:
    """A conflicted file's base, ours and theirs from the index (stages 1, 2, 3)."""
    blobs = read_blobs(root, [f":{n}:{path}" for n in (1, 2, 3)])
    return blobs[f":1:{path}"], blobs[f":2:{path}"], blobs[f":3:{path}"]


def symlinks_in_tasks(root: Path) -> list[str]:
    """Symbolic links under tasks/: a task file must be a plain file inside the ledger."""
    if (root / TASKS_DIR).is_symlink():
        return [TASKS_DIR]
    found = []
    for dirpath, dirnames, filenames in os.walk(root / TASKS_DIR):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                found.append(p.relative_to(root).as_posix())
    return sorted(found)
