"""The bulletin as a GB/T 9704 document (python-docx, the optional `docx` extra): 版头, title, the report's tables."""

from __future__ import annotations

import datetime as dt

from ..domain.report import Report
from . import bulletin, gbt9704
from .gbt9704 import Block

TABLE_PT = 10.5  # 5号: a bulletin's tables have up to eight columns
WIDE = {"事项": 3.0, "原因": 2.5, "约谈记录": 3.0, "项目": 2.0, "单位": 2.0, "牵头单位": 2.0, "最近协调": 1.6,
        "被约谈人": 1.4}
NUMERALS = "一二三四五六七八九十"


def widths(headers: tuple) -> tuple[float, ...]:
    """Columns across the 版心 in mm, the text-heavy ones wider."""
    weights = [WIDE.get(h, 1.0) for h in headers]
    return tuple(gbt9704.TEXT_W * w / sum(weights) for w in weights)


def blocks(rep: Report, issued: dt.date | None = None) -> list[Block]:
    """The bulletin as blocks: the same sections, in the same order, as bulletin.to_markdown."""
    out = [Block("masthead", rep.org or "督查室"), Block("title", rep.title),
           Block("body", f"统计期间：{rep.start} 至 {rep.end}，统计日期：{rep.as_of}"
                         + ("（据台账历史还原）。" if rep.source.startswith("git:") else "。"))]
    sections = [("总体情况", ("项目", "数量"), bulletin.summary_rows(rep)[2:]),
                ("各单位办理情况", bulletin.UNIT_HEADERS, bulletin.unit_rows(rep)),
                ("逾期事项", bulletin.OVERDUE_HEADERS, bulletin.overdue_rows(rep)),
                ("延期事项", bulletin.EXT_HEADERS, bulletin.extension_rows(rep))]
    if rep.ranking is not None:
        sections.append(("单位排名（按按期办结率）", bulletin.RANK_HEADERS,
                         [(r["rank"], r["unit"], bulletin.rate_text(r["on_time_rate"]), r["overdue"])
                          for r in rep.ranking]))
    sections += bulletin.accountability_sections(rep)
    if rep.kind == "unit":
        sections.append(("事项清单", bulletin.TASK_HEADERS, bulletin.task_rows(rep)))
    for n, (heading, headers, rows) in enumerate(sections):
        out.append(Block("heading1", f"{NUMERALS[n]}、{heading}"))
        if rows:
            out.append(Block("table", rows=[tuple(headers), *rows], widths=widths(headers), header=True))
        else:
            out.append(Block("body", "无。"))
    out += [Block("signature", rep.org or "督查室"), Block("date", gbt9704.chinese_date(issued or rep.as_of))]  # 成文日期: the day it is issued
    return out


def report_document(rep: Report, base, fonts: dict[str, str], for_pdf: bool = False,
                    issued: dt.date | None = None):
    doc = gbt9704.new_document(base, fonts, for_pdf)
    gbt9704.render(doc, blocks(rep, issued), table_pt=TABLE_PT)
    return doc
