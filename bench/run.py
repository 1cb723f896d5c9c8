"""Benchmark taizhang as whole processes on generated ledgers and print a Markdown table.

    python bench/run.py                      # 1,000 and 10,000 tasks
    python bench/run.py --sizes 1000         # one size
    python bench/run.py --full               # also 100,000 tasks (generation takes a minute or two)

Every figure is the median of several runs of the installed `taizhang` (or `python -c
"import cli; cli.run()"` from this checkout), with the process's own CPU time and peak RSS
from wait4(). Where Debian's `taskwarrior` is installed, the same 10,000 tasks are loaded
into a throw-away Taskwarrior and `task overdue` is timed in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import gen  # noqa: E402


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    code: int


@dataclass
class Row:
    size: str
    what: str
    command: str
    samples: list[Sample] = field(default_factory=list)
    target: str = ""
    limit: float | None = None  # seconds; None when the target is not a plain time
    note: str = ""

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def taizhang_cmd() -> list[str]:
    beside = Path(sys.executable).parent / "taizhang"
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-c", "import cli; cli.run()"]


TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def measure(argv: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None = None) -> Sample:
    """One whole process: wall time, its own user+sys CPU and peak RSS.

    Peak RSS goes through /usr/bin/time when there is one: a child forked straight from
    this (large) benchmark process would report the parent's high-water mark as its own.
    """
    report = None
    if TIME:
        fd, report = tempfile.mkstemp(prefix="tz-time-")
        os.close(fd)
        argv = [TIME, "-q", "-f", "%U %S %M", "-o", report, *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    if report:
        fields = Path(report).read_text().split()
        os.unlink(report)
        try:
            cpu, rss = float(fields[-3]) + float(fields[-2]), int(fields[-1]) / 1024
        except (IndexError, ValueError):
            pass
    if code not in (0, 1):
        sys.stderr.write(f"  ! {' '.join(argv[-4:])} exited {code}: {err.decode('utf-8', 'replace')[:300]}\n")
    return Sample(wall, cpu, rss, code)


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    except OSError:
        pass
    git_v = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    tw = shutil.which("task")
    tw_v = subprocess.run([tw, "--version"], capture_output=True, text=True).stdout.strip() if tw else "未安装"
    return {
        "nproc": str(os.cpu_count()), "cpu": model or platform.processor(), "mem": mem,
        "python": platform.python_version(), "git": git_v, "taskwarrior": tw_v,
        "os": platform.platform(), "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.today = dt.date.today()
        self.work = Path(args.workdir)
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "TAIZHANG_TODAY": self.today.isoformat(),
                    "NO_COLOR": "1", "LC_ALL": "C.UTF-8"}
        for k in ("TAIZHANG_LEDGER", "TAIZHANG_DEBUG"):
            self.env.pop(k, None)
        self.tz = taizhang_cmd()
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.help_text = subprocess.run([*self.tz, "--help"], env=self.env, capture_output=True,
                                        text=True).stdout
        self.tw_ratio: tuple[float, float] | None = None

    def has_command(self, name: str) -> bool:
        return any(line.strip().startswith(name + " ") or line.strip() == name
                   for line in self.help_text.splitlines())

    def run(self, row: Row, argv: list[str], cwd: Path, runs: int, before=None, stdin: bytes | None = None) -> Row:
        for i in range(runs):
            args = argv(i) if callable(argv) else argv
            if before:
                before(i)
            row.samples.append(measure([*self.tz, *args], cwd, self.env, stdin))
        self.rows.append(row)
        s = row.samples
        print(f"  {row.size:>7} {row.what:<28} median {row.median('wall'):.3f}s cpu {row.median('cpu'):.3f}s "
              f"rss {max(x.rss_mib for x in s):.0f} MiB", file=sys.stderr)
        return row

    def ledger(self, n: int) -> Path:
        root = self.work / f"ledger-{n}"
        if root.exists() and not self.args.reuse:
            shutil.rmtree(root)
        if not root.exists():
            t = time.perf_counter()
            gen.generate(root, n, self.today)
            print(f"generated {n} tasks in {time.perf_counter() - t:.1f}s: {root}", file=sys.stderr)
        return root

    def tasks_in(self, root: Path, statuses: tuple[str, ...]) -> list[str]:
        out = subprocess.run([*self.tz, "list", "--all", "--format", "json"], cwd=root, env=self.env,
                             capture_output=True, text=True, check=True).stdout
        return [t["id"] for t in json.loads(out) if t["status"] in statuses]

    def size(self, n: int) -> None:
        root = self.ledger(n)
        label = f"{n:,}"
        cache = root / ".git" / "taizhang"
        runs = self.args.runs
        big = n >= 100_000

        def drop_cache(_i):
            shutil.rmtree(cache, ignore_errors=True)

        cold_target = ("≤ 60 s（有进度条）", 60.0) if big else ("", None)
        self.run(Row(label, "冷启动重建缓存（overdue --format json）", "rm -rf .git/taizhang; taizhang overdue --format json",
                     target=cold_target[0], limit=cold_target[1]),
                 ["overdue", "--format", "json"], root, 1 if big else min(runs, 3), before=drop_cache)
        if n == 10_000 and self.tw_ratio is None:
            pass
        ov_target = {1_000: ("", None), 10_000: ("≤ 1.0 × task overdue（目标 0.5 ×）", None),
                     100_000: ("≤ 1.0 s，≤ 500 MiB", 1.0)}.get(n, ("", None))
        overdue = self.run(Row(label, "overdue --format json", "taizhang overdue --format json",
                               target=ov_target[0], limit=ov_target[1]),
                           ["overdue", "--format", "json"], root, runs)
        list_target = {1_000: ("< 0.5 s（issue 2）", 0.5), 100_000: ("≤ 1.0 s，≤ 500 MiB", 1.0)}.get(n, ("", None))
        self.run(Row(label, "list（表格，输出到管道）", "taizhang list > pipe", target=list_target[0],
                     limit=list_target[1]), ["list"], root, runs)
        self.run(Row(label, "list --format json", "taizhang list --format json"),
                 ["list", "--format", "json"], root, runs)
        open_ids = self.tasks_in(root, ("open",))
        self.run(Row(label, "show", f"taizhang show {open_ids[0]}"), ["show", open_ids[0]], root, runs)
        wtarget = ("≤ 0.3 s（含提交）", 0.3) if big else ("", None)
        self.run(Row(label, "add", "taizhang add 标题 --lead-unit 市住建局 --within 10wd", target=wtarget[0],
                     limit=wtarget[1]),
                 lambda i: ["add", f"基准测试新增事项{i}", "--lead-unit", "市住建局", "--within", "10wd"], root, runs)
        self.run(Row(label, "progress", "taizhang progress ID 文字", target=wtarget[0], limit=wtarget[1]),
                 lambda i: ["progress", open_ids[1], f"基准测试进展{i}"], root, runs)
        victims = open_ids[2:2 + runs]
        self.run(Row(label, "done", "taizhang done ID", target=wtarget[0], limit=wtarget[1]),
                 lambda i: ["done", victims[i], "--note", "基准测试办结"], root, len(victims))
        self.run(Row(label, "close", "taizhang close ID --verified-by 王建国", target=wtarget[0], limit=wtarget[1]),
                 lambda i: ["close", victims[i], "--verified-by", "王建国"], root, len(victims))
        def drop_verdicts(_i):
            # The first check after a fresh cache validates every file; later ones only changed files.
            with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(cache / "cache.sqlite")) as db:
                db.execute("DELETE FROM verdicts")
                db.commit()

        self.run(Row(label, "check（首次：逐个文件按 schema 校验）", "taizhang check（清空校验记录后）"),
                 ["check"], root, 1, before=drop_verdicts)
        check_target = ("≤ 3 s", 3.0) if n == 10_000 else ("", None)
        self.run(Row(label, "check（再次：只校验变过的文件）", "taizhang check", target=check_target[0],
                     limit=check_target[1]),
                 ["check"], root, 1 if big else min(runs, 3))
        if self.has_command("report"):
            rt = ("≤ 2 s", 2.0) if n == 10_000 else ("", None)
            self.run(Row(label, "report monthly", "taizhang report monthly", target=rt[0], limit=rt[1]),
                     ["report", "monthly"], root, min(runs, 3))
        elif n == 10_000:
            self.notes.append("report monthly：本分支还没有 report 命令（issue 4），未测。")
        if n == 10_000:
            if self.has_command("import"):
                self.bench_import(root)
            else:
                self.notes.append("import 10,000 行：本分支还没有 import 命令（issue 4），未测。")
            if shutil.which("task"):
                self.taskwarrior(root, overdue)
            else:
                self.notes.append("未安装 taskwarrior（apt-get install taskwarrior），未做对比。")

    def bench_import(self, root: Path) -> None:
        # `export --format csv` writes the Chinese headers import reads; list's CSV has the YAML keys.
        argv = ["export", "--format", "csv"] if self.has_command("export") else ["list", "--all", "--format", "csv"]
        csv_text = subprocess.run([*self.tz, *argv], cwd=root, env=self.env, capture_output=True, text=True).stdout
        target = Path(tempfile.mkdtemp(prefix="tz-import-")) / "ledger"
        subprocess.run([*self.tz, "init", str(target), "--org", "导入测试"], env=self.env, capture_output=True, check=True)
        subprocess.run(["git", "-C", str(target), "config", "user.name", "督查室"], check=True)
        subprocess.run(["git", "-C", str(target), "config", "user.email", "bench@example.org"], check=True)
        src = target.parent / "tasks.csv"
        src.write_text(csv_text, encoding="utf-8")
        row = self.run(Row("10,000", "import 10,000 行（CSV）", "taizhang import tasks.csv"),
                       ["import", str(src)], target, 1)
        if row.samples[0].code != 0:
            row.note = "导入命令拒绝了 list --format csv 的列格式"

    def taskwarrior(self, root: Path, overdue: Row) -> None:
        """The same tasks in a throw-away Taskwarrior: pending with due dates, completed, deleted."""
        out = subprocess.run([*self.tz, "list", "--all", "--format", "json"], cwd=root, env=self.env,
                             capture_output=True, text=True, check=True).stdout
        data = Path(tempfile.mkdtemp(prefix="tz-task-"))
        rc = data / "taskrc"
        rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\n")
        env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}

        def ts(d: str) -> str:
            return d.replace("-", "") + "T000000Z"

        items = []
        for t in json.loads(out):
            status = {"closed": "completed", "cancelled": "deleted"}.get(t["status"], "pending")
            item = {"description": t["title"], "status": status, "entry": ts(t["assigned_on"]),
                    "project": t["lead_unit"], "tags": t["tags"] or []}
            if t["due"]:
                item["due"] = ts(t["due"])
            if status != "pending":
                item["end"] = ts((t.get("verification") or t.get("done") or {}).get("on") or t["assigned_on"])
            items.append(item)
        src = data / "tasks.json"
        src.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run(["task", "import", str(src)], env=env, capture_output=True, check=True)
        print(f"  taskwarrior import of {len(items)} tasks: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        subprocess.run(["task", "overdue"], env=env, capture_output=True)  # first run may garbage-collect
        row = Row("10,000", "Taskwarrior: task overdue", "task overdue（同一批 10,000 项）")
        for _ in range(self.args.runs):
            row.samples.append(measure(["task", "overdue"], data, env))
        self.rows.append(row)
        ratio = overdue.median("wall") / row.median("wall")
        cpu_ratio = overdue.median("cpu") / row.median("cpu") if row.median("cpu") else float("nan")
        self.tw_ratio = (ratio, cpu_ratio)
        overdue.note = f"= {ratio:.2f} × task overdue（墙钟），{cpu_ratio:.2f} ×（CPU）"
        shutil.rmtree(data, ignore_errors=True)

    def help(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            self.run(Row("—", "--help", "taizhang --help", target="≤ 0.12 s", limit=0.12),
                     ["--help"], Path(d), max(self.args.runs, 7))

    def report(self) -> str:
        m = machine()
        lines = [
            f"机器：{m['nproc']} 核 {m['cpu']}，内存 {m['mem']}；Python {m['python']}；{m['git']}；"
            f"Taskwarrior {m['taskwarrior']}；{m['os']}；测完时负载（1/5/15 分钟）{m['load']}",
            f"命令：`python bench/run.py {' '.join(sys.argv[1:])}`，每项取 {self.args.runs} 次中位数"
            "（冷启动、首次 check 与 100,000 项的 check 各 1 次，10,000 项冷启动 3 次以内），TAIZHANG_TODAY=今天，输出到管道。",
            "",
            "| 事项数 | 测什么 | 命令 | 墙钟中位数 | CPU 中位数 | 峰值内存 | 目标 | 结果 |",
            "|---:|---|---|---:|---:|---:|---|---|",
        ]
        for r in self.rows:
            wall, cpu = r.median("wall"), r.median("cpu")
            rss = max(s.rss_mib for s in r.samples)
            verdict = ""
            if r.limit is not None:
                ok = wall <= r.limit and ("MiB" not in r.target or rss <= 500)
                verdict = "达标" if ok else ("CPU 达标，墙钟超" if cpu <= r.limit else "未达标")
            if r.what.startswith("overdue") and self.tw_ratio and r.size == "10,000":
                verdict = "达标" if self.tw_ratio[0] <= 1.0 else "未达标"
            if r.note:
                verdict = (verdict + " " + r.note).strip()
            lines.append(f"| {r.size} | {r.what} | `{r.command}` | {wall:.3f} s | {cpu:.3f} s | {rss:.0f} MiB "
                         f"| {r.target} | {verdict} |")
        if self.notes:
            lines.append("")
            lines.extend(f"- {n}" for n in self.notes)
        return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000", help="comma-separated ledger sizes (default 1000,10000)")
    p.add_argument("--full", action="store_true", help="also 100,000 tasks")
    p.add_argument("--runs", type=int, default=5, help="runs per command (median; default 5)")
    p.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "taizhang-bench"))
    p.add_argument("--reuse", action="store_true", help="reuse ledgers generated by an earlier run")
    p.add_argument("-o", "--output", help="also write the Markdown table to this file")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.full and 100_000 not in sizes:
        sizes.append(100_000)
    bench = Bench(args)
    bench.work.mkdir(parents=True, exist_ok=True)
    bench.help()
    for n in sizes:
        bench.size(n)
    table = bench.report()
    print(table)
    if args.output:
        Path(args.output).write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
