"""Several clerks on one ledger: the merge driver, and `taizhang sync` against a `git daemon` remote on loopback."""

from __future__ import annotations

from tests.support.clerkkit import Clerk
from tests.support.clerkkit import join as _join


def _clone(origin: Clerk, tmp_path, name: str, email: str) -> Clerk:
    c = Clerk(tmp_path / f"home-{email}", tmp_path, name, email)
    c.git("clone", "-q", origin.cwd, tmp_path / email)
    c.cwd = tmp_path / email
    c.tz("setup")  # hook and merge driver, as the first write would
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


# -- taizhang sync against a real remote served by `git daemon` on loopback ----------------


def _state(c: Clerk) -> dict:
    files = {p.relative_to(c.cwd).as_posix(): p.read_bytes() for p in sorted(c.cwd.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(c.cwd).parts}
    return {"head": c.git("rev-parse", "HEAD").stdout, "status": c.git("status", "--porcelain").stdout,
            "files": files, "branch": c.git("symbolic-ref", "HEAD").stdout}


def _ids(c: Clerk) -> dict[str, str]:
    return {t["id"]: t["title"] for t in c.tz("list", "--format", "json").json()}


def test_offline_adds_by_two_clerks_get_distinct_numbers(server, tmp_path):
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    ta = a.add("甲登记的事项")
    tb = b.add("乙登记的事项")
    b.tz("progress", tb, "乙的进展", "--on", "2026-11-20")
    assert ta == tb == "2026-0001"
    assert a.tz("sync").code == 0
    out = b.tz("sync").out
    assert "改号" in out and "2026-0002" in out
    a.tz("sync")
    for c in (a, b):
        assert _ids(c) == {"2026-0001": "甲登记的事项", "2026-0002": "乙登记的事项"}
        c.tz("check")
        assert c.git("status", "--porcelain").stdout == ""
    # Published numbers never change: 甲's task kept 0001; 乙's records its renumbering.
    assert a.git("rev-parse", "HEAD").stdout == b.git("rev-parse", "HEAD").stdout
    log = b.git("log", "--format=%B%x00", "--", "tasks/2026/2026-0002.yaml").stdout.split("\0")
    renumbered = [m for m in log if "Taizhang-Renumbered: 2026-0001 -> 2026-0002" in m]
    assert len(renumbered) == 2  # the add and the progress, both rewritten
    assert all("改编为 2026-0002" in m and "Taizhang-Task: 2026-0002" in m for m in renumbered)
    assert "2026-0001" not in renumbered[-1].split("\n")[0]  # the subject names the new number
    shown = b.tz("show", "2026-0002", "--format", "json").json()
    assert shown["progress"][0]["text"] == "乙的进展"
    hist = b.tz("log", "2026-0002", "--format", "json").json()
    assert len(hist) == 2


def test_three_clerks_offline_adds(server, tmp_path):
    clerks = [_join(server, tmp_path, n, f"{e}@example.gov.cn") for n, e in (("甲", "jia"), ("乙", "yi"), ("丙", "bing"))]
    for c, title in zip(clerks, ("甲一", "乙一", "丙一")):
        c.add(title)
    clerks[1].add("乙二")
    for c in clerks:
        c.tz("sync")
    for c in clerks:
        c.tz("sync")
    ids = _ids(clerks[0])
    assert sorted(ids.values()) == ["丙一", "乙一", "乙二", "甲一"]
    assert sorted(ids) == ["2026-0001", "2026-0002", "2026-0003", "2026-0004"]
    assert ids["2026-0001"] == "甲一"
    heads = {c.git("rev-parse", "HEAD").stdout for c in clerks}
    assert len(heads) == 1
    clerks[2].tz("check")
    clerks[2].tz("audit")


def test_progress_on_the_same_task_from_both_sides_kept_in_date_order(server, tmp_path, clerk: Clerk):
    tid = clerk.add("推进老旧小区改造", "--on", "2026-11-10")
    clerk.git("push", "-q", server, "main")
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    a.tz("progress", tid, "甲的进展", "--on", "2026-11-20")
    b.tz("progress", tid, "乙的进展", "--on", "2026-11-19", today="2026-11-19")  # 乙 offline since the 19th
    a.tz("sync")
    b.tz("sync")
    a.tz("sync")
    for c in (a, b):
        texts = [p["text"] for p in c.tz("show", tid, "--format", "json").json()["progress"]]
        assert texts == ["乙的进展", "甲的进展"]
        c.tz("check")
    assert "<<<<<<<" not in (b.cwd / f"tasks/2026/{tid}.yaml").read_text(encoding="utf-8")
    b.tz("audit")


def test_conflicting_extensions_stop_and_leave_everything_as_before(server, tmp_path, clerk: Clerk):
    tid = clerk.add("推进老旧小区改造", "--on", "2026-11-10")
    clerk.git("push", "-q", server, "main")
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    a.tz("extend", tid, "--to", "2026-12-31", "--reason", "甲批准延期")
    b.tz("extend", tid, "--to", "2027-01-15", "--reason", "乙批准延期")
    a.add("甲另登记的事项")
    b.add("乙另登记的事项")  # same number as 甲's: renumbered before the rebase, which then stops
    a.tz("sync")
    before = _state(b)
    r = b.tz("sync", code=1)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and tid in lines[0] and "办结时限（due）" in lines[0], r.err
    assert _state(b) == before
    assert not (b.cwd / ".git" / "rebase-merge").exists() and not (b.cwd / ".git" / "rebase-apply").exists()
    assert b.git("diff", "HEAD", "--stat").stdout == ""
    b.tz("check")
    # 甲's remote is untouched by 乙's failed sync.
    assert a.git("ls-remote", server, "refs/heads/main").stdout.split()[0] == a.git("rev-parse", "HEAD").stdout.strip()


def test_sync_refuses_uncommitted_task_changes(server, tmp_path):
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    tid = a.add()
    path = a.cwd / f"tasks/2026/{tid}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 手改\n", encoding="utf-8")
    before = _state(a)
    r = a.tz("sync", code=2)
    assert "未提交" in r.err and len(r.err.strip().splitlines()) == 1
    assert _state(a) == before


