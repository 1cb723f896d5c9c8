"""The bulletin as a Word document (python-docx, the optional `docx` extra): title, date, the report's tables."""

from __future__ import annotations

from pathlib import Path

from . import bulletin
from .errors import UsageError
from .report import Report

BODY_FONT = "仿宋"
HEAD_FONT = "黑体"


def _font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    # Word takes Chinese text's font from eastAsia, not from the Latin name above.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def write_report(rep: Report, path: Path) -> None:
    try:
        import docx
    except ImportError:
        raise UsageError("生成 Word 通报需要 python-docx", "请安装：pip install 'taizhang[docx]'") from None
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(rep.title), "方正小标宋简体", 22, bold=True)
    if rep.org:
        org = doc.add_paragraph()
        org.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(org.add_run(rep.org), BODY_FONT, 16)
    when = doc.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(when.add_run(f"统计期间：{rep.start} 至 {rep.end}　统计日期：{rep.as_of}"
                       + ("（据台账历史还原）" if rep.source.startswith("git:") else "")), BODY_FONT, 12)

    def section(heading: str, headers: tuple, rows: list[tuple]) -> None:
        _font(doc.add_paragraph().add_run(heading), HEAD_FONT, 16)
        if not rows:
            _font(doc.add_paragraph().add_run("无。"), BODY_FONT, 12)
            return
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, h in zip(table.rows[0].cells, headers):
            _font(cell.paragraphs[0].add_run(str(h)), HEAD_FONT, 10.5)
        for r in rows:
            for cell, v in zip(table.add_row().cells, r):
                _font(cell.paragraphs[0].add_run("" if v is None else str(v)), BODY_FONT, 10.5)

    section("一、总体情况", ("项目", "数量"), bulletin.summary_rows(rep)[2:])
    section("二、各单位办理情况", bulletin.UNIT_HEADERS, bulletin.unit_rows(rep))
    section("三、逾期事项", bulletin.OVERDUE_HEADERS, bulletin.overdue_rows(rep))
    section("四、延期事项", bulletin.EXT_HEADERS, bulletin.extension_rows(rep))
    n = 5
    if rep.ranking is not None:
        section("五、单位排名（按按期办结率）", bulletin.RANK_HEADERS,
                [(r["rank"], r["unit"], bulletin.rate_text(r["on_time_rate"]), r["overdue"]) for r in rep.ranking])
        n = 6
    numerals = "一二三四五六七八九"
    for heading, headers, rows in bulletin.accountability_sections(rep):
        section(f"{numerals[n - 1]}、{heading}", headers, rows)
        n += 1
    if rep.kind == "unit":
        section(f"{numerals[n - 1]}、事项清单", bulletin.TASK_HEADERS, bulletin.task_rows(rep))
    footer = doc.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(footer.add_run(f"{rep.org or '督查室'}\n{rep.as_of.year}年{rep.as_of.month}月{rep.as_of.day}日"), BODY_FONT, 14)
    doc.save(str(path))
