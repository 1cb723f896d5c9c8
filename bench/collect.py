"""Time `taizhang collect out` and `collect in` on a generated ledger (one workbook per unit, every row filled).

    python bench/collect.py                 # 10,000 tasks
    python bench/collect.py --size 1000 --runs 3

Every figure is one whole `taizhang` process (wall, own user+sys CPU, peak RSS), median of --runs;
between runs the ledger is reset to the commit before the step, so each run does the same work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(REPO / "tests" / "support")]

import gen
from collectkit import fill
from run import measure, taizhang_cmd

from ledger.services.collect_out import MAIN_SHEET


def _reset(root: Path, sha: str) -> None:
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", sha], check=True)


def _head(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def _fill_all(out: Path) -> int:
    """Every row of every workbook gets a progress text, as a unit would type it; returns the rows filled."""
    import openpyxl

    rows = 0
    for book in sorted(out.glob("*.xlsx")):
        ws = openpyxl.load_workbook(book, read_only=True)[MAIN_SHEET]
        ids = [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r and r[0]]
        fill(book, {i: {"本期进展": "已按计划推进，完成本月目标。", "下一步措施": "下月底前完成验收。"} for i in ids})
        rows += len(ids)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tz = taizhang_cmd()
    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="tz-collect-bench-") as tmp:
        root = Path(tmp) / "ledger"
        gen.generate(root, args.size, today)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
        env["TAIZHANG_LEDGER"] = str(root)
        subprocess.run([*tz, "list", "--format", "json"], env=env, check=True, capture_output=True)  # warm the cache
        before_out = _head(root)
        out = Path(tmp) / "out"
        outs = []
        for _ in range(args.runs):
            _reset(root, before_out)
            shutil.rmtree(out, ignore_errors=True)
            outs.append(measure([*tz, "collect", "out", "-o", str(out)], root, env))
        books = sorted(out.glob("*.xlsx"))
        rows = _fill_all(out)
        before_in = _head(root)
        ins, ones = [], []
        for _ in range(args.runs):
            _reset(root, before_in)
            ins.append(measure([*tz, "collect", "in", *map(str, books)], root, env))
        biggest = max(books, key=lambda b: b.stat().st_size)
        for _ in range(args.runs):
            _reset(root, before_in)
            ones.append(measure([*tz, "collect", "in", str(biggest)], root, env))
        _reset(root, before_in)
        status = [measure([*tz, "collect", "status"], root, env) for _ in range(args.runs)]
        print(f"\n## taizhang collect，{args.size:,} 个事项：{len(books)} 个单位的报送表，共 {rows:,} 行（每行都填）\n")
        print("| 步骤 | 墙钟中位数 | CPU 中位数 | 峰值内存 | 退出码 |\n|---|---:|---:|---:|---:|")
        for what, samples in ((f"collect out（{len(books)} 份）", outs), (f"collect in（{len(books)} 份，{len(books)} 次提交）", ins),
                              (f"collect in（最大的一份：{biggest.name}）", ones), ("collect status", status)):
            wall = statistics.median(s.wall for s in samples)
            cpu = statistics.median(s.cpu for s in samples)
            rss = max(s.rss_mib for s in samples)
            print(f"| {what} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MiB | {samples[-1].code} |")


if __name__ == "__main__":
    main()
