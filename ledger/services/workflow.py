"""The supervision workflow beyond the basics: numbered urges, suspension, difficulties, milestones, units."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from string import Template

from ..domain import cycles, lights, rules
from ..domain.errors import LedgerError, UsageError
from ..domain.lights import Assessed, assess
from ..domain.model import (
    DIFFICULTY_ANSWERS,
    ESCALATION_LEVELS,
    URGE_LEVELS,
    URGE_PREFIX,
    Coordination,
    Difficulty,
    Event,
    Interview,
    Notice,
    Task,
    Urge,
)
from ..domain.workdays import parse_date, parse_span
from ..files import emit
from ..formats.gbt9704 import chinese_date
from . import texts
from .change import change_task, refuse_unchecked
from .common import clean, commit_message, date_or_today, lag_points, resolve_id, short, warn_workdays
from .context import Env
from .reading import load_tasks
from .register import milestone_entry

Date = dt.date
_NUMBER_RE = re.compile(r"^(.+)〔(\d{4})〕(\d+)号$")


# -- 催办 / 督办 ------------------------------------------------------------------
def urge_prefix(env: Env, level: str) -> str:
    custom = env.ledger().config.get("urge_prefix") or {}
    if not isinstance(custom, dict):
        raise LedgerError("taizhang.yaml 中 urge_prefix 应为键值表", "如 urge_prefix: {remind: 催, supervise: 督}")
    return str(custom.get(level) or URGE_PREFIX[level])


def next_urge_seq(tasks: list[Task], prefix: str, year: int) -> int:
    """One past the highest number ever issued in this series: numbers are never reused."""
    top = 0
    for t in tasks:
        for u in t.urges:
            m = _NUMBER_RE.match(u.number or "")
            if m and m.group(1) == prefix and int(m.group(2)) == year:
                top = max(top, int(m.group(3)))
    return top + 1


def urge_template(env: Env, level: str) -> str:
    """The ledger's templates/urge_LEVEL.txt if there is one, else the shipped one."""
    return texts.template(env.ledger().root, f"urge_{level}.txt", "催办模板")


def notice_text(env: Env, a: Assessed, urge: Urge) -> str:
    return Template(urge_template(env, urge.level)).safe_substitute(urge_values(env, a, urge))


def urge_values(env: Env, a: Assessed, urge: Urge) -> dict[str, str]:
    """The ${fields} of a 催办单/督办单, for the terminal's text and the printed document alike."""
    return {**document_values(env, a, urge.on, urge.number, urge.note),
            "remind_count": str(sum(1 for u in a.task.urges if u.level == "remind" and u.on <= urge.on)),
            "level": URGE_LEVELS[urge.level]}


def document_values(env: Env, a: Assessed, on: Date, number: str, note: str) -> dict[str, str]:
    """The ${fields} every notice about a task shares, as of the day it is issued."""
    t = a.task
    cal = env.ledger().calendar
    if a.overdue_workdays:
        status_line = f"现已逾期 {a.overdue_workdays} 个工作日"
    elif a.workdays_left is not None:
        status_line = "今日到期" if a.workdays_left == 0 else f"距时限还有 {a.workdays_left} 个工作日"
    else:
        status_line = "尚未办结"
    return {
        "org": env.ledger().config.get("org") or "督查室",
        "number": number, "id": t.id, "title": t.title, "lead_unit": t.lead_unit,
        "units": "、".join(t.units), "leader": t.leader or "—", "contact": t.contact or "—",
        "source_ref": ("，来源：" + " ".join(x for x in (t.source, t.ref) if x)) if t.source or t.ref else "",
        "due": str(t.due) if t.due else "未定", "status_line": status_line,
        "overdue_workdays": str(a.overdue_workdays),
        "reply_by": str(cal.add_workdays(on, 3)),
        "date": chinese_date(on),
        "note": note, "note_line": f"　　{note}\n" if note else "",
    }


