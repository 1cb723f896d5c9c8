"""A ledger from someone else: it cannot run code, pass off a copy as a task, print escapes or read outside itself."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from tests.support.clerkkit import Clerk
from tests.support.runner import REPO


def _join(origin: Path, tmp_path: Path, name: str, email: str) -> Clerk:
    c = Clerk(tmp_path / f"home-{email}", tmp_path, name, email)
    c.git("clone", "-q", origin, tmp_path / email)
    c.cwd = tmp_path / email
    return c


def _old_setup(c: Clerk) -> None:
    """The hook, merge driver and marker as the previous taizhang left them in a clone."""
    py = shlex.quote(sys.executable)
    path = f"PYTHONPATH={shlex.quote(str(REPO))}${{PYTHONPATH:+:$PYTHONPATH}}"
    hook_code = "import sys; from ledger.hooks import hook_main; sys.exit(hook_main())"
    driver_code = "import sys, cli; sys.exit(cli.main(['merge-driver'] + sys.argv[1:]))"
    hook = c.cwd / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\n# taizhang pre-commit hook: a hand edit that breaks the ledger cannot be committed.\n"
                    f"{path} exec {py} -c {shlex.quote(hook_code)}\n", encoding="utf-8")
    hook.chmod(0o755)
    c.git("config", "merge.taizhang.driver", f"{path} exec {py} -c {shlex.quote(driver_code)} %O %A %B %P")
    (c.cwd / ".git" / "taizhang" / "setup").write_text("2", encoding="utf-8")


def _plant(c: Clerk, mark: Path) -> None:
    """What an attacker with push access commits: taizhang's module names, running their own code."""
    payload = (f"import pathlib\npathlib.Path({str(mark)!r}).write_text('ran')\n"
               "def main(argv=None):\n    return 0\n\ndef run():\n    pass\n")
    (c.cwd / "cli.py").write_text(payload, encoding="utf-8")
    (c.cwd / "ledger").mkdir()
    (c.cwd / "ledger" / "__init__.py").write_text(payload, encoding="utf-8")
    c.git("add", "cli.py", "ledger/__init__.py")
    c.git("commit", "-q", "--no-verify", "-m", "整理")


