"""The server's pre-receive guard, with real pushes to a bare repository served by `git daemon`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.clerkkit import Clerk, git_daemon
from tests.support.runner import console_script

OFFICE = ("王芳", "wangfang@example.gov.cn")
ZJJ = ("李明", "liming@zjj.example.gov.cn")  # reporter of 市住建局
CZJ = ("王强", "wangqiang@czj.example.gov.cn")  # reporter of 市财政局
VERIFIER = ("赵核验", "zhao@example.gov.cn")

ROLES = f"""roles:
  office: [{OFFICE[0]} <{OFFICE[1]}>]
  units:
    市住建局: [{ZJJ[0]} <{ZJJ[1]}>]
    市财政局: [{CZJ[0]} <{CZJ[1]}>]
  verifiers: [{VERIFIER[0]} <{VERIFIER[1]}>]
"""


def bare_repo(path: Path, env: dict) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], env=env, check=True)
    subprocess.run(["git", "-C", str(path), "symbolic-ref", "HEAD", "refs/heads/main"], env=env, check=True)
    return path


def refs(bare: Path) -> str:
    return subprocess.run(["git", "-C", str(bare), "for-each-ref"], capture_output=True, text=True,
                          check=True).stdout


class Server:
    def __init__(self, tmp: Path, bare: Path, url: str, office: Clerk):
        self.tmp, self.bare, self.url, self.office = tmp, bare, url, office

    def join(self, who: tuple[str, str], folder: str) -> Clerk:
        c = Clerk(self.tmp / f"home-{folder}", self.tmp, *who)
        c.tz("clone", self.url, folder)
        c.cwd = self.tmp / folder
        return c

    def refused(self, c: Clerk, *push: str) -> str:
        """Push by plain git, which must be refused with the remote's refs unchanged; the message."""
        before = refs(self.bare)
        p = c.git("push", "origin", *(push or ("HEAD:main",)), check=False)
        assert p.returncode != 0, p.stderr
        assert refs(self.bare) == before
        assert "taizhang：推送被拒绝" in p.stderr and "Traceback" not in p.stderr, p.stderr
        return p.stderr

    def lands(self, c: Clerk) -> None:
        c.tz("sync")
        assert c.git("rev-parse", "HEAD").stdout == subprocess.run(
            ["git", "-C", str(self.bare), "rev-parse", "main"], capture_output=True, text=True).stdout


def start(tmp: Path, config_extra: str = ROLES, served: Path | None = None):
    served = served or tmp / "served"
    served.mkdir(exist_ok=True)
    office = Clerk(tmp / "home-office", tmp, *OFFICE)
    bare = bare_repo(served / "ledger.git", office.env)
    assert "已安装服务器端校验钩子" in office.tz("guard", "install", bare).out
    office.tz("init", tmp / "office", "--org", "某某市人民政府督查室")
    office.cwd = tmp / "office"
    office.add("老旧小区改造")  # 2026-0001: 市住建局
    office.tz("add", "城市更新资金", "--lead-unit", "市财政局", "--unit", "市住建局", "--within", "10wd")
    office.tz("add", "预算绩效评价", "--lead-unit", "市财政局", "--within", "10wd")  # 2026-0003
    with open(office.cwd / "taizhang.yaml", "a", encoding="utf-8") as f:
        f.write(config_extra)
    office.git("commit", "-qam", "设置角色")
    return served, bare, office


@pytest.fixture
def server(tmp_path):
    served, bare, office = start(tmp_path)
    with git_daemon(served, office.env) as base:
        url = f"{base}/ledger.git"
        office.git("remote", "add", "origin", url)
        office.tz("sync")  # the first push: the empty repository accepts the ledger with its roles
        yield Server(tmp_path, bare, url, office)


def hand_commit(c: Clerk, rel: str, edit, action: str | None, task: str = "") -> None:
    """What a clerk can do without taizhang: edit a file and commit, skipping the local hook."""
    path = c.cwd / rel
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    message = "手工修改" + (f"\n\nTaizhang-Action: {action}\nTaizhang-Task: {task}\n" if action else "")
    c.git("commit", "-q", "--no-verify", "-am", message)


T1, T2, T3 = (f"tasks/2026/2026-000{i}.yaml" for i in (1, 2, 3))


