"""Clerks on real git repositories: an identity, the installed `taizhang` and `git` in a folder, a `git daemon` to push to."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.runner import REPO, TODAY, Result, assert_sane, console_script


def stress(small: int, full: int) -> int:
    """A stress test's size: `full` when TAIZHANG_STRESS=full (nightly runs, bench/), else `small`,
    which keeps every assertion but fits the suite in a few minutes on two cores."""
    return full if os.environ.get("TAIZHANG_STRESS") == "full" else small


def base_env(home: Path, name: str = "张三", email: str = "zhangsan@example.gov.cn") -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / f"gitconfig-{email}"
    cfg.write_text(f"[user]\n\tname = {name}\n\temail = {email}\n[init]\n\tdefaultBranch = main\n",
                   encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "TAIZHANG_"))}
    env.update(GIT_CONFIG_GLOBAL=str(cfg), GIT_CONFIG_NOSYSTEM="1", HOME=str(home), TAIZHANG_TODAY=TODAY,
               PYTHONPATH=str(REPO), COLUMNS="200", NO_COLOR="1", LC_ALL="C.UTF-8")
    return env


class Clerk:
    """One clerk: an identity and a way to run `taizhang` and `git` in a folder."""

    def __init__(self, home: Path, cwd: Path, name: str = "张三", email: str = "zhangsan@example.gov.cn"):
        self.env = base_env(home, name, email)
        self.cwd = cwd

    def tz(self, *args, code: int | None = 0, today: str | None = None, timeout: float = 60, **extra) -> Result:
        env = dict(self.env, **extra)
        if today:
            env["TAIZHANG_TODAY"] = today
        p = subprocess.run([*console_script(), *map(str, args)], cwd=self.cwd, env=env, capture_output=True,
                           timeout=timeout)
        return assert_sane(Result(p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")), args, code)

    def git(self, *args, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        p = subprocess.run(["git", *map(str, args)], cwd=self.cwd, env=self.env, capture_output=True,
                           text=True, input=input)
        if check and p.returncode != 0:
            raise AssertionError(f"git {' '.join(map(str, args))}: {p.stdout}{p.stderr}")
        return p

    def add(self, title: str = "推进老旧小区改造", *extra, **kw) -> str:
        return self.tz("add", title, "--lead-unit", "市住建局", "--within", "10wd", *extra, **kw).last_line

    def commits(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD").stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def git_daemon(served: Path, env: dict):
    """`git daemon` serving the bare repositories under `served` (one at least) on 127.0.0.1; yields git://HOST:PORT.

    The port is a free one the kernel picked; another test (an xdist worker) may take it before
    the daemon binds, so a daemon that exits at once is started again on a new port.
    """
    if shutil.which("git") is None:
        pytest.skip("no git")
    exec_path = subprocess.run(["git", "--exec-path"], capture_output=True, text=True).stdout.strip()
    if not (Path(exec_path) / "git-daemon").is_file():
        pytest.skip("git daemon is not installed on this machine (Debian: apt-get install git-daemon-run)")
    # Probing a repository of ours, not just the port: a daemon of another test on the same
    # port would not serve it.
    probe_repo = sorted(p.name for p in served.iterdir() if p.name.endswith(".git"))[0]
    errors = ""
    deadline = time.monotonic() + 30
    for _attempt in range(5):
        port = _free_port()
        # The git-daemon program itself, not `git daemon`: the `git` wrapper would run it as a child
        # that outlives the wrapper's kill, leaving a daemon behind after every test.
        daemon = subprocess.Popen(
            [str(Path(exec_path) / "git-daemon"), "--reuseaddr", f"--base-path={served}", "--export-all", "--enable=receive-pack",
             f"--port={port}", "--listen=127.0.0.1", "--informative-errors", str(served)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"git://127.0.0.1:{port}"
        ready = False
        while not ready and daemon.poll() is None and time.monotonic() < deadline:
            ready = subprocess.run(["git", "ls-remote", f"{base}/{probe_repo}"], env=env,
                                   capture_output=True).returncode == 0
            time.sleep(0 if ready else 0.05)
        if ready:
            break
        daemon.kill()
        errors += daemon.stderr.read().decode(errors="replace")
        daemon.wait()
    else:
        pytest.fail(f"git daemon did not answer on 127.0.0.1: {errors}")
    try:
        yield base
    finally:
        daemon.kill()
        daemon.wait()


def join(url: str, tmp_path, name: str, email: str) -> Clerk:
    """A clerk who joins by a plain `git clone` of the office's ledger."""
    c = Clerk(tmp_path / f"home-{email}", tmp_path, name, email)
    c.git("clone", "-q", url, tmp_path / email)
    c.cwd = tmp_path / email
    return c
