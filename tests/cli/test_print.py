"""`taizhang print` and `report --format docx|pdf`: GB/T 9704 layout, fields, templates, refusals, PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402

TITLE = "推进老旧小区改造提升工程"
NUMBER_RE = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")  # full year in 〔〕, no 第, no leading zero
DATE_RE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")  # 成文日期 in Arabic numerals, unpadded
NAMES = {"assign": "督查事项交办单", "remind": "催 办 单", "supervise": "督 办 单", "notice": "督查通知书"}


@pytest.fixture
def issued(ledger, run, h):
    """One late task with a 催办单, a 督办单 and a 督查通知书 issued by the ledger, and a phone book."""
    with open(ledger / "taizhang.yaml", "a", encoding="utf-8") as f:
        f.write("phones:\n  李明: 0571-87001234\n")
    h.git(ledger, "commit", "-qam", "电话簿")
    tid = run("add", TITLE, "--lead-unit", "市住建局", "--unit", "市财政局", "--unit", "各区政府",
              "--leader", "王副市长", "--contact", "李明", "--ref", "市政府督办〔2026〕5号",
              "--description", "完成 12 个小区的改造", "--on", "2026-10-09", "--due", "2026-11-10").last_line
    run("urge", tid, "-q")
    run("urge", tid, "--level", "supervise", "-q")
    run("notice", tid, "--within", "10wd")
    return tid


def read(path: Path):
    return docx.Document(str(path))


def styled(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.text]


def form(doc) -> dict[str, str]:
    return {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}


def east_asia(doc, style: str) -> str:
    return doc.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))


def part(path: Path, prefix: str) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith(prefix))


def assert_gbt9704(doc, path: Path) -> None:
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)  # A4
    assert (round(s.top_margin.mm), round(s.left_margin.mm)) == (37, 28)  # 天头, 订口
    assert round(s.page_width.mm - s.left_margin.mm - s.right_margin.mm) == 156  # 版心
    assert round(s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) == 225
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    text_h_twips = (s.page_height - s.top_margin - s.bottom_margin) / 635
    assert int(text_h_twips // int(grid.get(qn("w:linePitch")))) == 22
    body_pt = doc.styles["Normal"].font.size.pt
    pitch_pt = body_pt + int(grid.get(qn("w:charSpace"))) / 4096
    assert int((s.page_width - s.left_margin - s.right_margin) / 12700 // pitch_pt) == 28
    assert (east_asia(doc, "GB Body"), doc.styles["GB Body"].font.size.pt) == ("仿宋_GB2312", 16)  # 3号仿宋
    assert (east_asia(doc, "GB Title"), doc.styles["GB Title"].font.size.pt) == ("方正小标宋简体", 22)  # 2号
    assert not doc.styles["GB Title"].font.bold  # 小标宋 is heavy already
    assert east_asia(doc, "GB Heading 1") == "黑体" and east_asia(doc, "GB Heading 2") == "楷体_GB2312"
    fonts = part(path, "word/fontTable.xml")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)  # Word's fallback
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="方正小标宋_GBK"/>', fonts)
    footers = part(path, "word/footer")
    assert footers.count(" PAGE ") == 2 and "— " in footers  # odd and even pages
    dates = [t for st, t in styled(doc) if st == "GB Signature" and DATE_RE.match(t)]
    assert len(dates) == 1


@pytest.mark.parametrize("kind", ["assign", "remind", "supervise", "notice"])
def test_each_notice_is_laid_out_per_gbt9704(issued, run, tmp_path, kind):
    out = tmp_path / f"{kind}.docx"
    assert run("print", issued, "--kind", kind, "-o", out).out == f"已生成：{out}\n"
    doc = read(out)
    assert_gbt9704(doc, out)
    paras = styled(doc)
    assert paras[0] == ("GB Masthead", "某某市人民政府督查室")
    number = next(t for st, t in paras if st == "GB Number")
    assert NUMBER_RE.match(number)
    assert ("GB Title", NAMES[kind]) in paras
    assert paras[-2:][0] == ("GB Signature", "某某市人民政府督查室")
    shown = run("show", issued, "--format", "json").json()
    issued_numbers = {"assign": "督交〔2026〕1号", "remind": shown["urges"][0]["number"],
                      "supervise": shown["urges"][1]["number"], "notice": "督通〔2026〕1号"}
    assert number == issued_numbers[kind]
    assert ("GB Addressee", "市住建局：") in paras


def test_supervise_carries_every_field(issued, run, tmp_path):
    out = tmp_path / "s.docx"
    run("print", issued, "--kind", "supervise", "-o", out)
    doc = read(out)
    fields = form(doc)
    assert list(fields) == ["督办事项", "文号", "督办内容", "批示领导", "交办时限", "反馈要求", "牵头单位", "配合单位",
                            "联系人", "电话"]
    assert fields["督办事项"] == TITLE
    assert fields["文号"] == "市政府督办〔2026〕5号"
    assert fields["督办内容"].startswith("完成 12 个小区的改造。") and "现已逾期 8 个工作日" in fields["督办内容"]
    assert "此前已催办 1 次" in fields["督办内容"]
    assert fields["批示领导"] == "王副市长" and fields["交办时限"] == "2026-11-10"
    assert fields["反馈要求"].startswith("请于 2026-11-25 前")  # 3 workdays after 2026-11-20
    assert fields["牵头单位"] == "市住建局" and fields["配合单位"] == "市财政局、各区政府"
    assert fields["联系人"] == "李明" and fields["电话"] == "0571-87001234"
    assert [st for st, t in styled(doc) if t == "2026年11月20日"] == ["GB Signature"]


def test_assign_numbered_from_the_task_and_dated_when_assigned(issued, run, tmp_path):
    out = tmp_path / "a.docx"
    run("print", issued, "--kind", "assign", "-o", out)
    doc = read(out)
    fields = form(doc)
    assert fields["交办日期"] == "2026-10-09" and fields["办结时限"] == "2026-11-10"
    assert fields["电话"] == "0571-87001234" and fields["交办内容"] == "完成 12 个小区的改造。"
    assert ("GB Signature", "2026年10月9日") in styled(doc)


def test_notice_headings_in_heiti_and_kaiti(issued, run, tmp_path):
    out = tmp_path / "n.docx"
    run("print", issued, "--kind", "notice", "-o", out)
    paras = styled(read(out))
    assert ("GB Heading 1", "一、存在问题") in paras and ("GB Heading 1", "二、整改要求") in paras
    assert ("GB Heading 2", "（一）限期整改") in paras
    assert any("2026-12-04 前完成整改" in t for _, t in paras)  # the notice's fix_due
    assert any("已催办 1 次、督办 1 次" in t for _, t in paras)


def test_default_name_and_an_earlier_number(issued, run, ledger):
    run("urge", issued, "-q", today="2026-11-23")
    said = run("print", issued, "--kind", "remind", "--number", "1").out
    assert said == f"已生成：{issued}-催办单.docx\n"
    paras = styled(read(ledger / f"{issued}-催办单.docx"))
    assert ("GB Number", "催〔2026〕1号") in paras and ("GB Signature", "2026年11月20日") in paras
    run("print", issued, "--kind", "remind", "-o", "latest.docx")
    assert ("GB Number", "催〔2026〕2号") in styled(read(ledger / "latest.docx"))


def test_refusals_leave_no_file(issued, run, refuse, ledger, h):
    fresh = h.add("未催办的事项")
    assert "taizhang urge" in refuse(ledger, "print", fresh, "--kind", "remind", "-o", "x.docx").err
    refuse(ledger, "print", fresh, "--kind", "notice", "-o", "x.docx")
    refuse(ledger, "print", issued, "--kind", "shout", "-o", "x.docx")
    refuse(ledger, "print", issued, "--kind", "remind", "-o", "x.txt")
    refuse(ledger, "print", issued, "--kind", "remind", "--number", "9", "-o", "x.docx")
    refuse(ledger, "print", "2026-0099", "--kind", "assign", "-o", "x.docx")
    # LibreOffice missing: one clear line, exit 2, no file (the subprocess, as a clerk runs it)
    res = refuse(ledger, "print", issued, "--kind", "remind", "-o", "x.pdf", via="sh",
                 env={"TAIZHANG_SOFFICE": "no-such-soffice"})
    assert "LibreOffice" in res.err
    refuse(ledger, "report", "monthly", "--format", "pdf", "-o", "r.pdf", env={"TAIZHANG_SOFFICE": "no-such-soffice"})


def test_ledger_templates_override_wording_and_layout(issued, run, ledger, tmp_path):
    (ledger / "templates").mkdir()
    (ledger / "templates" / "print_remind.txt").write_text(
        "版头：${org}\n文号：${number}\n标题：催办通知\n主送：${lead_unit}：\n请办理“${title}”，电话 ${phone}。\n"
        "署名：${org}\n日期：${date}\n", encoding="utf-8")
    base = docx.Document()
    base.add_paragraph("模板里的示例文字")
    base.sections[0].left_margin = docx.shared.Mm(30)
    style = base.styles.add_style("GB Body", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = docx.shared.Pt(15)
    base.save(str(ledger / "templates" / "print.docx"))
    out = tmp_path / "r.docx"
    run("print", issued, "--kind", "remind", "-o", out)
    doc = read(out)
    paras = styled(doc)
    assert ("GB Title", "催办通知") in paras
    assert ("GB Body", f"请办理“{TITLE}”，电话 0571-87001234。") in paras
    assert "模板里的示例文字" not in [t for _, t in paras]  # the base's body is dropped
    assert round(doc.sections[0].left_margin.mm) == 30 and doc.styles["GB Body"].font.size.pt == 15
    assert east_asia(doc, "GB Heading 1") == "黑体"  # styles the base lacks are added


def test_fonts_from_the_ledger_and_a_bold_song_title(issued, run, ledger, tmp_path):
    with open(ledger / "taizhang.yaml", "a", encoding="utf-8") as f:
        f.write("fonts:\n  body: 仿宋\n  title: 宋体\n")
    out = tmp_path / "f.docx"
    run("print", issued, "--kind", "assign", "-o", out)
    doc = read(out)
    assert east_asia(doc, "GB Body") == "仿宋" and east_asia(doc, "GB Title") == "宋体"
    assert doc.styles["GB Title"].font.bold  # a song face stands in for 小标宋 in bold
    (ledger / "taizhang.yaml").write_text((ledger / "taizhang.yaml").read_text(encoding="utf-8")
                                          + "  ruby: x\n", encoding="utf-8")
    assert "fonts" in run("print", issued, "--kind", "assign", "-o", out, code=3).err


def test_monthly_bulletin_docx_is_laid_out_per_gbt9704(issued, run, tmp_path):
    out = tmp_path / "b.docx"
    run("report", "monthly", "--format", "docx", "-o", out)
    doc = read(out)
    assert_gbt9704(doc, out)
    paras = styled(doc)
    assert paras[:2] == [("GB Masthead", "某某市人民政府督查室"), ("GB Title", "2026年11月督查通报")]
    headings = [t for st, t in paras if st == "GB Heading 1"]
    assert headings[:3] == ["一、总体情况", "二、各单位办理情况", "三、逾期事项"]
    overdue = doc.tables[2]
    assert overdue.rows[1].cells[0].text == issued and overdue.rows[1].cells[1].text == TITLE