def test_allowed_pushes_land(server):
    zjj, czj = server.join(ZJJ, "zjj"), server.join(CZJ, "czj")
    zjj.tz("progress", "1", "已完成摸底调查")
    zjj.tz("progress", "2", "已提供配合资料")  # co-unit of 2026-0002
    server.lands(zjj)
    czj.tz("done", "3", "--note", "已完成评价")
    server.lands(czj)  # rebased onto zjj's commits
    server.office.tz("urge", "1")
    server.lands(server.office)
    verifier = server.join(VERIFIER, "verifier")
    verifier.tz("close", "3", "--verified-by", VERIFIER[0], "--method", "document")
    server.lands(verifier)
    log = subprocess.run(["git", "-C", str(server.bare), "log", "--format=%an", "main"], capture_output=True,
                         text=True).stdout.split()
    assert log[:5] == [VERIFIER[0], OFFICE[0], CZJ[0], ZJJ[0], ZJJ[0]]


def test_reporter_cannot_touch_another_units_task(server):
    zjj = server.join(ZJJ, "zjj")
    hand_commit(zjj, T3, lambda t: t.replace("progress: []", "progress:\n  - on: 2026-11-20\n    text: 越权\n    by: 李明"),
                "progress", "2026-0003")
    err = server.refused(zjj)
    assert "2026-0003 的牵头和责任单位是 市财政局" in err and "只能报送本单位的事项" in err
    # and the CLI says the same thing in one line when sync meets the refusal
    r = zjj.tz("sync", code=1)
    assert "服务器拒绝了推送" in r.err and "市财政局" in r.err and len(r.err.strip().splitlines()) == 1


def test_reporter_cannot_do_office_actions_or_close(server):
    zjj = server.join(ZJJ, "zjj")
    hand_commit(zjj, T1, lambda t: t.replace("urges: []", "urges:\n  - on: 2026-11-20\n    level: remind\n    by: 李明"),
                "urge", "2026-0001")
    assert "只有督查室经办人（taizhang.yaml 的 roles.office）可以催办" in server.refused(zjj)


def test_office_cannot_close_without_being_a_verifier(server):
    office = server.office
    office.tz("done", "1")
    server.lands(office)
    office.tz("close", "1", "--verified-by", "李华", code=2)  # the CLI refuses first
    hand_commit(office, T1, lambda t: t.replace("status: reported", "status: closed").replace(
        "verification: null", "verification:\n  on: 2026-11-20\n  verified_by: 李华\n  method: onsite"),
        "close", "2026-0001")
    assert "只能由核验人" in server.refused(office)


def test_a_push_cannot_grant_itself_a_role(server):
    zjj = server.join(ZJJ, "zjj")
    hand_commit(zjj, "taizhang.yaml", lambda t: t.replace("office: [", f"office: [{ZJJ[0]} <{ZJJ[1]}>, "), None)
    zjj.git("config", "user.name", ZJJ[0])
    err = server.refused(zjj)
    assert "不能改 taizhang.yaml" in err or "手工修改台账" in err
    # even the office's own change of roles takes effect only after it has landed
    office = server.office
    hand_commit(office, "taizhang.yaml", lambda t: t.replace("verifiers: [", f"verifiers: [{OFFICE[0]} <{OFFICE[1]}>, "), None)
    office.tz("done", "1")
    office.tz("close", "1", "--verified-by", "李华")  # allowed locally by the new roles
    assert "只能由核验人" in server.refused(office)


def test_trailer_that_does_not_match_the_diff(server):
    office = server.office
    hand_commit(office, T1, lambda t: t.replace("due: 2026-12-04", "due: 2027-03-01"), "progress", "2026-0001")
    err = server.refused(office)
    assert "记为“progress”的提交把办结时限（due）" in err


def test_deleting_a_task_file_and_a_broken_file_are_refused(server):
    office = server.office
    office.git("rm", "-q", T2)
    office.git("commit", "-q", "--no-verify", "-m", "删掉")
    assert "删除了事项文件 tasks/2026/2026-0002.yaml" in server.refused(office)
    office.git("reset", "-q", "--hard", "origin/main")
    hand_commit(office, T2, lambda t: t.replace("status: open", "status: 办完了"), None)
    assert "taizhang check 不通过" in server.refused(office)


