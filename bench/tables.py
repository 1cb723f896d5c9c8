"""The benchmark's rows, their verdicts and the Markdown tables they print as."""

from __future__ import annotations

from dataclasses import dataclass, field

from timing import Sample, median

PASS = "达标"


@dataclass
class Row:
    """One taizhang command timed on its own, against a plain limit when it has one."""

    size: str
    what: str
    command: str
    samples: list[Sample] = field(default_factory=list)
    target: str = ""
    limit: float | None = None  # seconds; None when the target is not a plain time
    mem_limit: float | None = None  # MiB
    note: str = ""
    miss: str = ""  # a further part of the target that was missed (no progress bar shown)

    def median(self, attr: str) -> float:
        return median(self.samples, attr)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)

    def verdict(self) -> str:
        if self.limit is None:
            return self.note
        wall, cpu, misses = self.median("wall"), self.median("cpu"), []
        if wall > self.limit:
            misses.append("CPU 达标，墙钟超" if cpu <= self.limit else "时间未达标")
        if self.mem_limit is not None and self.rss > self.mem_limit:
            misses.append(f"内存超（{self.rss:.0f} MiB）")
        if self.miss:
            misses.append(self.miss)
        return (("，".join(misses) if misses else PASS) + (f"；{self.note}" if self.note else "")).strip("；")

    def cells(self) -> list[str]:
        return [self.size, self.what, f"`{self.command}`", f"{self.median('wall'):.3f} s",
                f"{self.median('cpu'):.3f} s", f"{self.rss:.0f} MiB", self.target, self.verdict()]


ROW_HEADER = ["事项数", "测什么", "命令", "墙钟中位数", "CPU 中位数", "峰值内存", "目标", "结果"]


@dataclass
class Pair:
    """A taizhang command and the Taskwarrior command it is measured against, run alternately."""

    size: str
    share: str
    what: str
    tz_command: str
    tw_command: str
    limit: float  # the ratio taizhang/task to stay under
    stretch: float | None = None
    tz: list[Sample] = field(default_factory=list)
    tw: list[Sample] = field(default_factory=list)

    def ratio(self, attr: str) -> float:
        theirs = median(self.tw, attr)
        return median(self.tz, attr) / theirs if theirs else float("nan")

    def target(self) -> str:
        stretch = f"（延伸目标 ≤ {self.stretch} ×）" if self.stretch else ""
        return f"≤ {self.limit} ×{stretch}"

    def verdict(self) -> str:
        wall, cpu = self.ratio("wall"), self.ratio("cpu")
        if self.stretch and wall <= self.stretch:
            return f"{PASS}，延伸目标也达到"
        if wall <= self.limit:
            return PASS
        return "CPU 达标，墙钟未达标" if cpu <= self.limit else "未达标"

    def cells(self) -> list[str]:
        def pair(attr: str, fmt: str) -> list[str]:
            return [fmt.format(median(self.tz, attr)), fmt.format(median(self.tw, attr)),
                    f"{self.ratio(attr):.2f} ×"]

        rss = f"{max(s.rss_mib for s in self.tz):.0f} / {max(s.rss_mib for s in self.tw):.0f} MiB"
        return [self.size, self.share, self.what, f"`{self.tz_command}` 对 `{self.tw_command}`",
                *pair("wall", "{:.3f} s"), *pair("cpu", "{:.3f} s"), rss, self.target(), self.verdict()]


PAIR_HEADER = ["事项数", "在办", "测什么", "命令（taizhang 对 task）", "taizhang 墙钟", "task 墙钟", "墙钟比",
               "taizhang CPU", "task CPU", "CPU 比", "峰值内存（taizhang / task）", "目标", "结果"]


def markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    align = ["---:" if h in ("事项数",) or "墙钟" in h or "CPU" in h or "内存" in h else "---" for h in header]
    return [f"| {' | '.join(header)} |", f"|{'|'.join(align)}|", *(f"| {' | '.join(r)} |" for r in rows)]
