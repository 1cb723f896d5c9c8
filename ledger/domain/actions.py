"""Which changes to one task file each `Taizhang-Action` may make: the rule book of the audit and the server guard."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

# What a clerk calls a task file's fields; the key itself follows in brackets.
FIELD_LABELS = {
    "schema_version": "格式版本", "id": "编号",
    "title": "名称", "description": "内容", "status": "状态", "source": "来源", "ref": "文号", "parent": "上级事项",
    "lead_unit": "牵头单位", "units": "责任单位", "leader": "牵头领导", "contact": "联系人",
    "assigned_on": "交办日期", "registered_on": "登记日期", "assign_due": "交办时限", "deadline_rule": "时限规则",
    "deadline_basis": "时限依据", "due": "办结时限", "due_provisional": "暂定时限", "report_cycle": "报送周期",
    "milestones": "节点", "tags": "标签", "progress": "进展", "done": "办结报告", "verification": "核验",
    "returned": "退回的办结记录",
    "deadline_changes": "时限变更", "extension_requests": "延期申请", "urges": "催办", "events": "状态记录",
    "difficulties": "难以执行的反馈",
    "coordinations": "协调", "notices": "督查通知书", "interviews": "约谈",
}

# What a clerk calls each action: in a role refusal (只有督查室可以…) and on a task's timeline alike.
# None is a change without a Taizhang-Action trailer.
ACTION_LABELS = {
    "init": "建立台账", "add": "交办事项", "import": "导入事项", "progress": "报送进展", "done": "申请办结",
    "request-extension": "申请延期", "collect": "单位报送", "close": "核验销号", "reopen": "退回重办",
    "cancel": "撤销事项", "urge": "催办督办", "extend": "延期", "suspend": "暂缓", "resume": "恢复办理",
    "report-difficulty": "反馈难以执行", "answer": "答复难以执行", "milestone": "改时间节点", "escalate": "登记协调",
    "notice": "下达督查通知书", "interview": "登记约谈", "recompute": "重算时限", "calendar": "录入日历",
    "edit": "更正登记信息", "undo": "撤回变更", None: "手工修改台账",
}

RECORD_LISTS = ("milestones", "progress", "returned", "deadline_changes", "extension_requests", "urges", "events",
                "difficulties", "coordinations", "notices", "interviews")
SINGLE_RECORDS = ("done", "verification")
CREATING = ("add", "import")
# What `taizhang edit` may correct: how the task is named and who carries it, never its record.
EDITABLE = ("title", "lead_unit", "units", "leader", "contact", "tags", "parent", "ref")


def field_label(key: str) -> str:
    return f"{FIELD_LABELS[key]}（{key}）" if key in FIELD_LABELS else key


@dataclass(frozen=True)
class Edit:
    """A list whose records an action may fill in: `fills` goes from empty to a value, `also` may change with it."""

    fills: str
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """What one action writes (read off services.py, workflow.py and rules.py)."""

    status: tuple[tuple[str, str], ...] = ()  # allowed (from, to)
    due: bool = False  # may move `due` (always with a new deadline_changes record)
    provisional: bool = False  # may change `due_provisional`
    append: tuple[str, ...] = ()  # record lists it may add to
    edit: dict[str, Edit] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()  # deadline_changes.kind it may add
    events: tuple[str, ...] = ()  # events.action it may add
    sets: tuple[str, ...] = ()  # single records it may set when absent
    clears: tuple[str, ...] = ()  # single records it may remove
    fields: tuple[str, ...] = ()  # plain fields it may rewrite


RULES: dict[str, Rule] = {
    "progress": Rule(append=("progress",)),
    "done": Rule(status=(("open", "reported"),), sets=("done",)),
    "close": Rule(status=(("reported", "closed"),), sets=("verification",)),
    "reopen": Rule(status=(("reported", "open"), ("closed", "open")), append=("events", "returned"), events=("reopen",),
                   clears=("done", "verification")),
    "cancel": Rule(status=(("open", "cancelled"), ("reported", "cancelled"), ("suspended", "cancelled")),
                   append=("events",), events=("cancel",)),
    "urge": Rule(append=("urges",)),
    "extend": Rule(due=True, provisional=True, append=("deadline_changes",), kinds=("extend",)),
    "suspend": Rule(status=(("open", "suspended"),), append=("events",), events=("suspend",)),
    "resume": Rule(status=(("suspended", "open"),), due=True, append=("events", "deadline_changes"),
                   events=("resume",), kinds=("resume",)),
    "report-difficulty": Rule(append=("difficulties",)),
    "answer": Rule(status=(("open", "suspended"),), due=True, append=("events", "deadline_changes"),
                   events=("suspend",), kinds=("redirect",),
                   edit={"difficulties": Edit("answer", ("answered_on", "note"))}),
    "milestone": Rule(append=("milestones",), edit={"milestones": Edit("done_on")}),
    "escalate": Rule(append=("coordinations",)),
    "notice": Rule(append=("notices",)),
    "interview": Rule(append=("interviews",)),
    "recompute": Rule(due=True, provisional=True, append=("deadline_changes",), kinds=("recompute",)),
    # A unit asks; the office decides with `extend`: a request never moves the deadline itself.
    "request-extension": Rule(append=("extension_requests",)),
    # A returned collect workbook (`collect out` writes rounds/ only, never a task file, so it needs no rule): the unit's progress, done reports and extension requests, nothing else.
    "collect": Rule(status=(("open", "reported"),), append=("progress", "extension_requests"), sets=("done",)),
    "edit": Rule(fields=EDITABLE),
}
# `calendar notice --write` and a recompute that commits a hand-typed calendar file
RULES["calendar"] = RULES["recompute"]


# -- comparing YAML values as the tool writes them ---------------------------------------
def _empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _norm(value: Any) -> Any:
    """Dates as text and empty fields dropped: a version-1 file and its rewrite compare equal."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _norm(v) for k, v in value.items() if not _empty(v)}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _get(plain: dict, key: str) -> Any:
    value = _norm(plain.get(key))
    return None if _empty(value) else value


