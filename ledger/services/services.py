"""What each command does: load, apply the rules, write one commit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..domain import rules
from ..domain.errors import LedgerError, TransitionError, UsageError
from ..domain.model import (
    ID_RE,
    METHODS,
    STATUS_LABELS,
    DeadlineChange,
    DoneReport,
    Event,
    Milestone,
    Progress,
    Task,
    Verification,
    format_id,
    misfiled,
)
from ..domain.rules import Assessed, assess  # noqa: F401  (services.assess is used by the CLI)
from ..domain.workdays import Calendar, Due, parse_date, parse_span
from ..files import codec
from .context import Env

Date = dt.date
_SPLIT_UNITS = re.compile(r"[、，,；;]+")


# -- input checks --------------------------------------------------------------
def clean(value: str | None, what: str, *, required: bool = False, multiline: bool = False) -> str:
    """Refuse control characters instead of letting YAML or a terminal mangle them."""
    text = (value or "").strip()
    if required and not text:
        raise UsageError(f"{what}不能为空", f"请填写{what}")
    probe = text.replace("\n", " ") if multiline else text
    bad = codec.bad_char(probe.replace("\t", " ")) or ("换行符" if "\n" in probe else None)
    if bad:
        raise UsageError(f"{what}中含有不可见的控制字符（{bad}）", "请删去后重新输入")
    if len(text) > 2000:
        raise UsageError(f"{what}太长（{len(text)} 字）", "请精简到 2000 字以内，详情可写在进展中")
    return text


def resolve_id(text: str, today: Date) -> str:
    """`2026-0042` as is; a bare `42` is this year's 42."""
    s = str(text).strip()
    if re.fullmatch(r"\d{1,6}", s) and int(s) > 0:
        return format_id(today.year, int(s))
    m = ID_RE.match(s)
    if m and int(m.group(2)) > 0:
        return format_id(int(m.group(1)), int(m.group(2)))
    raise UsageError(f"事项编号格式不对：{text!r}", "编号形如 2026-0042，或只写当年序号如 42")


def split_units(values: Iterable[str]) -> list[str]:
    units: list[str] = []
    for v in values:
        for u in _SPLIT_UNITS.split(v):
            u = clean(u, "单位")
            if u and u not in units:
                units.append(u)
    return units


def date_or_today(text: str | None, env: Env, what: str) -> Date:
    """The date given, or today; a date after today only with --future (a typo of the year is caught)."""
    if not text:
        return env.today
    day = parse_date(text, what)
    if day > env.today and not env.future:
        raise UsageError(f"{what} {day} 晚于今天（{env.today}）",
                         "请检查日期；确要预先登记将来的日期请加 --future")
    return day


def _warn_provisional(env: Env, due: Due, what: str) -> None:
    if due.provisional:
        years = "、".join(str(y) for y in due.unknown_years)
        env.warn(
            f"警告：{years} 年的节假日安排尚未录入，{what} {due.date} 仅按周末推算，为暂定时限；"
            f"国务院通知公布后用 taizhang calendar notice 通知文件 --write 录入 calendar/{due.unknown_years[0]}.yaml 并重算"
        )


def short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def commit_message(subject: str, action: str, task_ids: Iterable[str], body: str = "") -> str:
    trailers = [f"Taizhang-Action: {action}"] + [f"Taizhang-Task: {t}" for t in task_ids]
    parts = [subject]
    if body:
        parts.append(body)
    parts.append("\n".join(trailers))
    return "\n\n".join(parts) + "\n"


# Both settings are checked with their file:line when the ledger's config is read (settings.py).
def lag_points(env: Env) -> int:
    """How many points behind 序时进度 a task may fall before it turns yellow."""
    return env.ledger().config.get("progress_lag_points", rules.DEFAULT_LAG_POINTS)


def warn_workdays(env: Env) -> int:
    """How many workdays before its deadline a task turns yellow."""
    return env.ledger().config.get("warn_workdays", 3)


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
    from ..files.gitcmd import git, git_try, remote_ledger_branch, unchecked_clone_error
    from ..files.store import CONFIG_FILE, DEFAULT_CONFIG, Ledger

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
        root / CONFIG_FILE: codec.mapping_to_yaml(config),
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
        ledger = Ledger(root, env.today)
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


