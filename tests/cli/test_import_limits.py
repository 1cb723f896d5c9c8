"""Hostile import files are refused in one Chinese line, quickly and in bounded memory (the installed CLI, measured)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl import Workbook

from tests.support import sheetkit

# Generous: a refusal takes about a second and under 100 MB here (bench/imports.py has the figures);
# the files below took 82 s to a MemoryError, or passed 700 MB, before the limits.
TIMEOUT_S = 60
PEAK_MB = 300


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    files = {
        "merge": (d / "merge.xlsx", sheetkit.merge_bomb),
        "zip": (d / "zip.xlsx", sheetkit.zip_bomb),
        "shared_strings": (d / "sst.xlsx", sheetkit.shared_strings_bomb),
        "many_strings": (d / "strings.xlsx", sheetkit.many_strings),
        "styles": (d / "styles.xlsx", sheetkit.styles_bomb),
        "long_field": (d / "long.csv", sheetkit.long_field_csv),
        "unclosed_quote": (d / "quote.csv", sheetkit.unclosed_quote_csv),
        "two_million_rows": (d / "rows.csv", sheetkit.many_rows_csv),
    }
    for path, build in files.values():
        build(path)
    return {k: p for k, (p, _) in files.items()}


def measured(h, args: list[str], cwd) -> tuple[int, str, float, float]:
    """(exit code, stderr, seconds, peak RSS in MB) of the installed taizhang, run under a small
    Python parent so that RUSAGE_CHILDREN holds this one run alone."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "t = time.monotonic() - t\n"
        "sys.stdout.write(f'{t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')\n"
        "sys.stderr.buffer.write(p.stderr)\n"
        "sys.exit(p.returncode)\n"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", script, *h.script, *args], cwd=cwd, env=h.script_env(),
                              capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"taizhang {' '.join(args)} ran longer than {TIMEOUT_S} s")
    seconds, kb = proc.stdout.decode().split()
    return proc.returncode, proc.stderr.decode("utf-8"), float(seconds), int(kb) / 1024


@pytest.mark.parametrize("case, words", [
    ("merge", "合并单元格 A3:XFD1048576"),
    ("zip", "解压后有 200 MB"),
    ("shared_strings", "sharedStrings.xml 解压后有"),
    ("many_strings", "超过 500000 条共享字符串"),
    ("styles", "超过 100000 个样式元素"),
    ("long_field", "超过 32767 字"),
    ("unclosed_quote", "第 2 行起 CSV 格式不对"),
    ("two_million_rows", "超过 50000 行"),
])
def test_hostile_file_is_one_chinese_line_in_bounded_time_and_memory(ledger, refuse, h, hostile, case, words):
    code, err, seconds, peak_mb = measured(h, ["import", str(hostile[case]), "--dry-run"], ledger)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and h.han.search(lines[0]) and words in lines[0], err
    assert 0 < peak_mb < PEAK_MB, f"{case}: {seconds:.1f} s, peak {peak_mb:.0f} MB"
    assert words in refuse(ledger, "import", str(hostile[case]), via="sh").err


def _sheet(path, n: int, cell: str = "推进工作"):
    wb = Workbook()
    ws = wb.active
    ws.append(["工作任务", "牵头单位", "完成时限"])
    for i in range(n):
        ws.append([f"{cell}{i}", "市财政局", "2026-12-31"])
    wb.save(path)


def test_limits_are_overridable_by_option_and_settings(ledger, run, refuse, h, tmp_path):
    path = tmp_path / "five.xlsx"
    _sheet(path, 5)
    res = refuse(ledger, "import", str(path), "--limit", "rows=4")
    assert "超过 4 行" in res.err and "--limit rows=" in res.err
    run("import", str(path), "--limit", "rows=6", "--dry-run")
    cfg = ledger / "taizhang.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "import_limits:\n  cell_chars: 3\n", encoding="utf-8")
    h.git(ledger, "commit", "-qam", "导入限制")
    res = refuse(ledger, "import", str(path))
    assert "超出导入限制（单元格字数 3）" in res.err
    run("import", str(path), "--limit", "cell_chars=100")
    assert len(list((ledger / "tasks" / "2026").glob("*.yaml"))) == 5


def test_bad_limits_are_refused(ledger, refuse, tmp_path):
    path = tmp_path / "one.xlsx"
    _sheet(path, 1)
    assert "没有名为 'lines' 的导入限制" in refuse(ledger, "import", str(path), "--limit", "lines=5").err
    assert "应为正整数" in refuse(ledger, "import", str(path), "--limit", "rows=-1").err


def test_a_merge_inside_the_limits_still_fills_its_cells(ledger, run, tmp_path):
    path = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["工作任务", "牵头单位", "完成时限"])
    ws.append(["甲", "市财政局", "2026-12-31"])
    ws.append(["乙", None, None])
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    wb.save(path)
    run("import", str(path))
    text = (ledger / "tasks" / "2026" / "2026-0002.yaml").read_text(encoding="utf-8")
    assert "lead_unit: 市财政局" in text and "due: 2026-12-31" in text
