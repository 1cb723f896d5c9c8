"""Spreadsheet cell safety: ledger text never becomes a live formula in a csv or xlsx we write."""

from __future__ import annotations

import re
from typing import Any, Iterable

# Excel, WPS and LibreOffice evaluate a csv cell starting with one of these (CWE-1236).
RISKY_START = ("=", "+", "-", "@", "\t", "\r")

# Escaped: text whose first character after any leading apostrophes is risky. Counting the
# apostrophes already there keeps export-then-import exact for text such as "'=x" as well.
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")


def safe_text(value: Any) -> Any:
    """A csv cell's value: text that a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and _NEEDS_ESCAPE.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_text(v) for v in values]


def unescape_csv(text: Any) -> Any:
    """What safe_text wrote, read back: exactly the one apostrophe it added, nothing else."""
    if isinstance(text, str) and text.startswith("'") and _NEEDS_ESCAPE.match(text, 1):
        return text[1:]
    return text


def _keep_text(cell) -> None:
    # openpyxl turns any string starting with "=" into a formula and "#N/A" and the like into
    # errors; a string type is stored as an inline string that no spreadsheet evaluates. The
    # quote prefix makes Excel keep it text when a clerk edits the cell and presses Enter.
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True


def set_text(cell, value: Any) -> None:
    """Put value in an openpyxl cell; text stays text (never a formula or an error code)."""
    cell.value = value
    _keep_text(cell)


def append_row(ws, values: Iterable[Any]) -> None:
    """ws.append(values) with every text cell kept as text."""
    from openpyxl.cell import Cell

    row = []
    for value in values:
        cell = Cell(ws, value=value)
        _keep_text(cell)
        row.append(cell)
    ws.append(row)