# -- add -------------------------------------------------------------------------
@dataclass
class NewTask:
    title: str
    lead_unit: str
    units: list[str]
    leader: str | None = None
    contact: str | None = None
    source: str | None = None
    ref: str | None = None
    on: str | None = None
    due: str | None = None
    within: str | None = None
    milestones: list[str] | None = None
    tags: list[str] | None = None
    description: str | None = None
    parent: str | None = None
    new_unit: bool = False
    report: str | None = None


def source_rules(env: Env) -> dict[str, rules.SourceRule]:
    try:
        return rules.rules_from_config(env.ledger().config.get("rules"))
    except UsageError as e:
        raise LedgerError(f"taizhang.yaml 的 rules 设置有误：{e.message}", e.hint) from None


def milestone_entry(spec: str, start: Date, cal: Calendar) -> tuple[Milestone, Due | None]:
    when, sep, text = spec.partition(":")
    if not sep:
        when, sep, text = spec.partition("：")
    text = clean(text, "时间节点内容")
    if not sep or not text:
        raise UsageError(f"时间节点写法不对：{spec!r}", "请写成 日期:内容 或 时限:内容，如 2026-06-30:完成招标")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", when.strip()):
        return Milestone(parse_date(when, "时间节点日期"), text), None
    due = cal.add_span(start, parse_span(when))
    return Milestone(due.date, text), due


def add(env: Env, spec: NewTask) -> Task:
    ledger = env.ledger()
    cal = ledger.calendar
    title = clean(spec.title, "事项标题", required=True)
    lead = split_units([clean(spec.lead_unit, "牵头单位", required=True)])
    if len(lead) != 1:
        raise UsageError("牵头单位只能有一个", "其余单位请用 --unit 列为责任单位")
    from . import workflow

    named, new_config = workflow.resolve_units(env, lead + split_units(spec.units), spec.new_unit)
    lead = named[:1]
    units = [u for u in named[1:] if u != lead[0]]
    assigned_on = date_or_today(spec.on, env, "--on 日期")
    if spec.due and spec.within:
        raise UsageError("--due 和 --within 只能用一个", "--due 给出具体日期，--within 给出期限如 5wd")

    source = clean(spec.source, "来源")
    rule_span: str | None = spec.within
    basis, assign_due = "", None
    if source:
        rule = rules.resolve_source(source, source_rules(env))
        source = rule.kind
        assign_due = rules.assign_due(rule, assigned_on, cal)
        if not spec.due and not spec.within:
            rule_span = rules.rule_span(rule, units)
            if rule_span is None:
                raise UsageError(
                    f"来源“{rule.kind}”没有统一时限（{rule.basis}）",
                    "请用 --due 日期 或 --within 期限 指定时限",
                )
            basis = rules.rule_basis(rule, rule_span)
    if spec.due:
        due = Due(parse_date(spec.due, "--due 日期"), False)
        if due.date < assigned_on:
            raise UsageError(f"时限 {due.date} 早于交办日期 {assigned_on}", "请检查 --due 和 --on")
    elif rule_span:
        due = cal.add_span(assigned_on, parse_span(rule_span))
    else:
        raise UsageError(
            "没有给出办结时限",
            "请用 --due 日期、--within 期限（如 5wd、1m），或 --source 来源 按规则计算",
        )
    parent = workflow.check_parent(env, spec.parent, due.date) if spec.parent else ""
    report_cycle = clean(spec.report, "报送周期")
    if report_cycle:
        rules.parse_cycle(report_cycle)
    milestones = []
    for m in spec.milestones or []:
        ms, ms_due = milestone_entry(m, assigned_on, cal)
        if ms.due < assigned_on or ms.due > due.date:
            raise UsageError(f"时间节点 {ms.due} 不在交办日期和时限之间", "请检查 --milestone")
        if ms_due:
            _warn_provisional(env, ms_due, "时间节点")
        milestones.append(ms)
    tags = [clean(t, "标签", required=True) for t in spec.tags or []]
    task_fields = dict(
        title=title, lead_unit=lead[0], units=units,
        leader=clean(spec.leader, "牵头领导"), contact=clean(spec.contact, "责任人"),
        source=source, ref=clean(spec.ref, "文号"), parent=parent,
        assign_due=assign_due, deadline_basis=basis, report_cycle=report_cycle,
        description=clean(spec.description, "事项说明", multiline=True),
        assigned_on=assigned_on, registered_on=env.today,
        deadline_rule=rule_span if not spec.due else "",
        due=due.date, due_provisional=due.provisional,
        milestones=sorted(milestones, key=lambda m: m.due), tags=sorted(set(tags), key=tags.index),
    )
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        task_id = format_id(env.today.year, ledger.next_seq(env.today.year))
        task = Task(id=task_id, **task_fields)
        refuse_unchecked(None, task)
        body = f"牵头单位：{task.lead_unit}" + (f"；责任单位：{'、'.join(units)}" if units else "")
        body += f"\n办结时限：{task.due}" + ("（暂定）" if task.due_provisional else "")
        if source:
            body += f"\n来源：{source}" + (f"（{task.ref}）" if task.ref else "")
        if parent:
            body += f"\n上级事项：{parent}"
        files = {ledger.task_path(task_id): codec.task_to_yaml(task)}
        if new_config is not None:
            from ..files.store import CONFIG_FILE

            files[ledger.root / CONFIG_FILE] = codec.mapping_to_yaml(new_config)
            body += "\n单位名录新增：" + "、".join(u for u in new_config["units"] if u not in (ledger.config.get("units") or []))
        ledger.commit(
            files,
            commit_message(f"交办 {task_id} {short(title)}", "add", [task_id], body),
            clerk,
        )
    _warn_provisional(env, due, "办结时限")
    late = cal.count_workdays(due.date, env.today)
    if late:
        env.warn(f"警告：按交办日期 {assigned_on} 计，时限 {due.date} 已过，事项一登记就逾期 {late} 个工作日；"
                 "如交办日期有误，请撤销后重新登记")
    return task


