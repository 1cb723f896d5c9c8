"""Fixtures for the workflow tests: the real CLI against real git ledgers in temporary folders.

Kept apart from conftest.py so that the workflow branch merges cleanly; test modules
import what they use (`from workflow_fixtures import *`).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from gitkit import commit_count, git, snapshot
from typer.testing import CliRunner

import cli

TODAY = "2026-11-20"  # a Friday
CLERK = "测试员"
HAN = re.compile(r"[\u4e00-\u9fff]")

__all__ = ["TODAY", "CLERK", "wf_env", "run", "ledger", "refuse", "add", "git", "commit_count", "snapshot"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    @property
    def last_line(self) -> str:
        return self.out.rstrip("\n").splitlines()[-1]


@pytest.fixture(autouse=True)
def wf_env(tmp_path_factory, monkeypatch):
    """A git identity of our own (GIT_CONFIG_GLOBAL), no system config, a fixed today."""
    home = tmp_path_factory.mktemp("home")
    cfg = home / "gitconfig"
    cfg.write_text(f"[user]\n\tname = {CLERK}\n\temail = test@example.gov.cn\n[init]\n\tdefaultBranch = main\n",
                   encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TAIZHANG_TODAY", TODAY)
    for var in ("TAIZHANG_LEDGER", "TAIZHANG_DEBUG", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
                "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def run():
    """`taizhang ARGS` in-process through cli.main, which maps errors to exit codes."""
    runner = CliRunner()

    def invoke(*args, code: int | None = 0, today: str | None = None) -> Result:
        env = {"TAIZHANG_TODAY": today} if today else {}
        with runner.isolation(env=env) as (out, err, _):
            rc = cli.main([str(a) for a in args])
            sys.stdout.flush()
            sys.stderr.flush()
            res = Result(rc, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
        where = f"taizhang {' '.join(map(str, args))}\n--- stdout\n{res.out}\n--- stderr\n{res.err}"
        assert "Traceback" not in res.out + res.err, where
        assert "内部错误" not in res.err, where
        if code is not None:
            assert res.code == code, where
        return res

    return invoke


@pytest.fixture
def ledger(tmp_path, run, monkeypatch) -> Path:
    root = tmp_path / "台账"
    run("init", str(root), "--org", "某某市人民政府督查室")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def refuse(run):
    """Run a command that must be refused: exit code, one Chinese line, nothing changed."""

    def check(root: Path, *args, code: int = 2, **kw) -> Result:
        before = snapshot(root)
        res = run(*args, code=code, **kw)
        lines = res.err.strip("\n").splitlines()
        assert len(lines) == 1 and HAN.search(lines[0]), res.err
        assert res.out == ""
        assert snapshot(root) == before, f"taizhang {' '.join(map(str, args))} changed the ledger"
        return res

    return check


def add(run, title: str = "推进老旧小区改造", *extra: str, **kw) -> str:
    res = run("add", title, "--lead-unit", "市住建局", *extra, **kw)
    return res.last_line
