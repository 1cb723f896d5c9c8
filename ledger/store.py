"""The only place that touches files and git: find, read, lock, write atomically, commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterator

from . import codec, fastyaml
from .cache import TaskCache
from .errors import LedgerError, UsageError
from .model import ID_RE, Task
from .workdays import Calendar

CONFIG_FILE = "taizhang.yaml"
TASKS_DIR = "tasks"
CALENDAR_DIR = "calendar"
TMP_MARK = ".taizhang-tmp"

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


def git(root: Path, *args: str, input: bytes | None = None, env: dict | None = None) -> str:
    """Run git in the ledger; never through a shell, paths always after `--` by callers."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input,
            capture_output=True,
            env={**os.environ, "LC_ALL": "C", **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise LedgerError("找不到 git 命令", "请先安装 git") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LedgerError(f"git {args[0]} 失败：{err[-1] if err else proc.returncode}", "请检查台账的 git 仓库状态")
    return proc.stdout.decode("utf-8", "replace")


def find_root(explicit: str | None, cwd: Path | None = None) -> Path:
    """--ledger, else $TAIZHANG_LEDGER, else walk up from the current folder like git."""
    given = explicit or os.environ.get("TAIZHANG_LEDGER")
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            raise LedgerError(f"{root} 不是台账（没有 {CONFIG_FILE}）", "请检查路径，或用 taizhang init 创建台账")
        return root
    here = (cwd or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_FILE).is_file() and (d / ".git").exists():
            return d
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

    def __init__(self, root: Path):
        self.root = root
        self.git_dir = root / ".git"
        self._config: dict | None = None
        self._calendar: Calendar | None = None
        self._clerks: dict[str | None, Clerk] = {}
        self.cache = TaskCache(self.git_dir / "taizhang" / "cache.sqlite")

    # -- settings and calendar ---------------------------------------------------
    @property
    def config(self) -> dict:
        if self._config is None:
            path = self.root / CONFIG_FILE
            try:
                raw = self.cache.doc(path, codec.load_yaml)
            except codec.FormatError as e:
                raise LedgerError(f"{CONFIG_FILE}:{e.line}: {e.message}", "请修正台账设置文件") from None
            except OSError as e:
                raise LedgerError(f"读不了 {CONFIG_FILE}：{e.strerror}", "请检查台账目录") from None
            if not isinstance(raw, dict):
                raise LedgerError(f"{CONFIG_FILE} 应为键值表", "请参照 taizhang init 生成的样式修正")
            self._config = {**DEFAULT_CONFIG, **raw}
        return self._config

    def calendar_files(self) -> dict[int, tuple[list[dt.date], list[dt.date]]]:
        """calendar/YYYY.yaml: the office's holidays and make-up workdays for a year."""
        overrides: dict[int, tuple[list[dt.date], list[dt.date]]] = {}
        folder = self.root / CALENDAR_DIR
        if not folder.is_dir():
            return overrides
        for path in sorted(folder.glob("*.yaml")):
            m = re.fullmatch(r"(\d{4})\.yaml", path.name)
            if not m:
                continue
            year = int(m.group(1))
            where = f"{CALENDAR_DIR}/{path.name}"
            try:
                raw = self.cache.doc(path, codec.load_yaml) or {}
            except codec.FormatError as e:
                raise LedgerError(f"{where}:{e.line}: {e.message}", "请修正日历文件") from None
            lists = []
            for key in ("holidays", "workdays"):
                days = []
                for v in raw.get(key) or []:
                    if not isinstance(v, dt.date) or v.year != year:
                        raise LedgerError(f"{where}: {key} 中的 {v!r} 不是 {year} 年的日期", "请写成 YYYY-MM-DD")
                    days.append(v)
                lists.append(days)
            overrides[year] = (lists[0], lists[1])
        return overrides

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar(self.calendar_files())
        return self._calendar

    # -- tasks -------------------------------------------------------------------
    def task_path(self, task_id: str) -> Path:
        if not ID_RE.match(task_id):
            raise UsageError(f"事项编号格式不对：{task_id!r}", "编号形如 2026-0042，或只写当年序号如 42")
        return self.root / TASKS_DIR / task_id[:4] / f"{task_id}.yaml"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read_task(self, task_id: str) -> Task:
        path = self.task_path(task_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"没有编号为 {task_id} 的事项", "请用 taizhang list 查看现有编号") from None
        try:
            return parse_task(data)
        except codec.FormatError as e:
            raise LedgerError(
                f"{self.rel(path)}:{e.line}: {e.message}", "请修正该文件后重试（taizhang check 可列出所有问题）"
            ) from None

    def load_all(
        self,
        progress: Callable[[int, int], None] | None = None,
        statuses: Collection[str] | None = None,
    ) -> dict[str, dict | Exception]:
        """Every task file's plain form or its error, keyed by `tasks/YYYY/ID.yaml`.

        With `statuses`, tasks in other states are left out (unreadable files never are).
        """
        loaded = self.cache.load(self.root / TASKS_DIR, plain_task, progress, statuses)
        return {f"{TASKS_DIR}/{rel}": v for rel, v in sorted(loaded.items())}

    def next_seq(self, year: int) -> int:
        """Numbers are issued centrally and never reused: one past the highest ever filed."""
        folder = self.root / TASKS_DIR / str(year)
        top = 0
        if folder.is_dir():
            for name in os.listdir(folder):
                m = re.fullmatch(rf"{year}-(\d+)\.yaml", name)
                if m:
                    top = max(top, int(m.group(1)))
        return top + 1

    # -- writing -----------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise read-modify-write-commit among all taizhang processes on this checkout."""
        lock_dir = self.git_dir / "taizhang"
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / "lock", "a+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
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
            for stale in path.parent.glob(f".*{TMP_MARK}.*"):
                stale.unlink(missing_ok=True)  # left by a killed process; we hold the lock
        rels = [self.rel(p) for p in files]
        ident = {
            "GIT_AUTHOR_NAME": clerk.name, "GIT_AUTHOR_EMAIL": clerk.email,
            "GIT_COMMITTER_NAME": clerk.name, "GIT_COMMITTER_EMAIL": clerk.email,
        }
        try:
            for path, data in files.items():
                atomic_write(path, data)
            git(self.root, "add", "--", *rels)
            git(self.root, "commit", "-q", "--no-verify", "-F", "-", "--", *rels,
                input=message.encode("utf-8"), env=ident)
        except BaseException:
            for path, data in old.items():
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, data)
            with contextlib.suppress(LedgerError):
                git(self.root, "reset", "-q", "--", *rels)
            raise
        self._remember(files)
        return git(self.root, "rev-parse", "HEAD").strip()

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
            trailers = dict(re.findall(r"^(Taizhang-[\w-]+):\s*(.*)$", body, re.M))
            commits.append(Commit(sha, author, email, date, subject, body.strip(), trailers))
        return commits
