"""The Chinese workday calendar: built-in data, the ledger's overrides, and period arithmetic."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

from .errors import UsageError

Date = dt.date

# Natural-day periods of 民法典 第202条: a week is 7 days, half a month 15 days.
_SPAN_RE = re.compile(r"^\s*(\d+(?:\.5)?)\s*(wd|d|w|m)\s*$")
_UNIT_LABEL = {"wd": "个工作日", "d": "天", "w": "周", "m": "个月"}
# No supervised task runs ten years: a longer span is a typo, and a huge one would grow
# the calendar index without end (10**20wd hung the process).
_MAX_AMOUNT = {"wd": 2500, "d": 3660, "w": 522, "m": 120}
# Dates a ledger can hold; beyond them period arithmetic would leave datetime's range.
MIN_YEAR, MAX_YEAR = 1900, 2199


@dataclass(frozen=True)
class Span:
    """A period as the seeds write it: N workdays, days, weeks or months."""

    amount: Fraction
    unit: str  # wd | d | w | m

    def __str__(self) -> str:
        return f"{_fmt_amount(self.amount)}{self.unit}"

    def label(self) -> str:
        if self.unit == "m" and self.amount == Fraction(1, 2):
            return "半个月"
        return f"{_fmt_amount(self.amount)}{_UNIT_LABEL[self.unit]}"


def _fmt_amount(amount: Fraction) -> str:
    return str(amount.numerator) if amount.denominator == 1 else str(float(amount))


def parse_span(text: str) -> Span:
    """Parse `5wd`, `10d`, `1w`, `1m`, `0.5m`; only months may be halved."""
    m = _SPAN_RE.match(str(text))
    if not m:
        raise UsageError(
            f"时限写法不对：{text!r}",
            "请写成 数字+单位，如 5wd（工作日）、10d（自然日）、1w（周）、1m（月）、0.5m（半个月）",
        )
    amount, unit = Fraction(m.group(1)), m.group(2)
    if amount.denominator != 1 and unit != "m":
        raise UsageError(f"时限写法不对：{text!r}", "只有月可以写半个，如 0.5m；其余请写整数")
    if amount <= 0:
        raise UsageError(f"时限必须大于零：{text!r}", "请写成如 5wd、1w、1m")
    if amount > _MAX_AMOUNT[unit]:
        raise UsageError(f"时限太长：{text!r}", f"最长 {_MAX_AMOUNT[unit]}{unit}（约十年），请检查是否多写了数字")
    return Span(amount, unit)


def parse_date(text: str, what: str = "日期") -> Date:
    """Parse a strict YYYY-MM-DD date, refusing impossible days like 2026-02-30."""
    s = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise UsageError(f"{what}格式不对：{text!r}", "请写成 YYYY-MM-DD，如 2026-10-31")
    try:
        day = dt.date.fromisoformat(s)
    except ValueError:
        raise UsageError(f"{what}不存在：{text!r}", "请检查月份和日子，如 2026-02-28") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UsageError(f"{what}超出范围：{text!r}", f"年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间")
    return day


@dataclass(frozen=True)
class Due:
    """A computed deadline, provisional when it crossed a year the calendar does not know."""

    date: Date
    provisional: bool
    unknown_years: tuple[int, ...] = ()


def _builtin() -> tuple[dict[Date, str], dict[Date, str]]:
    from chinese_calendar.constants import holidays, workdays

    return holidays, workdays


class Calendar:
    """Workdays from chinese-calendar, overridden per year by the ledger's calendar files.

    The whole known range is indexed once as a prefix count of workdays, so adding or
    counting workdays is a bisect instead of a walk over chinese-calendar's API.
    """

    def __init__(
        self,
        overrides: Mapping[int, tuple[Iterable[Date], Iterable[Date]]] | None = None,
        builtin: tuple[Mapping[Date, str], Mapping[Date, str]] | None = None,
    ):
        holidays, workdays = builtin if builtin is not None else _builtin()
        self._holidays = set(holidays)
        self._workdays = set(workdays)
        self.builtin_years = frozenset(d.year for d in holidays)
        self.file_years = frozenset((overrides or {}).keys())
        for year, (hols, works) in (overrides or {}).items():
            # A file is the office's word for its year: its dates win over the package's.
            hols, works = set(hols), set(works)
            self._holidays = (self._holidays - works) | hols
            self._workdays = (self._workdays - hols) | works
        self.known_years = self.builtin_years | self.file_years
        self._start = self._end = 0
        self._cum: list[int] = []
        lo = min(self.known_years, default=2004)
        hi = max(self.known_years, default=2026)
        self._build(dt.date(min(lo, 2000), 1, 1).toordinal(), dt.date(hi + 10, 12, 31).toordinal())

    # -- the index -------------------------------------------------------------
    def _build(self, start: int, end: int) -> None:
        # By ordinal, not by date object: every command builds this index (about 13,000 days).
        works = {d.toordinal() for d in self._workdays}
        rests = {d.toordinal() for d in self._holidays} - works
        cum, n = [], 0
        append = cum.append
        for o in range(start, end + 1):
            # Ordinal 1 (0001-01-01) was a Monday: (o - 1) % 7 is the weekday.
            if o in works or ((o - 1) % 7 < 5 and o not in rests):
                n += 1
            append(n)
        self._start, self._end, self._cum = start, end, cum

    def _ensure(self, *days: Date) -> None:
        lo = min(d.toordinal() for d in days)
        hi = max(d.toordinal() for d in days)
        if lo < self._start or hi > self._end:
            self._build(min(lo, self._start) - 366, max(hi, self._end) + 3660)

    def _count_upto(self, d: Date) -> int:
        """Workdays from the index start up to and including d."""
        return self._cum[d.toordinal() - self._start]

    # -- queries ---------------------------------------------------------------
    def is_workday(self, d: Date) -> bool:
        self._ensure(d)
        i = d.toordinal() - self._start
        return self._cum[i] != (self._cum[i - 1] if i else 0)

    def is_known(self, year: int) -> bool:
        return year in self.known_years

    def unknown_years(self, start: Date, end: Date) -> tuple[int, ...]:
        """Years in (start, end] with neither built-in data nor a calendar file."""
        if end <= start:
            return ()
        first = (start + dt.timedelta(days=1)).year
        return tuple(y for y in range(first, end.year + 1) if y not in self.known_years)

    def count_workdays(self, start: Date, end: Date) -> int:
        """Workdays strictly after start up to and including end (0 when end <= start)."""
        if end <= start:
            return 0
        # The hot path of every list: plain index arithmetic, widening the index only when needed.
        first, last = start.toordinal() - self._start, end.toordinal() - self._start
        if first < 0 or last >= len(self._cum):
            self._ensure(start, end)
            first, last = start.toordinal() - self._start, end.toordinal() - self._start
        return self._cum[last] - self._cum[first]

    def add_workdays(self, start: Date, n: int) -> Date:
        """The Nth workday strictly after start; the start day is day 0 even if a rest day."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self._ensure(start)
        target = self._count_upto(start) + n
        while target > self._cum[-1]:
            self._build(self._start, self._end + 3660)
        return dt.date.fromordinal(self._start + bisect.bisect_left(self._cum, target))

    def next_workday_on_or_after(self, d: Date) -> Date:
        """第203条: a period whose last day is a rest day ends on the next workday."""
        if self.is_workday(d):
            return d
        return self.add_workdays(d, 1)

    def add_span(self, start: Date, span: Span) -> Due:
        """The last day of a period of `span` counted from the event day `start`."""
        if span.unit == "wd":
            end = self.add_workdays(start, int(span.amount))
        else:
            end = self.next_workday_on_or_after(add_natural(start, span))
        unknown = self.unknown_years(start, end)
        return Due(end, bool(unknown), unknown)

    def month_days(self, year: int, month: int) -> list[tuple[Date, bool, str]]:
        """Each day of a month with whether it is a workday and why (for the grid)."""
        first = dt.date(year, month, 1)
        days = []
        d = first
        while d.month == month:
            work = self.is_workday(d)
            if d in self._holidays:
                why = "holiday"
            elif d in self._workdays and d.weekday() >= 5:
                why = "makeup"
            else:
                why = "weekday" if work else "weekend"
            days.append((d, work, why))
            d += dt.timedelta(days=1)
        return days


def add_months(d: Date, months: int) -> Date:
    """Same day N months on, or that month's last day (第202条: 01-31 + 1m = 02-28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def add_natural(start: Date, span: Span) -> Date:
    """The natural last day of a day/week/month period, before any rest-day roll."""
    if span.unit == "d":
        return start + dt.timedelta(days=int(span.amount))
    if span.unit == "w":
        return start + dt.timedelta(days=7 * int(span.amount))
    whole, half = divmod(span.amount, 1)
    end = add_months(start, int(whole))
    if half:
        end += dt.timedelta(days=15)
    return end
