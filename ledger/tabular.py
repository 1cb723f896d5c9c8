"""Reading offices' own 台账 sheets: find the header, map synonyms, parse Chinese dates and unit lists."""

from __future__ import annotations

import calendar as _calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from . import cells

Date = dt.date

# Field -> header words offices use for it, most specific first. Headers are compared after
# dropping spaces/line breaks and normalising full-width brackets.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "lead_unit": ("牵头单位", "主办单位", "责任单位(牵头)", "牵头责任单位", "牵头部门", "主责单位", "承办单位"),
    "units": ("责任单位", "配合单位", "协办单位", "参与单位", "配合部门", "责任单位(配合)", "协同单位"),
    "title": ("工作任务", "事项", "任务内容", "重点任务", "事项名称", "督办事项", "督查事项", "工作内容",
              "任务名称", "事项内容", "具体任务", "任务"),
    "leader": ("责任领导", "牵头领导", "分管领导", "包抓领导", "领导"),
    "contact": ("责任人", "联系人", "具体责任人", "经办人"),
    "due": ("完成时限", "办结时限", "时间节点", "时限", "完成时间", "办结时间", "时限要求", "完成期限"),
    "assigned_on": ("交办日期", "交办时间", "立项日期", "下达日期"),
    "source": ("来源", "任务来源", "事项来源"),
    "ref": ("文号", "交办文号", "依据", "文件依据"),
    "description": ("事项说明", "备注", "说明", "具体要求"),
    "tags": ("标签", "类别", "分类"),
    "progress": ("最新进展", "进展情况", "完成情况", "推进情况", "进展"),
    "ignore": ("序号", "编号", "状态", "预警", "逾期工作日"),
}
FIELD_LABELS = {
    "title": "事项", "lead_unit": "牵头单位", "units": "责任单位", "leader": "牵头领导", "contact": "责任人",
    "due": "办结时限", "assigned_on": "交办日期", "source": "来源", "ref": "文号", "description": "事项说明",
    "tags": "标签", "progress": "进展（记为一条进展）", "ignore": "（不导入）",
}
NO_DEADLINE = ("长期", "持续推进", "长期坚持", "常态化", "持续", "长期推进", "常态化推进", "无")
_UNIT_SPLIT = re.compile(r"[、，,；;\s/]+")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def norm_header(value: Any) -> str:
    s = "" if value is None else str(value)
    s = s.replace("（", "(").replace("）", ")").replace("：", "").replace(":", "")
    return re.sub(r"\s+", "", s)


def header_field(value: Any) -> str | None:
    h = norm_header(value)
    if not h:
        return None
    for fld, words in SYNONYMS.items():
        if h in words:
            return fld
    # "牵头单位(盖章)", "完成时限(2026年)": the word with a remark in brackets
    base = re.sub(r"\(.*?\)", "", h)
    for fld, words in SYNONYMS.items():
        if base in words:
            return fld
    return None


@dataclass
class Mapping:
    header_row: int  # 1-based row number of the header in the file
    columns: dict[int, str]  # column index -> field
    headers: dict[int, str]  # column index -> header text as written
    unknown: list[str] = field(default_factory=list)


def find_header(rows: list[list[Any]], scan: int = 15) -> Mapping | None:
    """The first row among the top `scan` that names a task column and a unit column."""
    for i, row in enumerate(rows[:scan]):
        cols: dict[int, str] = {}
        for j, v in enumerate(row):
            f = header_field(v)
            if f and (f == "ignore" or f not in cols.values()):
                cols[j] = f
        found = set(cols.values())
        if "title" in found and ({"lead_unit", "units"} & found):
            # Only a 责任单位 column: it is the lead unit (the first one named leads, the rest assist).
            if "lead_unit" not in found:
                cols = {j: ("lead_unit" if f == "units" else f) for j, f in cols.items()}
            headers = {j: str(row[j]).strip() for j in cols}
            unknown = [str(v).strip() for j, v in enumerate(row) if j not in cols and norm_header(v)]
            return Mapping(i + 1, cols, headers, unknown)
    return None


def split_units(text: Any) -> list[str]:
    out: list[str] = []
    for u in _UNIT_SPLIT.split("" if text is None else str(text)):
        u = u.strip()
        if u and u not in out:
            out.append(u)
    return out


def _month_end(y: int, m: int) -> Date:
    return Date(y, m, _calendar.monthrange(y, m)[1])


def excel_serial(n: float) -> Date:
    """Excel's 1900 date system (its fictitious 1900-02-29 is why the epoch is 1899-12-30)."""
    return Date(1899, 12, 30) + dt.timedelta(days=int(n))


class DateProblem(ValueError):
    pass


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
    s = re.sub(r"\s+", "", str(value))
    s = re.sub(r"(之前|以前|前|止|完成)$", "", s)
    if not s:
        raise DateProblem("没有填写")
    if s in NO_DEADLINE:
        return None
    try:
        if re.fullmatch(r"\d{5}(\.0+)?", s):
            return excel_serial(float(s))
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
        if m:
            return Date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{4})年(\d{1,2})月(底|末|)", s) or re.fullmatch(r"(\d{4})[-/.](\d{1,2})()", s)
        if m:
            return _month_end(int(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"(\d{1,2})月(\d{1,2})日", s)
        if m:
            return Date(ref_year, int(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"(\d{1,2})月(底|末|)", s)
        if m:
            return _month_end(ref_year, int(m.group(1)))
        m = re.fullmatch(r"(?:(\d{4})年)?(?:年底|年末|底|末)", s)
        if m:
            return Date(int(m.group(1) or ref_year), 12, 31)
        m = re.fullmatch(r"(?:(\d{4})年)?(?:第)?([一二三四1-4])季度(?:末|底)?", s)
        if m:
            q = _CN_NUM[m.group(2)]
            return _month_end(int(m.group(1) or ref_year), q * 3)
        m = re.fullmatch(r"(?:(\d{4})年)?(?:上半年|上半年底|年中)(?:末|底)?", s)
        if m:
            return Date(int(m.group(1) or ref_year), 6, 30)
    except ValueError:
        raise DateProblem(f"日期不存在：{value}") from None
    raise DateProblem(f"看不懂的日期：{value}")


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM, else GB18030 (what Excel on a Chinese Windows saves)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DateProblem("CSV 文件既不是 UTF-8 也不是 GB18030 编码") from None


def read_csv(data: bytes) -> list[list[Any]]:
    text = decode_csv(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [[cells.unescape_csv(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_xlsx(path) -> list[list[Any]]:
    """The first sheet's values; a merged block's value fills every cell it covers (offices merge units)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = value
    wb.close()
    return rows
