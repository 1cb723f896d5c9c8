"""Offices' real sheets and hostile import files, built for the import tests and bench/imports.py."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

UNITS = ["市住建局", "市财政局", "市自然资源局", "市交通局", "市发改委", "市教育局", "市卫健委", "市生态环境局",
         "市水利局", "市商务局", "市城管局", "市文旅局"]
SEPARATORS = ["、", "，", ",", "；", " ", "\n"]
# Deadlines as a city's sheet writes them; with today 2026-11-20 most are past.
DEADLINES = ["2026年3月底", "2026-06-30", "2026.9", "10月底前", "2026年5月20日", dt.date(2026, 8, 31), "上半年",
             "2026年第三季度末", "2026年底", "长期坚持", "2026/4/15", "9月底"]


def city_sheet(path: Path, n: int) -> None:
    """The most common shape of a city's 台账: 序号 / 工作任务 / 牵头单位 / 责任单位 / 完成时限, no 交办日期."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("重点任务")
    ws.append(["2026年全市重点工作任务台账"])
    ws.append(["序号", "工作任务", "牵头单位", "责任单位", "完成时限"])
    for i in range(1, n + 1):
        sep = SEPARATORS[i % len(SEPARATORS)]
        lead = UNITS[i % len(UNITS)]
        if i % 7 == 0:  # several lead units: the first leads, the rest assist
            lead += sep + UNITS[(i + 5) % len(UNITS)]
        co = sep.join(UNITS[(i + k) % len(UNITS)] for k in (1, 2)) if i % 3 else ""
        ws.append([i, f"第{i}项重点工作：推进{UNITS[i % len(UNITS)][1:]}牵头的项目建设", lead, co,
                   DEADLINES[i % len(DEADLINES)]])
    wb.save(path)


def titled(ws, name: str, title: str, note: str, last_col: str):
    """A sheet as offices start it: a title row and a note row, each merged across the table."""
    ws.title = name
    ws["A1"], ws["A2"] = title, note
    ws.merge_cells(f"A1:{last_col}1")
    ws.merge_cells(f"A2:{last_col}2")
    return ws


