"""Time `taizhang site` on a generated ledger: a full build, a rebuild with nothing changed, one after one change.

    python bench/site.py                 # 10,000 tasks (targets: full ≤ 20 s, one change ≤ 2 s)
    python bench/site.py --size 1000
    python bench/site.py --history 20000   # the tasks imported a year ago, then 20,000 commits over the year

Every figure is the wall time of the installed `taizhang` as a whole process, median of --runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
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

import gen
from run import taizhang_cmd

from ledger.domain.model import Progress
from ledger.files import emit


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, the child's own user+sys CPU seconds, its last line): on a shared machine
    the wall time includes waiting for a core, the CPU time does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} 失败：{proc.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu, proc.stdout.strip().splitlines()[-1]


def add_history(root: Path, tasks: list, commits: int, today: dt.date) -> None:
    """`commits` progress commits spread over the year before today, written by one git fast-import:
    a real ledger's history, so that the trend and the timelines read git as they would in use."""
    rng = random.Random(7)
    start = today - dt.timedelta(days=365)
    by_path = {f"tasks/{t.id[:4]}/{t.id}.yaml": t for t in tasks if t.status == "open"}
    paths = sorted(by_path)
    lines = []
    for n in range(commits):
        day = start + dt.timedelta(days=1 + n * 364 // commits)
        path = rng.choice(paths)
        task = by_path[path]
        task.progress.append(Progress(max(day, task.assigned_on), f"第 {n + 1} 次报送进展", "督查室"))
        blob = emit.task_to_yaml(task)
        msg = f"进展 {task.id}\n\nTaizhang-Action: progress\nTaizhang-Task: {task.id}\n".encode()
        stamp = f"{int(dt.datetime.combine(day, dt.time(10)).timestamp())} +0800"
        lines += [b"commit refs/heads/main", f"author 督查室 <bench@example.org> {stamp}".encode(),
                  f"committer 督查室 <bench@example.org> {stamp}".encode(), b"data %d" % len(msg), msg]
        if n == 0:
            lines.append(b"from refs/heads/main^0")
        lines += [f"M 100644 inline {path}".encode(), b"data %d" % len(blob), blob]
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"\n".join(lines) + b"\n", check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--history", type=int, default=0, metavar="N",
                    help="import the tasks a year ago and add N progress commits over the year")
    ap.add_argument("--keep", type=Path, help="build the ledger and the site in this new folder and keep them")
    args = ap.parse_args()
    tz = taizhang_cmd()
    today = dt.date.today()  # the generated commit carries today's date, so the site is judged today
    with tempfile.TemporaryDirectory(prefix="tz-site-bench-") as scratch:
        tmp = args.keep or scratch
        root = Path(tmp) / "ledger"
        if args.history:
            year_ago = f"{dt.datetime.combine(today - dt.timedelta(days=365), dt.time(9)).isoformat()} +0800"
            os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = year_ago  # gen's one commit
            tasks = gen.generate(root, args.size, today)
            del os.environ["GIT_AUTHOR_DATE"], os.environ["GIT_COMMITTER_DATE"]
            add_history(root, tasks, args.history, today)
        else:
            gen.generate(root, args.size, today)
        # An installed taizhang has its .pyc files; without them every run would compile ~30 modules again.
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_") and k != "PYTHONDONTWRITEBYTECODE"}
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
