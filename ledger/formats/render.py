"""Turning tasks and findings into what people and scripts read: rich tables, JSON, CSV."""

from __future__ import annotations

import csv
import errno
import io
import json
import sys
from typing import Any, Callable, Iterable

from ..domain.cycles import written_report_due
from ..domain.extensions import pending
from ..domain.model import (
    DIFFICULTY_ANSWERS,
    ESCALATION_LEVELS,
    EVENT_LABELS,
    LIGHT_LABELS,
    METHODS,
    STATUS_LABELS,
    URGE_LEVELS,
    Task,
)
from ..domain.sources import assign_late, extended
from ..files.codec import task_to_plain
from . import cells

LIGHT_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green", None: "dim"}
LIST_FIELDS = (
    "id", "title", "status", "light", "overdue_workdays", "lead_unit", "units", "leader",
    "contact", "source", "ref", "assigned_on", "due", "due_provisional",
)


def console(stderr: bool = False):
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 on its own; the CLI decides (exit 0 once the change is committed).
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    stream = sys.stderr if stderr else sys.stdout
    # Piped output keeps whole rows on one line instead of rich's 80-column default.
    width = None if stream.isatty() else 200
    return PipeConsole(file=stream, width=width, highlight=False, soft_wrap=False)


def task_json(a) -> dict[str, Any]:
    """A task as the JSON scripts rely on: the file's fields plus light and overdue workdays."""
    plain = getattr(a, "plain", None) or task_to_plain(a.task)
    task = a.task
    # The day's figures go right after due_provisional; copying the two halves of the plain dict
    # whole is what keeps `list --format json` on 10,000 open tasks to a fraction of a second.
    head, tail = _halves(plain)
    out: dict[str, Any] = {key: plain[key] for key in head}
    if tail is not None:
        out["light"] = a.light
        out["overdue_workdays"] = a.overdue_workdays
        out["workdays_left"] = a.workdays_left
        for key in tail:
            out[key] = plain[key]
    out["status_label"] = STATUS_LABELS[task.status]
    out["assign_late_days"] = assign_late(task)
    out["written_report_due"] = written_report_due(task)
    out["urged"] = bool(task.urges)
    out["extended"] = extended(task)
    out["light_reasons"] = [code for code, _ in getattr(a, "light_reasons", ())]
    out["expected_percent"] = getattr(a, "expected_percent", None)
    out["progress_lag"] = getattr(a, "progress_lag", None)
    return out


_HALVES: dict[tuple, tuple[tuple, tuple | None]] = {}


def _halves(plain: dict) -> tuple[tuple, tuple | None]:
    """The plain form's keys up to and including due_provisional, and the rest (None without it)."""
    keys = tuple(plain)
    split = _HALVES.get(keys)
    if split is None:
        if "due_provisional" in plain:
            cut = keys.index("due_provisional") + 1
            split = (keys[:cut], keys[cut:])
        else:
            split = (keys, None)
        _HALVES[keys] = split
    return split


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_rows(rows: Iterable[Any], write: Callable[[str], Any], batch: int = 256) -> None:
    """A JSON list with one item per line, and a newline after it, written as it is encoded.

    json's indenting encoder is pure Python and takes seconds on 10,000 tasks, the compact one
    is C; one line per task also greps well. Written a batch of lines at a time, the whole text
    (tens of megabytes at 100,000 tasks, in several copies) never sits in memory at once.
    """
    enc = json.JSONEncoder(ensure_ascii=False).encode
    lines: list[str] = []
    sep = "[\n  "
    for r in rows:
        lines.append(sep + enc(r))
        sep = ",\n  "
        if len(lines) >= batch:
            write("".join(lines))
            lines.clear()
    write("".join(lines) + ("\n]\n" if sep != "[\n  " else "[]\n"))


def csv_text(rows: Iterable[dict[str, Any]], fields: tuple[str, ...] = LIST_FIELDS) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    for row in rows:
        w.writerow(cells.safe_row("、".join(v) if isinstance(v, list) else ("" if v is None else v)
                                  for v in (row[f] for f in fields)))
    return buf.getvalue()