def office_workbook(path: Path) -> None:
    """An office's whole workbook: title rows, three sheets, status and progress columns, sections and subtotals."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = titled(wb.active, "重点工作", "2026年市政府重点工作督查台账", "填报单位：市政府督查室", "J")
    ws.append(["序号", "工作任务", "牵头单位", "责任单位", "完成时限", "完成情况", "进展情况", "9月进展", "10月进展", "备用列"])
    rows = [
        ["一、经济发展类"] + [None] * 9,  # row 4: section (merged across below)
        [1, "推进老旧小区改造", "市住建局、市财政局", "市自然资源局", "2026年10月底", "已完成",
         "10月15日：完成招标；11月3日：开工", None, None, "x"],
        [2, "新建口袋公园", "市城管局", "市财政局", "10月底前", "进行中", "2026.10.15 完成选址\n2026.11.02 开工建设",
         "完成设计", "完成招标", None],
        [3, "优化营商环境", "市发改委", "市商务局；市政务服务中心", "2026年底", "推进中", "已形成方案", None, None, None],
        [4, "清理拖欠账款", "市财政局", "", "2026.12", "已撤销", None, None, None, None],
        ["小计", None, None, None, None, "4项", None, None, None, None],  # row 9: subtotal
        ["二、民生保障类"] + [None] * 9,  # row 10
        [5, "整治黑臭水体", "市生态环境局", "市水利局 各区政府", "长期坚持", "", None, None, None, None],
        [6, "安全生产大排查", "市应急局", "", "每季度末", "未完成", None, None, None, None],
        [7, "推进政务公开", "市政府办", "", "年内", "已办结", None, None, None, None],
        [8, "常态化疫情监测", "市卫健委", "", "持续推进", "取消", None, None, None, None],
        [9, "防汛调度", "市水利局", "", "每月", "", "汛期已调度12次", None, None, None],
        [None] * 10,  # row 16: blank
        ["合  计", "9项", None, None, None, None, None, None, None, None],  # row 17
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A4:J4")
    ws.merge_cells("A10:J10")

    ws2 = wb.create_sheet("领导批示")
    ws2.append(["2026年领导批示件办理台账"])
    ws2.append(["编号", "批示内容摘要", "批示领导", "批示日期", "承办单位", "办理时限", "办理情况", "具体内容"])
    ws2.append(["P1", "关于背街小巷整治的批示", "张市长", "2026年3月2日", "市城管局", "2026年6月30日", "已完成",
                "限期完成整治"])
    ws2.append(["P2", "关于学校周边交通的批示", "李副市长", "2026-04-10", "市交通局、市教育局", "12月底",
                "已完成招标，正在施工", "上下学高峰疏导"])

    ws3 = wb.create_sheet("填表说明")
    ws3.append(["本表由各单位每月5日前报送"])
    ws3.append(["联系人：王科长"])
    wb.save(path)


# -- hostile files ---------------------------------------------------------------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>工作任务</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>牵头单位</t></is></c></row>')


def _xlsx(path: Path, sheet: bytes | list[bytes], strings: bytes | list[bytes] = b"",
          styles: list[bytes] | None = None) -> None:
    """A minimal workbook by hand; a list of chunks is streamed, so a part can be far larger than memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        for name, data in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings or [
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="0" uniqueCount="0"/>'])):
            with z.open(name, "w", force_zip64=True) as f:
                for chunk in ([data] if isinstance(data, bytes) else data):
                    f.write(chunk)
        if styles:
            with z.open("xl/styles.xml", "w", force_zip64=True) as f:
                for chunk in styles:
                    f.write(chunk)


def merge_bomb(path: Path) -> None:
    """2 KB that merges A3:XFD1048576: filling the merge would touch 17 billion cells."""
    _xlsx(path, (_SHEET_HEAD + '</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/>'
                 '</mergeCells></worksheet>').encode())


def zip_bomb(path: Path, mb: int = 200) -> None:
    """A sheet part that inflates to `mb` MB of whitespace from a few hundred KB."""
    blank = b" " * (1 << 20)
    _xlsx(path, [_SHEET_HEAD.encode(), *([blank] * mb), b"</sheetData></worksheet>"])


def shared_strings_bomb(path: Path, mb: int = 100) -> None:
    """Shared strings that inflate to `mb` MB: openpyxl would hold every one of them in memory."""
    one = b"<si><t>" + "重复的字符串".encode() * 40 + b"</t></si>"
    per_mb = (1 << 20) // len(one)
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">')
    _xlsx(path, (_SHEET_HEAD + "</sheetData></worksheet>").encode(),
          [head, *([one * per_mb] * mb), b"</sst>"])


def many_strings(path: Path, n: int = 1_200_000) -> None:
    """Over a million tiny shared strings, inside the size limit: each one a Python object once loaded."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">')
    _xlsx(path, (_SHEET_HEAD + "</sheetData></worksheet>").encode(),
          [head, *([b"<si><t>x</t></si>" * 10_000] * (n // 10_000)), b"</sst>"])


def styles_bomb(path: Path, n: int = 800_000) -> None:
    """800,000 cell formats in 50 MB of styles.xml: openpyxl took 108 s and 1.4 GB to build them."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><cellXfs count="%d">' % n)
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 10_000
    _xlsx(path, (_SHEET_HEAD + "</sheetData></worksheet>").encode(),
          styles=[head, *([xf] * (n // 10_000)), b"</cellXfs></styleSheet>"])


def long_field_csv(path: Path, kib: int = 200) -> None:
    path.write_text("工作任务,牵头单位,完成时限\n" + "长" * (kib * 1024) + ",市财政局,2026-12-31\n", encoding="utf-8")


def unclosed_quote_csv(path: Path) -> None:
    path.write_text('工作任务,牵头单位,完成时限\n"没有闭合的引号,市财政局,2026-12-31\n第二项,市住建局,2026-12-31\n',
                    encoding="utf-8")


def many_rows_csv(path: Path, n: int = 2_000_000) -> None:
    row = "推进一项普通的重点工作任务,市财政局,2026-12-31\n".encode()
    with open(path, "wb") as f:
        f.write("工作任务,牵头单位,完成时限\n".encode())
        block = row * 10_000
        for _ in range(n // 10_000):
            f.write(block)
