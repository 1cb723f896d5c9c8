"""`init` never overwrites a file, refuses a non-empty folder without --existing, stores who the clerk is."""

from __future__ import annotations

import subprocess

from tests.support.gitkit import git, snapshot


def _project(root):
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("# 我的项目\n" + "第一行\n" * 595, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "project")
    return root


def test_init_refuses_an_existing_repository(tmp_path, run):
    root = _project(tmp_path / "project")
    before = snapshot(root)
    res = run("init", str(root), code=2)
    assert "--existing" in res.err and len(res.err.strip().splitlines()) == 1
    assert snapshot(root) == before


def test_init_refuses_a_non_empty_folder(tmp_path, run):
    root = tmp_path / "folder"
    root.mkdir()
    (root / "笔记.txt").write_text("别动\n", encoding="utf-8")
    res = run("init", str(root), code=2)
    assert "不是空目录" in res.err
    assert sorted(p.name for p in root.iterdir()) == ["笔记.txt"]


def test_init_existing_never_overwrites_a_file(tmp_path, run):
    root = _project(tmp_path / "project")
    readme = (root / "README.md").read_bytes()
    res = run("init", str(root), "--existing", "--org", "某局")
    assert "README.md" in res.err and ".gitignore" in res.err
    assert (root / "README.md").read_bytes() == readme
    assert (root / ".gitignore").read_text(encoding="utf-8") == "build/\n"
    changed = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert "README.md" not in changed and ".gitignore" not in changed and "taizhang.yaml" in changed
    run("add", "事项", "--lead-unit", "市住建局", "--within", "5wd", "--ledger", str(root))


def test_init_writes_units_as_a_mapping(tmp_path, run):
    run("init", str(tmp_path / "l"))
    text = (tmp_path / "l" / "taizhang.yaml").read_text(encoding="utf-8")
    assert "units: {}" in text and "units: []" not in text


def test_init_stores_name_and_email_in_the_ledger(tmp_path, run):
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    env = {"GIT_CONFIG_GLOBAL": str(empty)}
    root = tmp_path / "l"
    run("init", str(root), "--name", "李四", "--email", "lisi@example.gov.cn", env=env)
    assert git(root, "config", "user.name").strip() == "李四"
    # Later commands need no --by: the identity is the ledger's own.
    run("add", "事项", "--lead-unit", "市住建局", "--within", "5wd", "--ledger", str(root), env=env)
    assert git(root, "log", "-1", "--format=%an <%ae>").strip() == "李四 <lisi@example.gov.cn>"


def test_init_asks_for_the_name_on_a_terminal(tmp_path, h):
    """Through a pseudo-terminal, as a clerk with a fresh HOME would meet it."""
    import os
    import pty

    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    root = tmp_path / "l"
    env = h.script_env(GIT_CONFIG_GLOBAL=str(empty))
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin/stdout are the terminal
        os.execve(h.script[0], [*h.script, "init", str(root)], env) if len(h.script) == 1 else os._exit(99)
    seen = b""
    answers = [b"\xe7\x8e\x8b\xe6\x95\x8f\n", b"wm@example.gov.cn\n"]  # 王敏
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if answers and seen.rstrip().endswith((b":", "：".encode())):
            os.write(fd, answers.pop(0))
            seen += b"\n"
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode(errors="replace")
    assert git(root, "config", "user.name").strip() == "王敏"
    assert git(root, "config", "user.email").strip() == "wm@example.gov.cn"


def test_init_without_identity_off_a_terminal_names_no_git_dash_c(tmp_path, sh):
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    root = tmp_path / "l"
    res = sh("init", str(root), code=2, env={"GIT_CONFIG_GLOBAL": str(empty)})
    assert "--name" in res.err and "git -C" not in res.err
    assert not root.exists()
    assert subprocess.run(["git", "-C", str(tmp_path), "rev-parse"], capture_output=True).returncode != 0
