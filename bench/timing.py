"""One whole process timed: wall time, its CPU (user+sys from wait4) and its peak RSS."""

from __future__ import annotations

import fcntl
import os
import platform
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    code: int
    out_bytes: int = 0
    err: str = ""


def median(samples: list[Sample], attr: str) -> float:
    return statistics.median(getattr(s, attr) for s in samples)


def taizhang_cmd() -> list[str]:
    beside = Path(sys.executable).parent / "taizhang"
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-c", "import cli; cli.run()"]


def measure(argv: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None = None,
            tty_stderr: bool = False) -> Sample:
    """Run argv with stdout to a pipe (read to the end, as a consumer would) and time it.

    CPU is user+sys of the whole process tree from wait4() (microseconds). Peak RSS comes from
    /usr/bin/time's report when there is one: a child forked straight from this (large) benchmark
    process would count the parent's high-water mark as its own. With `tty_stderr` the process's
    stderr is a pseudo-terminal (120 columns), as under a clerk's terminal, and its text is kept.
    """
    report = None
    if TIME:
        fd, report = tempfile.mkstemp(prefix="tz-time-")
        os.close(fd)
        argv = [TIME, "-q", "-f", "%M", "-o", report, *argv]
    master = slave = None
    if tty_stderr:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**env, "TERM": env.get("TERM") if env.get("TERM") not in (None, "", "dumb") else "xterm-256color"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=slave if tty_stderr else subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    if slave is not None:
        os.close(slave)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    out_bytes, err = drain(proc, master)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    if report:
        fields = Path(report).read_text().split()
        os.unlink(report)
        try:
            rss = int(fields[-1]) / 1024
        except (IndexError, ValueError):
            pass
    text = err.decode("utf-8", "replace")
    if code not in (0, 1):
        sys.stderr.write(f"  ! {' '.join(argv[-4:])} exited {code}: {text[:300]}\n")
    return Sample(wall, cpu, rss, code, out_bytes, ANSI.sub("", text) if tty_stderr else text)


def drain(proc: subprocess.Popen, master: int | None) -> tuple[int, bytes]:
    """Read the child's stdout (counting bytes) and stderr (pipe or pty master) until both close."""
    streams = {proc.stdout.fileno(): "out", (master if master is not None else proc.stderr.fileno()): "err"}
    size, err = 0, bytearray()
    while streams:
        for fd in select.select(list(streams), [], [])[0]:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # a pty's master reads EIO once the last slave is closed
                chunk = b""
            if not chunk:
                del streams[fd]
            elif streams[fd] == "out":
                size += len(chunk)
            else:
                err += chunk
    proc.stdout.close()
    if master is not None:
        os.close(master)
    else:
        proc.stderr.close()
    return size, bytes(err)


def machine() -> dict[str, str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    mem = first("/proc/meminfo", "MemTotal")
    git_v = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "nproc": str(os.cpu_count()), "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "mem": f"{int(mem.split()[0]) // 1024 // 1024} GiB" if mem else "",
        "python": platform.python_version(), "git": git_v, "os": platform.platform(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