def urge(env: Env, task_id: str | list[str] | None, level: str, note: str | None, overdue_all: bool,
         round_: str | None = None) -> list[tuple[Task, str]]:
    """Issue numbered 催办单/督办单 to the tasks named, to every overdue task, or to every task of the
    units that have not returned a collect round's sheet, in one commit."""
    if level not in URGE_LEVELS:
        raise UsageError(f"催办级别只能是 remind 或 supervise，而不是 {level!r}", "remind=催办单，supervise=督办单")
    task_ids = [task_id] if isinstance(task_id, str) else list(task_id or [])
    if [bool(task_ids), bool(overdue_all), bool(round_)].count(True) != 1:
        raise UsageError("请给出事项编号，或用 --overdue 催办全部逾期事项，或用 --round 催报未报送的单位（三者选一）",
                         "如 taizhang urge 42、taizhang urge 42 43、taizhang urge --overdue 或 taizhang urge --round 2026-11")
    note = clean(note, "说明", multiline=True)
    unreturned: list[str] = []
    if round_:
        from .rounds import missing_tasks

        round_, unreturned = missing_tasks(env, round_)
        note = note or f"{round_} 轮进展报送表尚未报回，请尽快报送"
    ledger = env.ledger()
    clerk = ledger.clerk(env.by)
    prefix = urge_prefix(env, level)
    urge_template(env, level)  # a bad template is refused before anything is written
    cal, warn, lag = ledger.calendar, warn_workdays(env), lag_points(env)
    task_ids = list(dict.fromkeys(resolve_id(t, env.today) for t in task_ids))
    with ledger.locked():
        tasks = load_tasks(env, writing=True)
        if task_ids:
            targets = [ledger.read_task(t) for t in task_ids]
        elif round_:
            targets = [t for t in (ledger.read_task(i) for i in unreturned) if t.status == "open"]
            if not targets:
                return []
        else:
            targets = sorted(
                (t for t in tasks if t.status == "open" and lights.overdue_workdays(t, env.today, cal) > 0),
                key=lambda t: t.id,
            )
            if not targets:
                return []
        seq = next_urge_seq(tasks, prefix, env.today.year)
        changed: list[Task] = []
        for t in targets:
            entry = Urge(env.today, level, note, clerk.name, f"{prefix}〔{env.today.year}〕{seq}号")
            changed.append(emit.upgraded(rules.urge(t, entry)))
            refuse_unchecked(t, changed[-1])
            seq += 1
        label = URGE_LEVELS[level]
        lines = [f"{t.urges[-1].number} {t.id} {short(t.title, 20)}" for t in changed]
        if len(changed) == 1:
            subject = f"{label} {changed[0].id} {short(changed[0].title)}（{changed[0].urges[-1].number}）"
        else:
            what = f"{round_} 轮未报送单位的事项" if round_ else ("" if task_ids else "逾期事项")
            subject = f"{label}{what} {len(changed)} 项（{changed[0].urges[-1].number}—{changed[-1].urges[-1].number}）"
        body = "\n".join(lines) + (f"\n说明：{note}" if note else "")
        ledger.commit({ledger.task_path(t.id): emit.task_to_yaml(t) for t in changed},
                      commit_message(subject, "urge", [t.id for t in changed], body), clerk)
    return [(t, notice_text(env, assess(t, env.today, cal, warn, lag), t.urges[-1])) for t in changed]


# -- 暂缓 / 恢复 ------------------------------------------------------------------
def suspend(env: Env, task_id: str, reason: str, on: str | None) -> Task:
    event = Event(date_or_today(on, env, "--on 日期"), "suspend",
                  clean(reason, "暂缓原因", required=True, multiline=True), env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: rules.suspend(t, event), "suspend",
                   lambda t: f"暂缓 {t.id} {short(t.title)}", f"原因：{event.reason}")


def resume(env: Env, task_id: str, to: str | None, on: str | None, note: str | None) -> Task:
    clerk = env.ledger().clerk(env.by).name
    event = Event(date_or_today(on, env, "--on 日期"), "resume", clean(note, "说明", multiline=True), clerk)
    new_due = parse_date(to, "--to 日期") if to else None
    cal = env.ledger().calendar
    return change_task(env, task_id, lambda t: rules.resume(t, event, new_due, cal, clerk), "resume",
                   lambda t: f"恢复办理 {t.id} {short(t.title)}，时限 {t.due}", event.reason)


# -- 难以执行 [000 §二] --------------------------------------------------------------
def report_difficulty(env: Env, task_id: str, text: str, on: str | None) -> Task:
    cal = env.ledger().calendar
    day = date_or_today(on, env, "--on 日期")
    text = clean(text, "难以执行的情况", required=True, multiline=True)
    by = env.ledger().clerk(env.by).name

    def apply(t: Task) -> Task:
        entry = Difficulty(day, text, cal.add_workdays(t.assigned_on, 5), cal.add_workdays(day, 3), by=by)
        return rules.report_difficulty(t, entry)

    return change_task(env, task_id, apply, "report-difficulty",
                   lambda t: f"反馈难以执行 {t.id} {short(t.title)}，请于 {t.difficulties[-1].answer_due} 前答复",
                   text)


