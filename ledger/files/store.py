"""The only place that touches files and git: find, read, lock, write atomically, commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterator

from ..domain.errors import LedgerError, Problem, UsageError
from ..domain.model import ID_RE, Task, misfiled
from ..domain.workdays import Calendar
from . import codec, fastyaml, settings
from .cache import TaskCache, user_cache_file
from .settings import CALENDAR_DIR, CONFIG_FILE

TASKS_DIR = "tasks"
# In tasks/YYYY: the highest number an undone import had issued, so `undo` never frees a number.
RETIRED_FILE = ".retired"
TMP_MARK = ".taizhang-tmp"

# Ledgers whose write was cut off by a closed stdout while it held the lock (before its
# commit): only then does a broken pipe fail the command (cli.py); after a commit it succeeds.
WRITE_CUT: list[Path] = []

DEFAULT_CONFIG = {
    "schema_version": 1,
    "org": "",
    "id_prefix": "",
    "warn_workdays": 3,
    "rules": {},
    "units": [],
}


@dataclass(frozen=True)
class Clerk:
    name: str
    email: str


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str
    subject: str
    body: str
    trailers: dict[str, str]


def git_try(root: Path, *args: str, input: bytes | None = None, env: dict | None = None) -> tuple[int, str, str]:
    """Run git and return (code, stdout, stderr) instead of raising: for questions, not changes."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], input=input, capture_output=True,
            env={**os.environ, "LC_ALL": "C", **(env or {})}, check=False,
        )
    except FileNotFoundError:
        raise LedgerError("找不到 git 命令", "请先安装 git") from None
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def git(root: Path, *args: str, input: bytes | None = None, env: dict | None = None) -> str:
    """Run git in the ledger; never through a shell, paths always after `--` by callers."""
    code, out, err = git_try(root, *args, input=input, env=env)
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


def find_root(explicit: str | None, cwd: Path | None = None) -> Path:
    """--ledger, else $TAIZHANG_LEDGER, else walk up from the current folder like git."""
    given = explicit or os.environ.get("TAIZHANG_LEDGER")
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            ref = remote_ledger_branch(root)
            if ref:
                raise unchecked_clone_error(root, ref)
            raise LedgerError(f"{root} 不是台账（没有 {CONFIG_FILE}）", "请检查路径，或用 taizhang init 创建台账")
        if not (root / ".git").exists():
            # Checked before anything writes: the lock would otherwise create a stray .git/ here.
            raise LedgerError(f"{root} 不是 git 仓库（没有 .git）", "请用 taizhang init 创建台账，或检查路径")
        return root
    here = (cwd or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_FILE).is_file() and (d / ".git").exists():
            return d
    for d in (here, *here.parents):  # only on the way to an error: a clone with nothing checked out
        if (d / ".git").exists():
            ref = remote_ledger_branch(d)
            if ref:
                raise unchecked_clone_error(d, ref)
            break
    raise LedgerError(
        "当前目录不在任何台账中",
        "请进入台账目录，或用 --ledger 路径 / 环境变量 TAIZHANG_LEDGER 指定，或用 taizhang init 新建",
    )


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


def _author_date(today: dt.date | None) -> dict[str, str]:
    """A change is dated the command's "today" (TAIZHANG_TODAY, --as-of), at the clock's time of day.

    The committer date stays the real clock; reports of the ledger "as it stood" on a
    day read the author date, so a history replayed day by day reports like a lived one.
    """
    if today is None:
        return {}
    return {"GIT_AUTHOR_DATE": f"{today.isoformat()}T{dt.datetime.now():%H:%M:%S}"}


def _clean_message(message: str) -> str:
    """What `git commit -F` stores (its "whitespace" cleanup), since commit-tree stores the text as given."""
    lines: list[str] = []
    for line in message.split("\n"):
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _auto_maintenance(root: Path) -> None:
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


def deleted_message(rel: str) -> str:
    """What `check` and the reading commands say about a task file deleted by hand."""
    return (f"事项文件已被删除（尚未提交），事项不得删除；请运行 git checkout -- {rel} 恢复，"
            "撤销事项请用 taizhang cancel")


def parse_task(data: bytes) -> Task:
    """A task file's Task: the fast reader for canonical files, the strict loader otherwise."""
    raw = fastyaml.parse(data)
    if raw is not None:
        try:
            return codec.task_from_plain(raw)
        except codec.FormatError:
            pass  # let the strict path produce the error with its line number
    return codec.task_from_bytes(data)


