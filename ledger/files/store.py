"""A ledger on disk: finding it, reading its tasks, the lock, the clerk, one commit per change."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
from pathlib import Path
from typing import Callable, Collection, Iterator

from ..domain.errors import LedgerError, UsageError
from ..domain.model import ID_RE, Task, misfiled
from ..domain.workdays import Calendar
from . import codec, fastyaml, transaction
from .atomic import refuse_link
from .cache import TaskCache
from .cachedb import CacheDB
from .cachefiles import user_cache_file
from .configfiles import ConfigFiles
from .gitcmd import git, git_try, remote_ledger_branch, unchecked_clone_error
from .layout import RETIRED_FILE, TASKS_DIR, deleted_message
from .memo import Memos
from .revisions import Revisions
from .settings import CONFIG_FILE
from .transaction import WRITE_CUT, Clerk, recover_interrupted


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




def parse_task(data: bytes, seen: codec.Seen | None = None) -> Task:
    """A task file's Task: the fast reader for canonical files, the strict loader otherwise.

    `seen` is a memo for many versions of the same files (codec.Seen): what they repeat is parsed
    once and shared, so the Task must be treated as immutable.
    """
    raw = fastyaml.parse(data, seen)
    if raw is not None:
        try:
            return codec.task_from_plain(raw, seen)
        except codec.FormatError:
            pass  # let the strict path produce the error with its line number
    return codec.task_from_bytes(data)


def plain_task(data: bytes, seen: codec.Seen | None = None) -> dict:
    return codec.task_to_plain(parse_task(data, seen), seen)


# Task files as git lists them: YAML files anywhere under tasks/, not hidden ones (an editor's swap file).
TRACKED_TASK_FILES = f":(glob){TASKS_DIR}/**/[!.]*.yaml"


class Ledger(ConfigFiles, Revisions):
    """A ledger on disk: a git work tree holding taizhang.yaml, tasks/ and calendar/."""

    def __init__(self, root: Path, today: dt.date | None, warn: Callable[[str], None],
                 prepare: Callable[[], None] | None = None):
        self.root = root
        self.today = today
        # Warnings go where the caller says (the context's stream for a command); this layer prints nothing itself.
        self.warn = warn
        # Run once before the first write: the clone's set-up (hook, merge driver), never for a read.
        self.prepare = prepare
        self.git_dir = root / ".git"
        self._config: dict | None = None
        self._calendar: Calendar | None = None
        self._clerks: dict[str | None, Clerk] = {}
        # Set by the context layer: refuses a commit the clerk's role does not allow, before any write.
        self.gate: Callable[[dict[str, tuple[bytes | None, bytes | None]], str, Clerk], None] | None = None
        # One cache file: the task rows, and what else is remembered by a file's stat.
        db = CacheDB(self.git_dir / "taizhang" / "cache.sqlite", user_cache_file(root))
        self.cache = TaskCache(db)
        self.memos = Memos(db)

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

        Only the number of tracked task files is kept, in the cache keyed by the index file's stat,
        and compared with the number load_all found: an intact ledger of 100,000 tasks pays no git
        call, and after a commit one that git counts, not a listing Python splits and stores.
        """
        def tracked() -> str:
            return git(self.root, "ls-files", "-z", "--", TRACKED_TASK_FILES)

        index = self.git_dir / "index"
        count = self.memos.keyed(index, lambda: tracked().count("\0")) if index.is_file() else None
        if count is not None and count <= self.cache.scanned:
            return []
        return [rel for rel in tracked().split("\0") if rel and not os.path.lexists(self.root / rel)]

    def trusted_stats(self) -> dict[str, tuple[int, int, int]]:
        """Stats, keyed like load_all, of the files the last load_all read in a way the cache may vouch for."""
        return {f"{TASKS_DIR}/{rel}": st for rel, st in self.cache.trusted.items()}

    def passed_checks(self, key: str) -> dict[str, tuple[int, int, int]]:
        return {f"{TASKS_DIR}/{rel}": st for rel, st in self.memos.verdicts(key).items()}

    def save_passed_checks(self, key: str, passed: dict[str, tuple[int, int, int]]) -> None:
        cut = len(TASKS_DIR) + 1
        self.memos.save_verdicts(key, {rel[cut:]: st for rel, st in passed.items()})

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
        head = transaction.commit_files(self.root, files, old, message, clerk, self.today)
        self._remember(files)
        return head

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


