"""Services of the audit trail: load commits with parsed before/after, log, review, audit, undo."""

from __future__ import annotations

import datetime as dt

from ..domain import audit, lights
from ..domain.errors import LedgerError, TransitionError, UsageError
from ..domain.findings import Finding
from ..domain.model import ID_RE, Task
from ..domain.relday import parse_day
from ..files import atomic, changes, codec, gitcmd, layout, settings, store, transaction
from .context import Env


def parse_version(data: bytes | None, memo: dict, seen: codec.Seen | None = None) -> tuple[dict | None, str | None]:
    """A file version's plain form or why it is unreadable; `seen` (store.parse_task's) shares the
    records that many versions repeat, so the plain forms must not be changed."""
    return parsed_version(data, memo, seen)[1:]


def parsed_version(data: bytes | None, memo: dict,
                   seen: codec.Seen | None = None) -> tuple[Task | None, dict | None, str | None]:
    """parse_version's answer with the Task the plain form was made from in front."""
    if data is None:
        return None, None, None
    if data not in memo:
        try:
            task = store.parse_task(data, seen)  # the fast reader for canonical files
            memo[data] = (task, codec.task_to_plain(task, seen), None)
        except codec.FormatError as e:
            memo[data] = (None, None, f"第 {e.line} 行：{e.message}")
        except Exception as e:  # any file in the history, however hostile, is one finding, not a crash
            memo[data] = (None, None, f"无法解析（{type(e).__name__}）")
    return memo[data]


def settings_history(root) -> list[tuple[str, str, str, object, object]]:
    """(commit, author, date, settings before, settings after) for each commit that changed taizhang.yaml."""
    sets = changes.changesets(root, paths=(store.CONFIG_FILE,))
    specs = [f"{cs.parents[0]}:{store.CONFIG_FILE}" for cs in sets if cs.parents]
    specs += [f"{cs.sha}:{store.CONFIG_FILE}" for cs in sets]
    blobs = gitcmd.read_blobs(root, specs)

    def parsed(spec: str):
        data = blobs.get(spec)
        if data is None:
            return None
        try:
            return codec.load_yaml(data)
        except Exception:  # an unreadable version counts as the defaults
            return {}

    return [(cs.sha, cs.author, cs.date, parsed(f"{cs.parents[0]}:{store.CONFIG_FILE}") if cs.parents else None,
             parsed(f"{cs.sha}:{store.CONFIG_FILE}")) for cs in sets]


def entries(env: Env, since: str | None = None, until: str | None = None, paths=(layout.TASKS_DIR,)) -> list[audit.Entry]:
    """Every commit touching task files (oldest first) with each file parsed before and after."""
    root = env.ledger().root
    since_d = parse_day(since, env.today, "--since 日期") if since else None
    until_d = parse_day(until, env.today, "--until 日期") if until else None
    # The recorded day (author date, as shown), not git's committer date that a sync's rebase resets.
    sets = [cs for cs in changes.changesets(root, paths=tuple(paths))
            if (since_d is None or cs.date[:10] >= since_d.isoformat())
            and (until_d is None or cs.date[:10] <= until_d.isoformat())]
    return parsed_entries(root, sets)


def commit_entries(env: Env, commits: list[str], paths: tuple[str, ...]) -> list[audit.Entry]:
    """entries() for the known commits (oldest first) that touched `paths`: git reads only those."""
    root = env.ledger().root
    return parsed_entries(root, changes.changesets(root, paths=paths, commits=commits))


