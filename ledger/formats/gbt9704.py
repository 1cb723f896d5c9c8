"""Official documents laid out per GB/T 9704-2012's essentials (python-docx): page, grid, styles, blocks."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import LedgerError, UsageError

# The page and its 版心 (type area): A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
PAGE_W, PAGE_H = 210, 297
TOP, LEFT, TEXT_W, TEXT_H = 37, 28, 156, 225
RIGHT, BOTTOM = PAGE_W - LEFT - TEXT_W, PAGE_H - TOP - TEXT_H
LINES, CHARS = 22, 28
BODY_PT, TITLE_PT, PAGE_NO_PT = 16, 22, 14  # 3号, 2号, 4号
TWIPS_PER_MM = 1440 / 25.4
# Floors, so that 22 lines and 28 characters always fit the 版心.
LINE_PITCH = int(TEXT_H * TWIPS_PER_MM / LINES)  # twips
CHAR_SPACE = int((TEXT_W * 72 / 25.4 / CHARS - BODY_PT) * 4096) - 1  # 1/4096 pt added to the 3号 pitch
CONDENSE = -5  # twentieths of a point: 28 × (16 − 0.25) pt fit the 442 pt line
RED = "FF0000"

# What follows an element we add, in the schema's order (ECMA-376 CT_PPr, CT_RPr).
PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
PPR_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                     "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                     "w:snapToGrid", *PPR_AFTER_SNAP)
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
                     "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                     "w:eastAsianLayout", "w:specVanish", "w:oMath")

# Each role's font, then the faces to fall back to where it is missing (Word reads the
# first fallback from the font table's altName; the PDF is rendered with whichever is installed).
FONTS = {
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "title": ("方正小标宋简体", "方正小标宋_GBK", "宋体", "SimSun", "Noto Serif CJK SC"),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "subheading": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
    "page": ("宋体", "SimSun", "Noto Serif CJK SC"),
}

# style name → (font role, size in pt, alignment, first-line indent in characters)
STYLES = {
    "GB Body": ("body", BODY_PT, "justify", 2),
    "GB Masthead": ("title", 26, "center", 0),
    "GB Number": ("body", BODY_PT, "center", 0),
    "GB Title": ("title", TITLE_PT, "center", 0),
    "GB Addressee": ("body", BODY_PT, "left", 0),
    "GB Heading 1": ("heading", BODY_PT, "justify", 2),
    "GB Heading 2": ("subheading", BODY_PT, "justify", 2),
    "GB Signature": ("body", BODY_PT, "right", 0),
    "GB Table": ("body", 14, "left", 0),
    "GB Page Number": ("page", PAGE_NO_PT, "right", 0),
}

HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^（[一二三四五六七八九十]+）")
NUMBER = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")


def chinese_date(day) -> str:
    """成文日期 in Arabic numerals: the year in full, months and days unpadded (2026年1月5日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def is_title_face(name: str) -> bool:
    """A 小标宋 face is heavy already; any other face stands in for it in bold."""
    return "小标宋" in name


@dataclass
class Block:
    kind: str  # masthead | number | title | addressee | body | heading1 | heading2 | table | signature | date
    text: str = ""
    rows: list[tuple[str, ...]] = field(default_factory=list)
    widths: tuple[float, ...] = ()  # mm per column, for tables
    header: bool = False  # the first row names the columns


_MARKS = {"版头": "masthead", "文号": "number", "标题": "title", "主送": "addressee", "署名": "signature",
          "日期": "date"}


def parse(text: str) -> list[Block]:
    """A print template, once its ${fields} are filled, as blocks.

    `版头：` `文号：` `标题：` `主送：` `署名：` `日期：` mark those parts; `表：名称 | 内容` rows make a
    form; a line opening with 一、 or （一） is a heading; any other line is a body paragraph."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("\u3000").rstrip()
        if not line:
            continue
        mark, sep, rest = line.partition("：")
        if sep and mark in _MARKS:
            blocks.append(Block(_MARKS[mark], rest.strip()))
        elif sep and mark == "表":
            label, _, value = rest.partition("|")
            row = (label.strip(), value.strip())
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(row)
            else:
                blocks.append(Block("table", rows=[row], widths=(36, TEXT_W - 36)))
        elif HEADING_1.match(line):
            blocks.append(Block("heading1", line))
        elif HEADING_2.match(line):
            blocks.append(Block("heading2", line))
        else:
            blocks.append(Block("body", line))
    return blocks


# -- the document ----------------------------------------------------------------
def _docx():
    try:
        import docx
    except ImportError:
        raise UsageError("生成 Word 公文需要 python-docx", "请安装：pip install 'taizhang[docx]'") from None
    return docx


def set_fonts(element, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Word takes Chinese text's font from w:eastAsia, Latin text's from w:ascii/w:hAnsi: set all."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = element.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = element.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document(base: Path | None, fonts: dict[str, str], for_pdf: bool = False):
    """A blank 公文: the ledger's base .docx (its styles, page and header/footer kept, its body
    dropped) or python-docx's blank one laid out here; `fonts` maps each role to a face.

    Word fits 28 3号 characters in the 156 mm line by the character grid; LibreOffice gives a
    character wider than its grid cell two cells, so `for_pdf` keeps the line grid and condenses
    the characters by a quarter point instead: 28 to a line either way."""
    docx = _docx()
    if base is not None:
        try:
            doc = docx.Document(str(base))
        except Exception as e:  # python-docx raises several kinds for a file that is not a .docx
            raise LedgerError(f"打不开公文模板 {base.name}：{e}", "请用 Word 另存为 .docx 后放入台账 templates/ 目录") from None
        body = doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        _ensure_styles(doc, fonts, overwrite=False)
    else:
        doc = docx.Document()
        _page_setup(doc)
        _ensure_styles(doc, fonts, overwrite=True)
        _page_numbers(doc)
    if for_pdf:
        _for_libreoffice(doc)
    return doc


def _page_setup(doc) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    s = doc.sections[0]
    s.page_width, s.page_height = Mm(PAGE_W), Mm(PAGE_H)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(TOP), Mm(BOTTOM), Mm(LEFT), Mm(RIGHT)
    s.header_distance, s.footer_distance = Mm(15), Mm(BOTTOM - 7 - 6)
    sect = s._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    sect.append(grid)


def _ensure_styles(doc, fonts: dict[str, str], overwrite: bool) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, Twips

    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
             "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
    names = {s.name for s in doc.styles}
    if overwrite:
        set_fonts(doc.styles["Normal"], fonts["body"], BODY_PT)
    for name, (role, size, where, indent) in STYLES.items():
        if name in names and not overwrite:
            continue
        style = doc.styles[name] if name in names else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        face = fonts[role]
        set_fonts(style, face, size, bold=(role == "title" and not is_title_face(face)))
        fmt = style.paragraph_format
        fmt.alignment = align[where]
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(size * indent) if indent else None
        if name == "GB Table":
            fmt.line_spacing = 1.0
            _no_grid(style)  # a cell's lines would otherwise snap to the 22-line grid
        elif name == "GB Title":
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Twips(LINE_PITCH * 3 // 2)  # a 2号 title needs more than one grid line
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Twips(LINE_PITCH)


def _for_libreoffice(doc) -> None:
    """The character grid as LibreOffice can render it: a line grid, 3号 styles condensed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for section in doc.sections:
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is not None and grid.get(qn("w:type")) == "linesAndChars":
            grid.set(qn("w:type"), "lines")
            grid.attrib.pop(qn("w:charSpace"), None)
    for name in STYLES:
        style = doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        if style.font.size is None or round(style.font.size.pt) != BODY_PT or rpr.find(qn("w:spacing")) is not None:
            continue
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CONDENSE))
        # Word refuses a file whose elements are out of the schema's order.
        rpr.insert_element_before(spacing, *RPR_AFTER_SPACING)