def light_text(light: str | None):
    from rich.text import Text

    return Text("● " + LIGHT_LABELS[light] if light else "—", style=LIGHT_STYLE[light])


def due_cell(t: Task) -> str:
    """The 时限 column: a task with no deadline is 长期 (ongoing work, never overdue)."""
    return "长期" if t.due is None else t.due.isoformat() + ("*" if t.due_provisional else "")


def due_note(a) -> str:
    """The 情况 column: overdue or workdays left, then why the light is yellow or red otherwise."""
    t = a.task
    if t.status == "suspended":
        return "暂缓"
    note = ""
    if a.overdue_workdays:
        note = f"逾期 {a.overdue_workdays} 个工作日"
    elif a.workdays_left is not None:
        note = "今日到期" if a.workdays_left == 0 else f"剩 {a.workdays_left} 个工作日"
    extra = [text for code, text in getattr(a, "light_reasons", ()) if code not in ("overdue", "due_soon")]
    return "；".join(x for x in (note, *extra) if x)


def task_table(items: list, title: str = "督查事项"):
    from rich.table import Table

    table = Table(title=f"{title}（{len(items)} 项）", header_style="bold", show_lines=False)
    for name, kw in (
        ("编号", {"no_wrap": True}), ("预警", {"no_wrap": True}), ("事项", {"overflow": "fold", "max_width": 40}),
        ("牵头单位", {}), ("牵头领导", {}), ("时限", {"no_wrap": True}), ("情况", {"no_wrap": True}),
        ("状态", {"no_wrap": True}),
    ):
        table.add_column(name, **kw)
    for a in items:
        t = a.task
        due = due_cell(t)
        table.add_row(t.id, light_text(a.light), t.title, t.lead_unit, t.leader, due, due_note(a),
                      STATUS_LABELS[t.status])
    if any(a.task.due_provisional for a in items):
        table.caption = "* 暂定时限：该年节假日安排尚未录入"
    return table


MOVED_BY = {"extend": "延期", "resume": "暂缓后顺延", "redirect": "按新办法"}


def due_basis(t: Task) -> str:
    """What the deadline now rests on: the last extension (or resumption) that set it, else the
    registration's basis or rule; a recomputation only recounts that same basis."""
    moved = [c for c in t.deadline_changes if c.kind in MOVED_BY]
    original = f"依据 {t.deadline_basis}" if t.deadline_basis else f"规则 {t.deadline_rule}" if t.deadline_rule else ""
    if moved and moved[-1].new_due == t.due:
        c = moved[-1]
        leader = f"，{c.approved_by}批准" if c.approved_by else ""
        return f"（{c.on} {MOVED_BY[c.kind]}{leader}" + (f"；原{original}）" if original else "）")
    return f"（{original}）" if original else ""