def parsed_entries(root, sets: list[changes.ChangeSet], versions: dict | None = None,
                   tasks: dict | None = None) -> list[audit.Entry]:
    """The commits `sets` with each task file parsed before and after; commits without one are left out.

    `versions` (blob id → (plain form, error) as parse_version gives them) holds versions already
    known, which are neither read nor parsed again, and receives the ones parsed here; `tasks`
    receives their Tasks (blob id → Task), which share records and must not be changed.
    """
    versions = {} if versions is None else versions
    # Blobs by id: `rev:path` makes git walk the tree for every file, minutes on a large ledger.
    specs = []
    for cs in sets:
        for f in cs.files:
            if f.status != "A" and cs.parents and f.old_blob:
                specs.append(f.old_blob)
            if f.status != "D" and f.new_blob:
                specs.append(f.new_blob)
    blobs = gitcmd.read_blobs(root, [s for s in dict.fromkeys(specs) if s not in versions])
    memo: dict = {}
    seen = codec.Seen()  # what a file's versions repeat, each parsed once

    def version(sha: str) -> tuple[dict | None, str | None]:
        if sha not in versions:
            task, plain, error = parsed_version(blobs.get(sha), memo, seen)
            versions[sha] = (plain, error)
            if tasks is not None and task is not None:
                tasks[sha] = task
        return versions[sha]

    out = []
    for cs in sets:
        e = audit.Entry(cs.sha, cs.author, cs.email, cs.date, cs.subject, cs.action, cs.trailers)
        for f in cs.files:
            if not f.path.endswith(".yaml") or "/." in f.path:
                continue
            old, old_err = version(f.old_blob) if cs.parents and f.status != "A" else (None, None)
            new, new_err = version(f.new_blob) if f.status != "D" else (None, None)
            e.changes.append(audit.TaskChange(f.path, f.status, old, new, old_err, new_err))
        if e.changes:
            out.append(e)
    return out


def log(env: Env, since=None, until=None, by=None, unit=None, action=None, task_id=None) -> list[audit.Entry]:
    paths = (layout.TASKS_DIR,)
    if task_id:
        from .common import resolve_id

        task_id = resolve_id(task_id, env.today)
        paths = (env.ledger().rel(env.ledger().task_path(task_id)),)
    found = audit.select(entries(env, since, until, paths), audit.LogFilter(by, unit, action, task_id))
    return found


def review(env: Env, since: str, until: str | None = None) -> dict:
    from .reading import load_tasks

    since_d = parse_day(since, env.today, "--since 日期")
    cal = env.ledger().calendar
    day_before = since_d - dt.timedelta(days=1)
    red = []
    for task in load_tasks(env):
        if task.status in ("closed", "cancelled"):
            continue
        if lights.overdue_workdays(task, env.today, cal) > 0 and lights.overdue_workdays(task, day_before, cal) == 0:
            first = audit.first_red_day(task.due, cal.next_workday_on_or_after)
            red.append({"task": task.id, "title": task.title, "who": task.lead_unit,
                        "when": first.isoformat() if first else None, "commit": None,
                        "detail": f"时限 {task.due}，已逾期 {lights.overdue_workdays(task, env.today, cal)} 个工作日"})
    from ..domain import forgery

    found = entries(env, since, until)
    # An undo is judged against a commit that may lie before --since: the audit checks those.
    forged = frozenset(f.commit for f in forgery.findings([e for e in found if e.action != "undo"])
                       if f.kind == "forged")
    return audit.review(found, sorted(red, key=lambda r: (r["when"] or "", r["task"])), forged)


def run_audit(env: Env, strict: bool = False, set_anchor: bool = False) -> list[Finding]:
    led = env.ledger()
    root = led.root
    from ..domain import forgery

    history = entries(env)
    found = audit.findings(history, strict) + forgery.findings(history, strict)
    settings = settings_history(root)
    found += forgery.settings_findings(settings, strict)
    anchor = layout.anchor_file(root)
    if anchor.exists():
        old = anchor.read_text(encoding="utf-8").strip()
        head = gitcmd.rev(root, "HEAD")
        if not head or not gitcmd.is_ancestor(root, old, head):
            found.append(Finding.in_commit("rewritten", old, None,
                                       f"历史被改写：当前 HEAD 不再包含 {old[:12]}（记录于 .git/taizhang/anchor）"))
    # Under --strict, a history that ever required signatures still does: one commit cannot turn it off.
    once = strict and forgery.strictest(settings, "require_signed", False)
    if led.config.get("require_signed") is True or once:
        why = "require_signed: true" if led.config.get("require_signed") is True else "历史上曾设 require_signed: true"
        for sha in gitcmd.git(root, "rev-list", "HEAD").split():
            if not gitcmd.verify_commit(root, sha):
                found.append(Finding.in_commit("unsigned", sha, None, f"提交没有可验证的签名（{why}）"))
    if set_anchor and not any(f.fatal for f in found):
        head = gitcmd.rev(root, "HEAD")
        if head:
            atomic.atomic_write(anchor, (head + "\n").encode())
    return found


