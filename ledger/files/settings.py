"""Validation of the hand-edited settings files, taizhang.yaml and calendar/YYYY.yaml, as file:line problems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..domain.errors import LedgerError, UsageError
from ..domain.findings import Finding
from ..domain.unitsdir import units_directory
from ..domain.workdays import MAX_YEAR, MIN_YEAR
from . import codec

CONFIG_FILE = "taizhang.yaml"
CALENDAR_DIR = "calendar"
CALENDAR_NAME = re.compile(r"(\d{4})\.yaml")

# (top-level key, the value's text to point at or None, message): placed on a line by `place`.
Unplaced = tuple[str, str | None, str]


def shown(value: Any) -> str:
    """A value as the clerk typed it, never a Python repr such as datetime.date(2028, 1, 1)."""
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "空值"
    if isinstance(value, str):
        return value
    return "列表" if isinstance(value, list) else "键值表"


def place(rel: str, text: str, findings: list[Unplaced]) -> list[Finding]:
    """Each finding on the line of its value under its key, else of its key, else line 1."""
    lines = text.split("\n")
    out = []
    for key, needle, message in findings:
        line = codec.key_line(text, key)
        if needle is not None:
            for n in range(line - 1, len(lines)):
                if n >= line and re.match(r"^\S", lines[n]):  # the next top-level key: not found
                    break
                if needle in lines[n]:
                    line = n + 1
                    break
        out.append(Finding.at(rel, line, message))
    return out


def parse(rel: str, data: bytes) -> tuple[Any, list[Finding]]:
    """The parsed document, or None and the problem that stopped the parse."""
    try:
        return codec.load_yaml(data), []
    except codec.FormatError as e:
        return None, [Finding.at(rel, e.line, e.message)]
    except UnicodeDecodeError:
        return None, [Finding.at(rel, 1, "不是 UTF-8 编码的文本")]


# -- calendar/YYYY.yaml --------------------------------------------------------------
def calendar_findings(year: int, raw: Any) -> list[Unplaced]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [("holidays", None, f"年份 {year} 超出范围（须在 {MIN_YEAR} 到 {MAX_YEAR} 之间），请改名或删除")]
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [("holidays", None, "应为键值表：holidays: 和 workdays: 两个日期列表")]
    found: list[Unplaced] = []
    seen: dict[dt.date, str] = {}
    for key in ("holidays", "workdays"):
        values = raw.get(key) or []
        if not isinstance(values, list):
            found.append((key, None, f"{key} 应为日期列表，每行写一个 - YYYY-MM-DD"))
            continue
        for v in values:
            if isinstance(v, dt.datetime) or not isinstance(v, dt.date):
                found.append((key, shown(v), f"{key} 中的“{shown(v)}”不是日期，请写成 YYYY-MM-DD"))
            elif v.year != year:
                found.append((key, str(v), f"{key} 中的 {v} 不是 {year} 年的日期（{year}.yaml 只能写 {year} 年的日子）"))
            elif v in seen:
                what = "重复" if seen[v] == key else "既写在 holidays 中又写在 workdays 中"
                found.append((key, str(v), f"{v} {what}"))
            else:
                seen[v] = key
    return found


def calendar_days(year: int, raw: Any) -> tuple[list[dt.date], list[dt.date]]:
    """holidays and workdays of a calendar file that has no findings."""
    raw = raw or {}
    return list(raw.get("holidays") or []), list(raw.get("workdays") or [])


def calendar_problems(rel: str, data: bytes) -> list[Finding]:
    m = CALENDAR_NAME.fullmatch(rel.rpartition("/")[2])
    if not m:
        return [Finding.at(rel, 1, "日历文件名应为 年份.yaml（如 2027.yaml），此文件不会被读取")]
    raw, problems = parse(rel, data)
    if problems:
        return problems
    return place(rel, data.decode("utf-8"), calendar_findings(int(m.group(1)), raw))


# -- taizhang.yaml -------------------------------------------------------------------
_TEXT_KEYS = ("org", "id_prefix", "assign_prefix", "notice_prefix")
_COUNT_KEYS = ("warn_workdays", "progress_lag_points", "schema_version")
_BOOL_KEYS = ("separation_of_duties", "require_signed")


def config_findings(raw: Any) -> list[Unplaced]:
    if not isinstance(raw, dict):
        return [("schema_version", None, "应为键值表（参照 taizhang init 生成的样式）")]
    found: list[Unplaced] = []
    for key in _TEXT_KEYS:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            found.append((key, None, f"{key} 应为文字（现为：{shown(raw[key])}）"))
    for key in _COUNT_KEYS:
        v = raw.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            found.append((key, None, f"{key} 应为非负整数（现为：{shown(v)}）"))
    for key in _BOOL_KEYS:
        if raw.get(key) is not None and not isinstance(raw[key], bool):
            found.append((key, None, f"{key} 应为 true 或 false（现为：{shown(raw[key])}）"))
    found += _rules_findings(raw.get("rules"))
    found += _units_findings(raw)
    return found


def _rules_findings(rules_raw: Any) -> list[Unplaced]:
    from ..domain.sources import rules_from_config

    if rules_raw is None:
        return []
    if not isinstance(rules_raw, dict) or not all(isinstance(v, (dict, type(None))) for v in rules_raw.values()):
        return [("rules", None, "rules 应为 来源: {deadline: 期限, …} 的键值表")]
    try:
        rules_from_config(rules_raw)
    except UsageError as e:
        return [("rules", None, f"rules 设置有误：{e.message}")]
    except (TypeError, ValueError, AttributeError):
        return [("rules", None, "rules 中某个来源的写法不对，如 常务会议: {deadline: 0.5m}")]
    return []


def _units_findings(raw: dict) -> list[Unplaced]:
    try:
        units_directory(raw)
    except LedgerError as e:
        return [("units", None, e.message.replace("taizhang.yaml 中", "").strip())]
    return []


def config_problems(data: bytes) -> list[Finding]:
    raw, problems = parse(CONFIG_FILE, data)
    if problems:
        return problems
    return place(CONFIG_FILE, data.decode("utf-8"), config_findings(raw))


def is_settings_file(rel: str) -> bool:
    return rel == CONFIG_FILE or (rel.startswith(CALENDAR_DIR + "/") and rel.count("/") == 1
                                  and rel.endswith((".yaml", ".yml")))


def problems_in(rel: str, data: bytes) -> list[Finding]:
    """The problems of a settings file given as bytes (work tree or staged blob); [] for other files."""
    if rel == CONFIG_FILE:
        return config_problems(data)
    if is_settings_file(rel):
        return calendar_problems(rel, data)
    return []


def refuse(problem: Finding, what: str) -> LedgerError:
    """The one line a command that needs a broken settings file stops with (exit 3)."""
    return LedgerError(str(problem), f"请修正{what}后重试（taizhang check 可列出所有问题）")
