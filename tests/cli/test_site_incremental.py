"""`taizhang site` rebuilt in place equals a build from scratch, and rewrites only the pages that changed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ledger.site.build import MANIFEST
from ledger.site.pages import task_href
from tests.cli.test_site import built, lived  # noqa: F401  (the fixture)
from tests.support.gitkit import git


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != MANIFEST}


def writes(out: Path) -> dict[str, tuple[int, int]]:
    # Every page is written to a temporary file and renamed over the old one: a new inode per write.
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")
            if p.is_file() and p.name != MANIFEST}


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def rebuild_matches_fresh(run, sh, out: Path, fresh: Path, *extra: str, exact: bool = True) -> set[str]:
    """Rebuild `out` in place and `fresh` from nothing (the installed command); the pages rewritten.

    `exact`: no page was rewritten with the same content (not so after a settings change, which
    rewrites every page)."""
    before, stamps = files(out), writes(out)
    again = built(run, out, *extra)
    after = files(out)
    sh("site", "-o", str(fresh), *extra)
    assert after.keys() == files(fresh).keys()
    assert [p for p in after if after[p] != files(fresh)[p]] == []
    # The history and trend the manifest keeps are the ones a first build reads from git.
    assert manifest(out) == manifest(fresh)
    rewritten = {p for p, stamp in writes(out).items() if stamps.get(p) != stamp}
    changed = {p for p in after if before.get(p) != after[p]}
    assert rewritten == changed if exact else rewritten >= changed
    assert again["written"] == len(rewritten)
    return rewritten


def test_one_change_rebuild_is_byte_identical_to_a_fresh_build(lived, run, sh, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    run("progress", lived["secret"], "已协调财政资金")
    rewritten = rebuild_matches_fresh(run, sh, out, tmp_path / "fresh")
    assert task_href(lived["secret"]) in rewritten
    assert task_href(lived["public"]) not in rewritten and task_href(lived["closed"]) not in rewritten
    assert len(rewritten) <= 4  # the task, its units, the overview
    assert built(run, out)["written"] == 0


def test_rebuild_after_history_was_rewritten(lived, run, sh, ledger, tmp_path):
    """The kept head is no longer an ancestor of HEAD: the history is read afresh, not extended."""
    out = tmp_path / "site"
    built(run, out)
    kept = manifest(out)["history"]["head"]
    git(ledger, "reset", "-q", "--hard", "HEAD~2")  # drop the close and the done
    run("progress", lived["closed"], "整治方案已报分管领导", today="2026-10-25")
    assert subprocess.run(["git", "-C", str(ledger), "merge-base", "--is-ancestor", kept, "HEAD"]).returncode == 1
    rewritten = rebuild_matches_fresh(run, sh, out, tmp_path / "fresh")
    assert task_href(lived["closed"]) in rewritten
    assert kept not in {sha for sha, _ in manifest(out)["history"]["chain"]}


def test_rebuild_as_of_an_earlier_day_and_back(lived, run, sh, tmp_path):
    out = tmp_path / "site"
    built(run, out)
    rebuild_matches_fresh(run, sh, out, tmp_path / "september", "--as-of", "2026-09-15")
    run("urge", lived["secret"], "--note", "请尽快报送")
    rebuild_matches_fresh(run, sh, out, tmp_path / "today")


def test_a_merged_branch_counts_only_along_the_first_parent(lived, run, sh, ledger, tmp_path):
    """A merge's changes are taken against its first parent, as `taizhang log` and the reports do."""
    out = tmp_path / "site"
    built(run, out)
    git(ledger, "checkout", "-q", "-b", "side", "HEAD~1")
    run("progress", lived["public"], "分支上的进展", today="2026-10-21")
    git(ledger, "checkout", "-q", "main")
    run("progress", lived["secret"], "主线上的进展", today="2026-10-23")
    when = "2026-10-24T12:00:00+08:00"  # recorded before the site's day, as a clerk's merge would be
    subprocess.run(["git", "-C", str(ledger), "-c", "user.name=测试员", "-c", "user.email=t@example.org", "merge", "-q",
                    "--no-edit", "side"], check=True, env={**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    rewritten = rebuild_matches_fresh(run, sh, out, tmp_path / "fresh")
    assert "分支上的进展" in (out / task_href(lived["public"])).read_text(encoding="utf-8")
    assert {task_href(lived["public"]), task_href(lived["secret"])} <= rewritten


def test_overdue_page_follows_the_day_when_its_tasks_do_not(lived, run, sh, tmp_path):
    """Over a weekend no overdue count changes, but the page still says which day it shows."""
    out = tmp_path / "site"
    built(run, out, "--as-of", "2026-11-21")
    rewritten = rebuild_matches_fresh(run, sh, out, tmp_path / "sunday", "--as-of", "2026-11-22")
    assert "overdue.html" in rewritten and "2026-11-22" in (out / "overdue.html").read_text(encoding="utf-8")


def test_pages_judge_lights_with_the_ledgers_progress_lag_points(ledger, run, sh, h, tmp_path):
    """序时进度 33 %, reported 30 %: green with the default 20 points' leeway, yellow with 2."""
    tid = h.add("推进智慧停车建设", "--on", "2026-11-02", "--due", "2026-12-31")
    run("progress", tid, "完成选址", "--percent", "30")
    out = tmp_path / "site"
    built(run, out)
    assert run("show", tid, "--format", "json").json()["light"] == "green"
    assert 'data-light="yellow">黄灯 0<' in (out / "index.html").read_text(encoding="utf-8")
    config = ledger / "taizhang.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "progress_lag_points: 2\n", encoding="utf-8")
    git(ledger, "commit", "-qam", "stricter")
    assert run("show", tid, "--format", "json").json()["light"] == "yellow"
    rewritten = rebuild_matches_fresh(run, sh, out, tmp_path / "fresh", exact=False)
    page = (out / task_href(tid)).read_text(encoding="utf-8")
    assert task_href(tid) in rewritten and '<span class="yellow">黄灯</span>' in page
