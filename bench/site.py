"""Time `taizhang site` on a generated ledger: a full build, a rebuild with nothing changed, one after one change.

    python bench/site.py                 # 10,000 tasks (targets: full ≤ 20 s, one change ≤ 2 s)
    python bench/site.py --size 1000

Every figure is the wall time of the installed `taizhang` as a whole process, median of --runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import gen  # noqa: E402
from run import taizhang_cmd  # noqa: E402


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, the child's own user+sys CPU seconds, its last line): on a shared machine
    the wall time includes waiting for a core, the CPU time does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} 失败：{proc.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu, proc.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tz = taizhang_cmd()
    today = dt.date.today()  # the generated commit carries today's date, so the site is judged today
    with tempfile.TemporaryDirectory(prefix="tz-site-bench-") as tmp:
        root = Path(tmp) / "ledger"
        gen.generate(root, args.size, today)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
        env["TAIZHANG_LEDGER"] = str(root)
        out = Path(tmp) / "site"
        rows = []
        full = []
        for _ in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            full.append(timed([*tz, "site", "-o", str(out)], env))
        rows.append(("全量生成（空目录）", full, 20.0))
        same = [timed([*tz, "site", "-o", str(out)], env) for _ in range(args.runs)]
        rows.append(("无变化重建", same, 2.0))
        one = []
        listed = subprocess.run([*tz, "list", "--format", "json"], env=env, check=True, capture_output=True)
        open_ids = [t["id"] for t in json.loads(listed.stdout) if t["status"] == "open"]
        for i in range(args.runs):
            subprocess.run([*tz, "progress", open_ids[i], f"基准测试进展 {i}"], env=env,
                           check=True, capture_output=True)
            one.append(timed([*tz, "site", "-o", str(out)], env))
        rows.append(("一处变更后重建（progress 一次）", one, 2.0))
        pages = sum(1 for _ in out.rglob("*.html"))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"\n## taizhang site，{args.size:,} 个事项（{pages:,} 个页面，共 {size / 2**20:.1f} MiB）\n")
        print("| 场景 | 墙钟中位数 | CPU 中位数 | 目标 | 输出 |\n|---|---|---|---|---|")
        for what, samples, limit in rows:
            wall = statistics.median(w for w, _, _ in samples)
            cpu = statistics.median(c for _, c, _ in samples)
            print(f"| {what} | {wall:.2f} s | {cpu:.2f} s | ≤ {limit:.0f} s | {samples[-1][2].split('（')[-1]} |")


if __name__ == "__main__":
    main()