# -- changes to one task -----------------------------------------------------------
def refuse_unchecked(old: Task | None, new: Task) -> None:
    """The tool's own states pass its own check: a change `check` would flag is refused instead."""
    from ..files.invariants import introduced

    problems = introduced(old, new)
    if problems:
        raise TransitionError(f"{new.id} 这样改会通不过 taizhang check：{problems[0]}",
                              "请检查日期（--on）等选项；本次未作任何修改")


def change_task(
    env: Env,
    task_id: str,
    apply: Callable[[Task], Task],
    action: str,
    subject: Callable[[Task], str],
    body: str | Callable[[Task], str] = "",
) -> Task:
    """Read the task under the lock, apply a pure rule, write and commit, or change nothing."""
    return change_tasks(env, [task_id], apply, action, lambda ts: subject(ts[0]),
                       body if isinstance(body, str) else lambda ts: body(ts[0]))[0]


def change_tasks(
    env: Env,
    task_ids: list[str],
    apply: Callable[[Task], Task],
    action: str,
    subject: Callable[[list[Task]], str],
    body: str | Callable[[list[Task]], str] = "",
) -> list[Task]:
    """change_task for several tasks: every one is read and checked before anything is written,
    then all land in one commit (a refusal of any one changes nothing)."""
    ledger = env.ledger()
    ids = list(dict.fromkeys(resolve_id(t, env.today) for t in task_ids))
    if not ids:
        raise UsageError("没有给出事项编号", "请写出至少一个事项编号，如 42 或 2026-0042")
    paths = [ledger.task_path(t) for t in ids]
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        old = [ledger.read_task(t) for t in ids]
        if ledger.gate is not None:  # the role first: a reporter is told what to ask, not what state it is in
            current = {ledger.rel(p): (data, data) for p, data in ((p, p.read_bytes()) for p in paths)}
            ledger.gate(current, commit_message("", action, ids), clerk)
        new = [codec.upgraded(apply(t)) for t in old]
        for before, after in zip(old, new):
            refuse_unchecked(before, after)
        text = body if isinstance(body, str) else body(new)
        ledger.commit({p: codec.task_to_yaml(t) for p, t in zip(paths, new)},
                      commit_message(subject(new), action, ids, text), clerk)
    return new


