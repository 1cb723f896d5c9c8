"""Helpers for collect rounds: fill a returned workbook as a unit would, re-save it with LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

MAIN = "进展报送"


def soffice() -> str:
    """LibreOffice's soffice; skipped on a workstation without it, a failure in CI (where .ci/run installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI 中应已安装 LibreOffice（Debian 包 libreoffice-calc-nogui），却找不到 soffice")
    pytest.skip("not installed: soffice (libreoffice-calc-nogui)")


def columns(ws, header_row: int | None = None) -> tuple[int, dict[str, int]]:
    """The header row of the fill-in sheet and each header's column (1-based)."""
    for r in range(1, 16):
        heads = {str(c.value).strip(): c.column for c in ws[r] if c.value is not None}
        if "编号" in heads and "本期进展" in heads:
            return r, heads
    raise AssertionError("no header row")


def fill(path: Path, answers: dict[str, dict[str, Any]], edit=None) -> Path:
    """Write each task's answers ({header: value}) into its row; `edit(ws, header_row, cols)` may do more."""
    wb = openpyxl.load_workbook(path)
    ws = wb[MAIN]
    head, cols = columns(ws)
    for r in range(head + 1, ws.max_row + 1):
        task_id = ws.cell(r, cols["编号"]).value
        for header, value in answers.get(task_id, {}).items():
            ws.cell(r, cols[header]).value = value
    if edit is not None:
        edit(ws, head, cols)
    wb.save(path)
    return path


def row_of(path: Path, task_id: str) -> int:
    wb = openpyxl.load_workbook(path)
    ws = wb[MAIN]
    head, cols = columns(ws)
    for r in range(head + 1, ws.max_row + 1):
        if ws.cell(r, cols["编号"]).value == task_id:
            return r
    raise AssertionError(f"{task_id} not in {path.name}")


def move_column(ws, header_row: int, cols: dict[str, int], header: str, to: int) -> None:
    """Move one column (header and values) to position `to`, shifting the others: a unit reordering columns."""
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row)]
    order = [h for h, _ in sorted(cols.items(), key=lambda kv: kv[1])]
    order.remove(header)
    order.insert(to - 1, header)
    for i, row in enumerate(values):
        by_head = {h: row[cols[h] - 1] if cols[h] - 1 < len(row) else None for h in cols}
        for j, h in enumerate(order, 1):
            ws.cell(header_row + i, j).value = by_head[h]


def resave(path: Path, tmp: Path) -> Path:
    """The workbook opened and saved again as .xlsx by LibreOffice, replacing the original."""
    exe = soffice()
    out = tmp / "lo-out"
    out.mkdir(exist_ok=True)
    profile = (tmp / "lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(tmp)})
    converted = out / path.name
    assert converted.is_file(), "LibreOffice wrote nothing"
    shutil.move(converted, path)
    return path
