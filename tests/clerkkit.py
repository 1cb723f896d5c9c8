"""Shared helpers of the audit, sync and robustness tests: the real `taizhang` on real git repos."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, Result, console_script  # noqa: F401  (TODAY is re-exported to the tests)

REPO = Path(__file__).resolve().parent.parent


def script() -> list[str]:
    return console_script()


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
        p = subprocess.run([*script(), *map(str, args)], cwd=self.cwd, env=env, capture_output=True,
                           timeout=timeout)
        r = Result(p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8"))
        where = f"taizhang {' '.join(map(str, args))}\n--- out\n{r.out}\n--- err\n{r.err}"
        assert "Traceback" not in r.out + r.err, where
        assert "内部错误" not in r.err, where
        if code is not None:
            assert r.code == code, where
        return r

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


@pytest.fixture
def clerk(tmp_path) -> Clerk:
    root = tmp_path / "ledger"
    c = Clerk(tmp_path / "home", tmp_path)
    c.tz("init", root, "--org", "某某市人民政府督查室")
    c.cwd = root
    return c