def answer(env: Env, task_id: str, decision: str, note: str | None, on: str | None, to: str | None) -> Task:
    day = date_or_today(on, env, "--on 日期")
    note = clean(note, "答复说明", multiline=True)
    by = env.ledger().clerk(env.by).name
    new_due = parse_date(to, "--to 日期") if to else None
    return change_task(env, task_id, lambda t: rules.answer_difficulty(t, decision, day, note, by, new_due), "answer",
                   lambda t: f"答复 {t.id} {short(t.title)}：{DIFFICULTY_ANSWERS.get(decision, decision)}", note)


# -- 时间节点 ------------------------------------------------------------------------
def milestone_add(env: Env, task_id: str, spec: str) -> Task:
    cal = env.ledger().calendar
    made = []

    def apply(t: Task) -> Task:
        ms, _ = milestone_entry(spec, t.assigned_on, cal)
        made.append(ms)
        return rules.add_milestone(t, ms)

    return change_task(env, task_id, apply, "milestone",
                   lambda t: f"时间节点 {t.id} {short(t.title, 20)}：{made[0].due} {short(made[0].text)}")


def milestone_done(env: Env, task_id: str, n: int, on: str | None) -> Task:
    day = date_or_today(on, env, "--on 日期")
    return change_task(env, task_id, lambda t: rules.complete_milestone(t, n, day), "milestone",
                   lambda t: f"完成时间节点 {t.id} 第 {n} 项：{short(t.milestones[n - 1].text)}")


# -- 协调、督查通知书、约谈 -------------------------------------------------------------
def escalate(env: Env, task_id: str, level: str, note: str | None, resolved: bool, on: str | None) -> Task:
    entry = Coordination(date_or_today(on, env, "--on 日期"), level,
                         clean(note, "协调情况", required=True, multiline=True), resolved,
                         env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: cycles.coordinate(t, entry), "escalate",
                   lambda t: f"协调 {t.id} {short(t.title, 20)}（{ESCALATION_LEVELS.get(level, level)}，"
                             f"{'已解决' if resolved else '未解决'}）", entry.note)


def notice(env: Env, task_id: str, due: str | None, within: str | None, note: str | None) -> Task:
    if bool(due) == bool(within):
        raise UsageError("请给出整改期限：--due 日期 或 --within 期限（二者选一）", "如 --within 10wd")
    note = clean(note, "说明", multiline=True)
    ledger = env.ledger()
    clerk = ledger.clerk(env.by)
    fix_due = parse_date(due, "--due 日期") if due else ledger.calendar.add_span(env.today, parse_span(within)).date
    prefix = str(ledger.config.get("notice_prefix") or "督通")
    task_id = resolve_id(task_id, env.today)
    with ledger.locked():
        top = 0
        for t in load_tasks(env, writing=True):
            for n in t.notices:
                m = _NUMBER_RE.match(n.number or "")
                if m and m.group(1) == prefix and int(m.group(2)) == env.today.year:
                    top = max(top, int(m.group(3)))
        entry = Notice(env.today, fix_due, f"{prefix}〔{env.today.year}〕{top + 1}号", note, clerk.name)
        old = ledger.read_task(task_id)
        new = emit.upgraded(cycles.notice(old, entry))
        refuse_unchecked(old, new)
        ledger.commit({ledger.task_path(task_id): emit.task_to_yaml(new)},
                      commit_message(f"下达督查通知书 {task_id} {short(new.title)}（{entry.number}），限 {fix_due} 前整改",
                               "notice", [task_id], note), clerk)
    return new


def interview(env: Env, task_id: str, person: str, note: str | None, on: str | None) -> Task:
    entry = Interview(date_or_today(on, env, "--on 日期"), clean(person, "被约谈人", required=True),
                      clean(note, "说明", multiline=True), env.ledger().clerk(env.by).name)
    return change_task(env, task_id, lambda t: cycles.interview(t, entry), "interview",
                   lambda t: f"约谈 {t.id} {short(t.title, 20)}：{entry.person}", entry.note)


def interview_count(env: Env, person: str, year: int) -> int:
    return len(cycles.interviews_by_person(load_tasks(env)).get((person, year), []))


# -- 进展报送 ------------------------------------------------------------------------
@dataclass
class OwedReport:
    task: Task
    state: str  # owed | missed
    period_after: Date
    due: Date


def due_reports(env: Env) -> list[OwedReport]:
    cal = env.ledger().calendar
    out = []
    for t in load_tasks(env):
        state = cycles.report_state(t, env.today, cal)
        if state:
            out.append(OwedReport(t, *state))
    return sorted(out, key=lambda r: (r.due, r.task.id))
