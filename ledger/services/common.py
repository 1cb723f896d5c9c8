"""What the command services share: cleaned input, task numbers and dates, commit messages, settings read per command."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable

from ..domain import lights, sources
from ..domain.errors import LedgerError, UsageError
from ..domain.lights import Assessed, assess
from ..domain.model import ID_RE, Task, format_id
from ..domain.workdays import Due, parse_date
from ..files import strictyaml
from .context import Env

_SPLIT_UNITS = re.compile(r"[、，,；;]+")


# -- input checks --------------------------------------------------------------
def clean(value: str | None, what: str, *, required: bool = False, multiline: bool = False) -> str:
    """Refuse control characters instead of letting YAML or a terminal mangle them."""
    text = (value or "").strip()
    if required and not text:
        raise UsageError(f"{what}不能为空", f"请填写{what}")
    probe = text.replace("\n", " ") if multiline else text
    bad = strictyaml.bad_char(probe.replace("\t", " ")) or ("换行符" if "\n" in probe else None)
    if bad:
        raise UsageError(f"{what}中含有不可见的控制字符（{bad}）", "请删去后重新输入")
    if len(text) > 2000:
        raise UsageError(f"{what}太长（{len(text)} 字）", "请精简到 2000 字以内，详情可写在进展中")
    return text


def resolve_id(text: str, today: dt.date) -> str:
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


def date_or_today(text: str | None, env: Env, what: str) -> dt.date:
    """The date given, or today; a date after today only with --future (a typo of the year is caught)."""
    if not text:
        return env.today
    day = parse_date(text, what)
    if day > env.today and not env.future:
        raise UsageError(f"{what} {day} 晚于今天（{env.today}）",
                         "请检查日期；确要预先登记将来的日期请加 --future")
    return day


def warn_provisional(env: Env, due: Due, what: str) -> None:
    """A deadline counted across a year without holiday data is provisional; a date given for such a
    year stands, but the workdays before and after it (warning window, overdue days) do not yet."""
    if due.provisional:
        years = "、".join(str(y) for y in due.unknown_years)
        env.warn(
            f"警告：{years} 年的节假日安排尚未录入，{what} {due.date} 仅按周末推算，为暂定时限；"
            f"国务院通知公布后用 taizhang calendar notice 通知文件 --write 录入 calendar/{due.unknown_years[0]}.yaml 并重算"
        )
    elif not env.ledger().calendar.is_known(due.date.year):
        year = due.date.year
        env.warn(
            f"提示：{year} 年的节假日安排尚未录入；{what} {due.date} 不变，但临近时限的预警和逾期工作日在录入前只按周末计算；"
            f"国务院通知公布后用 taizhang calendar notice 通知文件 --write 录入 calendar/{year}.yaml"
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
    return env.ledger().config.get("progress_lag_points", lights.DEFAULT_LAG_POINTS)


def assess_task(env: Env, task: Task) -> Assessed:
    """The task judged today by the ledger's own policy (warn_workdays, progress_lag_points)."""
    return assess(task, env.today, env.ledger().calendar, warn_workdays(env), lag_points(env))


def warn_workdays(env: Env) -> int:
    """How many workdays before its deadline a task turns yellow."""
    return env.ledger().config.get("warn_workdays", 3)


def source_rules(env: Env) -> dict[str, sources.SourceRule]:
    try:
        return sources.rules_from_config(env.ledger().config.get("rules"))
    except UsageError as e:
        raise LedgerError(f"taizhang.yaml 的 rules 设置有误：{e.message}", e.hint) from None


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


def several(tasks: list[Task], verb: str) -> str:
    """The subject of a commit that does one thing to several tasks."""
    if len(tasks) == 1:
        return f"{verb} {tasks[0].id} {short(tasks[0].title)}"
    return f"{verb} {len(tasks)} 项：{'、'.join(t.id for t in tasks[:5])}{'等' if len(tasks) > 5 else ''}"


def titles(tasks: list[Task]) -> str:
    return "\n".join(f"{t.id} {short(t.title, 30)}" for t in tasks) if len(tasks) > 1 else ""
