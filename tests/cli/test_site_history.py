"""`taizhang site` over months of real commits: one pass over git shows what each task's and each month's own reading shows."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ledger.site.data import TREND_MONTHS
from ledger.site.pages import task_href
from tests.cli.test_site import built, page_text
from tests.cli.test_site_incremental import files, rebuild_matches_fresh
from tests.support.gitkit import git

# More task pages than a build reads file by file (site.data.timelines): a first build walks the whole history.
TASKS = 56
MONTHS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")


def commit_by_hand(root: Path, message: str, when: str) -> None:
    """A clerk's own commit (no Taizhang-Action), recorded on `when`, past the pre-commit check."""
    stamp = f"{when}T16:00:00+08:00"
    subprocess.run(["git", "-C", str(root), "-c", "user.name=王手工", "-c", "user.email=w@example.org", "commit",
                    "--no-verify", "-qam", message], check=True, env={**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


@pytest.fixture
def busy(ledger, run, h):
    """Tasks registered from May to October, their progress, a close, a file broken by hand for a month
    and mended, and a settings commit: every kind of change a trend and a timeline read."""
    ids = []
    for n in range(TASKS):
        month = MONTHS[n * len(MONTHS) // TASKS]
        due = f"{month}-28" if n % 3 else "2026-12-31"
        ids.append(h.add(f"第 {n + 1} 项重点工作", "--due", due, today=f"{month}-{2 + n % 20:02d}"))
        if n % 4 == 1:
            run("progress", ids[n // 2], f"第 {n} 次报送进展", "--percent", str(n), today=f"{month}-{3 + n % 20:02d}")
    run("done", ids[0], "--note", "已完成", today="2026-10-20")
    run("close", ids[0], "--verified-by", "李核验", "--note", "现场查看无误", today="2026-10-21")
    broken = ledger / "tasks" / ids[3][:4] / f"{ids[3]}.yaml"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good.replace("title:", "title: [未闭合", 1), encoding="utf-8")
    commit_by_hand(ledger, "误改事项文件", "2026-08-29")
    broken.write_text(good.replace("第 4 项重点工作", "第 4 项重点工作（修订）"), encoding="utf-8")
    commit_by_hand(ledger, "改回并修订标题", "2026-09-02")
    config = ledger / "taizhang.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# 备注：十月起按新口径\n", encoding="utf-8")
    commit_by_hand(ledger, "配置加注释", "2026-10-05")
    return ids


def timeline(out: Path, task_id: str) -> str:
    return page_text(out / task_href(task_id)).split('id="timeline"')[1]


def test_trend_equals_each_months_report(busy, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    html = page_text(out / "index.html")
    months = re.findall(r'<tr data-month="([\d-]+)">', html)
    assert months == [*MONTHS, "2026-11"][-TREND_MONTHS:]
    for month in months:
        rep = run("report", "monthly", "--month", month, "--format", "json").json()
        row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html).group(1)
        got = dict(re.findall(r'data-series="(\w+)">(\d+)<', row))
        assert got == {k: str(rep["totals"][k]) for k in ("open", "overdue", "closed")}, month


def test_timelines_equal_each_tasks_own_log(busy, run, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    for task_id in busy:
        commits = run("log", task_id, "--format", "json").json()
        shown = timeline(out, task_id)
        assert f"变更记录（{len(commits)} 次" in shown, task_id
        dates = re.findall(r"<li><b>([^<]+)</b>", shown)
        assert dates == [c["date"] for c in commits], task_id
    assert "手工修改：误改事项文件" in timeline(out, busy[3]) and "title:" in timeline(out, busy[3])


def test_pages_read_from_the_walk_equal_pages_read_file_by_file(busy, run, tmp_path):
    """A first build walks the history once; a rebuild of a few pages reads each task's own commits
    (`git log -- FILE`), of many the whole history again: every page comes out the same."""
    out = tmp_path / "site"
    built(run, out)
    walked = files(out)
    pages = [task_href(t) for t in busy]
    for few in (pages[:50], pages[50:], pages):
        for page in few:
            (out / page).unlink()
        assert built(run, out)["written"] == len(few)
        assert files(out) == walked


def test_rebuild_after_new_commits_equals_a_first_build(busy, run, sh, ledger, tmp_path):
    out = tmp_path / "site"
    built(run, out, "--as-of", "2026-10-31")
    run("progress", busy[5], "十一月进展", today="2026-11-03")
    run("extend", busy[6], "--to", "2027-01-15", "--reason", "汛期停工", today="2026-11-04")
    rebuild_matches_fresh(run, sh, out, tmp_path / "fresh", exact=False)
    assert "十一月进展" in timeline(out, busy[5])
    assert git(ledger, "status", "--porcelain") == ""