def _key(record: Any) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)


def _records(plain: dict, key: str) -> list[Any]:
    value = _get(plain, key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _minus(a: list[Any], b: list[Any]) -> list[Any]:
    """The records of `a` that `b` does not hold (as multisets)."""
    left = [_key(r) for r in b]
    out = []
    for r in a:
        k = _key(r)
        if k in left:
            left.remove(k)
        else:
            out.append(r)
    return out


def _text(value: Any) -> str:
    return "∅" if value is None else str(value)


# -- the rule book -------------------------------------------------------------------------
def action_problems(action: str, before: dict | None, after: dict | None) -> list[str]:
    """Every change to one task file that a commit recorded as `action` may not make (in Chinese)."""
    said = f"记为“{action}”的提交"
    if after is None:
        return [] if before is None else [f"{said}删除了事项文件（事项只能撤销，不能删除）"]
    if not isinstance(after, dict) or (before is not None and not isinstance(before, dict)):
        return [f"{said}写入的事项文件不是键值表"]
    if before is None:
        return [] if action in CREATING else [f"{said}新建了事项文件（只有交办 add 和导入 import 可以新建）"]
    if action in CREATING:
        return [f"{said}改写了已有的事项文件（交办和导入只能新建）"]
    rule = RULES.get(action)
    if rule is None:
        changed = [k for k in dict.fromkeys([*before, *after]) if _get(before, k) != _get(after, k)]
        if not changed:
            return []
        return [f"{said}改了 {'、'.join(map(field_label, changed))}，而 taizhang 没有名为“{action}”的操作"]
    return _rule_problems(said, rule, before, after)


def _rule_problems(said: str, rule: Rule, before: dict, after: dict) -> list[str]:
    out: list[str] = []
    handled = {"schema_version", "status", "due", "due_provisional", *RECORD_LISTS, *SINGLE_RECORDS}
    old_v, new_v = _get(before, "schema_version"), _get(after, "schema_version")
    if old_v != new_v and not (isinstance(old_v, int) and isinstance(new_v, int) and new_v > old_v):
        out.append(f"{said}把格式版本从 {_text(old_v)} 改为 {_text(new_v)}")
    old_s, new_s = _get(before, "status"), _get(after, "status")
    if old_s != new_s and (old_s, new_s) not in rule.status:
        out.append(f"{said}把状态从 {_text(old_s)} 改为 {_text(new_s)}")
    added: dict[str, list[Any]] = {}
    for key in RECORD_LISTS:
        old, new = _records(before, key), _records(after, key)
        gone, fresh = _minus(old, new), _minus(new, old)
        edit = rule.edit.get(key)
        if edit and gone:
            gone, fresh = _filled(gone, fresh, edit)
        if gone:
            out.append(f"{said}删去或改写了 {len(gone)} 条{field_label(key)}记录（记录只能增加，不能删改）")
        if fresh and key not in rule.append:
            out.append(f"{said}增加了 {len(fresh)} 条{field_label(key)}记录")
        added[key] = fresh
    for key, allowed, what in (("deadline_changes", rule.kinds, "kind"), ("events", rule.events, "action")):
        for r in added.get(key, []) if key in rule.append else []:
            kind = r.get(what) if isinstance(r, dict) else None
            if kind not in allowed:
                out.append(f"{said}增加了 {what} 为 {_text(kind)} 的{field_label(key)}记录")
    for key in SINGLE_RECORDS:
        old, new = _get(before, key), _get(after, key)
        if old == new:
            continue
        if old is None and key in rule.sets:
            continue
        if new is None and key in rule.clears:
            continue
        verb = "填写了" if old is None else "删去了" if new is None else "改写了"
        out.append(f"{said}{verb}{field_label(key)}")
    old_due, new_due = _get(before, "due"), _get(after, "due")
    if old_due != new_due:
        if not rule.due:
            out.append(f"{said}把办结时限（due）从 {_text(old_due)} 改为 {_text(new_due)}")
        elif not any(isinstance(r, dict) and r.get("new_due") == new_due for r in added.get("deadline_changes", [])):
            out.append(f"{said}把办结时限（due）改为 {_text(new_due)}，却没有相应的时限变更记录")
    if _get(before, "due_provisional") != _get(after, "due_provisional") and not rule.provisional:
        out.append(f"{said}改了{field_label('due_provisional')}")
    for key in dict.fromkeys([*before, *after]):
        if key not in handled and key not in rule.fields and _get(before, key) != _get(after, key):
            out.append(f"{said}改了{field_label(str(key))}：{_short(_get(before, key))} → {_short(_get(after, key))}")
    return out


def _filled(gone: list[Any], fresh: list[Any], edit: Edit) -> tuple[list[Any], list[Any]]:
    """Pair each vanished record with a new one that only fills `edit.fills` (and `edit.also`)."""
    rest = list(fresh)
    unpaired = []
    loose = (edit.fills, *edit.also)
    for r in gone:
        match = None
        if isinstance(r, dict) and _empty(r.get(edit.fills)):
            for a in rest:
                if (isinstance(a, dict) and not _empty(a.get(edit.fills))
                        and {k: v for k, v in a.items() if k not in loose}
                        == {k: v for k, v in r.items() if k not in loose}):
                    match = a
                    break
        if match is None:
            unpaired.append(r)
        else:
            rest.remove(match)
    return unpaired, rest


def _short(value: Any, n: int = 24) -> str:
    s = _text(value) if not isinstance(value, (list, dict)) else _key(value)
    return s if len(s) <= n else s[: n - 1] + "…"


def undo_problems(before: dict | None, after: dict | None,
                  target_before: dict | None, target_after: dict | None, target_action: str | None = None) -> list[str]:
    """An undo of one file must put back exactly what the commit it reverts found there.
    Only a whole import may be taken back by deleting what it created: a wrong sheet is one revert,
    while a task registered one by one is cancelled, never deleted."""
    out = []
    if after is None and before is not None and not (target_action == "import" and target_before is None):
        out.append("撤回删除了事项文件（事项只能撤销，不能删除）")
    if _norm(before) != _norm(target_after):
        out.append("撤回前的文件与被撤回提交写入的内容不同")
    if _norm(after) != _norm(target_before):
        out.append("撤回后的文件与被撤回提交之前的内容不同（撤回只能原样恢复）")
    return out
