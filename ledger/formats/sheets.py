"""Reading an import file within limits: every sheet of an .xlsx (sizes checked before loading) or a CSV, streamed."""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Iterator
from xml.parsers import expat

from ..domain.errors import UsageError
from . import cells

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one import file may hold; beyond it the file is refused before it can exhaust the machine."""

    rows: int = 50_000  # rows per sheet (a city's whole 台账 is about 10,000)
    columns: int = 200
    cell_chars: int = 32_767  # Excel's own limit for one cell
    part_mb: int = 64  # uncompressed size of any one part of an .xlsx (a sheet, the shared strings)
    total_mb: int = 256  # uncompressed size of all parts together
    merged_cells: int = 2_000_000  # cells covered by merged ranges, all sheets together
    sheets: int = 50
    strings: int = 500_000  # shared strings, loaded whole: ten distinct texts a row at the row limit
    styles: int = 100_000  # XML elements in styles.xml: openpyxl builds an object for each


LIMIT_LABELS = {
    "rows": "每个工作表的行数", "columns": "列数", "cell_chars": "单元格字数", "part_mb": "xlsx 单个部件解压后大小（MB）",
    "total_mb": "xlsx 解压后总大小（MB）", "merged_cells": "合并单元格覆盖的格数", "sheets": "工作表个数",
    "strings": "共享字符串条数", "styles": "样式表元素个数",
}


def limits_from(config: Any, overrides: list[str] | None = None) -> Limits:
    """taizhang.yaml's import_limits (a mapping), then `--limit key=N` options, over the defaults."""
    values: dict[str, Any] = {}
    if config is not None:
        if not isinstance(config, dict):
            raise UsageError("taizhang.yaml 中 import_limits 应为键值表", "如 import_limits: {rows: 100000}")
        values.update(config)
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--limit 写法不对：{item!r}", "请写成 --limit rows=100000")
        values[key.strip()] = value.strip()
    names = {f.name for f in fields(Limits)}
    out: dict[str, int] = {}
    for key, value in values.items():
        if key not in names:
            raise UsageError(f"没有名为 {key!r} 的导入限制", "可设置：" + "、".join(sorted(names)))
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = 0
        if isinstance(value, bool) or n <= 0:
            raise UsageError(f"导入限制 {key} 应为正整数，而不是 {value!r}", f"如 {key}={getattr(Limits, key)}")
        out[key] = n
    return replace(Limits(), **out)


def too_big(what: str, limit_key: str, limits: Limits) -> UsageError:
    value = getattr(limits, limit_key)
    return UsageError(f"{what}，超出导入限制（{LIMIT_LABELS[limit_key]} {value}）",
                      f"确属正常文件请加 --limit {limit_key}=更大的值，或在 taizhang.yaml 的 import_limits 中调整")


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    hidden: bool = False