def _no_grid(style) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().insert_element_before(snap, *PPR_AFTER_SNAP)


def _field_run(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _page_numbers(doc) -> None:
    """— 1 — at the foot: odd pages to the right, even pages to the left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    s = doc.sections[0]
    for footer, where in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.style = doc.styles["GB Page Number"]
        p.alignment = where
        fmt = p.paragraph_format
        if where == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NO_PT)
        else:
            fmt.left_indent = Pt(PAGE_NO_PT)
        p.add_run("— ")
        _field_run(p, "PAGE")
        p.add_run(" —")


# -- writing blocks --------------------------------------------------------------
def render(doc, blocks: list[Block], table_pt: float | None = None) -> None:
    for i, b in enumerate(blocks):
        if b.kind == "table":
            table(doc, b.rows, b.widths, header=b.header, size=table_pt)
            continue
        p = _paragraph(doc, b)
        # The red line closes the 版头: under the number, or under the masthead when there is none.
        if b.kind == "number" or (b.kind == "masthead" and (i + 1 == len(blocks) or blocks[i + 1].kind != "number")):
            _red_rule(p)


_STYLE_OF = {"masthead": "GB Masthead", "number": "GB Number", "title": "GB Title", "addressee": "GB Addressee",
             "body": "GB Body", "heading1": "GB Heading 1", "heading2": "GB Heading 2",
             "signature": "GB Signature", "date": "GB Signature"}


def _paragraph(doc, b: Block) -> None:
    from docx.shared import Pt

    p = doc.add_paragraph(style=doc.styles[_STYLE_OF[b.kind]])
    run = p.add_run(b.text)
    if b.kind == "masthead":
        run.font.color.rgb = _rgb(RED)
    if b.kind in ("signature", "date"):
        # GB/T 9704: the signature and the date end four characters from the right edge.
        p.paragraph_format.right_indent = Pt(BODY_PT * 4)
    return p


def _rgb(hex6: str):
    from docx.shared import RGBColor

    return RGBColor.from_string(hex6)


def _red_rule(paragraph) -> None:
    """The 版头's red separator line under the number, as the paragraph's bottom border."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", RED)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.insert_element_before(borders, *PPR_AFTER_BORDERS)