def undo(env: Env) -> tuple[str, str]:
    """Revert the clerk's last taizhang change (not yet undone) as a new commit; history keeps both."""
    led = env.ledger()
    clerk = led.clerk(env.by)
    with led.locked():
        sets = changes.changesets(led.root, paths=(layout.TASKS_DIR, store.CONFIG_FILE, settings.CALENDAR_DIR))
        undone = {r for cs in sets for r in cs.trailers.get("Taizhang-Reverts", [])}
        pairs = undone | {cs.sha for cs in sets if set(cs.trailers.get("Taizhang-Reverts", [])) & undone}
        target = None
        for i in range(len(sets) - 1, -1, -1):
            cs = sets[i]
            if cs.author != clerk.name or cs.action in (None, "init", "undo") or cs.sha in undone:
                continue
            target = (i, cs)
            break
        if target is None:
            raise TransitionError(f"{clerk.name} 没有可以撤回的 taizhang 变更", "taizhang log --by 姓名 可查看变更记录")
        i, cs = target
        mine = {f.path for f in cs.files}
        added = [f.path for f in cs.files if f.status == "A" and f.path.startswith(layout.TASKS_DIR + "/")]
        if added and cs.action != "import":
            raise TransitionError(
                f"不能撤回“{cs.subject}”：撤回会删除事项文件，而编号不能重复使用",
                "不再办理的事项请用 taizhang cancel 编号 --reason 原因 撤销",
            )
        for later in sets[i + 1:]:
            if later.sha in pairs:
                continue
            clash = mine & {f.path for f in later.files}
            if clash:
                raise TransitionError(
                    f"不能撤回“{cs.subject}”：之后 {later.author} 的“{later.subject}”也改了 {'、'.join(sorted(clash))}",
                    "请先撤回后来的变更，或用相应命令改正",
                )
        dirty = gitcmd.git(led.root, "status", "--porcelain", "--", *sorted(mine)).strip()
        if dirty:
            raise UsageError(f"{'、'.join(sorted(mine))} 有未提交的修改，不能撤回", "请先提交或还原这些修改")
        tasks = cs.trailers.get("Taizhang-Task", [])
        message = (f"撤回 {cs.subject}\n\n撤回 {cs.author} 于 {cs.date[:16].replace('T', ' ')} 的变更 {cs.sha[:12]}\n\n"
                   + "\n".join(["Taizhang-Action: undo", *(f"Taizhang-Task: {t}" for t in tasks),
                                f"Taizhang-Reverts: {cs.sha}"]) + "\n")
        if led.gate is not None:
            led.gate({f.path: (None, None) for f in cs.files}, message, clerk)
        try:
            transaction.revert_commit(led.root, cs.sha, message, clerk, retire_numbers(led, added))
        except LedgerError as e:
            raise LedgerError(f"撤回失败：{e.message}", "台账未改变；请运行 taizhang check 检查") from None
    return cs.sha, cs.subject


def retire_numbers(led, added: list[str]) -> dict:
    """Undoing an import deletes its task files; tasks/YYYY/.retired keeps their numbers from reuse."""
    top: dict[int, int] = {}
    for path in added:
        m = ID_RE.match(path.rsplit("/", 1)[-1].removesuffix(".yaml"))
        if m:
            top[int(m.group(1))] = max(top.get(int(m.group(1)), 0), int(m.group(2)))
    return {led.root / layout.TASKS_DIR / str(y) / layout.RETIRED_FILE: f"{max(n, led.retired_seq(y))}\n".encode()
            for y, n in top.items()}
