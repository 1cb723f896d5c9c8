"""Time the pre-commit hook on a generated ledger: one staged task file, the CPU the hook and its git use.

    python bench/hook.py                 # 10,000 tasks (target: well under 1 s)
    python bench/hook.py --size 1000 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import gen

from ledger.files.hooks import ensure_setup


def children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tz-hook-bench-") as tmp:
        root = Path(tmp) / "ledger"
        tasks = gen.generate(root, args.size, dt.date.today())
        ensure_setup(root)
        path = root / "tasks" / str(tasks[0].year) / f"{tasks[0].id}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 改 ", 1), encoding="utf-8")
        subprocess.run(["git", "-C", str(root), "add", "--", str(path)], check=True)
        hook = root / ".git" / "hooks" / "pre-commit"
        samples = []
        for _ in range(args.runs):
            # CPU time, not the wall clock: on a shared machine the wall time includes waiting for a core.
            before = children_cpu()
            proc = subprocess.run(["sh", str(hook)], check=False, cwd=root, capture_output=True, text=True)
            samples.append(children_cpu() - before)
            if proc.returncode != 0:
                sys.exit(f"钩子拒绝了合法的修改：{proc.stdout.strip()} {proc.stderr.strip()}")
        print(f"pre-commit 钩子，{args.size:,} 个事项、暂存 1 个文件：CPU 中位数 {statistics.median(samples):.2f} s，"
              f"最少 {min(samples):.2f} s（{args.runs} 次）")


if __name__ == "__main__":
    main()