def test_rewriting_or_deleting_published_history_is_refused(server):
    office = server.office
    office.tz("progress", "1", "第一条")
    server.lands(office)
    office.git("reset", "-q", "--hard", "HEAD~1")
    office.tz("progress", "1", "改写后的")
    assert "不是快进推送" in server.refused(office, "--force", "HEAD:main")
    assert "不能删除 refs/heads/main" in server.refused(office, ":main")


def test_guard_install_refuses_a_clone_and_someone_elses_hook(tmp_path, sh):
    office = Clerk(tmp_path / "home", tmp_path, *OFFICE)
    office.tz("init", tmp_path / "clone")
    r = sh("guard", "install", tmp_path / "clone", code=2)
    assert "不是 git 裸仓库" in r.err
    bare = bare_repo(tmp_path / "b.git", office.env)
    (bare / "hooks" / "pre-receive").write_text("#!/bin/sh\nexit 0\n")
    assert "已有别的 pre-receive 钩子" in sh("guard", "install", bare, code=2).err
    assert (bare / "hooks" / "pre-receive").read_text() == "#!/bin/sh\nexit 0\n"


def test_pre_receive_command_reads_standard_input(server):
    """`taizhang guard pre-receive` as a hook would run it, in the bare repository."""
    head = subprocess.run(["git", "-C", str(server.bare), "rev-parse", "main"], capture_output=True,
                          text=True).stdout.strip()
    r = subprocess.run([*console_script(), "guard", "pre-receive"], cwd=server.bare, env=server.office.env,
                       input=f"{head} {'0' * 40} refs/heads/main\n", capture_output=True, text=True)
    assert r.returncode == 1 and "不能删除 refs/heads/main" in r.stderr
    r = subprocess.run([*console_script(), "guard", "pre-receive"], cwd=server.bare, env=server.office.env,
                       input="garbage\n", capture_output=True, text=True)
    assert r.returncode == 2 and "输入行格式不对" in r.stderr and len(r.stderr.splitlines()) == 1


def ssh_key(folder: Path, name: str) -> Path:
    """A throwaway ed25519 key made for the test (no passphrase)."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def signing(c: Clerk, key: Path) -> None:
    c.git("config", "gpg.format", "ssh")
    c.git("config", "user.signingkey", str(key))
    c.git("config", "commit.gpgsign", "true")


def test_require_signed_refuses_unsigned_and_foreign_signatures(tmp_path):
    served, bare, office = start(tmp_path, ROLES + "require_signed: true\n")
    keys = tmp_path / "keys"
    keys.mkdir()
    mine, stranger = ssh_key(keys, "office"), ssh_key(keys, "stranger")
    allowed = keys / "allowed_signers"
    allowed.write_text(f"{OFFICE[1]} {mine.with_suffix('.pub').read_text()}", encoding="utf-8")
    subprocess.run(["git", "-C", str(bare), "config", "gpg.ssh.allowedSignersFile", str(allowed)], check=True)
    with git_daemon(served, office.env) as base:
        office.git("remote", "add", "origin", f"{base}/ledger.git")
        office.tz("sync")  # the first push: no accepted history asks for signatures yet
        server = Server(tmp_path, bare, f"{base}/ledger.git", office)
        office.tz("progress", "1", "未签名的进展")
        assert "没有签名，而台账要求签名提交（require_signed）" in server.refused(office)
        office.git("reset", "-q", "--hard", "origin/main")
        signing(office, stranger)
        office.tz("progress", "1", "别人的钥匙签的")
        assert "签名的密钥不在服务器认可的名单中" in server.refused(office)
        office.git("reset", "-q", "--hard", "origin/main")
        signing(office, mine)
        office.tz("progress", "1", "本人签名的进展")  # taizhang signs when commit.gpgsign is set
        server.lands(office)
        zjj = server.join(ZJJ, "zjj")
        signing(zjj, mine)  # signed with the office's key, but authored by 李明
        zjj.tz("progress", "1", "借用钥匙")
        assert f"签名者 {OFFICE[1]} 不是作者 {ZJJ[1]}" in server.refused(zjj)
