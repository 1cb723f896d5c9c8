"""Reading the audit trail: field changes per commit, the supervisor's digest and the history's findings."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from .findings import Finding

Date = dt.date

# Records whose `on` date says when something happened; a new one dated before the latest is backdated.
DATED_LISTS = ("progress", "urges", "events", "deadline_changes")
DATED_ONE = ("done", "verification")


@dataclass
class TaskChange:
    """One task file in one commit: its parsed form before and after (None when absent or unreadable)."""

    path: str
    status: str  # A added, M modified, D deleted
    old: dict | None = None
    new: dict | None = None
    old_error: str | None = None
    new_error: str | None = None

    @property
    def task_id(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".yaml")


@dataclass
class Entry:
    """A commit that touched task files, with what it changed in them."""

    sha: str
    author: str
    email: str
    date: str
    subject: str
    action: str | None
    trailers: dict[str, list[str]]
    changes: list[TaskChange] = field(default_factory=list)

    @property
    def hand_edit(self) -> bool:
        return self.action is None


# -- field changes ---------------------------------------------------------------
def field_diff(old: dict | None, new: dict | None) -> list[dict[str, Any]]:
    """The top-level fields that differ, with their old and new values (JSON-ready)."""
    created = old is None
    old, new = old or {}, new or {}
    out = []
    # Two versions of a file have the same keys; the site diffs 30,000 pairs of them.
    keys = old if old.keys() == new.keys() else dict.fromkeys([*old, *new])
    get_old, get_new = old.get, new.get
    for key in keys:
        a, b = get_old(key), get_new(key)
        if a == b:  # also an unchanged schema_version
            continue
        if created and b in ("", [], None, False):
            continue  # a new file: only the fields it actually fills
        out.append({"field": key, "old": a, "new": b})
    return out


def short_value(value: Any, n: int = 24) -> str:
    if value is None:
        return "∅"
    if isinstance(value, list):
        return f"{len(value)} 条"
    if isinstance(value, dict):
        return "{…}"
    s = str(value)
    return s if len(s) <= n else s[: n - 1] + "…"


def diff_text(d: dict[str, Any]) -> str:
    a, b = d["old"], d["new"]
    if isinstance(a, list) and isinstance(b, list) and len(b) > len(a):
        return f"{d['field']}: +{len(b) - len(a)} 条"
    return f"{d['field']}: {short_value(a)} → {short_value(b)}"


# -- log -----------------------------------------------------------------------------
@dataclass
class LogFilter:
    by: str | None = None
    unit: str | None = None
    action: str | None = None
    task_id: str | None = None


def _touches_unit(c: TaskChange, unit: str) -> bool:
    for t in (c.old, c.new):
        if t and (t.get("lead_unit") == unit or unit in (t.get("units") or [])):
            return True
    return False


def select(entries: list[Entry], f: LogFilter) -> list[Entry]:
    out = []
    for e in entries:
        if f.by and f.by not in (e.author, e.email):
            continue
        if f.action and (e.action or "hand-edit") != f.action:
            continue
        changes = e.changes
        if f.task_id:
            changes = [c for c in changes if c.task_id == f.task_id]
        if f.unit:
            changes = [c for c in changes if _touches_unit(c, f.unit)]
        if (f.task_id or f.unit) and not changes:
            continue
        out.append(Entry(e.sha, e.author, e.email, e.date, e.subject, e.action, e.trailers, changes))
    return out


def entry_json(e: Entry) -> dict[str, Any]:
    return {
        "commit": e.sha, "date": e.date, "author": e.author, "email": e.email,
        "action": e.action, "hand_edit": e.hand_edit, "subject": e.subject,
        "tasks": [
            {"id": c.task_id, "path": c.path, "change": {"A": "added", "M": "modified", "D": "deleted"}.get(c.status, c.status),
             "fields": field_diff(c.old, c.new), **({"error": c.new_error} if c.new_error else {})}
            for c in e.changes
        ],
    }


# -- review ----------------------------------------------------------------------------
REVIEW_KINDS = {
    "new": "新交办", "closed": "已销号", "extended": "已延期", "red": "转为红灯",
    "urged": "已催办", "hand_edit": "手工修改（未经 taizhang）",
}


def _count(plain: dict | None, key: str) -> int:
    return len((plain or {}).get(key) or [])


def review(entries: list[Entry], turned_red: list[dict[str, Any]],
           forged: frozenset[str] = frozenset()) -> dict[str, list[dict[str, Any]]]:
    """The supervisor's digest of the given commits; turned_red comes from today's assessment,
    `forged` names commits whose changes their Taizhang-Action does not allow (hand edits too)."""
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in REVIEW_KINDS}

    def item(kind: str, e: Entry, c: TaskChange | None, detail: str = "") -> None:
        plain = (c.new or c.old or {}) if c else {}
        out[kind].append({
            "task": c.task_id if c else None, "title": plain.get("title", ""), "who": e.author,
            "when": e.date, "commit": e.sha, "detail": detail,
        })

    for e in entries:
        if e.hand_edit or e.sha in forged:
            item("hand_edit", e, e.changes[0] if len(e.changes) == 1 else None,
                 e.subject + (f"（{len(e.changes)} 个文件）" if len(e.changes) != 1 else "")
                 + ("（改动与所记操作不符）" if e.sha in forged else ""))
        for c in e.changes:
            old, new = c.old or {}, c.new or {}
            if c.status == "A" and c.new:
                item("new", e, c, f"牵头单位 {new.get('lead_unit')}，时限 {new.get('due')}")
            if c.new and new.get("status") == "closed" and old.get("status") != "closed":
                v = new.get("verification") or {}
                item("closed", e, c, f"核验人 {v.get('verified_by', '')}")
            if c.old and c.new:
                added = (new.get("deadline_changes") or [])[_count(old, "deadline_changes"):]
                for d in added:
                    if d.get("kind") == "extend":
                        item("extended", e, c, f"{d.get('old_due')} → {d.get('new_due')}：{d.get('reason', '')}")
                for u in (new.get("urges") or [])[_count(old, "urges"):]:
                    item("urged", e, c, f"{'督办' if u.get('level') == 'supervise' else '催办'} {u.get('note', '')}".strip())
    out["red"] = turned_red
    return out


# -- audit -----------------------------------------------------------------------------

def _records(plain: dict) -> list[str]:
    """Every dated record of a task, as canonical JSON (so a multiset difference finds the new ones)."""
    found = []
    for key in DATED_LISTS:
        found += [key + json.dumps(r, sort_keys=True, ensure_ascii=False) for r in plain.get(key) or []]
    for key in DATED_ONE:
        if plain.get(key):
            found.append(key + json.dumps(plain[key], sort_keys=True, ensure_ascii=False))
    return found


def _on(record: str) -> str:
    return json.loads(record[record.index("{"):]).get("on", "")


def backdated(old: dict, new: dict, recorded_on: str = "") -> list[str]:
    """New records dated before the latest record the previous version already had.

    A record dated on or after the day its commit was made (`recorded_on`, the author date) was
    not backdated when it was recorded: it only landed after a later one because `sync` put two
    clerks' offline work in one line.
    """
    before = _records(old)
    if not before:
        return []
    latest = max(_on(r) for r in before)
    remaining = list(before)
    late = []
    for r in _records(new):
        if r in remaining:
            remaining.remove(r)
        elif _on(r) < latest and not (recorded_on and _on(r) >= recorded_on):
            late.append(f"{r[: r.index('{')]} 记为 {_on(r)}，早于此前已有的 {latest}")
    return late


def _reopened(old: dict, new: dict) -> bool:
    events = (new.get("events") or [])[_count(old, "events"):]
    return new.get("status") == "open" and any(ev.get("action") == "reopen" for ev in events)


def guarded(each: Callable[[Entry], list[Finding]], entries: list[Entry]) -> list[Finding]:
    """Run `each` on every commit; an error on one is a finding naming it, and the audit goes on."""
    out: list[Finding] = []
    for e in entries:
        try:
            out.extend(each(e))
        except Exception as exc:  # a hostile file must not stop the audit of every later commit
            where = ", ".join(c.path for c in e.changes) or None
            out.append(Finding.in_commit("error", e.sha, where, f"审计该提交时出错（{type(exc).__name__}），请人工核查"))
    return out


def findings(entries: list[Entry], strict: bool = False) -> list[Finding]:
    """What is wrong in the history itself, commit by commit."""
    return guarded(lambda e: entry_findings(e, strict), entries)


def entry_findings(e: Entry, strict: bool = False) -> list[Finding]:
    out: list[Finding] = []
    if e.hand_edit:
        out.append(Finding.in_commit("hand_edit", e.sha, ", ".join(c.path for c in e.changes) or None,
                           f"手工修改（无 taizhang 记录）：{e.author} {e.date} “{e.subject}”", strict))
    for c in e.changes:
        if c.status == "D":
            if e.action == "undo":
                continue  # forgery.undo_findings allows only the revert of an import's own new files
            out.append(Finding.in_commit("deleted", e.sha, c.path, f"事项文件被删除（{e.author} {e.date}）"))
            continue
        if c.old is None or c.new is None or e.action == "undo":
            continue  # forgery.undo_findings checks an undo against the commit it reverts
        if c.old.get("status") == "closed" and c.old != c.new and not _reopened(c.old, c.new):
            changed = "、".join(d["field"] for d in field_diff(c.old, c.new))
            out.append(Finding.in_commit("closed_changed", e.sha, c.path,
                               f"已销号事项未经退回重办就被修改（{changed}；{e.author} {e.date}）"))
        for text in backdated(c.old, c.new, e.date[:10]):
            out.append(Finding.in_commit("backdated", e.sha, c.path, f"倒签：{text}（{e.author} {e.date}）"))
    return out


def first_red_day(task_due: Date | None, next_workday: Callable[[Date], Date]) -> Date | None:
    return None if task_due is None else next_workday(task_due + dt.timedelta(days=1))