def test_hostile_code_in_the_ledger_never_runs_and_the_victims_change_lands(clerk: Clerk, tmp_path):
    tid = clerk.add("推进老旧小区改造", "--on", "2026-11-10")
    office = tmp_path / "office.git"
    clerk.git("clone", "-q", "--bare", clerk.cwd, office)
    victim = _join(office, tmp_path, "甲", "jia@example.gov.cn")
    attacker = _join(office, tmp_path, "乙", "yi@example.gov.cn")
    victim.tz("list")
    _old_setup(victim)
    mark = tmp_path / "ran-attackers-code"
    attacker.tz("progress", tid, "乙的进展", "--on", "2026-11-18")
    _plant(attacker, mark)
    attacker.git("push", "-q", "origin", "main")

    victim.tz("progress", tid, "甲的进展", "--on", "2026-11-19")  # also repairs the clone's setup
    res = victim.tz("sync")  # the rebase merges the task file through the merge driver
    assert not mark.exists()
    assert "推送 1 个提交" in res.out, res.out
    published = victim.git("--git-dir", office, "show", f"main:tasks/2026/{tid}.yaml").stdout
    assert "甲的进展" in published and "乙的进展" in published

    # A plain `git commit` runs the hook in the ledger's top folder.
    task = victim.cwd / f"tasks/2026/{tid}.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("tags: []", "tags:\n  - 民生"), encoding="utf-8")
    victim.git("commit", "-qam", "加标签")

    # `git pull --no-rebase`, which the README suggests, runs the merge driver.
    attacker.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    attacker.tz("progress", tid, "乙的第二次进展", "--on", "2026-11-20")
    attacker.git("push", "-q", "origin", "main")
    victim.tz("progress", tid, "甲的第二次进展", "--on", "2026-11-20")
    p = victim.git("pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    text = task.read_text(encoding="utf-8")
    assert "甲的第二次进展" in text and "乙的第二次进展" in text and "<<<<<<<" not in text
    assert not mark.exists()
    assert " -I -c " in victim.git("config", "merge.taizhang.driver").stdout


def test_check_reports_program_files_a_ledger_folder_and_executables(clerk: Clerk):
    (clerk.cwd / "cli.py").write_text("print(1)\n", encoding="utf-8")
    (clerk.cwd / "ledger").mkdir()
    (clerk.cwd / "ledger" / "__init__.py").write_text("", encoding="utf-8")
    tool = clerk.cwd / "run.sh"
    tool.write_text("#!/bin/sh\n", encoding="utf-8")
    tool.chmod(0o755)
    clerk.git("add", ".")
    clerk.git("commit", "-q", "--no-verify", "-m", "程序")
    out = clerk.tz("check", code=1).out
    assert "cli.py:1: 台账中不应有 Python 程序文件" in out
    assert "ledger/__init__.py:1: 台账中不应有 ledger/ 目录" in out
    assert "run.sh:1: 台账中的文件不应可执行" in out


# -- a copy of a task under another number ------------------------------------------------
def _overdue(c: Clerk) -> str:
    return c.tz("add", "推进老旧小区改造", "--lead-unit", "市住建局", "--on", "2026-10-09",
                "--due", "2026-10-30").last_line


def _impostor(c: Clerk, tid: str) -> Path:
    real = c.cwd / f"tasks/2026/{tid}.yaml"
    fake = c.cwd / "tasks/2026/2026-0108.yaml"
    fake.write_text(real.read_text(encoding="utf-8").replace("title: 推进老旧小区改造", "title: 冒充的事项"),
                    encoding="utf-8")
    c.git("add", fake.relative_to(c.cwd))
    c.git("commit", "-q", "--no-verify", "--date", "2026-11-20T10:00:00", "-m", "Taizhang-Action: add")
    return real


def test_a_copy_under_another_number_is_refused_by_writers_and_skipped_by_reports(clerk: Clerk):
    tid = _overdue(clerk)
    clerk.tz("progress", tid, "已完成立项", "--on", "2026-10-12")
    real = _impostor(clerk, tid)
    before = real.read_bytes()
    head = clerk.git("rev-parse", "HEAD").stdout
    res = clerk.tz("urge", "--overdue", code=3)
    assert res.err.count("\n") == 1 and "2026-0108.yaml 中的编号 2026-0001 与文件位置不符" in res.err
    assert clerk.git("rev-parse", "HEAD").stdout == head and real.read_bytes() == before
    clerk.tz("calendar", "--recompute", code=3)
    listed = clerk.tz("list", "--format", "json")
    assert [t["title"] for t in listed.json()] == ["推进老旧小区改造"]
    assert "2026-0108.yaml" in listed.err
    rep = clerk.tz("report", "monthly", "--month", "2026-11", "--format", "json")
    assert "2026-0108.yaml" in rep.err
    found = clerk.tz("audit", "--format", "json", code=1).json()
    assert any(f["kind"] == "misfiled" and f["path"] == "tasks/2026/2026-0108.yaml" for f in found)


def test_a_task_file_holding_another_number_is_refused_when_written(clerk: Clerk):
    tid = clerk.add()
    real = clerk.cwd / f"tasks/2026/{tid}.yaml"
    real.write_text(real.read_text(encoding="utf-8").replace(f'id: "{tid}"', 'id: "2026-0009"'), encoding="utf-8")
    clerk.git("commit", "-qam", "改编号", "--no-verify")
    before = real.read_bytes()
    res = clerk.tz("progress", tid, "进展", code=3)
    assert "与文件位置不符" in res.err
    assert real.read_bytes() == before and not (clerk.cwd / "tasks/2026/2026-0009.yaml").exists()


# -- terminal escapes, symlinks, tracebacks, full disk ---------------------------------------
def test_escaped_control_characters_are_refused_in_decoded_values(clerk: Clerk):
    tid = clerk.add()
    path = clerk.cwd / f"tasks/2026/{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 推进老旧小区改造", 'title: "\\u001b]0;pwned\\u0007\\u001b[31m推进"'), encoding="utf-8")
    clerk.git("commit", "-qam", "改标题\x1b]0;pwned\x07", "--no-verify")  # commit messages come from anyone too
    out = clerk.tz("check", code=1).out
    assert "含有控制字符 U+001B" in out
    for args in (("list",), ("list", "--format", "csv"), ("show", tid), ("log",), ("log", tid),
                 ("log", "--format", "json"), ("review", "--since", "2026-01-01"), ("audit",)):
        res = clerk.tz(*args, code=None)
        assert "\x1b" not in res.out + res.err, args
    (clerk.cwd / "taizhang.yaml").write_text('org: "\\u001b[2J督查室"\n', encoding="utf-8")
    assert "含有控制字符" in clerk.tz("list", code=3).err


