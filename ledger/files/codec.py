"""Task files ⇄ Task: their fields checked (parsed by strictyaml, whose FormatError it raises), their plain form."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import MISSING, fields
from typing import Any

from ..domain.model import (
    READ_VERSIONS,
    SCHEMA_VERSION,
    STATUS_LABELS,
    Coordination,
    DeadlineChange,
    Difficulty,
    DoneReport,
    Event,
    ExtensionRequest,
    Interview,
    Milestone,
    Notice,
    Progress,
    Returned,
    Task,
    Urge,
    Verification,
)
from ..domain.workdays import MAX_YEAR, MIN_YEAR
from .strictyaml import FormatError, key_line, load_yaml, visible_bad_char

# The fixed order of a task file's keys: identity, assignment, deadline, then records.
TASK_KEYS = (
    "schema_version", "id", "title", "description", "status",
    "source", "ref", "parent", "lead_unit", "units", "leader", "contact",
    "assigned_on", "assigned_on_unknown", "registered_on", "assign_due", "deadline_rule", "deadline_basis", "due", "due_provisional",
    "report_cycle",
    "milestones", "tags", "progress", "done", "verification", "returned",
    "deadline_changes", "extension_requests", "urges", "events", "difficulties",
    "coordinations", "notices", "interviews",
)
_RECORDS = {
    "milestones": Milestone,
    "progress": Progress,
    "done": DoneReport,
    "verification": Verification,
    "returned": Returned,
    "deadline_changes": DeadlineChange,
    "extension_requests": ExtensionRequest,
    "urges": Urge,
    "events": Event,
    "difficulties": Difficulty,
    "coordinations": Coordination,
    "notices": Notice,
    "interviews": Interview,
}
_NULL_DATE_KEYS = {"done_on", "requested_due", "report_due", "answer_due", "answered_on", "verified_on"}
_DATE_KEYS = {"on", "due", "old_due", "new_due", "fix_due", "reopened_on"} | _NULL_DATE_KEYS
_BOOL_KEYS = {"late", "resolved"}
_INT_KEYS = {"percent"}
_REQUIRED = ("id", "title", "status", "lead_unit", "assigned_on")
_TOP_DATE_KEYS = ("assigned_on", "registered_on", "assign_due", "due")
_SINGLE_RECORDS = ("done", "verification")

class Seen:
    """A memo for reading many versions of the same task files (a year's history): what they repeat
    is read once and shared, so whoever reads with one must treat what it gets as immutable."""

    __slots__ = ("lines", "records", "plains", "texts")

    def __init__(self) -> None:
        # fastyaml.parse: a `key: value` line → (key, value); an item's block of lines → its dict
        self.lines: dict[str, Any] = {}
        # (list key, id of a record dict) → (the dict, its record); the memo keeps the dict alive,
        # so its id is not reused for another (also task_from_cached's, with a Seen of its own)
        self.records: dict[tuple[str, int], tuple[dict, Any]] = {}
        self.plains: dict[int, tuple[Any, dict]] = {}  # id of a record → (the record, its plain dict)
        self.texts: set[str] = set()  # field values that passed _str's checks


def _date(value: Any, key: str) -> dt.date:
    day = _any_date(value, key)
    # A hand-typed 9999-12-31 would crash every deadline computation (datetime's range).
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise FormatError(f"{key} 超出范围：{day}（年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间）")
    return day


def _any_date(value: Any, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise FormatError(f"{key} 应为日期 YYYY-MM-DD，不能带时间")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise FormatError(f"{key} 不是存在的日期：{value}") from None
    raise FormatError(f"{key} 应为日期 YYYY-MM-DD，实际是 {value!r}")


def _str(value: Any, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(f"{key} 应为文字，实际是 {value!r}（数字或 yes/no 等请加引号）")
    ch = visible_bad_char(value)
    if ch:  # a terminal would obey it when list, show or log print the value
        raise FormatError(f"{key} 含有控制字符 {ch}")
    return value


def _record(cls, raw: Any, key: str):
    if not isinstance(raw, dict):
        raise FormatError(f"{key} 的每一项应为键值表")
    known = {f.name: f for f in fields(cls)}
    extra = set(raw) - set(known)
    if extra:
        raise FormatError(f"{key} 中有未知字段：{', '.join(sorted(map(str, extra)))}")
    kwargs = {}
    for name, value in raw.items():
        if name in _DATE_KEYS:
            kwargs[name] = None if value is None and name in _NULL_DATE_KEYS else _date(value, f"{key}.{name}")
        elif name in _INT_KEYS:
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100):
                raise FormatError(f"{key}.{name} 应为 0 到 100 的整数")
            kwargs[name] = value
        elif name in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise FormatError(f"{key}.{name} 应为 true 或 false")
            kwargs[name] = value
        else:
            kwargs[name] = _str(value, f"{key}.{name}")
    try:
        return cls(**kwargs)
    except TypeError:
        missing = [
            n for n, f in known.items()
            if n not in raw and f.default is MISSING and f.default_factory is MISSING
        ]
        raise FormatError(f"{key} 缺少字段：{', '.join(missing)}") from None


def task_from_plain(raw: Any, seen: Seen | None = None) -> Task:
    """Build a Task from parsed YAML or a cached dict, checking types on the way.

    With `seen`, a record dict met before (the same object, as fastyaml.parse shares them) is the
    same record again, and a text that passed the checks is not checked again.
    """
    if not isinstance(raw, dict):
        raise FormatError("任务文件应为一个键值表")
    unknown = raw.keys() - _TASK_KEY_SET
    if unknown:
        names = sorted(map(str, unknown))
        raise FormatError(f"未知字段：{', '.join(names)}", key=names[0])
    missing = [k for k in _REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise FormatError(f"缺少必填字段：{', '.join(missing)}", key=missing[0])
    if raw["status"] not in STATUS_LABELS:  # every reader maps a status to its label: refuse here, once
        raise FormatError(f"status 是未知状态“{raw['status']}”，可选：{'、'.join(STATUS_LABELS)}", key="status")
    version = raw.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version not in READ_VERSIONS:
        raise FormatError(f"schema_version {version!r} 不是本版本 taizhang 能读的格式")
    kw: dict[str, Any] = {"schema_version": version}
    for key in TASK_KEYS[1:]:
        if key not in raw:
            continue
        value = raw[key]
        if key in _RECORDS:
            cls = _RECORDS[key]
            if key in _SINGLE_RECORDS:
                kw[key] = None if value is None else \
                    _record(cls, value, key) if seen is None else _seen_record(cls, value, key, seen)
            else:
                if value is None:
                    value = []
                if not isinstance(value, list):
                    raise FormatError(f"{key} 应为列表")
                kw[key] = [_record(cls, item, key) for item in value] if seen is None else \
                    [_seen_record(cls, item, key, seen) for item in value]
        elif key in ("units", "tags"):
            if value is None:
                value = []
            if not isinstance(value, list):
                raise FormatError(f"{key} 应为列表")
            kw[key] = [_str(v, key) for v in value]
        elif key in _TOP_DATE_KEYS:
            kw[key] = None if value is None else _date(value, key)
        elif key in ("due_provisional", "assigned_on_unknown"):
            if not isinstance(value, bool):
                raise FormatError(f"{key} 应为 true 或 false")
            kw[key] = value
        elif seen is not None and value.__class__ is str:
            if value not in seen.texts:
                seen.texts.add(_str(value, key))
            kw[key] = value
        else:
            kw[key] = _str(value, key)
    return Task(**kw)


_TASK_KEY_SET = frozenset(TASK_KEYS)


def _seen_record(cls, raw: Any, key: str, seen: Seen):
    hit = seen.records.get((key, id(raw)))
    if hit is None:
        hit = seen.records[(key, id(raw))] = (raw, _record(cls, raw, key))
    return hit[1]


def task_from_bytes(data: bytes) -> Task:
    raw = load_yaml(data)
    try:
        return task_from_plain(raw)
    except FormatError as e:
        # Point at the offending key rather than line 1.
        key = e.key or (m.group(1) if (m := re.match(r"^([a-z_]+)", e.message)) else None)
        if e.line == 1 and key:
            e.line = key_line(data.decode("utf-8"), key)
        raise


# -- the plain form (JSON, cache) ---------------------------------------------
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        names = _FIELD_NAMES.get(type(value))
        if names is None:  # dataclasses.fields() is slow enough to matter at 10,000 tasks
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
        return {name: _plain_value(getattr(value, name)) for name in names}
    return value


def task_to_plain(task: Task, seen: Seen | None = None) -> dict[str, Any]:
    """The task as JSON-ready data in the file's key order, dates as YYYY-MM-DD.

    With `seen` (as task_from_plain's), a record met before gives the same plain dict again.
    """
    if seen is None:
        return {key: _plain_value(getattr(task, key)) for key in TASK_KEYS}
    out = {}
    for key in TASK_KEYS:
        value = getattr(task, key)
        if key not in _RECORDS or value is None:
            out[key] = _plain_value(value)
        elif key in _SINGLE_RECORDS:
            out[key] = _seen_plain(value, seen)
        else:
            out[key] = [_seen_plain(v, seen) for v in value]
    return out


def _seen_plain(record: Any, seen: Seen) -> dict[str, Any]:
    hit = seen.plains.get(id(record))
    if hit is None:
        hit = seen.plains[id(record)] = (record, _plain_value(record))
    return hit[1]


# -- the cache's trusted path ----------------------------------------------------
_fromiso = dt.date.fromisoformat


def _record_dates(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name in _DATE_KEYS)


_RECORD_DATES = {key: (cls, _record_dates(cls)) for key, cls in _RECORDS.items()}
_CACHED_RECORDS = tuple((key, cls, dates, key in _SINGLE_RECORDS) for key, (cls, dates) in _RECORD_DATES.items())


def _cached_record(cls, dates: tuple[str, ...], raw: dict):
    kw = dict(raw)
    for name in dates:
        v = kw.get(name)
        if v is not None:
            kw[name] = _fromiso(v)
    return cls(**kw)


def task_from_cached(plain: dict[str, Any], seen: Seen | None = None) -> Task:
    """Rebuild a Task from task_to_plain's output for a file that already passed task_from_plain.

    Only the cache calls this, and the cache holds only files that were validated (its key
    includes CACHE_VERSION), so fields are converted, not checked again. With `seen` (a Seen of
    its own, not task_from_plain's), a record dict met before gives the same record again.
    """
    kw = dict(plain)
    for key in _TOP_DATE_KEYS:
        v = kw[key]
        if v is not None:
            kw[key] = _fromiso(v)
    kw["units"] = list(kw["units"])
    kw["tags"] = list(kw["tags"])
    for key, cls, dates, single in _CACHED_RECORDS:
        v = kw[key]
        if single:
            kw[key] = None if v is None else _cached_record(cls, dates, v)
        elif v:  # most lists of most tasks are empty: a new list without the comprehension
            kw[key] = [_cached_record(cls, dates, item) for item in v] if seen is None else \
                [_seen_cached(cls, dates, item, key, seen) for item in v]
        else:
            kw[key] = []
    return Task(**kw)


def _seen_cached(cls, dates: tuple[str, ...], raw: dict, key: str, seen: Seen):
    hit = seen.records.get((key, id(raw)))
    if hit is None:
        hit = seen.records[(key, id(raw))] = (raw, _cached_record(cls, dates, raw))
    return hit[1]