def read(path: Path, limits: Limits) -> list[Sheet]:
    """Every sheet of the file, or one Chinese UsageError; nothing larger than `limits` is ever loaded."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}", "请检查文件路径")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, limits)
    if suffix in (".csv", ".txt", ".tsv"):
        return [Sheet(path.stem, read_csv(path, limits))]
    raise UsageError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}", "只能导入 .xlsx 或 .csv 文件")


# -- xlsx ---------------------------------------------------------------------------
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _check_parts(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    # The sizes in the zip directory bound what zipfile will ever inflate: it stops at the
    # declared size and fails the CRC check, so a part cannot grow past what it declares.
    total = 0
    for info in zf.infolist():
        if info.file_size > limits.part_mb * MB:
            raise too_big(f"{name} 中的 {info.filename} 解压后有 {info.file_size // MB} MB", "part_mb", limits)
        total += info.file_size
    if total > limits.total_mb * MB:
        raise too_big(f"{name} 解压后共有 {total // MB} MB", "total_mb", limits)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Sheet name → (its part in the zip, hidden), from workbook.xml and its relationships."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str, bool]] = []

    def rel(el: str, attrs: dict) -> None:
        if el.endswith("}Relationship"):
            t = attrs.get("Target", "")
            targets[attrs.get("Id", "")] = t.lstrip("/") if t.startswith("/") else "xl/" + t

    def sheet(el: str, attrs: dict) -> None:
        if el.endswith("}sheet"):
            sheets.append((attrs.get("name", ""), attrs.get(_NS_REL + "id", ""), attrs.get("state", "visible") != "visible"))

    _scan(zf, "xl/_rels/workbook.xml.rels", rel)
    _scan(zf, "xl/workbook.xml", sheet)
    return {name: (targets.get(rid, ""), hidden) for name, rid, hidden in sheets}


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class _Stop(Exception):
    pass


def _scan(zf: zipfile.ZipFile, part: str, on_start) -> None:
    """Stream one XML part through expat, calling on_start(name, attrs) per element: no tree is kept,
    so a part of millions of tiny elements costs time, not memory."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = on_start
    with zf.open(part) as f:
        while chunk := f.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _check_counts(zf: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """The parts openpyxl loads whole: shared strings and styles, counted before it builds them."""
    for part, tag, key, what in (("xl/sharedStrings.xml", "si", "strings", "条共享字符串"),
                                 ("xl/styles.xml", None, "styles", "个样式元素")):
        if part not in zf.namelist():
            continue
        limit, seen = getattr(limits, key), [0]

        def count(el: str, _attrs, tag=tag, limit=limit, seen=seen) -> None:
            if tag is None or el.endswith("}" + tag):
                seen[0] += 1
                if seen[0] > limit:
                    raise _Stop

        try:
            _scan(zf, part, count)
        except _Stop:
            raise too_big(f"{name} 中有超过 {limit} {what}", key, limits) from None


def merged_ranges(zf: zipfile.ZipFile, part: str, sheet: str, limits: Limits,
                  budget: list[int]) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range, refused when one leaves the limits."""
    out: list[tuple[int, int, int, int]] = []
    if not part or part not in zf.namelist():
        return out

    def on_start(el: str, attrs: dict) -> None:
        if not el.endswith("}mergeCell"):
            return
        ref = attrs.get("ref", "")
        m = _REF.match(ref)
        if not m:
            return
        c1, r1 = _col(m.group(1)), int(m.group(2))
        c2, r2 = (_col(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
        if r2 > limits.rows:
            raise too_big(f"工作表“{sheet}”的合并单元格 {ref} 延伸到第 {r2} 行", "rows", limits)
        if c2 > limits.columns:
            raise too_big(f"工作表“{sheet}”的合并单元格 {ref} 延伸到第 {c2} 列", "columns", limits)
        budget[0] -= (r2 - r1 + 1) * (c2 - c1 + 1)
        if budget[0] < 0:
            raise too_big(f"合并单元格共覆盖超过 {limits.merged_cells} 格", "merged_cells", limits)
        out.append((r1, c1, r2, c2))

    _scan(zf, part, on_start)
    return out


def read_xlsx(path: Path, limits: Limits) -> list[Sheet]:
    from openpyxl import load_workbook

    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            _check_parts(zf, name, limits)
            _check_counts(zf, name, limits)
            parts = _sheet_parts(zf)
            if len(parts) > limits.sheets:
                raise too_big(f"{name} 有 {len(parts)} 个工作表", "sheets", limits)
            budget = [limits.merged_cells]
            merges = {s: merged_ranges(zf, part, s, limits, budget) for s, (part, _) in parts.items()}
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = []
            for ws in wb.worksheets:
                rows = _sheet_rows(ws.iter_rows(max_col=limits.columns + 1, max_row=limits.rows + 1,
                                                values_only=True), ws.title, limits)
                _fill_merged(rows, merges.get(ws.title, []))
                sheets.append(Sheet(ws.title, rows, parts.get(ws.title, ("", False))[1]))
            return sheets
        finally:
            wb.close()
    except UsageError:
        raise
    except MemoryError:
        raise UsageError(f"{name} 太大，内存不足以读取", "请拆分文件后分别导入") from None
    except Exception as e:  # openpyxl and zipfile raise many kinds for a damaged file
        raise UsageError(f"读不了 Excel 文件 {name}：{type(e).__name__} {e}".rstrip(),
                         "请确认是 .xlsx 格式（.xls 请先另存为 .xlsx）") from None


def _sheet_rows(rows: Iterator[tuple], sheet: str, limits: Limits) -> list[list[Any]]:
    out: list[list[Any]] = []
    for i, row in enumerate(rows, 1):
        if i > limits.rows:
            if any(v is not None and v != "" for v in row):
                raise too_big(f"工作表“{sheet}”超过 {limits.rows} 行", "rows", limits)
            break
        cells = list(row)
        if len(cells) > limits.columns:
            if cells[limits.columns] not in (None, ""):
                raise too_big(f"工作表“{sheet}”第 {i} 行超过 {limits.columns} 列", "columns", limits)
            del cells[limits.columns:]
        while cells and cells[-1] is None:
            cells.pop()
        for v in cells:
            if isinstance(v, str) and len(v) > limits.cell_chars:
                raise too_big(f"工作表“{sheet}”第 {i} 行有一个单元格长 {len(v)} 字", "cell_chars", limits)
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _fill_merged(rows: list[list[Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """A merged block's value fills every cell it covers (offices merge a unit over several rows)."""
    for r1, c1, r2, c2 in ranges:
        if r1 > len(rows):
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        for r in range(r1 - 1, min(r2, len(rows))):
            row = rows[r]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1 - 1, c2):
                row[c] = value


