"""Long task lists drawn without rich's layout engine: the same columns and box as task_table, in one pass."""

from __future__ import annotations

from ..domain.model import LIGHT_LABELS, STATUS_LABELS
from .render import due_cell, due_note

# rich lays out every cell of a table several times; past this many rows that costs
# seconds, so a plain renderer with the same columns and box draws them in one pass.
PLAIN_TABLE_ROWS = 200
ANSI = {"red": "\x1b[1;31m", "yellow": "\x1b[1;33m", "green": "\x1b[32m", None: "\x1b[2m"}


def task_lines(items: list, title: str = "督查事项", color: bool = False) -> str:
    """task_table's table drawn without rich's layout engine: one line per task, CJK-aligned."""
    from rich.cells import cell_len

    header = ("编号", "预警", "事项", "牵头单位", "牵头领导", "时限", "情况", "状态")
    rows = []
    lights = []
    for a in items:
        t = a.task
        due = due_cell(t)
        light = "● " + LIGHT_LABELS[a.light] if a.light else "—"
        rows.append((t.id, light, t.title, t.lead_unit, t.leader, due, due_note(a), STATUS_LABELS[t.status]))
        lights.append(a.light)
    widths = [cell_len(h) for h in header]
    lens = [[cell_len(c) for c in row] for row in rows]
    for row_lens in lens:
        for i, n in enumerate(row_lens):
            if n > widths[i]:
                widths[i] = n

    def line(cells, cell_lens, light=None, first="│", sep="│", last="│"):
        parts = []
        for i, (c, n) in enumerate(zip(cells, cell_lens)):
            text = c + " " * (widths[i] - n)
            if color and i == 1:
                text = f"{ANSI[light]}{text}\x1b[0m"
            parts.append(f" {text} ")
        return first + sep.join(parts) + last

    def rule(left, mid, right, ch):
        return left + mid.join(ch * (w + 2) for w in widths) + right

    total = sum(widths) + 3 * len(widths) + 1
    heading = f"{title}（{len(items)} 项）"
    pad = max(0, (total - cell_len(heading)) // 2)
    out = [" " * pad + heading, rule("┏", "┳", "┓", "━"),
           line(header, [cell_len(h) for h in header], first="┃", sep="┃", last="┃"),
           rule("┡", "╇", "┩", "━")]
    out.extend(line(row, row_lens, light) for row, row_lens, light in zip(rows, lens, lights))
    out.append(rule("└", "┴", "┘", "─"))
    if any(a.task.due_provisional for a in items):
        out.append("* 暂定时限：该年节假日安排尚未录入")
    return "\n".join(out) + "\n"
