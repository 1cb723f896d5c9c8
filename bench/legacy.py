"""The rows the README has shown before the Taskwarrior table: every everyday command at 1,000 and 10,000 tasks.

They run on ledgers of their own (statuses by age, `gen.generate`'s default), which their write
commands change: with --reuse, each run finds the tasks the last one added and closed.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from tables import Row

# Targets other issues set for these rows, by size.
TARGETS = {
    ("list", 1_000): ("< 0.5 s", 0.5),
    ("check", 10_000): ("≤ 3 s", 3.0),
    ("report", 10_000): ("≤ 2 s", 2.0),
}


def target(what: str, n: int) -> dict:
    text, limit = TARGETS.get((what, n), ("", None))
    return {"target": text, "limit": limit}


def size(bench, n: int) -> None:
    """Every row for one ledger size; `bench` is run.Bench (ledgers, the taizhang command, timing)."""
    root = bench.ledger(n)
    label = f"{n:,}"
    cache = root / ".git" / "taizhang"
    runs = bench.runs
    big = n >= 100_000

    def drop_cache(_i):
        shutil.rmtree(cache, ignore_errors=True)

    bench.run(Row(label, "冷启动重建缓存（overdue --format json）", "rm -rf .git/taizhang; taizhang overdue --format json"),
              ["overdue", "--format", "json"], root, 1 if big else min(runs, 3), before=drop_cache)
    bench.run(Row(label, "overdue --format json", "taizhang overdue --format json"),
              ["overdue", "--format", "json"], root, runs)
    bench.run(Row(label, "list（表格，输出到管道）", "taizhang list > pipe", **target("list", n)), ["list"], root, runs)
    bench.run(Row(label, "list --format json", "taizhang list --format json"), ["list", "--format", "json"], root, runs)
    open_ids = bench.open_ids(root)
    bench.run(Row(label, "show", f"taizhang show {open_ids[0]}"), ["show", open_ids[0]], root, runs)
    bench.writes(label, root, open_ids, runs)

    def drop_verdicts(_i):
        # The first check after a fresh cache validates every file; later ones only changed files.
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(cache / "cache.sqlite")) as db:
            db.execute("DELETE FROM verdicts")
            db.commit()

    bench.run(Row(label, "check（首次：逐个文件按 schema 校验）", "taizhang check（清空校验记录后）"),
              ["check"], root, 1, before=drop_verdicts)
    bench.run(Row(label, "check（再次：只校验变过的文件）", "taizhang check", **target("check", n)),
              ["check"], root, 1 if big else min(runs, 3))
    if bench.has_command("report"):
        bench.run(Row(label, "report monthly", "taizhang report monthly", **target("report", n)),
                  ["report", "monthly"], root, min(runs, 3))
    elif n == 10_000:
        bench.notes.append("report monthly：本分支还没有 report 命令，未测。")
    if n == 10_000:
        if bench.has_command("import"):
            bench_import(bench, root)
        else:
            bench.notes.append("import 10,000 行：本分支还没有 import 命令，未测。")


def bench_import(bench, root: Path) -> None:
    # `export --format csv` writes the Chinese headers import reads; list's CSV has the YAML keys.
    argv = ["export", "--format", "csv"] if bench.has_command("export") else ["list", "--all", "--format", "csv"]
    csv_text = subprocess.run([*bench.tz, *argv], cwd=root, env=bench.env, capture_output=True, text=True,
                              check=False).stdout
    with tempfile.TemporaryDirectory(prefix="tz-import-") as scratch:
        target_root = Path(scratch) / "ledger"
        subprocess.run([*bench.tz, "init", str(target_root), "--org", "导入测试"], env=bench.env, capture_output=True,
                       check=True)
        bench.identify(target_root)
        src = Path(scratch) / "tasks.csv"
        src.write_text(csv_text, encoding="utf-8")
        row = bench.run(Row("10,000", "import 10,000 行（CSV）", "taizhang import tasks.csv"),
                        ["import", str(src)], target_root, 1)
    if row.samples[0].code != 0:
        row.note = "导入命令拒绝了 list --format csv 的列格式"
