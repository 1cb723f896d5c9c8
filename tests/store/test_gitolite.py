"""The guard on a gitolite3 server: gitolite set up in a temporary HOME, pushes through gitolite-shell.

No sshd is started: a test cannot run one that logs in as gitolite's user with gitolite's HOME
without root and a system account. What sshd does for a gitolite key is to run the forced command
gitolite wrote into ~/.ssh/authorized_keys with SSH_ORIGINAL_COMMAND set; the `ssh` here does
exactly that for the key it is given (and sets SSH_CONNECTION, as sshd does), so every push goes through gitolite-shell, gitolite's access
rules and its update hook, with our pre-receive hook installed into the repository gitolite made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.store.test_guard import OFFICE, ROLES, ZJJ, hand_commit, refs
from tests.support.clerkkit import Clerk

FAKE_SSH = r"""#!/bin/sh
# ssh HOST COMMAND as sshd would serve it for gitolite: the forced command of this key's line.
for last; do :; done
key=$(cut -d' ' -f2 "$TZ_TEST_KEY.pub")
line=$(grep -F "$key" "$TZ_GL_HOME/.ssh/authorized_keys" | head -n 1) || { echo "Permission denied (publickey)." >&2; exit 255; }
forced=$(printf '%s\n' "$line" | sed -n 's/^command="\([^"]*\)".*/\1/p')
# sshd sets SSH_CONNECTION (gitolite-shell reads it to know it runs under ssh) and HOME.
HOME="$TZ_GL_HOME" SSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22" SSH_ORIGINAL_COMMAND="$last" exec sh -c "$forced"
"""


@pytest.fixture
def gitolite(tmp_path):
    if shutil.which("gitolite") is None:
        if os.environ.get("CI"):
            pytest.fail("gitolite3 is not installed (.ci/run installs it as root)")
        pytest.skip("gitolite3 is not installed (Debian: apt-get install gitolite3)")
    home = tmp_path / "gitolite-home"
    home.mkdir()
    keys = tmp_path / "keys"
    keys.mkdir()
    for user in ("admin", "office", "zjj"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user, "-f", str(keys / user)],
                       check=True)
    admin = Clerk(tmp_path / "home-admin", tmp_path, "管理员", "admin@example.gov.cn")
    env = {**admin.env, "HOME": str(home)}
    subprocess.run(["gitolite", "setup", "-pk", str(keys / "admin.pub")], env=env, check=True,
                   capture_output=True)
    # What the admin would push to gitolite-admin, edited in gitolite's own copy and compiled.
    keydir = home / ".gitolite" / "keydir"
    for user in ("office", "zjj"):
        shutil.copy(keys / f"{user}.pub", keydir / f"{user}.pub")
    conf = home / ".gitolite" / "conf" / "gitolite.conf"
    conf.write_text(conf.read_text() + "\nrepo ledger\n    RW+ = office zjj\n", encoding="utf-8")
    subprocess.run(["gitolite", "setup"], env=env, check=True, capture_output=True)
    bare = home / "repositories" / "ledger.git"
    assert bare.is_dir()
    ssh = tmp_path / "fake-ssh"
    ssh.write_text(FAKE_SSH)
    ssh.chmod(0o755)
    return home, bare, keys, ssh, env


def via_gitolite(c: Clerk, home: Path, keys: Path, ssh: Path, user: str) -> None:
    c.env.update(GIT_SSH_COMMAND=str(ssh), TZ_GL_HOME=str(home), TZ_TEST_KEY=str(keys / user))


def test_guard_in_a_gitolite_repository(gitolite, tmp_path):
    home, bare, keys, ssh, env = gitolite
    office = Clerk(tmp_path / "home-office", tmp_path, *OFFICE)
    r = office.tz("guard", "install", bare)
    assert "pre-receive" in r.out
    # gitolite re-links its own hooks on every setup; ours must survive that
    subprocess.run(["gitolite", "setup"], env=env, check=True, capture_output=True)
    assert "taizhang pre-receive hook" in (bare / "hooks" / "pre-receive").read_text()
    assert (bare / "hooks" / "update").is_symlink()  # gitolite's access checks stay in place

    via_gitolite(office, home, keys, ssh, "office")
    office.tz("init", tmp_path / "office", "--org", "某某市人民政府督查室")
    office.cwd = tmp_path / "office"
    office.add("老旧小区改造")
    office.tz("add", "预算绩效评价", "--lead-unit", "市财政局", "--within", "10wd")
    with open(office.cwd / "taizhang.yaml", "a", encoding="utf-8") as f:
        f.write(ROLES)
    office.git("commit", "-qam", "设置角色")
    office.git("remote", "add", "origin", "git@gitolite:ledger")
    office.tz("sync")

    zjj = Clerk(tmp_path / "home-zjj", tmp_path, *ZJJ)
    via_gitolite(zjj, home, keys, ssh, "zjj")
    zjj.tz("clone", "git@gitolite:ledger", "zjj")
    zjj.cwd = tmp_path / "zjj"
    assert [t["id"] for t in zjj.tz("list", "--format", "json").json()] == ["2026-0001"]  # own unit by default
    zjj.tz("progress", "1", "已完成摸底")
    zjj.tz("sync")
    assert "已完成摸底" in subprocess.run(["git", "-C", str(bare), "log", "-1", "--format=%s", "main"],
                                         capture_output=True, text=True).stdout

    before = refs(bare)
    hand_commit(zjj, "tasks/2026/2026-0002.yaml",
                lambda t: t.replace("progress: []", "progress:\n  - on: 2026-11-20\n    text: 越权\n    by: 李明"),
                "progress", "2026-0002")
    p = zjj.git("push", "origin", "HEAD:main", check=False)
    assert p.returncode != 0 and "remote: taizhang：推送被拒绝" in p.stderr, p.stderr
    assert "2026-0002 的牵头和责任单位是 市财政局" in p.stderr
    # gitolite grants RW+ (force pushes), yet the guard keeps published history
    zjj.git("reset", "-q", "--hard", "HEAD~2")
    p = zjj.git("push", "--force", "origin", "HEAD:main", check=False)
    assert p.returncode != 0 and "不是快进推送" in p.stderr, p.stderr
    assert refs(bare) == before