def several(tasks: list[Task], verb: str) -> str:
    """The subject of a commit that does one thing to several tasks."""
    if len(tasks) == 1:
        return f"{verb} {tasks[0].id} {short(tasks[0].title)}"
    return f"{verb} {len(tasks)} 项：{'、'.join(t.id for t in tasks[:5])}{'等' if len(tasks) > 5 else ''}"


def titles(tasks: list[Task]) -> str:
    return "\n".join(f"{t.id} {short(t.title, 30)}" for t in tasks) if len(tasks) > 1 else ""


def progress(env: Env, task_id: str | list[str], text: str, on: str | None, percent: int | None = None) -> list[Task]:
    """One progress entry, for one task or the same for several (one commit)."""
    text = clean(text, "进展内容", required=True, multiline=True)
    entry = Progress(date_or_today(on, env, "--on 日期"), text, env.ledger().clerk(env.by).name, percent)
    ids = [task_id] if isinstance(task_id, str) else task_id
    return change_tasks(env, ids, lambda t: rules.add_progress(t, entry), "progress",
                       lambda ts: f"{several(ts, '进展')}：{short(text, 40)}" if len(ts) > 1
                       else f"进展 {ts[0].id} {short(ts[0].title, 20)}：{short(text, 40)}",
                       lambda ts: "\n\n".join(x for x in (titles(ts), text) if x))


def done(env: Env, task_id: str, note: str | None, on: str | None) -> Task:
    report = DoneReport(date_or_today(on, env, "--on 日期"), clean(note, "说明", multiline=True),
                        env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: rules.report_done(t, report), "done",
                   lambda t: f"申请办结 {t.id} {short(t.title)}", report.note)


def close(env: Env, task_id: str, verified_by: str, method: str, note: str | None, on: str | None) -> Task:
    if method not in METHODS:
        raise UsageError(f"核验方式只能是 onsite 或 document，而不是 {method!r}", "onsite=现场核验，document=书面核验")
    verification = Verification(
        date_or_today(on, env, "--on 日期"), clean(verified_by, "核验人", required=True),
        method, clean(note, "说明", multiline=True), env.ledger().clerk(env.by).name,
    )
    separate = env.ledger().config.get("separation_of_duties", True)

    def apply(t: Task) -> Task:
        from . import workflow

        if separate:
            rules.separation_of_duties(t, verification.verified_by)
        kids = workflow.open_children(env, t.id)
        if kids:
            raise TransitionError(f"{t.id} 还有未办结的子事项：{'、'.join(k.id for k in kids)}",
                                  "子事项全部销号或撤销后，上级事项才能销号")
        return rules.close(t, verification)

    return change_task(
        env, task_id, apply, "close",
        lambda t: f"销号 {t.id} {short(t.title)}",
        f"核验人：{verification.verified_by}（{METHODS[method]}，{verification.on}）"
        + (f"\n{verification.note}" if verification.note else ""),
    )


def reopen(env: Env, task_id: str, reason: str) -> Task:
    event = Event(env.today, "reopen", clean(reason, "退回原因", required=True, multiline=True),
                  env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: rules.reopen(t, event), "reopen",
                   lambda t: f"退回重办 {t.id} {short(t.title)}", f"原因：{event.reason}")


def cancel(env: Env, task_id: str | list[str], reason: str) -> list[Task]:
    """Cancel one task or several for the same reason (one commit)."""
    event = Event(env.today, "cancel", clean(reason, "撤销原因", required=True, multiline=True),
                  env.ledger().clerk(env.by).name)
    ids = [task_id] if isinstance(task_id, str) else task_id
    return change_tasks(env, ids, lambda t: rules.cancel(t, event), "cancel", lambda ts: several(ts, "撤销"),
                       lambda ts: "\n".join(x for x in (titles(ts), f"原因：{event.reason}") if x))