# -- csv ----------------------------------------------------------------------------
def csv_encoding(path: Path) -> str:
    """UTF-8 with or without BOM, else GB18030 (what Excel on a Chinese Windows saves); read in chunks."""
    with open(path, "rb") as f:
        if f.read(3) == b"\xef\xbb\xbf":
            return "utf-8-sig"
        f.seek(0)
        dec = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(1 << 20):
                dec.decode(chunk)
            dec.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


def read_csv(path: Path, limits: Limits) -> list[list[Any]]:
    encoding = csv_encoding(path)
    name = path.name
    rows: list[list[Any]] = []
    try:
        with open(path, encoding=encoding, newline="") as f:
            sample = f.read(4096)
            f.seek(0)
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
            old = csv.field_size_limit(limits.cell_chars + 1)
            try:
                reader = csv.reader(f, delimiter=delimiter, strict=True)
                start = 1  # the line a record starts on: an open quote runs on to the end of the file
                for row in reader:
                    if len(rows) >= limits.rows:
                        raise too_big(f"{name} 超过 {limits.rows} 行", "rows", limits)
                    if len(row) > limits.columns:
                        raise too_big(f"{name} 第 {reader.line_num} 行超过 {limits.columns} 列", "columns", limits)
                    if any(len(v) > limits.cell_chars for v in row):
                        raise too_big(f"{name} 第 {reader.line_num} 行有一个单元格超过 {limits.cell_chars} 字",
                                      "cell_chars", limits)
                    rows.append([cells.unescape_csv(v) for v in row])
                    start = reader.line_num + 1
            except csv.Error as e:
                line = start
                if "field larger" in str(e):
                    raise too_big(f"{name} 第 {line} 行起有一个单元格超过 {limits.cell_chars} 字",
                                  "cell_chars", limits) from None
                raise UsageError(f"{name} 第 {line} 行起 CSV 格式不对（引号没有成对？）",
                                 "请用 Excel 打开后另存为“CSV UTF-8”") from None
            finally:
                csv.field_size_limit(old)
    except UnicodeDecodeError:
        raise UsageError(f"{name} 既不是 UTF-8 也不是 GB18030 编码", "请用 Excel 另存为“CSV UTF-8”") from None
    return rows