def task_detail(a, commits: list | None = None):
    from rich.console import Group
    from rich.table import Table

    t: Task = a.task
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    due = "长期（无办结时限，不计逾期）" if t.due is None else str(t.due) + ("（暂定：该年节假日安排尚未录入）" if t.due_provisional else "")
    due += due_basis(t)
    rows = [
        ("编号", t.id), ("事项", t.title), ("状态", STATUS_LABELS[t.status]),
        ("预警", light_text(a.light)), ("情况", due_note(a) or "—"),
        ("来源", " ".join(x for x in (t.source, t.ref) if x) or "—"),
        ("牵头单位", t.lead_unit), ("责任单位", "、".join(t.units) or "—"),
        ("牵头领导", t.leader or "—"), ("责任人", t.contact or "—"),
        ("交办日期", str(t.assigned_on) + ("（不详：导入的原表未载，按原表最早日期记）" if t.assigned_on_unknown else "")),
        ("办结时限", due),
    ]
    if t.parent:
        rows.append(("上级事项", t.parent))
    if t.report_cycle:
        rows.append(("报送周期", t.report_cycle))
    if getattr(a, "progress_lag", None) is not None:
        done_pct = [p.percent for p in t.progress if p.percent is not None][-1]
        rows.append(("完成进度", f"{done_pct}%（序时进度 {a.expected_percent}%，"
                     + (f"落后 {a.progress_lag} 个百分点）" if a.progress_lag > 0 else "不落后）")))
    from ..domain.cycles import written_report_due

    if written_report_due(t):
        rows.append(("须书面上报", "经两次以上协调仍未解决，须书面上报协调情况、原因和意见建议"))
    if t.assign_due:
        from ..domain.sources import assign_late

        late = assign_late(t)
        note = f"应于 {t.assign_due} 前印发交办单，登记于 {t.registered_on}"
        rows.append(("交办时限", note + (f"，交办迟了 {late} 天" if late else "，按时")))
    changes = [c for c in t.deadline_changes if c.kind != "recompute"]
    if changes:
        first = t.deadline_changes[0].old_due
        chain = [f"原定 {first}"]
        for c in changes:
            step = MOVED_BY.get(c.kind, c.kind)
            if c.requested_due and c.requested_due != c.new_due:
                step += f" 申请 {c.requested_due}"
            step += f" 批准 {c.new_due}" + ("（超时，" + c.approved_by + " 批准）" if c.late else "")
            if not c.requested_due:
                step = step.replace(" 批准 ", " ")
            chain.append(step)
        rows.append(("时限链", " → ".join(chain)))
    if t.tags:
        rows.append(("标签", "、".join(t.tags)))
    if t.description:
        rows.append(("说明", t.description))
    if t.done:
        rows.append(("申请办结", f"{t.done.on} {t.done.by} {t.done.note}".strip()))
    if t.verification:
        v = t.verification
        rows.append(("核验销号", f"{v.on} {v.verified_by}（{METHODS.get(v.method, v.method)}）{v.note}".strip()))
    for k, v in rows:
        head.add_row(k, v)
    parts: list = [head]

    def section(title: str, columns: tuple[str, ...], data: list[tuple]):
        if not data:
            return
        tbl = Table(title=title, title_justify="left", header_style="bold")
        for c in columns:
            tbl.add_column(c)
        for row in data:
            tbl.add_row(*[str(x) for x in row])
        parts.append(tbl)

    section("时间节点", ("序号", "日期", "内容", "完成"),
            [(i, m.due, m.text, m.done_on or ("未完成（已过期）" if a.task.status == "open" and m.due < _today(a) else ""))
             for i, m in enumerate(t.milestones, 1)])
    section("进展", ("日期", "内容", "进度", "经办人"),
            [(p.on, p.text, "" if p.percent is None else f"{p.percent}%", p.by) for p in t.progress])
    kinds = {"extend": "延期", "recompute": "重算", "resume": "暂缓顺延", "redirect": "按新办法"}
    section("时限变更", ("日期", "类型", "原时限", "申请", "批准", "原因", "批准领导", "经办人"),
            [(c.on, kinds.get(c.kind, c.kind) + ("（超时）" if c.late else ""), c.old_due, c.requested_due or c.new_due,
              c.new_due, c.reason, c.approved_by, c.by) for c in t.deadline_changes])
    waiting = pending(t)
    section("延期申请（待批准）", ("申请日期", "申请单位或人", "申请延期至", "理由", "批准命令"),
            [(r.on, r.by, r.requested_due, r.reason, f"taizhang extend {t.id} --to {r.requested_due} --reason …")
             for r in waiting])
    section("催办督办", ("日期", "编号", "类别", "说明", "经办人"),
            [(u.on, u.number, URGE_LEVELS.get(u.level, u.level), u.note, u.by) for u in t.urges])
    section("难以执行的反馈", ("反馈日期", "内容", "应反馈期限", "应答复期限", "答复", "答复日期", "说明"),
            [(d.on, d.text, d.report_due or "", d.answer_due or "", DIFFICULTY_ANSWERS.get(d.answer, "待答复"),
              d.answered_on or "", d.note) for d in t.difficulties])
    section("协调", ("日期", "层级", "情况", "结果", "经办人"),
            [(c.on, ESCALATION_LEVELS.get(c.level, c.level), c.note, "已解决" if c.resolved else "未解决", c.by)
             for c in t.coordinations])
    section("督查通知书", ("日期", "编号", "整改期限", "说明", "经办人"),
            [(n.on, n.number, n.fix_due, n.note, n.by) for n in t.notices])
    section("约谈", ("日期", "被约谈人", "说明", "经办人"), [(i.on, i.person, i.note, i.by) for i in t.interviews])
    section("退回的办结记录", ("退回日期", "申请办结", "说明", "经办人", "核验销号"),
            [(r.reopened_on, r.done_on, r.note, r.by,
              f"{r.verified_on} {r.verified_by}（{METHODS.get(r.method, r.method)}）{r.verification_note}".strip()
              if r.verified_on else "未核验") for r in t.returned])
    section("状态变更", ("日期", "动作", "原因", "经办人"),
            [(e.on, EVENT_LABELS.get(e.action, e.action), e.reason, e.by) for e in t.events])
    return Group(*parts)


