"""Where `overdue --format json` spends its time, piece by piece, in one process (the README's 性能 prose).

    python bench/profile_read.py LEDGER            # e.g. a ledger made by bench/run.py (taizhang-bench/…)
    python bench/profile_read.py LEDGER --runs 5   # median of each piece over 5 rounds

The pieces are timed as the command runs them, with the cycle collector off as in the installed
`taizhang`. The first round warms the cache and the page cache and is not counted.
"""

from __future__ import annotations

import gc
import time

gc.disable()
STARTED = time.perf_counter()

import argparse  # noqa: E402  (the imports themselves are one of the pieces timed)
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.files import codec  # noqa: E402
from ledger.formats.render import task_json, write_rows  # noqa: E402
from ledger.services import reading  # noqa: E402
from ledger.services.context import Env, resolve_today  # noqa: E402

IMPORTS = time.perf_counter() - STARTED
LIVE = frozenset(("open", "reported", "suspended"))
OPEN = "打开台账和日历（第一轮的，一个进程只打开一次）"


def stat_all(tasks_dir: Path) -> int:
    """os.scandir + stat of every task file: the system calls alone, without the cache's comparisons."""
    n = 0
    for year in os.scandir(tasks_dir):
        if year.is_dir(follow_symlinks=False):
            with os.scandir(year.path) as it:
                for e in it:
                    if e.name.endswith(".yaml"):
                        e.stat(follow_symlinks=False)
                        n += 1
    return n


def one_round(root: Path) -> tuple[dict[str, float], dict[str, int]]:
    t = {}
    start = time.perf_counter()
    env = Env(ledger_path=str(root), today=resolve_today(None), by=None)
    led = env.ledger()
    led.calendar
    t[OPEN] = time.perf_counter() - start
    start = time.perf_counter()
    files = stat_all(root / "tasks")
    t["stat 全部事项文件（只有系统调用）"] = time.perf_counter() - start
    start = time.perf_counter()
    loaded = led.load_all(None, LIVE, None)
    t["load_all（清单、逐个 stat 比对、解包未办结的）"] = time.perf_counter() - start
    plains = [v for v in loaded.values() if not isinstance(v, Exception)]
    start = time.perf_counter()
    for v in plains:
        codec.task_from_cached(v)
    t["由缓存重建事项（每件）"] = (time.perf_counter() - start) / max(len(plains), 1)
    start = time.perf_counter()
    items = reading.overdue(env)
    t["overdue() 全程：读、重建、判定、排序"] = time.perf_counter() - start
    start = time.perf_counter()
    rows = [task_json(a) for a in items]
    t["拼 JSON 行（每行）"] = (time.perf_counter() - start) / max(len(items), 1)
    start = time.perf_counter()
    write_rows(rows, lambda text: None)
    t["编码 JSON（每行）"] = (time.perf_counter() - start) / max(len(items), 1)
    return t, {"文件": files, "未办结": len(plains), "逾期": len(items)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ledger", type=Path)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    first = one_round(args.ledger)[0]  # warms the cache; a process opens its ledger once, as here
    rounds = [one_round(args.ledger) for _ in range(args.runs)]
    counts = rounds[0][1]
    print(f"{args.ledger}：{counts['文件']:,} 个事项文件，未办结 {counts['未办结']:,}，逾期 {counts['逾期']:,}；"
          f"{args.runs} 轮中位数")
    print(f"  {IMPORTS * 1e3:8.1f} ms  导入（本脚本的，与命令的相当）")
    for name in rounds[0][0]:
        value = first[name] if name == OPEN else statistics.median(r[0][name] for r in rounds)
        shown = f"{value * 1e6:8.1f} µs" if "每" in name else f"{value * 1e3:8.1f} ms"
        print(f"  {shown}  {name}")


if __name__ == "__main__":
    main()
