"""Fixtures for driving the real `taizhang` against real git ledgers in temporary folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import cli
from tests.support.gitkit import commit_count, git, head, snapshot
from tests.support.runner import CLERK, CLERK_EMAIL, HAN, REPO, TODAY, Result, assert_sane, console_script, script_env


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """A git identity of our own, no system config, a fixed today, no inherited ledger."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(
        f"[user]\n\tname = {CLERK}\n\temail = {CLERK_EMAIL}\n[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TAIZHANG_TODAY", TODAY)
    for var in ("TAIZHANG_LEDGER", "TAIZHANG_DEBUG", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
                "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


def _env_overrides(today: str | None, env: dict | None) -> dict[str, str | None]:
    out: dict[str, str | None] = dict(env or {})
    if today is not None:
        out["TAIZHANG_TODAY"] = today
    return out


@pytest.fixture
def run(monkeypatch):
    """`taizhang ARGS` in-process: typer's runner isolates the streams, `cli.main` maps errors."""
    runner = CliRunner()

    def invoke(*args: str, code: int | None = 0, today: str | None = None, env: dict | None = None,
               cwd: Path | None = None) -> Result:
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            with runner.isolation(env=_env_overrides(today, env)) as (out, err, _):
                rc = cli.main([str(a) for a in args])
                sys.stdout.flush()
                sys.stderr.flush()
                res = Result(rc, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
        finally:
            os.chdir(old)
        return assert_sane(res, args, code)

    return invoke


@pytest.fixture
def sh():
    """The installed `taizhang` console script as a subprocess, importing this checkout."""
    base = console_script()

    def call(*args: str, code: int | None = 0, today: str | None = None, env: dict | None = None,
             cwd: Path | None = None, timeout: float = 60) -> Result:
        full = script_env()
        for k, v in _env_overrides(today, env).items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        proc = subprocess.run([*base, *[str(a) for a in args]], cwd=cwd, env=full, capture_output=True,
                              timeout=timeout)
        res = Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))
        return assert_sane(res, args, code)

    return call


@pytest.fixture
def ledger(tmp_path, run, monkeypatch) -> Path:
    """A fresh ledger made by `taizhang init`; the current folder is inside it."""
    root = tmp_path / "台账"
    run("init", str(root), "--org", "某某市人民政府督查室")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def refuse(run, sh):
    """Run a command that must be refused and prove it changed nothing."""

    def check(root: Path, *args: str, code: int = 2, via: str = "run", **kw) -> Result:
        before = snapshot(root)
        res = (run if via == "run" else sh)(*args, code=code, **kw)
        lines = res.err.strip("\n").splitlines()
        assert len(lines) == 1, f"want one line on stderr, got: {res.err!r}"
        assert HAN.search(lines[0]), f"not Chinese: {lines[0]!r}"
        assert res.out == "", f"a refusal printed on stdout: {res.out!r}"
        assert snapshot(root) == before, f"taizhang {' '.join(map(str, args))} changed the ledger"
        return res

    return check


@pytest.fixture
def h(run):
    """Helpers that need no state of their own, as one namespace (no `import conftest`)."""

    def add(title: str = "推进老旧小区改造", *extra: str, **kw) -> str:
        """Register a task and return its ID (the last line `add` prints)."""
        if not any(a in extra for a in ("--due", "--within", "--source")):
            extra = (*extra, "--within", "10wd")
        return run("add", title, "--lead-unit", "市住建局", *extra, **kw).last_line

    return SimpleNamespace(add=add, git=git, script=console_script(), script_env=script_env, head=head, commit_count=commit_count, snapshot=snapshot,
                           clerk=CLERK, clerk_email=CLERK_EMAIL, today=TODAY, han=HAN, repo=REPO)
