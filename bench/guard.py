"""Time the pre-receive guard on a generated ledger: a push of 1 and of 50 ordinary commits.

    python bench/guard.py                # 10,000 tasks (target: one ordinary commit under 1 s)
    python bench/guard.py --size 1000

Each push goes to two bare copies of the ledger, one with `taizhang guard install`, one without;
the guard's cost is the difference of the wall times (median of --runs pushes of fresh commits).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from gen import generate

TODAY = dt.date(2026, 11, 20)
TAIZHANG = [str(Path(sys.executable).parent / "taizhang")]


def run(*args, cwd: Path, env: dict) -> None:
    subprocess.run(list(map(str, args)), cwd=cwd, env=env, check=True, capture_output=True)


def push_time(root: Path, remote: str, env: dict) -> float:
    start = time.perf_counter()
    p = subprocess.run(["git", "push", "-q", remote, "HEAD:main"], cwd=root, env=env, capture_output=True, text=True,
                       check=False)
    took = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"push to {remote} failed: {p.stderr}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = {**os.environ, "TAIZHANG_TODAY": TODAY.isoformat(), "LC_ALL": "C.UTF-8"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ledger"
        tasks = generate(root, args.size, TODAY)
        # gen.py registers some tasks in the year after their number's; `check` (and so the guard) refuses those.
        open_ids = [t.id for t in tasks if t.status == "open" and t.registered_on.year == int(t.id[:4])]
        for name in ("guarded.git", "plain.git"):
            run("git", "clone", "-q", "--bare", root, Path(tmp) / name, cwd=Path(tmp), env=env)
            run("git", "-C", root, "remote", "add", name.split(".")[0], Path(tmp) / name, cwd=root, env=env)
        run(*TAIZHANG, "guard", "install", Path(tmp) / "guarded.git", cwd=root, env=env)
        print(f"{args.size} tasks; push wall time, median of {args.runs} (guarded / plain / guard's share)")
        n = 0
        for commits in (1, 50):
            guarded, plain = [], []
            for _ in range(args.runs):
                for _ in range(commits):
                    run(*TAIZHANG, "progress", open_ids[n % len(open_ids)], f"基准进展 {n}", cwd=root, env=env)
                    n += 1
                guarded.append(push_time(root, "guarded", env))
                plain.append(push_time(root, "plain", env))
            g, p = statistics.median(guarded), statistics.median(plain)
            print(f"{commits:>3} commit(s): {g:.2f} s / {p:.2f} s / {g - p:.2f} s")


if __name__ == "__main__":
    main()
