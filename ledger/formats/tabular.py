"""Reading offices' own 台账 sheets: find the header, map every column, tell section and subtotal rows, split units."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..domain.phrases import month_of_header

# Field -> header words offices use for it, most specific first. Headers are compared after
# dropping spaces/line breaks and normalising full-width brackets.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "lead_unit": ("牵头单位", "主办单位", "责任单位(牵头)", "牵头责任单位", "牵头部门", "主责单位", "承办单位",
                  "牵头单位(部门)", "主办部门", "承办部门"),
    "units": ("责任单位", "配合单位", "协办单位", "参与单位", "配合部门", "责任单位(配合)", "协同单位", "责任部门",
              "协办部门"),
    "title": ("工作任务", "事项", "任务内容", "重点任务", "事项名称", "督办事项", "督查事项", "工作内容",
              "任务名称", "事项内容", "具体任务", "任务", "批示内容摘要", "批示内容", "建议标题", "案由",
              "提案标题", "议案标题", "标题", "工作事项", "督办内容"),
    "leader": ("责任领导", "牵头领导", "分管领导", "包抓领导", "领导", "批示领导", "包联领导", "市领导"),
    "contact": ("责任人", "联系人", "具体责任人", "经办人", "联络员"),
    "due": ("完成时限", "办结时限", "时间节点", "时限", "完成时间", "办结时间", "时限要求", "完成期限", "办理时限",
            "办理期限", "截止时间", "截止日期"),
    "assigned_on": ("交办日期", "交办时间", "立项日期", "下达日期", "批示日期", "批示时间"),
    "source": ("来源", "任务来源", "事项来源", "批示来源"),
    "ref": ("文号", "交办文号", "依据", "文件依据", "批示文号", "建议编号", "提案编号"),
    "description": ("事项说明", "备注", "说明", "具体要求", "具体内容", "工作要求", "目标要求"),
    "tags": ("标签", "类别", "分类", "类型"),
    "status": ("完成情况", "办理情况", "状态", "办理状态", "完成状态", "是否完成", "办结情况"),
    "progress": ("最新进展", "进展情况", "推进情况", "进展", "工作进展", "进展及成效", "落实情况", "推进落实情况",
                 "进度"),
    "ignore": ("序号", "编号", "预警", "逾期工作日", "工作任务编号"),
}
FIELD_LABELS = {
    "title": "事项", "lead_unit": "牵头单位（多个单位时第一个牵头，其余为责任单位）", "units": "责任单位",
    "leader": "牵头领导", "contact": "责任人", "due": "办结时限", "assigned_on": "交办日期", "source": "来源",
    "ref": "文号", "description": "事项说明", "tags": "标签", "status": "办理状态",
    "progress": "进展（按其中的日期分成多条进展）", "progress_month": "该月进展（记为月底的一条进展）",
    "ignore": "（不导入：序号、预警等由台账自行计算）",
}
# Fields a sheet may hold in several columns; the rest keep the first and name the others.
MULTI = ("progress", "progress_month", "ignore")
_UNIT_SPLIT = re.compile(r"[、，,；;\s/]+")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十百]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部类篇章])")
SUBTOTAL_WORDS = ("合计", "小计", "总计", "共计")


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
    if month_of_header(h):
        return "progress_month"
    # "牵头单位(盖章)", "完成时限(2026年)": the word with a remark in brackets
    base = re.sub(r"\(.*?\)", "", h)
    for fld, words in SYNONYMS.items():
        if base in words:
            return fld
    return None


@dataclass
class Mapping:
    header_row: int  # 1-based row number of the header in the sheet
    columns: dict[int, str]  # column index -> field
    headers: dict[int, str]  # column index -> header text as written
    ignored: dict[int, str] = field(default_factory=dict)  # column index -> why it is not imported
    months: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # progress_month column -> (year, month)

    @property
    def unknown(self) -> list[str]:
        return [self.headers[j] for j in sorted(self.ignored)]


def find_header(rows: list[list[Any]], scan: int = 15) -> Mapping | None:
    """The first row among the top `scan` that names a task column and a unit column."""
    for i, row in enumerate(rows[:scan]):
        cols: dict[int, str] = {}
        for j, v in enumerate(row):
            f = header_field(v)
            if f and (f in MULTI or f not in cols.values()):
                cols[j] = f
        found = set(cols.values())
        if "title" in found and ({"lead_unit", "units"} & found):
            return _mapping(i, row, cols)
    return None


def _mapping(i: int, row: list[Any], cols: dict[int, str]) -> Mapping:
    found = set(cols.values())
    # Only a 责任单位 column: it is the lead unit (the first one named leads, the rest assist).
    if "lead_unit" not in found:
        cols = {j: ("lead_unit" if f == "units" else f) for j, f in cols.items()}
    headers = {j: re.sub(r"\s+", " ", str(v)).strip() for j, v in enumerate(row) if norm_header(v)}
    ignored: dict[int, str] = {}
    first: dict[str, int] = {}
    for j in sorted(headers):
        f = header_field(row[j])
        if j in cols:
            first.setdefault(cols[j], j)
        elif f is not None:
            other = first.get("lead_unit" if f == "units" and "lead_unit" not in found else f)
            ignored[j] = f"（与“{headers[other]}”列重复，不导入）" if other is not None else "（不导入）"
        else:
            ignored[j] = "（未识别，不导入）"
    months = {j: month_of_header(norm_header(row[j])) for j, f in cols.items() if f == "progress_month"}
    return Mapping(i + 1, cols, headers, ignored, months)


def split_units(text: Any) -> list[str]:
    out: list[str] = []
    for u in _UNIT_SPLIT.split("" if text is None else str(text)):
        u = u.strip()
        if u and u not in out:
            out.append(u)
    return out


def row_kind(row: list[Any], mapping: Mapping) -> tuple[str, str] | None:
    """("section", its name) for a category row such as 一、经济发展类, ("subtotal", text) for 合计/小计;
    None for a task row. A title merged across the row fills every column with the same words."""
    texts = [re.sub(r"\s+", "", str(v)) for v in row if v is not None and str(v).strip()]
    if not texts:
        return None
    compact = [t.replace(" ", "") for t in texts]
    if any(t in SUBTOTAL_WORDS or re.fullmatch(r"(?:" + "|".join(SUBTOTAL_WORDS) + r")[:：].{0,12}", t)
           for t in compact[:3]):
        return "subtotal", texts[0]
    cells = {f: row[j] for j, f in mapping.columns.items() if j < len(row) and f != "ignore"}
    title = re.sub(r"\s+", "", str(cells.get("title") or ""))
    others = {re.sub(r"\s+", "", str(v)) for f, v in cells.items()
              if f in ("lead_unit", "units", "due") and v is not None and str(v).strip()}
    if title and _SECTION.match(title) and others <= {title}:
        return "section", title
    if len(set(compact)) == 1 and not title and _SECTION.match(compact[0]):
        return "section", compact[0]
    return None


def section_tag(name: str) -> str:
    """一、经济发展类 → 经济发展类: the category a section row names, as a tag for the rows under it."""
    return _SECTION.sub("", name).strip(" ：:") or name
