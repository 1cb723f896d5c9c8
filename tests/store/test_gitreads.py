"""Reading git for the site: known commits read as the walk reads them, large outputs through a file."""

from __future__ import annotations

import tempfile

from ledger.files import changes, gitcmd


def test_known_commits_read_as_the_walk_reads_them(ledger, run, h):
    first, second = h.add("推进老旧小区改造"), h.add("城区积水点治理")
    for n in range(3):
        run("progress", first, f"第 {n + 1} 次进展")
        run("progress", second, f"第 {n + 1} 次进展")
    path = f"tasks/2026/{first}.yaml"
    text = (ledger / path).read_text(encoding="utf-8")
    (ledger / path).write_text(text.replace("推进老旧小区改造", "推进老旧小区改造（手改）"), encoding="utf-8")
    h.git(ledger, "commit", "-qam", "手工修改标题")
    walked = changes.changesets(ledger, paths=(path,))
    every = [cs.sha for cs in changes.changesets(ledger, paths=())]  # the other task's commits too
    known = changes.changesets(ledger, paths=(path,), commits=every)
    assert [cs.sha for cs in known] == [cs.sha for cs in walked] and len(walked) == 5
    assert known == walked
    assert changes.changesets(ledger, paths=(path,), commits=[]) == []


def test_a_large_output_through_a_file_is_the_pipes_output(ledger, h, monkeypatch):
    for n in range(3):
        h.add(f"第 {n + 1} 件事项")
    args = ("log", "--raw", "--no-abbrev", "--format=%H %s")
    piped = gitcmd.git_try(ledger, *args)
    assert gitcmd.git_try(ledger, *args, large=True) == piped and piped[1]
    specs = [f"HEAD:tasks/2026/2026-{n:04d}.yaml" for n in range(1, 4)] * 40  # > 100: through files
    blobs = gitcmd.read_blobs(ledger, specs)
    assert all(blobs[s] for s in specs[:3])

    def no_room(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_room)
    assert gitcmd.git_try(ledger, *args, large=True) == piped  # the pipe still works
    assert gitcmd.read_blobs(ledger, specs) == blobs
    assert gitcmd.git_try(ledger, "rev-parse", "--verify", "-q", "nothing", large=True)[0] != 0
