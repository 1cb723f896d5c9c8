"""The four notices and the monthly bulletin as PDF through LibreOffice: A4, page 1 not blank."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_print import TITLE, issued  # noqa: F401  (the fixture)

Image = pytest.importorskip("PIL.Image")

TOOLS = ("soffice", "pdfinfo", "pdftoppm")
missing = [t for t in TOOLS if not shutil.which(t)]
if missing and not os.environ.get("CI"):
    pytest.skip(f"not installed: {', '.join(missing)}", allow_module_level=True)
# In CI .ci/run installs them: a missing tool there fails the tests below instead of skipping them.


def page_one(pdf: Path, tmp_path: Path):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (210, 297)  # A4 in mm
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True,
                   capture_output=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    return Image.open(png).convert("RGB")


def assert_printed(img) -> None:
    """Not blank: text in the 版心, and the red 版头 at the top."""
    w, h = img.size
    assert abs(w - 210 / 25.4 * 50) <= 1 and abs(h - 297 / 25.4 * 50) <= 1  # A4 at 50 dpi, as pdftoppm rounds
    px = img.load()
    dark = sum(1 for x in range(w) for y in range(h) if sum(px[x, y]) < 300)
    red = sum(1 for x in range(w) for y in range(h // 3) if px[x, y][0] > 180 and px[x, y][1] < 100)
    assert dark > w * h * 0.005, f"page 1 looks blank: {dark} dark pixels"
    assert red > 50, "no red 版头 on page 1"
    # nothing printed in the left margin (订口 28 mm): the 版心 is where it should be
    margin = round(25 / 25.4 * 50)
    assert all(sum(px[x, y]) > 600 for x in range(margin) for y in range(h))


@pytest.mark.parametrize("kind", ["assign", "remind", "supervise", "notice"])
def test_each_notice_prints_to_pdf(issued, sh, ledger, tmp_path, kind):  # noqa: F811
    out = tmp_path / f"{kind}.pdf"
    assert sh("print", issued, "--kind", kind, "-o", out, cwd=ledger, timeout=240).out == f"已生成：{out}\n"
    assert out.read_bytes().startswith(b"%PDF")
    assert_printed(page_one(out, tmp_path))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "某某市人民政府督查室" in text.replace(" ", "")
    assert [p for p in tmp_path.iterdir() if p.suffix == ".docx"] == []  # the .docx stayed in a temp folder


def test_monthly_bulletin_prints_to_pdf(issued, run, tmp_path):  # noqa: F811
    out = tmp_path / "b.pdf"
    run("report", "monthly", "--format", "pdf", "-o", out)
    assert_printed(page_one(out, tmp_path))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    text = re.sub(r"\s", "", text)  # a narrow column wraps the title
    assert "2026年11月督查通报" in text and TITLE in text


FIRST_LINE = "根据督查督办工作有关规定，现就你单位牵头办理事项的问"  # 2 characters indent + 26: 28 to a line


def lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return [re.sub(r"\s", "", line) for line in text.splitlines()]


def test_28_characters_to_a_line_with_the_shipped_layout_and_a_ledger_base(issued, run, ledger, tmp_path):  # noqa: F811
    out = tmp_path / "n.pdf"
    run("print", issued, "--kind", "notice", "-o", out)
    assert FIRST_LINE in lines(out)
    # a base document saved from a printed one carries Word's character grid: still 28 to a line
    (ledger / "templates").mkdir()
    run("print", issued, "--kind", "notice", "-o", ledger / "templates" / "print.docx")
    out2 = tmp_path / "n2.pdf"
    run("print", issued, "--kind", "notice", "-o", out2)
    assert FIRST_LINE in lines(out2)
    assert_printed(page_one(out2, tmp_path))
