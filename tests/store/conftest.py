"""Fixtures of the store tests: a clerk with a fresh ledger, and that ledger served by `git daemon`."""

from __future__ import annotations

import pytest

from tests.support.clerkkit import Clerk, git_daemon


@pytest.fixture
def clerk(tmp_path) -> Clerk:
    root = tmp_path / "ledger"
    c = Clerk(tmp_path / "home", tmp_path)
    c.tz("init", root, "--org", "某某市人民政府督查室")
    c.cwd = root
    return c


@pytest.fixture
def server(tmp_path, clerk: Clerk):
    """The first clerk's ledger pushed to a bare repository that `git daemon` serves on 127.0.0.1."""
    served = tmp_path / "served"
    served.mkdir()
    clerk.git("clone", "-q", "--bare", clerk.cwd, served / "ledger.git")
    with git_daemon(served, clerk.env) as base:
        yield f"{base}/ledger.git"
