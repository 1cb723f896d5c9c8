"""A second clerk joins by `taizhang clone` of a plain `git init --bare` server repository (HEAD → master)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.clerkkit import Clerk, git_daemon

HAN_LINE = "错误："


def plain_bare(path: Path) -> Path:
    """A bare repository as `git init --bare` makes it on a server with no settings: HEAD names master."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "--bare", str(path)], env=env, check=True)
    head = subprocess.run(["git", "-C", str(path), "symbolic-ref", "HEAD"], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()
    if head != "refs/heads/master":  # git before 3.0 names master; keep the case a newer git would not make
        subprocess.run(["git", "-C", str(path), "symbolic-ref", "HEAD", "refs/heads/master"], env=env, check=True)
    return path


@pytest.fixture(params=["git-daemon", "file"])
def office(request, tmp_path):
    """The office's server repository, made by plain `git init --bare`, and the clerk who sets it up.

    The first clerk follows the README: init, add one task, `git remote add origin`, `taizhang sync`.
    """
    served = tmp_path / "served"
    served.mkdir()
    bare = plain_bare(served / "ledger.git")
    admin = Clerk(tmp_path / "home-admin", tmp_path, "督查室", "ducha@example.gov.cn")
    with (git_daemon(served, admin.env) if request.param == "git-daemon" else contextlib.nullcontext()) as base:
        url = f"{base}/ledger.git" if base else bare.as_uri()
        admin.tz("init", tmp_path / "admin", "--org", "某某市人民政府督查室")
        admin.cwd = tmp_path / "admin"
        assert admin.add("督查室登记的事项") == "2026-0001"
        admin.git("remote", "add", "origin", url)
        first = admin.tz("sync")
        yield _Office(request.param, url, bare, admin, first)


class _Office:
    def __init__(self, kind, url, bare, admin, first_sync):
        self.kind, self.url, self.bare, self.admin, self.first_sync = kind, url, bare, admin, first_sync


def _ids(c: Clerk) -> dict[str, str]:
    return {t["id"]: t["title"] for t in c.tz("list", "--format", "json").json()}


def test_two_clerks_clone_work_offline_and_sync(office, tmp_path):
    jia = Clerk(tmp_path / "home-jia", tmp_path, "甲", "jia@example.gov.cn")
    out = jia.tz("clone", office.url, "甲的台账").out
    jia.cwd = tmp_path / "甲的台账"
    assert "main 分支" in out and "1 项事项" in out and "经办人 甲" in out
    assert out.rstrip().splitlines()[-1].startswith(f"下一步：cd {jia.cwd}")
    # 乙 has no git identity of their own yet: clone takes it as options, for this ledger only.
    yi = Clerk(tmp_path / "home-yi", tmp_path, "乙", "yi@example.gov.cn")
    (tmp_path / "home-yi" / "gitconfig-yi@example.gov.cn").write_text("", encoding="utf-8")
    yi.tz("clone", office.url, "乙的台账", "--name", "乙", "--email", "yi@example.gov.cn")
    yi.cwd = tmp_path / "乙的台账"
    assert yi.git("config", "--local", "user.name").stdout.strip() == "乙"
    for c in (jia, yi):
        assert c.git("symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
        assert c.git("rev-parse", "--abbrev-ref", "main@{upstream}").stdout.strip() == "origin/main"
        assert "taizhang pre-commit hook" in (c.cwd / ".git" / "hooks" / "pre-commit").read_text(encoding="utf-8")
        assert "merge-driver" in c.git("config", "merge.taizhang.driver").stdout
        assert c.git("config", "--get-regexp", r"^branch\.master\.", check=False).stdout == ""

    # Offline, both register a task: both get the next number.
    assert jia.add("甲登记的事项") == yi.add("乙登记的事项") == "2026-0002"
    jia.tz("sync")
    assert "改号：本地新登记的 2026-0002" in yi.tz("sync").out
    jia.tz("sync")
    want = {"2026-0001": "督查室登记的事项", "2026-0002": "甲登记的事项", "2026-0003": "乙登记的事项"}
    for c in (jia, yi):
        assert _ids(c) == want
        assert c.tz("check").out == ""
        assert c.git("status", "--porcelain").stdout == ""
    assert jia.git("rev-parse", "HEAD").stdout == yi.git("rev-parse", "HEAD").stdout
    authors = jia.git("log", "--format=%an", "--", "tasks/2026/2026-0003.yaml").stdout.split()
    assert authors == ["乙"]


def test_first_sync_leaves_the_remote_usable_for_a_plain_git_clone(office, tmp_path):
    """file://: sync points the bare repository's HEAD at main itself. git://: it cannot, and says how."""
    admin = office.admin
    if office.kind == "file":
        assert "已把 origin 的默认分支（HEAD）设为 main" in office.first_sync.out
        assert office.first_sync.err == ""
    else:
        note = office.first_sync.err.strip()
        assert note.startswith("注意：") and "git symbolic-ref HEAD refs/heads/main" in note, note
        assert "taizhang clone" in note
        # The server's administrator runs what the note says, in the bare repository.
        subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=office.bare, env=admin.env, check=True)
    assert admin.git("-C", office.bare, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/main"
    bing = Clerk(tmp_path / "home-bing", tmp_path, "丙", "bing@example.gov.cn")
    bing.git("clone", "-q", office.url, tmp_path / "丙的台账")
    bing.cwd = tmp_path / "丙的台账"
    assert _ids(bing) == {"2026-0001": "督查室登记的事项"}
    jia = Clerk(tmp_path / "home-jia", bing.cwd, "甲", "jia@example.gov.cn")
    jia.add("丙的克隆里登记的事项")
    assert jia.tz("sync").err == ""  # the HEAD is fixed: no more notes


COMMANDS = [("list",), ("show", "1"), ("add", "新事项", "--lead-unit", "市住建局", "--within", "10wd"), ("check",),
            ("sync",), ("export", "--format", "csv"), ("overdue", "--format", "json"), ("init",)]


def test_every_command_in_a_clone_with_nothing_checked_out_names_the_fix(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    bare = plain_bare(served / "ledger.git")
    admin = Clerk(tmp_path / "home-admin", tmp_path)
    admin.tz("init", tmp_path / "admin")
    admin.cwd = tmp_path / "admin"
    admin.add("督查室登记的事项")
    admin.git("push", "-q", bare, "main")  # pushed by hand: the bare repository's HEAD still names master
    with git_daemon(served, admin.env) as base:
        p = admin.git("clone", f"{base}/ledger.git", tmp_path / "plain", check=False)
    assert "remote HEAD refers to nonexistent ref" in p.stderr
    plain = tmp_path / "plain"
    clerk = Clerk(tmp_path / "home-clerk", plain)
    fix = f"git -C {plain} checkout main"
    for args in COMMANDS:
        for where in ({}, {"TAIZHANG_LEDGER": str(plain)}):
            r = clerk.tz(*args, code=3, **where)
            lines = r.err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(HAN_LINE), r.err
            assert "没有检出任何文件" in lines[0] and "origin/main" in lines[0] and lines[0].endswith(fix), lines[0]
            assert r.out == ""
            assert sorted(p.name for p in plain.iterdir()) == [".git"]
    subprocess.run(fix.split(), env=clerk.env, check=True, capture_output=True)
    assert _ids(clerk) == {"2026-0001": "督查室登记的事项"}
    clerk.tz("setup")  # a read sets nothing up in a plain clone; `setup` (or the first write) does
    assert "merge-driver" in clerk.git("config", "merge.taizhang.driver").stdout


def _refused(c: Clerk, *args, code: int = 2) -> str:
    before = sorted(p.name for p in c.cwd.iterdir())
    r = c.tz(*args, code=code)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(HAN_LINE), r.err
    assert r.out == ""
    assert sorted(p.name for p in c.cwd.iterdir()) == before, "a refused clone left a file"
    return lines[0]


def test_clone_refuses_and_leaves_nothing(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    c = Clerk(tmp_path / "home", work)
    empty = plain_bare(tmp_path / "empty.git")
    assert "远程仓库是空的" in _refused(c, "clone", empty.as_uri(), "台账")
    other = tmp_path / "other"
    c.git("init", "-q", other)
    (other / "a.txt").write_text("不是台账\n", encoding="utf-8")
    c.git("-C", other, "add", "a.txt")
    c.git("-C", other, "commit", "-qm", "x")
    assert "不是台账" in _refused(c, "clone", other, "台账")
    assert "无法克隆" in _refused(c, "clone", tmp_path / "nowhere.git", "台账", code=3)
    assert "无法克隆" in _refused(c, "clone", "--", "--upload-pack=touch pwned", "台账", code=3)  # a URL, never an option
    c.tz("init", tmp_path / "ledger")
    (work / "占用").mkdir()
    (work / "占用" / "x").write_text("", encoding="utf-8")
    assert "不是空目录" in _refused(c, "clone", tmp_path / "ledger", "占用")
    # No user.name anywhere: refused before anything is fetched, naming the options.
    (tmp_path / "home" / "gitconfig-zhangsan@example.gov.cn").write_text("", encoding="utf-8")
    line = _refused(c, "clone", tmp_path / "ledger", "台账")
    assert "user.name" in line and "--name" in line
    # An empty folder made beforehand is fine; the default folder name is the URL's last part.
    (work / "空目录").mkdir()
    c.tz("clone", tmp_path / "ledger", "空目录", "--name", "张三")
    c.tz("clone", tmp_path / "ledger", "--name", "张三")
    assert (work / "空目录" / "taizhang.yaml").is_file() and (work / "ledger" / "taizhang.yaml").is_file()
