"""Time `taizhang import` on a city's 10,000-row sheet and on each hostile file; print a Markdown table.

    python bench/imports.py               # 10,000 rows, and the six hostile files
    python bench/imports.py --rows 3000   # another size

Each figure is one whole process of the installed `taizhang` (wall time, user+sys CPU, peak RSS
from bench/run.py's measure), in a fresh ledger in a temporary folder, with TAIZHANG_TODAY=2026-11-20
so that most of the sheet's deadlines are past.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(REPO / "tests" / "support")]

import run
import sheetkit

HOSTILE = (
    ("2 KB 的 xlsx 合并 A3:XFD1048576", "merge.xlsx", sheetkit.merge_bomb),
    ("zip 炸弹（工作表解压 200 MB）", "zip.xlsx", sheetkit.zip_bomb),
    ("共享字符串炸弹（解压 100 MB）", "sst.xlsx", sheetkit.shared_strings_bomb),
    ("120 万条极短的共享字符串", "strings.xlsx", sheetkit.many_strings),
    ("样式表炸弹（80 万个单元格格式）", "styles.xlsx", sheetkit.styles_bomb),
    ("CSV 单元格 200 KiB", "long.csv", sheetkit.long_field_csv),
    ("CSV 引号未闭合", "quote.csv", sheetkit.unclosed_quote_csv),
    ("2,000,000 行 CSV 试运行", "rows.csv", sheetkit.many_rows_csv),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    tz = run.taizhang_cmd()
    with tempfile.TemporaryDirectory(prefix="tz-import-") as tmp:
        d = Path(tmp)
        home = d / "home"
        home.mkdir()
        (home / "gitconfig").write_text("[user]\n\tname = 测试员\n\temail = bench@example.org\n"
                                        "[init]\n\tdefaultBranch = main\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
               "GIT_CONFIG_NOSYSTEM": "1", "TAIZHANG_TODAY": "2026-11-20"}
        env.pop("TAIZHANG_LEDGER", None)
        ledger = d / "台账"
        subprocess.run([*tz, "init", str(ledger)], env=env, check=True, capture_output=True)
        sheet = d / "city.xlsx"
        sheetkit.city_sheet(sheet, args.rows)
        rows = [("what", "秒", "CPU 秒", "峰值内存 MiB", "退出码")]
        for what, argv in ((f"{args.rows:,} 行试运行", ["import", str(sheet), "--dry-run"]),
                           (f"{args.rows:,} 行导入（一次提交）", ["import", str(sheet)]),
                           ("撤回这次导入（undo）", ["undo"])):
            s = run.measure([*tz, *argv], ledger, env)
            rows.append((what, f"{s.wall:.1f}", f"{s.cpu:.1f}", f"{s.rss_mib:.0f}", str(s.code)))
        for what, name, build in HOSTILE:
            path = d / name
            build(path)
            s = run.measure([*tz, "import", str(path), "--dry-run"], ledger, env)
            rows.append((what, f"{s.wall:.1f}", f"{s.cpu:.1f}", f"{s.rss_mib:.0f}", str(s.code)))
            path.unlink()
    print("| 情形 | 墙钟秒 | CPU 秒 | 峰值内存 MiB | 退出码 |\n|---|---:|---:|---:|---:|")
    for r in rows[1:]:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