def table(doc, rows: list[tuple], widths: tuple[float, ...], header: bool = False, size: float | None = None):
    """A ruled table across the 版心; a form's first column (or a table's header row) in 黑体."""
    from docx.shared import Mm

    n = len(widths)
    t = doc.add_table(rows=0, cols=n)
    t.style = doc.styles["Table Grid"] if "Table Grid" in {s.name for s in doc.styles} else None
    t.autofit = False
    heading_face = doc.styles["GB Heading 1"].font.name
    for j, w in enumerate(widths):
        t.columns[j].width = Mm(w)
    for i, row in enumerate(rows):
        cells = t.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, row)):
            cell.width = Mm(widths[j])
            p = cell.paragraphs[0]
            p.style = doc.styles["GB Table"]
            run = p.add_run("" if value is None else str(value))
            strong = (header and i == 0) or (not header and n == 2 and j == 0)
            if strong:
                set_fonts(run, heading_face, size)
            elif size:
                set_fonts(run, doc.styles["GB Table"].font.name, size)
    return t


def to_bytes(doc, fonts: dict[str, str]) -> bytes:
    """The .docx, its font table naming each face's fallback (w:altName) for readers without it."""
    buf = io.BytesIO()
    doc.save(buf)
    return _with_alt_names(buf.getvalue(), fonts)


def _with_alt_names(data: bytes, fonts: dict[str, str]) -> bytes:
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    if "word/fontTable.xml" not in names:
        return data
    tree = etree.fromstring(src.read("word/fontTable.xml"))
    have = {f.get(f"{{{w}}}name"): f for f in tree.findall(f"{{{w}}}font")}
    for role, face in fonts.items():
        alt = next((c for c in FONTS[role] if c != face), None)
        if face in have or alt is None:
            continue
        font = etree.SubElement(tree, f"{{{w}}}font", {f"{{{w}}}name": face})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern" if role == "heading" else "roman"})
        have[face] = font
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = src.read(name)
            if name == "word/fontTable.xml":
                body = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(src.getinfo(name), body)
    return out.getvalue()
