"""Excel workbooks with openpyxl: the bulletin (汇总/单位统计/逾期清单/全部事项) and task exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from ..domain.model import LIGHT_LABELS, STATUS_LABELS
from ..domain.report import Report, rate_text
from . import bulletin, cells

LIGHT_FILL = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
HEADER_FILL = "DDEBF7"

# The task sheet's columns: header, key in task_json, width. The headers are ones `import` knows.
TASK_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("编号", "id", 12), ("事项", "title", 40), ("状态", "status_label", 8), ("预警", "light_label", 7),
    ("逾期工作日", "overdue_workdays", 10), ("牵头单位", "lead_unit", 16), ("责任单位", "units", 22),
    ("牵头领导", "leader", 10), ("责任人", "contact", 10), ("来源", "source", 12), ("文号", "ref", 18),
    ("交办日期", "assigned_on", 12), ("办结时限", "due", 12), ("标签", "tags", 12),
    ("事项说明", "description", 30), ("最新进展", "last_progress", 30),
)


def task_cells(row: dict[str, Any]) -> list[Any]:
    """One task_json row as the task sheet's (and CSV export's) cell values."""
    out = []
    for _, key, _ in TASK_COLUMNS:
        if key == "light_label":
            v = LIGHT_LABELS[row.get("light")]
        elif key == "last_progress":
            v = row["progress"][-1]["text"] if row.get("progress") else ""
        elif key == "due" and row.get("due") is None:
            v = "长期"  # no deadline; `import` reads it back as none
        elif key == "status_label":
            v = STATUS_LABELS[row["status"]]
        else:
            v = row.get(key)
        if isinstance(v, list):
            v = "、".join(v)
        out.append("" if v is None else v)
    return out


DATE_KEYS = ("assigned_on", "due")


TASK_DATE_COLUMNS = tuple(i for i, (_, key, _) in enumerate(TASK_COLUMNS) if key in DATE_KEYS)


def with_dates(values: Iterable[Any], columns: Iterable[int]) -> list[Any]:
    """The row with its ISO date texts at `columns` as real dates, so Excel sorts and filters them
    as dates; anything else there (长期, —) stays as it is."""
    out = list(values)
    for i in columns:
        v = out[i]
        if isinstance(v, str) and len(v) == 10 and v[4] == "-":
            out[i] = dt.date.fromisoformat(v)
    return out


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "head_font": Font(bold=True),
        "head_fill": PatternFill("solid", fgColor=HEADER_FILL),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "fill": lambda color: PatternFill("solid", fgColor=color),
    }


def _sheet(wb, title: str, headers: Iterable[str], rows: Iterable[Iterable[Any]], widths: Iterable[int],
           st: dict, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    headers = list(headers)
    cells.append_row(ws, headers)
    for c in ws[1]:
        c.font, c.fill, c.border, c.alignment = st["head_font"], st["head_fill"], st["border"], st["center"]
    for r in rows:
        cells.append_row(ws, r)
    for i, w in enumerate(widths, 1):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    return ws


def _date_sheet(wb, title: str, headers: tuple[str, ...], rows: Iterable[Iterable[Any]], dates: tuple[int, ...],
                widths: Iterable[int], st: dict, first: bool = False):
    """A sheet whose `dates` columns (0-based) hold real dates shown as yyyy-mm-dd."""
    ws = _sheet(wb, title, headers, (with_dates(r, dates) for r in rows), widths, st, first)
    for i in dates:
        for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell.number_format = "yyyy-mm-dd"
    return ws


def _colour_lights(ws, column: int, st: dict) -> None:
    # One fill object per colour: openpyxl compares each new style with all it holds.
    by_label = {LIGHT_LABELS[k]: st["fill"](v) for k, v in LIGHT_FILL.items()}
    for row in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        fill = by_label.get(row[0].value)
        if fill is not None:
            row[0].fill = fill


def _task_sheet(wb, title: str, rows: list[dict[str, Any]], st: dict, first: bool = False):
    ws = _date_sheet(wb, title, tuple(c[0] for c in TASK_COLUMNS), (task_cells(r) for r in rows),
                     TASK_DATE_COLUMNS, [c[2] for c in TASK_COLUMNS], st, first)
    _colour_lights(ws, 4, st)
    ws.auto_filter.ref = ws.dimensions
    return ws


def write_tasks(rows: list[dict[str, Any]], path: Path, title: str = "督查事项") -> None:
    """An export: one sheet of tasks in task_json form, formatted like the report's 全部事项."""
    from openpyxl import Workbook

    wb = Workbook()
    _task_sheet(wb, title, rows, _styles(), first=True)
    wb.save(path)


def write_report(rep: Report, task_rows: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    st = _styles()
    wb = Workbook()
    ws = _sheet(wb, "汇总", ("项目", "数值"), bulletin.summary_rows(rep), (24, 28), st, first=True)
    ws.insert_rows(1)
    cells.set_text(ws["A1"], f"{(rep.org + ' ') if rep.org else ''}{rep.title}")
    ws["A1"].font = st["head_font"]
    ws.freeze_panes = "A3"

    ws = _sheet(wb, "单位统计", bulletin.UNIT_HEADERS,
                [(u.unit, u.held, u.due, u.on_time, u.late, u.overdue,
                  None if u.rate is None else round(u.rate, 4)) for u in rep.units],
                (20, 10, 10, 10, 10, 10, 12), st)
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].number_format = "0.0%"
    if rep.units:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各单位按期办结率"
        chart.y_axis.title = "按期办结率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        n = len(rep.units) + 1
        chart.add_data(Reference(ws, min_col=7, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n))
        chart.legend = None
        chart.height = max(7.5, 0.6 * len(rep.units) + 3)
        chart.width = 18
        ws.add_chart(chart, "I2")

    ws = _date_sheet(wb, "逾期清单", bulletin.OVERDUE_HEADERS, bulletin.overdue_rows(rep), (3, 7),
                     (12, 40, 16, 12, 10, 8, 8, 12), st)
    red = st["fill"](LIGHT_FILL["red"])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].fill = red
    if rep.extensions:
        _date_sheet(wb, "延期事项", bulletin.EXT_HEADERS, bulletin.extension_rows(rep), (3, 4, 5),
                    (12, 40, 16, 12, 12, 12, 30), st)
    if rep.ranking is not None:
        _sheet(wb, "单位排名", bulletin.RANK_HEADERS,
               [(r["rank"], r["unit"], rate_text(r["on_time_rate"]), r["overdue"]) for r in rep.ranking],
               (8, 20, 12, 10), st)
    if rep.interviewed_twice:
        _sheet(wb, "约谈两次", bulletin.INTERVIEW_HEADERS, bulletin.interview_rows(rep), (12, 8, 10, 60), st)
    if rep.written_reports:
        _sheet(wb, "须书面报告", bulletin.WRITTEN_HEADERS, bulletin.written_rows(rep), (12, 40, 16, 16, 12), st)
    _task_sheet(wb, "全部事项", task_rows, st)
    wb.save(path)