def extend(env: Env, task_id: str, to: str | None, by_span: str | None, reason: str,
           approved_by: str | None = None, late: bool = False, grant: str | None = None) -> Task:
    if bool(to) == bool(by_span):
        raise UsageError("请给出 --to 新日期 或 --by 期限 其中之一", "如 --to 2026-12-31 或 --by 10wd")
    reason = clean(reason, "延期原因", required=True, multiline=True)
    approved_by = clean(approved_by, "批准领导")
    if late and not approved_by:
        raise UsageError("超时延期须写明批准的领导", "请加 --approved-by 领导姓名")
    cal = env.ledger().calendar
    clerk = env.ledger().clerk(env.by).name
    span = parse_span(by_span) if by_span else None
    target = parse_date(to, "--to 日期") if to else None
    granted = parse_date(grant, "--grant 日期") if grant else None
    decided: list[Due] = []

    def apply(task: Task) -> Task:
        if task.due is not None and span is not None:
            new_due = cal.add_span(task.due, span)
        else:
            new_due = Due(target or task.due, False)
        requested = None
        if granted is not None and granted != new_due.date:
            # The office granted another date than the unit asked for: keep both.
            requested, new_due = new_due.date, Due(granted, new_due.provisional and granted > new_due.date)
        decided.append(new_due)
        change = DeadlineChange(env.today, "extend", task.due or env.today, new_due.date, reason, clerk,
                                rule=str(span) if span is not None and requested is None else "",
                                requested_due=requested, late=late, approved_by=approved_by)
        return rules.extend(task, new_due, change)

    new = change_task(env, task_id, apply, "extend",
                  lambda t: f"{'超时' if late else ''}延期 {t.id} {short(t.title)}：{t.deadline_changes[-1].old_due} → {t.due}"
                  + (f"（{approved_by} 批准）" if late else ""),
                  f"原因：{reason}")
    _warn_provisional(env, decided[0], "新时限")
    return new


# -- reading -----------------------------------------------------------------------
def load_tasks(
    env: Env,
    progress: Callable[[int, int], None] | None = None,
    statuses: Iterable[str] | None = None,
    parent: str | None = None,
    writing: bool = False,
) -> list[Task]:
    """All readable tasks (or those in `statuses`, or under `parent`); a broken file is named on stderr.

    A file whose number is not its path (a copy of another task) is skipped and named, or, for a
    command about to write (`writing`), refuses it: it would overwrite the real task.
    """
    return [task for task, _ in _load_plain(env, progress, statuses, parent, writing)]


def _load_plain(
    env: Env,
    progress: Callable[[int, int], None] | None = None,
    statuses: Iterable[str] | None = None,
    parent: str | None = None,
    writing: bool = False,
) -> list[tuple[Task, dict]]:
    """Each readable task with the plain form it was built from."""
    if progress is None:
        from ..formats.render import rebuild_progress

        progress = rebuild_progress()
    out = []
    from_cache = codec.task_from_cached  # every value passed task_from_plain when it was read
    loaded = env.ledger().load_all(progress, None if statuses is None else frozenset(statuses), parent)
    from ..files.layout import deleted_message

    for rel in env.ledger().missing_task_files():
        env.warn(f"警告：{rel}: {deleted_message(rel)}")
    for rel, value in loaded.items():
        if isinstance(value, Exception):
            line = getattr(value, "line", 1)
            env.warn(f"警告：{rel}:{line}: {getattr(value, 'message', value)}（已跳过，请运行 taizhang check）")
            continue
        wrong = misfiled(rel, value.get("id"))
        if wrong:
            if writing:
                raise LedgerError(f"{wrong}，本次不作任何修改", "请运行 taizhang check，删除或改正该文件后重试")
            env.warn(f"警告：{wrong}（已跳过，请运行 taizhang check）")
            continue
        out.append((from_cache(value), value))
    return out


def get(env: Env, task_id: str) -> Task:
    return env.ledger().read_task(resolve_id(task_id, env.today))


