"""Benchmark taizhang as whole processes on generated ledgers, against Taskwarrior, and print Markdown tables.

    python bench/run.py --quick              # under two minutes: the 10 % open ledger, 3 runs, no other rows
    python bench/run.py                      # 10,000 tasks against Taskwarrior (10 %, 50 %, 100 % open) + the other rows
    python bench/run.py --full               # also 100,000 tasks (generation takes a few minutes)
    python bench/run.py --reuse -o out.md    # keep the generated ledgers between runs; write the tables to a file

Issue 15's table comes first. At 10,000 tasks each taizhang command is run alternately with the
Taskwarrior command it is measured against (tz, task, tz, task, ...), on the same tasks loaded into a
throw-away Taskwarrior, and the ratio taizhang/task of the medians is printed, of wall time and of CPU
time (the machine is shared: CPU time does not count waiting for a core). At 100,000 tasks (--full) the
limits are absolute: list and overdue, the write commands, peak memory, and a cold start after
`git clone` with its progress bar. Then the rows the README showed before (show, add, check, import, ...).

Every figure is the median of --runs runs of the installed `taizhang` (or `python -c "import cli;
cli.run()"` from this checkout) with stdout to a pipe and TAIZHANG_TODAY fixed for the whole run;
CPU is user+sys from wait4(), peak RSS from /usr/bin/time (see timing.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import gen
import legacy
import taskwarrior
from tables import PAIR_HEADER, ROW_HEADER, Pair, Row, markdown
from timing import Sample, machine, measure, taizhang_cmd  # noqa: F401  (collect.py, imports.py, site.py use them from here)

SHARES = (10, 50, 100)  # per cent of the 10,000 tasks open
# (what, taizhang's arguments, Taskwarrior's report, the ratio to stay under, the stretch target)
PAIRS = [
    ("overdue --format json", ["overdue", "--format", "json"], "overdue", 1.0, 0.5),
    ("list --format json", ["list", "--format", "json"], "list", 1.0, 0.5),
    ("overdue（表格，输出到管道）", ["overdue"], "overdue", 1.5, None),
    ("list（表格，输出到管道）", ["list"], "list", 1.5, None),
]
BIG, BIG_SHARE = 100_000, 10
BIG_READ, BIG_WRITE, BIG_MEM, BIG_COLD, HELP = 0.5, 0.3, 200, 30.0, 0.08
RACY = 2.1  # seconds: the cache re-reads files changed less than 2 s before it read them


class Bench:
    def __init__(self, args):
        self.args = args
        self.runs = args.runs
        self.today = dt.datetime.now(dt.UTC).date()
        self.work = Path(args.workdir)
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "TAIZHANG_TODAY": self.today.isoformat(),
                    "NO_COLOR": "1", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        # A clerk's Python writes .pyc files; without them every run would compile taizhang anew.
        for k in ("TAIZHANG_LEDGER", "TAIZHANG_DEBUG", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(k, None)
        self.tz = taizhang_cmd()
        self.pairs: list[Pair] = []
        self.targets: list[Row] = []
        self.legacy: list[Row] = []
        self.table = self.targets  # where run() puts its rows
        self.notes: list[str] = []
        self.help_text = subprocess.run([*self.tz, "--help"], env=self.env, capture_output=True, text=True,
                                        check=False).stdout

    def has_command(self, name: str) -> bool:
        return any(line.strip().startswith(name + " ") or line.strip() == name
                   for line in self.help_text.splitlines())

    # -- running ---------------------------------------------------------------
    def run(self, row: Row, argv, cwd: Path, runs: int, before=None, stdin: bytes | None = None,
            tty_stderr: bool = False) -> Row:
        for i in range(runs):
            if before:
                before(i)
            args = argv(i) if callable(argv) else argv
            row.samples.append(measure([*self.tz, *args], cwd, self.env, stdin, tty_stderr))
        self.table.append(row)
        log(f"  {row.size:>7} {row.what:<28} median {row.median('wall'):.3f}s cpu {row.median('cpu'):.3f}s "
            f"rss {row.rss:.0f} MiB")
        return row

    def tz_out(self, root: Path, *args: str) -> str:
        return subprocess.run([*self.tz, *args], cwd=root, env=self.env, capture_output=True, text=True,
                              check=True).stdout

    def open_ids(self, root: Path) -> list[str]:
        return [t["id"] for t in json.loads(self.tz_out(root, "list", "--format", "json")) if t["status"] == "open"]

    def identify(self, root: Path) -> None:
        """The office's clerk as the git identity of a ledger (a clone does not inherit it)."""
        for key, value in (("user.name", "督查室"), ("user.email", "bench@example.org")):
            subprocess.run(["git", "-C", str(root), "config", key, value], check=True)

    # -- ledgers -----------------------------------------------------------------
    def ledger(self, n: int, share: int | None = None) -> Path:
        """A generated ledger of n tasks (share per cent open, or statuses by age), made once with --reuse."""
        root = self.work / (f"ledger-{n}" if share is None else f"ledger-{n}-open{share}")
        if root.exists() and not self.args.reuse:
            shutil.rmtree(root)
        if not root.exists():
            t = time.perf_counter()
            gen.generate(root, n, self.today, open_share=None if share is None else share / 100)
            log(f"generated {n} tasks ({'by age' if share is None else f'{share}% open'}) "
                f"in {time.perf_counter() - t:.1f}s: {root}")
            time.sleep(RACY)
        return root

    def warm(self, root: Path) -> None:
        """Build the cache (and re-read what was racy when it was built), outside the timed runs."""
        for _ in range(2):
            self.tz_out(root, "overdue", "--format", "json")

    # -- 10,000 tasks: side by side with Taskwarrior ---------------------------------
    def against_taskwarrior(self, n: int, share: int) -> None:
        root = self.ledger(n, share)
        self.warm(root)
        tw = taskwarrior.Taskwarrior(self.work / f"task-{n}-open{share}")
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        took = tw.load(self.tz_out(root, "list", "--all", "--format", "json"), head)
        if took:
            log(f"  loaded {n} tasks into Taskwarrior in {took:.1f}s")
        size, open_label = f"{n:,}", f"{share}%"
        for what, args, report, limit, stretch in PAIRS:
            tw_args = ["task", "rc.gc=off", report]
            pair = Pair(size, open_label, what, shlex.join(["taizhang", *args]), shlex.join(tw_args), limit, stretch)
            measure([*self.tz, *args], root, self.env)  # warm-up of both, page cache and all
            measure(tw_args, tw.data, tw.env)
            for _ in range(self.runs):
                pair.tz.append(measure([*self.tz, *args], root, self.env))
                pair.tw.append(measure(tw_args, tw.data, tw.env))
            self.pairs.append(pair)
            log(f"  {size:>7} {open_label:>4} {what:<28} {pair.ratio('wall'):.2f}x wall {pair.ratio('cpu'):.2f}x cpu")
        tz_list = len(json.loads(self.tz_out(root, "list", "--format", "json")))
        tz_overdue = len(json.loads(self.tz_out(root, "overdue", "--format", "json")))
        tw_list, tw_overdue = tw.counts()
        same = "一致" if (tz_list, tz_overdue) == (tw_list, tw_overdue) else "不一致（见 bench/taskwarrior.py）"
        self.notes.append(f"{size} 件、在办 {open_label}：taizhang list {tz_list:,} 项、overdue {tz_overdue:,} 项；"
                          f"task list {tw_list:,} 项、overdue {tw_overdue:,} 项，{same}。")

    # -- 100,000 tasks: absolute limits ---------------------------------------------
    def writes(self, label: str, root: Path, open_ids: list[str], runs: int, **target) -> None:
        self.run(Row(label, "add", "taizhang add 标题 --lead-unit 市住建局 --within 10wd", **target),
                 lambda i: ["add", f"基准测试新增事项{i}", "--lead-unit", "市住建局", "--within", "10wd"], root, runs)
        self.run(Row(label, "progress", "taizhang progress ID 文字", **target),
                 lambda i: ["progress", open_ids[1], f"基准测试进展{i}"], root, runs)
        victims = open_ids[2:2 + runs]
        self.run(Row(label, "done", "taizhang done ID", **target),
                 lambda i: ["done", victims[i], "--note", "基准测试办结"], root, len(victims))
        self.run(Row(label, "close", "taizhang close ID --verified-by 王建国", **target),
                 lambda i: ["close", victims[i], "--verified-by", "王建国"], root, len(victims))

    def hundred_thousand(self) -> None:
        """List and overdue, a cold start after `git clone` and the write commands, all in a fresh clone."""
        source = self.ledger(BIG, BIG_SHARE)
        root = self.work / f"clone-{BIG}"
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run(["git", "clone", "-q", str(source), str(root)], check=True)
        log(f"cloned {BIG} tasks in {time.perf_counter() - t:.1f}s")
        self.identify(root)
        label, first = f"{BIG:,}（在办 {BIG_SHARE}%）", len(self.targets)
        mem = {"mem_limit": BIG_MEM}
        cold = self.run(Row(label, "git clone 后首次运行（重建缓存，stderr 为终端）", "git clone …; taizhang overdue --format json",
                            target=f"≤ {BIG_COLD:.0f} s，有进度条", limit=BIG_COLD, **mem),
                        ["overdue", "--format", "json"], root, 1, tty_stderr=True)
        shown = any(mark in cold.samples[0].err for mark in ("重建", "━", f"/{BIG}"))
        cold.note = "显示了进度条" if shown else ""
        cold.miss = "" if shown else "stderr 上没有进度条"
        self.warm(root)
        read = {"target": f"≤ {BIG_READ} s，≤ {BIG_MEM} MiB", "limit": BIG_READ, **mem}
        for what, args, *_ in PAIRS:
            self.run(Row(label, what, shlex.join(["taizhang", *args]), **read), args, root, self.runs)
        self.writes(label, root, self.open_ids(root), self.runs,
                    target=f"≤ {BIG_WRITE} s（含提交），≤ {BIG_MEM} MiB", limit=BIG_WRITE, **mem)
        worst = max(self.targets[first:], key=lambda r: r.rss)
        verdict = "达标" if worst.rss <= BIG_MEM else "未达标"
        self.notes.append(f"{BIG:,} 件：以上各命令峰值内存最高 {worst.rss:.0f} MiB（{worst.what}），"
                          f"目标 ≤ {BIG_MEM} MiB，{verdict}。")
        shutil.rmtree(root, ignore_errors=True)

    def help(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            self.run(Row("—", "--help", "taizhang --help", target=f"≤ {HELP} s", limit=HELP),
                     ["--help"], Path(d), max(self.runs, 7))

    # -- the tables ------------------------------------------------------------------
    def report(self) -> str:
        m = machine()
        tw_v = taskwarrior.version() or "未安装"
        lines = [
            (f"机器：{m['nproc']} 核 {m['cpu']}，内存 {m['mem']}；Python {m['python']}；{m['git']}；"
             f"Taskwarrior {tw_v}；{m['os']}；测完时负载（1/5/15 分钟）{m['load']}"),
            (f"命令：`{shlex.join(['python', 'bench/run.py', *sys.argv[1:]])}`；每项 {self.runs} 次取中位数"
             f"（--help 至少 7 次；冷启动 1 次），TAIZHANG_TODAY={self.today.isoformat()}，输出到管道；"
             "CPU 为 user+sys（wait4），峰值内存来自 /usr/bin/time。"),
        ]
        if self.pairs:
            lines += ["", "与 Taskwarrior 2.6 比较（同一批事项，两条命令交替运行，比值 = taizhang ÷ task）", "",
                      *markdown(PAIR_HEADER, [p.cells() for p in self.pairs])]
        if self.targets:
            lines += ["", "100,000 件：绝对目标", "", *markdown(ROW_HEADER, [r.cells() for r in self.targets])]
        if self.notes:
            lines += ["", *(f"- {n}" for n in self.notes)]
        if self.legacy:
            lines += ["", "其他常用命令", "", *markdown(ROW_HEADER, [r.cells() for r in self.legacy])]
        return "\n".join(lines) + "\n"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="a check in under two minutes: --runs 3, only the 10%% open ledger, no other rows")
    p.add_argument("--full", action="store_true", help="also 100,000 tasks (10%% open)")
    p.add_argument("--runs", type=int, help="runs per command, median (default 7; 3 with --quick)")
    p.add_argument("--shares", help="per cent open of the 10,000-task ledgers, comma-separated (default 10,50,100)")
    p.add_argument("--sizes", default="1000,10000", help="ledger sizes of the other rows (default 1000,10000)")
    p.add_argument("--others", action=argparse.BooleanOptionalAction, default=None,
                   help="the other rows (show, add, check, import, ...; default on, off with --quick)")
    p.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "taizhang-bench"),
                   help="where the generated ledgers and Taskwarrior data live (default: taizhang-bench in the temp folder)")
    p.add_argument("--reuse", action="store_true", help="reuse ledgers generated by an earlier run")
    p.add_argument("-o", "--output", help="also write the tables to this file")
    args = p.parse_args()
    args.runs = args.runs or (3 if args.quick else 7)
    shares = [int(s) for s in (args.shares or ("10" if args.quick else ",".join(map(str, SHARES)))).split(",") if s]
    others = not args.quick if args.others is None else args.others
    bench = Bench(args)
    bench.work.mkdir(parents=True, exist_ok=True)
    bench.help()
    if shutil.which("task"):
        for share in shares:
            bench.against_taskwarrior(10_000, share)
    else:
        bench.notes.append("未安装 Taskwarrior（apt-get install taskwarrior），没有比较。")
    if args.full:
        bench.hundred_thousand()
    if others:
        bench.table = bench.legacy
        for n in (int(s) for s in args.sizes.split(",") if s):
            legacy.size(bench, n)
    table = bench.report()
    print(table)
    if args.output:
        Path(args.output).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
