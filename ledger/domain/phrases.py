"""How offices write deadlines, statuses and progress in their sheets: phrases → dates, cycles and records."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

Date = dt.date

# Said of work that never ends: no deadline, listed as 长期, never red.
NO_DEADLINE = ("长期", "持续推进", "长期坚持", "常态化", "持续", "长期推进", "常态化推进", "无", "长期坚持推进",
               "持续开展", "常态长效", "长效推进")
# A recurring duty becomes a reporting cycle (cycles.parse_cycle) instead of one deadline.
RECURRING: tuple[tuple[str, str], ...] = (
    (r"每(?:一)?周(?:[一二三四五六日天]|末)?", "weekly:1wd"),
    (r"每(?:个)?月(?:底|末|初|\d{1,2}日)?", "monthly:3wd"),
    (r"每(?:个)?季(?:度)?(?:末|底|初)?", "quarterly:5wd"),
)
# No cycle of ours fits these: they become 长期 tasks, the phrase kept as the deadline's basis.
RECURRING_LONG = (r"每半年(?:末|底)?", r"每(?:个)?年(?:度)?(?:末|底)?", r"按(?:月|季|季度|周|年)(?:报送|推进)?")
_SUFFIX = re.compile(r"(?:之前|以前|前|止|为止|完成|内完成)+$")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class DateProblem(ValueError):
    pass


@dataclass(frozen=True)
class Deadline:
    due: Date | None
    cycle: str = ""  # a reporting cycle when the phrase recurs
    phrase: str = ""  # the words as written, kept when they are not a date


def month_end(y: int, m: int) -> Date:
    return Date(y, m, _calendar.monthrange(y, m)[1])


def excel_serial(n: float) -> Date:
    """Excel's 1900 date system (its fictitious 1900-02-29 is why the epoch is 1899-12-30)."""
    return Date(1899, 12, 30) + dt.timedelta(days=int(n))


def _compact(value: Any) -> str:
    return re.sub(r"\s+", "", str(value))


def parse_deadline(value: Any, ref_year: int) -> Deadline:
    """A deadline cell: a date, a recurring phrase (cycle, no date) or 长期 (neither). Raises DateProblem."""
    if isinstance(value, str):
        s = _SUFFIX.sub("", re.sub(r"(?:报送|推进|调度|通报|一次)+$", "", _compact(value).rstrip("。.")))
        for pattern, cycle in RECURRING:
            if re.fullmatch(pattern, s):
                return Deadline(None, cycle, _compact(value))
        if s in NO_DEADLINE or any(re.fullmatch(p, s) for p in RECURRING_LONG):
            return Deadline(None, "", _compact(value))
    return Deadline(parse_cn_date(value, ref_year))


def parse_cn_date(value: Any, ref_year: int) -> Date | None:
    """A deadline as offices write it; None means no deadline (长期/持续推进). Raises DateProblem."""
    if value is None:
        raise DateProblem("没有填写")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return excel_serial(value)
        raise DateProblem(f"看不懂的日期数字 {value}")
    s = _SUFFIX.sub("", _compact(value))
    if not s:
        raise DateProblem("没有填写")
    if s in NO_DEADLINE:
        return None
    try:
        return _date_of(s, ref_year, value)
    except DateProblem:
        raise
    except ValueError:
        raise DateProblem(f"日期不存在：{value}") from None


def _date_of(s: str, ref_year: int, value: Any) -> Date:
    if re.fullmatch(r"\d{5}(\.0+)?", s):
        return excel_serial(float(s))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    if m:
        return Date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:份)?(底|末|)", s) or re.fullmatch(r"(\d{4})[-/.](\d{1,2})()", s)
    if m:
        return month_end(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{1,2})月(\d{1,2})日", s)
    if m:
        return Date(ref_year, int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{1,2})月(?:份)?(底|末|)", s)
    if m:
        return month_end(ref_year, int(m.group(1)))
    m = re.fullmatch(r"(?:(\d{4})年)?(?:年底|年末|底|末|年内|内)", s) or re.fullmatch(r"(?:本|今)年(?:底|末|内)", s)
    if m:
        return Date(int(m.group(1) or ref_year) if m.groups() else ref_year, 12, 31)
    m = re.fullmatch(r"(?:(\d{4})年)?(?:第)?([一二三四1-4])季度(?:末|底)?", s)
    if m:
        return month_end(int(m.group(1) or ref_year), _CN_NUM[m.group(2)] * 3)
    m = re.fullmatch(r"(?:(\d{4})年)?(?:上半年|上半年底|年中)(?:末|底)?", s)
    if m:
        return Date(int(m.group(1) or ref_year), 6, 30)
    raise DateProblem(f"看不懂的日期：{value}")