def _today(a):
    import datetime as dt

    return getattr(a, "today", None) or dt.date.today()


def log_table(task_id: str, commits: list):
    from rich.table import Table

    table = Table(title=f"{task_id} 的变更记录（{len(commits)} 次）", header_style="bold")
    for c in ("时间", "经办人", "变更", "提交"):
        table.add_column(c, no_wrap=c != "变更")
    for c in commits:
        table.add_row(c.shown_time, c.author, c.subject, c.sha[:8])
    return table


def log_json(commits: list) -> list[dict[str, Any]]:
    return [
        {"commit": c.sha, "date": c.shown_time, "author": c.author, "email": c.email,
         "action": c.action, "subject": c.subject, "body": c.body}
        for c in commits
    ]


def round_table(st):
    """`collect status`: each unit of a round, returned or not, and the rows it left empty."""
    from rich.table import Table

    table = Table(title=f"{st.round} 轮进展报送情况", title_justify="left", header_style="bold")
    for c in ("单位", "发出日期", "事项", "报送情况", "已填", "未填的事项"):
        table.add_column(c)
    for u in st.units:
        back = u.returned_on is not None
        table.add_row(u.unit, str(u.sent_on), str(u.tasks), f"已报（{u.returned_on}）" if back else "应报未报",
                      str(len(u.filled)) if back else "—", "、".join(u.empty) if back else "—")
    return table


def month_grid(year: int, month: int, days: list):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{year} 年 {month} 月", header_style="bold")
    for name in ("一", "二", "三", "四", "五", "六", "日"):
        table.add_column(name, justify="right", no_wrap=True)
    row: list = [""] * days[0][0].weekday()
    for d, work, why in days:
        mark = {"holiday": ("休", "bold red"), "makeup": ("班", "bold blue"), "weekend": ("", "dim")}.get(why, ("", ""))
        row.append(Text(f"{d.day}{mark[0]}", style=mark[1]))
        if len(row) == 7:
            table.add_row(*row)
            row = []
    if row:
        table.add_row(*row, *[""] * (7 - len(row)))
    table.caption = "休 = 法定节假日　班 = 调休上班"
    return table


def rebuild_progress(delay: float = 1.0):
    """A callback that shows a progress bar on stderr once a cache rebuild has taken `delay` s.

    None when stderr is not a terminal: scripts and logs get no bar.
    """
    if not sys.stderr.isatty():
        return None
    import time

    state: dict[str, Any] = {"start": None, "bar": None, "task": None}

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if state["start"] is None:
            state["start"] = now
        bar = state["bar"]
        if bar is None and done < total and now - state["start"] > delay:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(TextColumn("正在重建缓存"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           console=console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("cache", total=total)
        if bar is not None:
            if done % 200 == 0 or done >= total:
                bar.update(state["task"], completed=done)
            if done >= total:
                bar.stop()
                state["bar"] = None

    return update
