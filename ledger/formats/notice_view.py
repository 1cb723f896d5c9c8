"""What `calendar notice` shows before writing: the year's grid, the festivals, the unread sentences."""

from __future__ import annotations

from ..domain.notice import Notice
from ..domain.workdays import Calendar

_WEEKDAY = "一二三四五六日"


def _day(d) -> str:
    return f"{d.month}月{d.day}日（周{_WEEKDAY[d.weekday()]}）"


_MARK = {"holiday": ("休", "bold red"), "makeup": ("班", "bold blue"), "weekend": ("  ", "dim")}


def year_grid(year: int, cal: Calendar, per_row: int):
    """Twelve months as text, three abreast like `cal -y`; rich tables took a second to lay out."""
    from rich.text import Text

    width = 7 * 5 - 1  # seven cells "dd休" of four columns, one space apart

    def month_lines(month: int) -> list:
        label = f"{month} 月"
        pad = width - (len(str(month)) + 3)
        lines = [Text(" " * (pad // 2) + label + " " * (pad - pad // 2), style="bold"),
                 Text(" ".join(f"{d}  " for d in _WEEKDAY))]
        days = cal.month_days(year, month)
        cells: list = [("    ", "")] * days[0][0].weekday()
        for d, _, why in days:
            mark, style = _MARK.get(why, ("  ", ""))
            cells.append((f"{d.day:>2}{mark}", style))
        cells += [("    ", "")] * (-len(cells) % 7)
        for i in range(0, len(cells), 7):
            line = Text()
            for j, (cell, style) in enumerate(cells[i:i + 7]):
                line.append((" " if j else "") + cell, style=style)
            lines.append(line)
        return lines

    out = Text()
    for first in range(1, 13, per_row):
        blocks = [month_lines(m) for m in range(first, first + per_row)]
        for row in range(max(map(len, blocks))):
            for k, block in enumerate(blocks):
                out.append("    " if k else "")
                out.append(block[row] if row < len(block) else Text(" " * width))
            out.append("\n")
        out.append("\n")
    return out


def notice_view(notice: Notice, cal: Calendar) -> list:
    """Rich renderables: the year's grid, the count per festival, what could not be read."""
    from rich.table import Table
    from rich.text import Text

    title = notice.title + (f"（{notice.ref}）" if notice.ref else "")
    table = Table(title=f"{notice.year} 年放假安排", header_style="bold")
    for c in ("节日", "放假", "天数", "调休上班"):
        table.add_column(c)
    for f in notice.festivals:
        span = _day(f.first) if f.first == f.last else f"{_day(f.first)}至{_day(f.last)}"
        table.add_row(f.name, span, str(len(f.days)), "、".join(map(_day, f.workdays)) or "无")
    from .render import console

    per_row = max(1, min(3, (console().width + 4) // 38))  # a month is 34 columns, 4 apart
    out: list = [Text(f"{title}\n", style="bold"), year_grid(notice.year, cal, per_row),
                 Text("休 = 法定节假日　班 = 调休上班"), table,
                 Text(f"合计：放假 {len(notice.holidays)} 天，调休上班 {len(notice.workdays)} 天")]
    if notice.unread:
        out.append(Text("未能识别的句子（未计入上表）：", style="bold yellow"))
        out.extend(Text(f"  {s}") for s in notice.unread)
    return out
