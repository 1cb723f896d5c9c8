"""Two clerks on one ledger: the taizhang merge driver set up by a plain clone's first command."""

from __future__ import annotations

from clerkkit import Clerk, clerk  # noqa: F401  (fixture)


def _clone(origin: Clerk, tmp_path, name: str, email: str) -> Clerk:
    c = Clerk(tmp_path / f"home-{email}", tmp_path, name, email)
    c.git("clone", "-q", origin.cwd, tmp_path / email)
    c.cwd = tmp_path / email
    c.tz("list")  # the first command sets up hook and merge driver
    return c


def test_progress_from_two_clerks_merges_in_date_order(clerk: Clerk, tmp_path):
    tid = clerk.add("推进老旧小区改造", "--on", "2026-11-10")
    a = _clone(clerk, tmp_path, "甲", "jia@example.gov.cn")
    b = _clone(clerk, tmp_path, "乙", "yi@example.gov.cn")
    clerk.git("checkout", "-q", "-b", "work")  # the origin stays pushable: its main is not checked out
    a.tz("progress", tid, "甲的进展", "--on", "2026-11-20")
    b.tz("progress", tid, "乙的进展", "--on", "2026-11-19")
    a.git("push", "-q", "origin", "main")
    p = b.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert p.returncode == 0, p.stderr
    text = (b.cwd / f"tasks/2026/{tid}.yaml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    assert text.index("乙的进展") < text.index("甲的进展")
    b.tz("check")


def test_conflicting_field_changes_stop_with_a_clear_message(clerk: Clerk, tmp_path):
    tid = clerk.add()
    a = _clone(clerk, tmp_path, "甲", "jia@example.gov.cn")
    b = _clone(clerk, tmp_path, "乙", "yi@example.gov.cn")
    clerk.git("checkout", "-q", "-b", "work")
    for c, title in ((a, "甲改的标题"), (b, "乙改的标题")):
        path = c.cwd / f"tasks/2026/{tid}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: 推进老旧小区改造", f"title: {title}"),
                        encoding="utf-8")
        c.git("commit", "-qam", "改标题")
    a.git("push", "-q", "origin", "main")
    head = b.git("rev-parse", "HEAD").stdout
    p = b.git("pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert p.returncode != 0
    assert "无法自动合并" in p.stdout + p.stderr and "title" in p.stdout + p.stderr
    b.git("merge", "--abort")
    assert b.git("rev-parse", "HEAD").stdout == head
    assert b.git("status", "--porcelain").stdout == ""
