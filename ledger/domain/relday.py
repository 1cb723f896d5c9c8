"""Days as a clerk says them for --since/--until: 今天、昨天、上周一、本月初、上月、今年 … besides YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

from .errors import UsageError
from .workdays import parse_date

Date = dt.date
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEK = re.compile(r"^(上上|上|本|这|下)(?:个)?(?:周|星期|礼拜)([一二三四五六日天])$")
_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2}
SAID = "今天、昨天、前天、本周一、上周一（周一至周日）、本月初、上月初、今年初、去年初"


def _month_start(today: Date, back: int) -> Date:
    months = today.year * 12 + today.month - 1 - back
    return Date(months // 12, months % 12 + 1, 1)


def parse_day(text: str, today: Date, what: str) -> Date:
    """YYYY-MM-DD, or a day named relative to `today` (a week starts on Monday, as in Chinese offices)."""
    s = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return parse_date(s, what)
    if s in _DAYS:
        return today + dt.timedelta(days=_DAYS[s])
    m = _WEEK.match(s)
    if m:
        shift = {"上上": -2, "上": -1, "本": 0, "这": 0, "下": 1}[m.group(1)]
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=shift)
        return monday + dt.timedelta(days=_WEEKDAYS[m.group(2)])
    months = {"本月初": 0, "本月": 0, "这个月": 0, "上月初": 1, "上月": 1, "上个月": 1, "上个月初": 1}
    if s in months:
        return _month_start(today, months[s])
    years = {"今年初": 0, "今年": 0, "年初": 0, "去年初": 1, "去年": 1}
    if s in years:
        return Date(today.year - years[s], 1, 1)
    raise UsageError(f"{what}看不懂：{text!r}", f"请写成 YYYY-MM-DD，或 {SAID}")
