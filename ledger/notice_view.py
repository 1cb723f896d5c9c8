"""What `calendar notice` shows before writing: the year's grid, the festivals, the unread sentences."""

from __future__ import annotations

from .notice import Notice
from .render import month_grid
from .workdays import Calendar

_WEEKDAY = "一二三四五六日"


def _day(d) -> str:
    return f"{d.month}月{d.day}日（周{_WEEKDAY[d.weekday()]}）"


def notice_view(notice: Notice, cal: Calendar) -> list:
    """Rich renderables: twelve month grids, the count per festival, what could not be read."""
    from rich.columns import Columns
    from rich.table import Table
    from rich.text import Text

    title = notice.title + (f"（{notice.ref}）" if notice.ref else "")
    grids = [month_grid(notice.year, m, cal.month_days(notice.year, m)) for m in range(1, 13)]
    for g in grids:
        g.caption = None  # one legend below the year, not twelve
    table = Table(title=f"{notice.year} 年放假安排", header_style="bold")
    for c in ("节日", "放假", "天数", "调休上班"):
        table.add_column(c)
    for f in notice.festivals:
        span = _day(f.first) if f.first == f.last else f"{_day(f.first)}至{_day(f.last)}"
        table.add_row(f.name, span, str(len(f.days)), "、".join(map(_day, f.workdays)) or "无")
    out: list = [Text(title, style="bold"), Columns(grids), Text("休 = 法定节假日　班 = 调休上班"), table,
                 Text(f"合计：放假 {len(notice.holidays)} 天，调休上班 {len(notice.workdays)} 天")]
    if notice.unread:
        out.append(Text("未能识别的句子（未计入上表）：", style="bold yellow"))
        out.extend(Text(f"  {s}") for s in notice.unread)
    return out