# -- status cells (完成情况 / 办理情况 / 状态) ---------------------------------------
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "done": ("已完成", "已办结", "完成", "办结", "已销号", "销号", "已落实", "已结", "已办理", "待核验", "已报办结"),
    "cancelled": ("已撤销", "撤销", "取消", "已取消", "终止", "已终止", "不再办理"),
    "suspended": ("暂缓", "已暂缓", "暂缓办理", "暂缓执行"),
    "open": ("进行中", "推进中", "未完成", "正在推进", "正在办理", "办理中", "在办", "未办结", "序时推进",
             "按序时推进", "持续推进", "未开始", "逾期", "已逾期"),
}
_STATUS_INDEX = {w: k for k, words in STATUS_WORDS.items() for w in words}


def status_of(value: Any) -> tuple[str | None, str]:
    """(done | cancelled | suspended | open, the rest of the cell) for a status cell; (None, text) when unknown.

    An empty cell is open. A cell that starts with a status word and goes on ("已完成。已通过验收")
    gives that status, and the rest is kept as progress.
    """
    text = "" if value is None else str(value).strip()
    s = _compact(text).rstrip("。.；;")
    if not s:
        return "open", ""
    if s in _STATUS_INDEX:
        return _STATUS_INDEX[s], ""
    m = re.match(r"^(" + "|".join(sorted(map(re.escape, _STATUS_INDEX), key=len, reverse=True)) + r")[，,。；;：:、]\s*",
                 text)
    if m:
        return _STATUS_INDEX[m.group(1)], text[m.end():].strip()
    return None, text


# -- progress cells ---------------------------------------------------------------
# A date that opens an entry: at the start of the cell or after a line break / ；/ 。
_ENTRY_DATE = re.compile(
    r"(?:^|(?<=[\n；;。]))\s*(?:(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?"
    r"|(\d{1,2})\s*月\s*(\d{1,2})\s*日)\s*[：:，,、]?\s*"
)


def progress_entries(value: Any, ref_year: int) -> list[tuple[Date | None, str]]:
    """A progress cell's entries in order: (date or None for undated text, text). Raises DateProblem."""
    text = "" if value is None else str(value).strip()
    if not text:
        return []
    marks = list(_ENTRY_DATE.finditer(text))
    out: list[tuple[Date | None, str]] = []
    head = text[: marks[0].start()] if marks else text
    if head.strip(" \n；;。"):
        out.append((None, _tidy(head)))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (ref_year, m.group(4), m.group(5))
        try:
            on = Date(int(y), int(mo), int(d))
        except ValueError:
            raise DateProblem(f"进展中的日期不存在：{m.group(0).strip()}") from None
        body = _tidy(text[m.end():end])
        if body:
            out.append((on, body))
    return out


def _tidy(s: str) -> str:
    return re.sub(r"\s*\n\s*", " ", s).strip(" ；;。，,") if s else ""


_MONTH_HEADER = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:份)?(?:工作)?(?:进展|进展情况|推进情况|完成情况|进度)$")


def month_of_header(header: str) -> tuple[int | None, int] | None:
    """(year or None, month) of a monthly progress column such as 9月进展 / 2026年10月进展情况."""
    m = _MONTH_HEADER.match(header)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return (int(m.group(1)) if m.group(1) else None), int(m.group(2))


def year_in_title(texts: list[str]) -> int | None:
    """The year a sheet's title rows name (2026年…台账), for dates written without one."""
    for t in texts:
        m = re.search(r"(20\d\d)\s*年", t)
        if m:
            return int(m.group(1))
    return None