def plain_task(data: bytes) -> dict:
    return codec.task_to_plain(parse_task(data))


class Ledger:
    """A ledger on disk: a git work tree holding taizhang.yaml, tasks/ and calendar/."""

    def __init__(self, root: Path, today: dt.date | None = None,
                 warn: Callable[[str], None] | None = None, prepare: Callable[[], None] | None = None):
        self.root = root
        self.today = today
        self.warn = warn or (lambda message: print(message, file=sys.stderr))
        # Run once before the first write: the clone's set-up (hook, merge driver), never for a read.
        self.prepare = prepare
        self.git_dir = root / ".git"
        self._config: dict | None = None
        self._calendar: Calendar | None = None
        self._clerks: dict[str | None, Clerk] = {}
        # Set by the context layer: refuses a commit the clerk's role does not allow, before any write.
        self.gate: Callable[[dict[str, tuple[bytes | None, bytes | None]], str, Clerk], None] | None = None
        self.cache = TaskCache(self.git_dir / "taizhang" / "cache.sqlite", user_cache_file(root))

    # -- settings and calendar ---------------------------------------------------
    @property
    def config(self) -> dict:
        if self._config is None:
            path = self.root / CONFIG_FILE
            refuse_link(self.root, CONFIG_FILE, "台账设置")
            try:
                raw = self.cache.doc(path, codec.load_yaml)
            except codec.FormatError as e:
                raise settings.refuse(Problem(CONFIG_FILE, e.line, e.message), "台账设置文件") from None
            except OSError as e:
                raise LedgerError(f"读不了 {CONFIG_FILE}：{e.strerror}", "请检查台账目录") from None
            findings = settings.config_findings(raw)
            if findings:  # the same file:line problem `check` reports
                problem = settings.place(CONFIG_FILE, path.read_text(encoding="utf-8"), findings[:1])[0]
                raise settings.refuse(problem, "台账设置文件")
            self._config = {**DEFAULT_CONFIG, **raw}
        return self._config

    def calendar_files(self) -> dict[int, tuple[list[dt.date], list[dt.date]]]:
        """calendar/YYYY.yaml: the office's holidays and make-up workdays for a year."""
        overrides: dict[int, tuple[list[dt.date], list[dt.date]]] = {}
        folder = self.root / CALENDAR_DIR
        refuse_link(self.root, CALENDAR_DIR, "日历")
        if not folder.is_dir():
            return overrides
        for path in sorted(folder.glob("*.yaml")):
            m = settings.CALENDAR_NAME.fullmatch(path.name)
            if not m:
                continue
            where = f"{CALENDAR_DIR}/{path.name}"
            refuse_link(self.root, where, "日历")
            year = int(m.group(1))
            try:
                raw = self.cache.doc(path, codec.load_yaml)
            except codec.FormatError as e:
                raise settings.refuse(Problem(where, e.line, e.message), "日历文件") from None
            findings = settings.calendar_findings(year, raw)
            if findings:
                problem = settings.place(where, path.read_text(encoding="utf-8"), findings[:1])[0]
                raise settings.refuse(problem, "日历文件")
            overrides[year] = settings.calendar_days(year, raw)
        return overrides

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar(self.calendar_files())
        return self._calendar

    def uncommitted_calendar_files(self) -> dict[Path, bytes]:
        """calendar/YYYY.yaml added or changed by hand and not yet committed, with their contents.

        A calendar file deleted by hand is refused: the deadlines counted without it would be
        committed while the file's removal would not.
        """
        out = git(self.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", CALENDAR_DIR)
        found: dict[Path, bytes] = {}
        for entry in out.split("\0"):
            status, rel = entry[:2], entry[3:]
            if not settings.CALENDAR_NAME.fullmatch(rel.rpartition("/")[2]) or rel.count("/") != 1:
                continue
            if "D" in status:
                raise UsageError(f"{rel} 已被删除但尚未提交", f"请先恢复（git checkout -- {rel}）或提交删除后再重算")
            found[self.root / rel] = (self.root / rel).read_bytes()
        return found

    # -- tasks -------------------------------------------------------------------
    def task_path(self, task_id: str) -> Path:
        if not ID_RE.match(task_id):
            raise UsageError(f"事项编号格式不对：{task_id!r}", "编号形如 2026-0042，或只写当年序号如 42")
        return self.root / TASKS_DIR / task_id[:4] / f"{task_id}.yaml"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read_task(self, task_id: str) -> Task:
        path = self.task_path(task_id)
        if path.is_symlink():
            raise UsageError(f"{self.rel(path)} 是符号链接，拒绝读取", "事项文件必须是台账内的普通文件；请删除该链接")
        refuse_link(self.root, self.rel(path.parent), "事项")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            rel = self.rel(path)
            if git_try(self.root, "ls-files", "--error-unmatch", "--", rel)[0] == 0:
                raise LedgerError(f"{rel}: {deleted_message(rel)}") from None
            raise UsageError(f"没有编号为 {task_id} 的事项", "请用 taizhang list 查看现有编号") from None
        try:
            task = parse_task(data)
        except codec.FormatError as e:
            raise LedgerError(
                f"{self.rel(path)}:{e.line}: {e.message}", "请修正该文件后重试（taizhang check 可列出所有问题）"
            ) from None
        wrong = misfiled(self.rel(path), task.id)
        if wrong:  # writing it back would move the copy over the real task
            raise LedgerError(wrong, "请运行 taizhang check，改正该文件后重试")
        return task

    def load_all(
        self,
        progress: Callable[[int, int], None] | None = None,
        statuses: Collection[str] | None = None,
        parent: str | None = None,
    ) -> dict[str, dict | Exception]:
        """Every task file's plain form or its error, keyed by `tasks/YYYY/ID.yaml`.

        With `statuses`, tasks in other states are left out (unreadable files never are);
        with `parent`, all but the tasks broken down from that one.
        """
        refuse_link(self.root, TASKS_DIR, "事项")  # tasks/ pointing elsewhere would list someone else's tasks
        loaded = self.cache.load(self.root / TASKS_DIR, plain_task, progress, statuses, parent)
        return {f"{TASKS_DIR}/{rel}": v for rel, v in sorted(loaded.items())}

    def missing_task_files(self) -> list[str]:
        """Tracked task files gone from the work tree (deleted by hand, not yet committed), after load_all.

        The index's listing is kept in the cache keyed by the index file's stat, and compared
        by count first: a command on an intact ledger of 100,000 tasks pays no git call for it.
        """
        def listing() -> list[str]:
            out = git(self.root, "ls-files", "-z", "--", TASKS_DIR)
            return [p for p in out.split("\0") if p.endswith(".yaml") and not p.rpartition("/")[2].startswith(".")]

        index = self.git_dir / "index"
        tracked = self.cache.keyed(index, listing) if index.is_file() else listing()
        if len(tracked) <= self.cache.scanned:
            return []
        return [rel for rel in tracked if not os.path.lexists(self.root / rel)]

    def trusted_stats(self) -> dict[str, tuple[int, int, int]]:
        """Stats, keyed like load_all, of the files the last load_all read in a way the cache may vouch for."""
        return {f"{TASKS_DIR}/{rel}": st for rel, st in self.cache.trusted.items()}

    def passed_checks(self, key: str) -> dict[str, tuple[int, int, int]]:
        return {f"{TASKS_DIR}/{rel}": st for rel, st in self.cache.verdicts(key).items()}

    def save_passed_checks(self, key: str, passed: dict[str, tuple[int, int, int]]) -> None:
        cut = len(TASKS_DIR) + 1
        self.cache.save_verdicts(key, {rel[cut:]: st for rel, st in passed.items()})

    def next_seq(self, year: int) -> int:
        """Numbers are issued centrally and never reused: one past the highest ever filed."""
        folder = self.root / TASKS_DIR / str(year)
        top = 0
        if folder.is_dir():
            head = f"{year}-"
            for name in os.listdir(folder):  # 30,000 names a year in a big office: no regex per name
                if name.startswith(head) and name.endswith(".yaml"):
                    seq = name[len(head):-5]
                    if seq.isdigit() and seq.isascii() and int(seq) > top:
                        top = int(seq)
        return max(top, self.retired_seq(year)) + 1

    def retired_seq(self, year: int) -> int:
        try:
            text = (self.root / TASKS_DIR / str(year) / RETIRED_FILE).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return 0
        return int(text) if text.isdigit() else 0

    # -- writing -----------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise read-modify-write-commit among all taizhang processes on this checkout."""
        lock_dir = self.git_dir / "taizhang"
        try:
            lock_dir.mkdir(parents=True, exist_ok=True)
            f = open(lock_dir / "lock", "a+b")
        except OSError as e:
            raise LedgerError(f"台账不可写（{e.strerror}：{e.filename}），本次变更未写入",
                              "只读的台账只能查看；请在可写的克隆中修改（taizhang clone），或请管理员开放写权限") from None
        with f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                if self.prepare is not None:
                    self.prepare()
                    self.prepare = None
                self.interrupted = recover_interrupted(self.root)
                if self.interrupted:
                    self.warn(f"警告：上次操作被中断，已把 {'、'.join(self.interrupted)} 恢复到最后一次提交的状态")
                yield
            except OSError as e:
                if e.errno == errno.EPIPE:  # output closed before the commit: the command failed
                    WRITE_CUT.append(self.root)
                raise
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def clerk(self, by: str | None = None) -> Clerk:
        if by not in self._clerks:
            self._clerks[by] = self._read_clerk(by)
        return self._clerks[by]

    def _read_clerk(self, by: str | None) -> Clerk:
        def get(key: str) -> str:
            try:
                return git(self.root, "config", "--get", key).strip()
            except LedgerError:
                return ""

        name, email = by or get("user.name"), get("user.email")
        if not name:
            raise LedgerError(
                "不知道经办人是谁：台账仓库没有设置 git user.name",
                f"请运行 git -C {self.root} config user.name 你的姓名，或加 --by 姓名",
            )
        return Clerk(name, email or "taizhang@localhost")

    def commit(self, files: dict[Path, bytes], message: str, clerk: Clerk) -> str:
        """Write files atomically and record them in exactly one commit, or change nothing."""
        old: dict[Path, bytes | None] = {}
        for path in files:
            self._check_inside(path)
            old[path] = path.read_bytes() if path.exists() else None
        if self.gate is not None:
            self.gate({self.rel(p): (old[p], files[p]) for p in files}, message, clerk)
        # Once per folder, not per file: an import of 10,000 files would otherwise glob 10,000 times.
        for folder in {p.parent for p in files}:
            try:
                names = [n for n in os.listdir(folder) if n[0] == "." and TMP_MARK + "." in n]
            except FileNotFoundError:
                names = []
            for name in names:
                (folder / name).unlink(missing_ok=True)  # left by a killed process; we hold the lock
        rels = [self.rel(p) for p in files]
        try:
            branch = git(self.root, "symbolic-ref", "-q", "HEAD").strip()
        except LedgerError:
            # A commit on a detached HEAD is dropped by the next checkout: the audit trail would lose it.
            raise LedgerError("台账仓库不在任何分支上（HEAD 处于分离状态）",
                              f"请先运行 git -C {self.root} checkout main（或你的分支）") from None
        ident = {
            "GIT_AUTHOR_NAME": clerk.name, "GIT_AUTHOR_EMAIL": clerk.email,
            "GIT_COMMITTER_NAME": clerk.name, "GIT_COMMITTER_EMAIL": clerk.email,
        }
        ident.update(_author_date(self.today))
        journal = journal_path(self.root)
        try:
            clear_stale_index_lock(self.root)
            # A journal names our files until the commit exists, so a SIGKILL can be undone next time.
            atomic_write(journal, "\n".join(rels).encode("utf-8"))
            # When nothing else is staged, commit through plumbing: `git add` + `git commit -- paths`
            # stat every file of the work tree (0.5 s at 100,000 tasks) and git's pathspec matching is
            # quadratic (8 s for an import of 10,000 files). update-index touches only our paths,
            # write-tree reuses the index's cache-tree, update-ref moves the branch only from the HEAD we saw.
            parent = self.head()
            direct = parent is not None and not git(
                self.root, "diff-index", "--cached", "--name-only", "-z", parent, "--").strip("\0")
            if len(files) > 20:
                atomic_write_many(files)
            else:
                for path, data in files.items():
                    atomic_write(path, data)
            if direct:
                git(self.root, "update-index", "--add", "-z", "--stdin",
                    input="".join(f"{r}\0" for r in rels).encode("utf-8"))
                tree = git(self.root, "write-tree").strip()
                if tree == git(self.root, "rev-parse", f"{parent}^{{tree}}").strip():
                    raise LedgerError("git commit 失败：nothing to commit", "请检查台账的 git 仓库状态")
                text = _clean_message(message)
                # `git commit` signs when commit.gpgSign says so; commit-tree only when asked.
                sign = ["-S"] if git_try(self.root, "config", "--type=bool", "--get",
                                         "commit.gpgsign")[1].strip() == "true" else []
                new_head = git(self.root, "commit-tree", *sign, tree, "-p", parent, "-F", "-",
                               input=text.encode("utf-8"), env=ident).strip()
                git(self.root, "update-ref", "-m", f"commit: {text.splitlines()[0]}", branch, new_head, parent)
                _auto_maintenance(self.root)
            else:
                git(self.root, "add", "--", *rels)
                git(self.root, "commit", "-q", "--no-verify", "-F", "-", "--", *rels,
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
                git(self.root, "reset", "-q", "--", *rels)
            journal.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise LedgerError("磁盘空间已满，本次变更未写入，原文件保持不变", "请清理磁盘后重试") from None
            if isinstance(exc, LedgerError) and (disk_full(exc.message) or exc.message.startswith("磁盘空间已满")):
                raise LedgerError("磁盘空间已满，git 无法提交，本次变更未写入", "请清理磁盘后重试") from None
            raise
        self._remember(files)
        return new_head if direct else git(self.root, "rev-parse", "HEAD").strip()

    # -- the ledger as it stood ------------------------------------------------------
    def revision_at(self, day: dt.date) -> str | None:
        """The last commit recorded on or before `day` (author date, see _author_date), or None."""
        out = git(self.root, "log", "--first-parent", "--format=%H %ad", "--date=short", "HEAD")
        limit = day.isoformat()
        for line in out.splitlines():
            sha, _, when = line.partition(" ")
            if when <= limit:
                return sha
        return None

    def head(self) -> str | None:
        return rev(self.root, "HEAD")

    def tree_blobs(self, rev: str) -> dict[str, str]:
        """Every task file's blob id at commit `rev`, keyed by `tasks/YYYY/ID.yaml`."""
        return self._blobs(git(self.root, "ls-tree", "-r", "-z", rev, "--", TASKS_DIR), 2)

    def clean_blobs(self) -> dict[str, str]:
        """Blob ids of the task files whose work-tree copy is exactly what the index holds."""
        staged = self._blobs(git(self.root, "ls-files", "-s", "-z", "--", TASKS_DIR), 1)
        dirty = git(self.root, "diff", "--name-only", "-z", "--", TASKS_DIR).split("\0")
        for path in dirty:
            staged.pop(path, None)
        return staged

    @staticmethod
    def _blobs(listing: str, sha_field: int) -> dict[str, str]:
        found: dict[str, str] = {}
        for entry in listing.split("\0"):
            meta, _, path = entry.partition("\t")
            if path and re.fullmatch(rf"{TASKS_DIR}/\d{{4}}/[^/]+\.yaml", path):
                found[path] = meta.split()[sha_field]
        return found

    def read_blobs(self, shas: list[str]) -> list[bytes]:
        """The contents of many blobs through one `git cat-file --batch`."""
        found = read_blobs(self.root, shas)
        missing = [sha for sha in shas if found[sha] is None]
        if missing:
            raise LedgerError(f"读取台账历史失败：找不到对象 {missing[0][:12]}", "请检查台账的 git 仓库状态")
        return [found[sha] for sha in shas]

    def _remember(self, files: dict[Path, bytes]) -> None:
        """Put the task files just written into the cache, so the next read need not parse them."""
        tasks = self.root / TASKS_DIR
        for path, data in files.items():
            if path.parent.parent == tasks and path.suffix == ".yaml":
                try:
                    self.cache.put(f"{path.parent.name}/{path.name}", path, plain_task(data))
                except Exception:  # the cache is only a cache; the next read re-parses the file
                    pass

    def _check_inside(self, path: Path) -> None:
        resolved = path.resolve()
        if self.root not in resolved.parents or path.is_symlink():
            raise UsageError(f"拒绝写入台账之外的路径：{path}", "请检查文件名")

    # -- history -----------------------------------------------------------------
    def history(self, rel_path: str) -> list[Commit]:
        """The commits that touched one file, oldest first."""
        sep, end = "\x1f", "\x1e"
        fmt = sep.join(["%H", "%an", "%ae", "%ad", "%s", "%b"]) + end
        out = git(self.root, "log", "--reverse", "--date=format:%Y-%m-%d %H:%M",
                  f"--format={fmt}", "--", rel_path)
        commits = []
        for chunk in out.split(end):
            chunk = chunk.strip("\n")
            if not chunk:
                continue
            sha, author, email, date, subject, body = chunk.split(sep, 5)
            # Anyone who can push writes these: a terminal must not obey escapes in them.
            author, email, subject, body = map(codec.printable, (author, email, subject, body))
            trailers = dict(re.findall(r"^(Taizhang-[\w-]+):\s*(.*)$", body, re.M))
            commits.append(Commit(sha, author, email, date, subject, body.strip(), trailers))
        return commits


# -- audit trail, hooks, several clerks (issue 5) ------------------------------------
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
    proc = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"], input=("\n".join(specs) + "\n").encode("utf-8"),
        capture_output=True, env={**os.environ, "LC_ALL": "C"}, check=False,
    )
    if proc.returncode != 0:
        raise LedgerError("git cat-file 失败", "请检查台账的 git 仓库状态")
    out, pos, found = proc.stdout, 0, {}
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


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D
    path: str
    # Blob ids before and after ("" when absent): reading by id costs git no tree walk per file.
    old_blob: str = ""
    new_blob: str = ""


@dataclass(frozen=True)
class ChangeSet:
    """One commit as the audit sees it: who, when, what it says, which task files it touched."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # author date, ISO 8601
    committed: str
    subject: str
    body: str
    trailers: dict[str, list[str]]
    files: tuple[FileChange, ...]

    @property
    def action(self) -> str | None:
        values = self.trailers.get("Taizhang-Action")
        return values[-1] if values else None


TRAILER = re.compile(r"^(Taizhang-[\w-]+):[ \t]*(.*)$", re.M)


def message_trailers(message: str) -> dict[str, list[str]]:
    """A commit message's Taizhang-* trailers, every value of each in order."""
    found: dict[str, list[str]] = {}
    for key, value in TRAILER.findall(message):
        found.setdefault(key, []).append(value.strip())
    return found


def changesets(root: Path, paths: tuple[str, ...] = (TASKS_DIR,), rev: str = "HEAD",
               exclude: tuple[str, ...] | None = None) -> list[ChangeSet]:
    """Commits touching `paths`, oldest first, with their task-file changes (first parent for merges).

    With `exclude` (revisions, or `--all`), every commit reachable from `rev` and from none of
    those, merged side branches included, parents before children: what a push brings.
    """
    code, _, _ = git_try(root, "rev-parse", "--verify", "-q", rev)
    if code != 0:
        return []
    sep, start = "\x1f", "\x1e"
    fmt = start + sep.join(["%H", "%P", "%an", "%ae", "%aI", "%cI", "%s", "%b"]) + sep
    walk = ["-m", "--first-parent"] if exclude is None else ["--topo-order", "--diff-merges=first-parent"]
    args = ["log", "--reverse", "--no-renames", "--raw", "--no-abbrev", *walk, f"--format={fmt}"]
    # No --since/--until here: git filters them on the committer date, which is not the date
    # shown (the author date); trail.entries filters on the shown one.
    out = git(root, *args, rev, *(("--not", *exclude) if exclude else ()), "--", *paths)
    result = []
    for chunk in out.split(start)[1:]:
        head, _, rest = chunk.rpartition(sep)
        sha, parents, author, email, date, committed, subject, body = head.split(sep, 7)
        author, email, subject, body = map(codec.printable, (author, email, subject, body))
        files = []
        for line in rest.strip("\n").splitlines():
            meta, _, path = line.partition("\t")
            fields = meta.split()  # :old_mode new_mode old_blob new_blob status
            if path and len(fields) == 5:
                old_blob, new_blob = (b if b.strip("0") else "" for b in fields[2:4])
                files.append(FileChange(fields[4][:1], path, old_blob, new_blob))
        result.append(ChangeSet(sha, tuple(parents.split()), author, email, date, committed, subject,
                                body.strip(), message_trailers(body), tuple(files)))
    return result


def anchor_file(root: Path) -> Path:
    return root / ".git" / "taizhang" / "anchor"


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


def journal_path(root: Path) -> Path:
    return root / ".git" / "taizhang" / "pending"


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


# -- sync with the office's remote (issue 5, item 6) ----------------------------------
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