def test_plain_clone_then_the_first_write_sets_up_the_merge_driver(server, tmp_path):
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    a.tz("list")  # a read sets nothing up
    assert a.git("config", "--get", "merge.taizhang.driver", check=False).returncode != 0
    tid = a.add("新同事登记")
    assert "merge-driver" in a.git("config", "--get", "merge.taizhang.driver").stdout
    assert "merge=taizhang" in (a.cwd / ".git" / "info" / "attributes").read_text(encoding="utf-8")
    assert (a.cwd / ".git" / "hooks" / "pre-commit").is_file()
    r = a.tz("sync")
    assert "推送 1 个提交" in r.out
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    assert tid in _ids(b)


def test_no_push_keeps_local_commits_and_unknown_remote_is_refused(server, tmp_path):
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    a.add()
    r = a.tz("sync", "--no-push")
    assert "1 个本地提交未推送" in r.out
    assert a.git("rev-list", "--count", "origin/main..HEAD").stdout.strip() == "1"
    r = a.tz("sync", "--remote", "nowhere", code=2)
    assert "nowhere" in r.err


def test_first_sync_publishes_a_new_ledger_to_an_empty_remote(tmp_path, clerk: Clerk):
    bare = tmp_path / "empty.git"
    clerk.git("init", "-q", "--bare", bare)
    tid = clerk.add()
    clerk.git("remote", "add", "origin", bare)
    r = clerk.tz("sync")
    assert f"推送 {clerk.commits()} 个提交" in r.out
    assert clerk.git("rev-parse", "origin/main").stdout == clerk.git("rev-parse", "HEAD").stdout
    b = _join(str(bare), tmp_path, "乙", "yi@example.gov.cn")
    assert tid in _ids(b)
    assert "取回 0 个提交，推送 0 个提交" in b.tz("sync").out


def test_after_a_clash_the_first_clerk_undoes_and_the_second_syncs(server, tmp_path, clerk: Clerk):
    tid = clerk.add("推进老旧小区改造", "--on", "2026-11-10")
    clerk.git("push", "-q", server, "main")
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    a.tz("extend", tid, "--to", "2026-12-31", "--reason", "甲批准延期")
    b.tz("extend", tid, "--to", "2027-01-15", "--reason", "乙批准延期")
    a.tz("sync")
    b.tz("sync", code=1)
    a.tz("undo")
    a.tz("sync")
    b.tz("sync")
    a.tz("sync")
    for c in (a, b):
        assert c.tz("show", tid, "--format", "json").json()["due"] == "2027-01-15"
        c.tz("check")


def test_a_push_that_loses_the_race_is_retried(server, tmp_path):
    a = _join(server, tmp_path, "甲", "jia@example.gov.cn")
    b = _join(server, tmp_path, "乙", "yi@example.gov.cn")
    a.add("甲登记的事项")
    b.add("乙登记的事项")
    # 甲 pushes while 乙's push is under way (from 乙's pre-push hook, once): 乙's first push is rejected.
    hook = b.cwd / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\n"
                    f"[ -e '{tmp_path}/raced' ] && exit 0\n"
                    f"touch '{tmp_path}/raced'\n"
                    f"env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git -C '{a.cwd}' push -q origin main\n",
                    encoding="utf-8")
    hook.chmod(0o755)
    r = b.tz("sync")
    assert (tmp_path / "raced").exists()
    assert "改号" in r.out and "推送 1 个提交" in r.out
    a.tz("sync")
    assert _ids(a) == {"2026-0001": "甲登记的事项", "2026-0002": "乙登记的事项"}