def test_the_hook_refuses_deep_nesting_in_one_line(clerk: Clerk):
    path = clerk.cwd / "tasks/2026/2026-0001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("title: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    clerk.git("add", path.relative_to(clerk.cwd))
    p = clerk.git("commit", "-qm", "嵌套", check=False)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr + p.stdout and "嵌套层数过多" in p.stdout + p.stderr


def _link(c: Clerk, rel: str, target: Path) -> None:
    link = c.cwd / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists() or link.is_symlink():
        if link.is_dir() and not link.is_symlink():
            import shutil

            shutil.rmtree(link)
        else:
            link.unlink()
    link.symlink_to(target)


def test_symlinked_templates_calendar_settings_and_tasks_folder_are_refused(clerk: Clerk, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容 holidays: []\n", encoding="utf-8")
    tid = _overdue(clerk)
    head = clerk.git("rev-parse", "HEAD").stdout

    _link(clerk, "templates/urge_remind.txt", secret)
    res = clerk.tz("urge", tid, code=3)
    assert "templates/urge_remind.txt 是符号链接" in res.err and "机密内容" not in res.out
    assert clerk.git("rev-parse", "HEAD").stdout == head
    (clerk.cwd / "templates/urge_remind.txt").unlink()

    _link(clerk, "calendar/2027.yaml", secret)
    assert "calendar/2027.yaml 是符号链接" in clerk.tz("list", code=3).err
    (clerk.cwd / "calendar/2027.yaml").unlink()

    outside = tmp_path / "outside"
    (outside / "2026").mkdir(parents=True)
    (outside / "2026" / "2026-0001.yaml").write_bytes((clerk.cwd / f"tasks/2026/{tid}.yaml").read_bytes())
    _link(clerk, "tasks", outside)
    assert "tasks 是符号链接" in clerk.tz("list", code=3).err
    assert "tasks:1: 是符号链接" in clerk.tz("check", code=1).out

    config = tmp_path / "config.yaml"
    config.write_text("org: 别处\n", encoding="utf-8")
    _link(clerk, "taizhang.yaml", config)
    assert "taizhang.yaml 是符号链接" in clerk.tz("list", code=3).err


def test_gits_full_disk_message_becomes_one_chinese_line(clerk: Clerk, tmp_path):
    tid = clerk.add()
    # A git that fails the way a full disk makes it fail, first on PATH for this one command.
    fake = tmp_path / "bin"
    fake.mkdir()
    real = next(p for p in clerk.env["PATH"].split(":") if (Path(p) / "git").is_file())
    (fake / "git").write_text(
        "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = update-index ] && { echo 'fatal: Out of diskspace' >&2; exit 128; }; done\n"
        f"exec {shlex.quote(str(Path(real) / 'git'))} \"$@\"\n", encoding="utf-8")
    (fake / "git").chmod(0o755)
    head = clerk.git("rev-parse", "HEAD").stdout
    res = clerk.tz("progress", tid, "进展", code=3, PATH=f"{fake}:{clerk.env['PATH']}")
    assert res.err.count("\n") == 1 and "磁盘空间已满" in res.err and "diskspace" not in res.err
    assert clerk.git("rev-parse", "HEAD").stdout == head
    assert clerk.git("status", "--porcelain").stdout == ""