@dataclass
class Filter:
    statuses: list[str] | None = None
    unit: str | None = None
    leader: str | None = None
    source: str | None = None
    tag: str | None = None
    overdue: bool = False
    light: str | None = None
    due_before: str | None = None
    include_closed: bool = False
    milestone_overdue: bool = False
    urged: bool = False  # has a 催办单 or 督办单
    extended: bool = False  # its deadline was extended
    late_assignment: bool = False  # 交办单 issued after the rule's assignment deadline
    written_report_due: bool = False  # two failed coordinations: a written report is due
    parent: str | None = None  # children of this task
    any_unit: list[str] | None = None  # tasks of any of these units (a reporter's own, see home_units)


def home_units(env: Env) -> list[str]:
    """The units whose reporter the ledger's git identity is (none for the office, or without roles):
    what `list` shows in a unit's clone unless asked for all."""
    from ..domain.roles import Identity
    from .context import ledger_policy

    ledger = env.ledger()
    policy = ledger_policy(ledger.config)
    if not policy.configured:
        return []
    try:
        clerk = ledger.clerk(env.by)
    except LedgerError:  # no git identity: nobody's clone in particular
        return []
    ident = Identity(clerk.name, clerk.email)
    return [] if policy.is_office(ident) else policy.units_of(ident)


def query(env: Env, f: Filter) -> list[Assessed]:
    for s in f.statuses or []:
        if s not in STATUS_LABELS:
            raise UsageError(f"没有“{s}”这种状态", f"可选：{', '.join(STATUS_LABELS)}")
    if f.light and f.light not in ("red", "yellow", "green"):
        raise UsageError(f"没有“{f.light}”这种预警灯", "可选：red、yellow、green")
    due_before = parse_date(f.due_before, "--due-before 日期") if f.due_before else None
    source = None
    if f.source:
        source = rules.resolve_source(f.source, source_rules(env)).kind
    statuses = set(f.statuses or ())
    if not statuses and not f.include_closed:
        statuses = {"open", "reported", "suspended"}
    parent = resolve_id(f.parent, env.today) if f.parent else None
    names: dict[str, str] = {}
    if f.unit or f.any_unit:
        from ..domain.unitsdir import units_directory

        # The directory's names and aliases all find the unit, in files written either way.
        names = units_directory(env.ledger().config).canonical
    unit = names.get(f.unit, f.unit) if f.unit else None
    any_unit = {names.get(u, u) for u in f.any_unit or ()}
    cal, today, warn, lag = env.ledger().calendar, env.today, warn_workdays(env), lag_points(env)
    out = []
    for task, plain in _load_plain(env, statuses=statuses or None):
        if statuses and task.status not in statuses:
            continue
        if unit and unit != names.get(task.lead_unit, task.lead_unit) \
                and all(unit != names.get(u, u) for u in task.units):
            continue
        if any_unit and not any_unit & {names.get(u, u) for u in (task.lead_unit, *task.units)}:
            continue
        if f.leader and f.leader != task.leader:
            continue
        if source and source != task.source:
            continue
        if f.tag and f.tag not in task.tags:
            continue
        if due_before and (task.due is None or task.due >= due_before):
            continue
        if parent and task.parent != parent:
            continue
        if f.urged and not task.urges:
            continue
        if f.extended and not rules.extended(task):
            continue
        if f.late_assignment and not rules.assign_late(task):
            continue
        if f.written_report_due and not rules.written_report_due(task):
            continue
        a = assess(task, today, cal, warn, lag, plain)
        if f.overdue and a.overdue_workdays <= 0:
            continue
        if f.light and a.light != f.light:
            continue
        if f.milestone_overdue and not rules.missed_milestones(task, today):
            continue
        out.append(a)
    return out


def overdue(env: Env) -> list[Assessed]:
    return overdue_order(query(env, Filter(statuses=["open", "reported"], overdue=True)))


def overdue_order(items: Iterable[Assessed]) -> list[Assessed]:
    """The overdue ones among `items` as `overdue` lists them: longest overdue first, then by number."""
    found = [a for a in items if a.task.status in ("open", "reported") and a.overdue_workdays > 0]
    return sorted(found, key=lambda a: (-a.overdue_workdays, a.task.id))


def log(env: Env, task_id: str):
    ledger = env.ledger()
    task_id = resolve_id(task_id, env.today)
    path = ledger.task_path(task_id)
    commits = ledger.history(ledger.rel(path))
    if not commits:
        raise UsageError(f"没有编号为 {task_id} 的事项", "请用 taizhang list 查看现有编号")
    return commits


def report_file(env: Env, output: str | None, default_name: str) -> Path:
    """Where a report file goes: -o, else the current folder, which must not be inside the ledger
    (an untracked report there would be left over in the work tree)."""
    if output:
        return Path(output)
    here = Path.cwd().resolve()
    root = env.ledger().root
    if here == root or root in here.parents:
        raise UsageError("当前目录在台账中，通报文件不写入台账目录",
                         f"请用 -o 指定文件，如 -o ~/{default_name}，或换到台账之外的目录再运行")
    return here / default_name


# -- calendar ----------------------------------------------------------------------
def _replay(task: Task, cal: Calendar) -> Due | None:
    """The deadline counted again: the rule from the assigned date, then each `extend --by`
    from the deadline it replaced; None when a step was never recorded as a SPAN."""
    if task.deadline_rule:
        due = cal.add_span(task.assigned_on, parse_span(task.deadline_rule))
    else:
        first = next((c.old_due for c in task.deadline_changes if c.kind == "extend"), task.due)
        if first is None:
            return None
        due = Due(first, False)
    for c in task.deadline_changes:
        if c.kind != "extend":
            continue  # earlier recomputations are replaced by this one
        if c.rule:
            step = cal.add_span(due.date, parse_span(c.rule))
            due = Due(step.date, due.provisional or step.provisional, step.unknown_years)
        else:
            due = Due(c.new_due, False)  # granted as a date (--to)
    # A provisional deadline last set by an extension without a SPAN came from a file
    # written before `rule` was recorded: there is nothing to count again.
    last = [c for c in task.deadline_changes if c.kind == "extend"]
    return None if last and not last[-1].rule else due


def recompute(env: Env, files: dict[Path, bytes] | None = None, cal: Calendar | None = None,
              subject: str = "", waiting: dict[int, int] | None = None) -> list[Task]:
    """Recompute the provisional deadlines of unfinished tasks now that the year is known.

    `files` (a new calendar/YYYY.yaml) go into the same commit, and `cal` is the calendar
    they make: the year's dates and the deadlines counted with them land together or not at all.
    Without `files`, calendar files typed by hand and not yet committed are those files: the
    deadlines counted from them are committed with them. `waiting` receives, per year still
    unknown, how many provisional deadlines wait for it.
    """
    ledger = env.ledger()
    cal = cal or ledger.calendar
    clerk = ledger.clerk(env.by)
    changed: list[Task] = []
    with ledger.locked():
        if files is None:
            files = ledger.uncommitted_calendar_files()
            if files and not subject:
                subject = "录入 " + "、".join(ledger.rel(p) for p in files)
        for task in load_tasks(env, writing=True):
            if not task.due_provisional or task.status not in ("open", "reported", "suspended"):
                continue
            due = _replay(task, cal)
            if due is None or due.provisional:
                if waiting is not None:
                    year = due.unknown_years[0] if due is not None and due.unknown_years else task.due.year
                    waiting[year] = waiting.get(year, 0) + 1
                continue
            fresh = ledger.read_task(task.id)
            if due.date != fresh.due:
                fresh.deadline_changes.append(DeadlineChange(
                    env.today, "recompute", fresh.due, due.date, "节假日安排已录入，重算暂定时限", clerk.name))
            fresh.due, fresh.due_provisional = due.date, False
            fresh.schema_version = codec.SCHEMA_VERSION
            refuse_unchecked(task, fresh)
            changed.append(fresh)
        if changed or files:
            lines = [f"{t.id} {short(t.title, 20)}：时限 {t.due}" for t in changed]
            done = f"重算暂定时限 {len(changed)} 项"
            title = f"{subject}，{done}" if subject and changed else subject or done
            ledger.commit(
                {**(files or {}), **{ledger.task_path(t.id): codec.task_to_yaml(t) for t in changed}},
                commit_message(title, "calendar" if files else "recompute",
                         [t.id for t in changed], "\n".join(lines)),
                clerk,
            )
    return changed
