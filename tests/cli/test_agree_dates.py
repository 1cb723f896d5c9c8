"""`log --since/--until` and `review --since` filter on the recorded (author) date they show."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger.domain.errors import UsageError
from ledger.domain.relday import parse_day

# As after a sync's rebase: git's committer date is not the day the change was recorded.
LATER = {"GIT_COMMITTER_DATE": "2026-12-25T10:00:00+08:00"}


def _history(run, h):
    tid = h.add("学校周边交通", today="2026-10-08", env=LATER)
    run("progress", tid, "增设护学岗", today="2026-10-09", env=LATER)
    run("progress", tid, "调整信号灯", today="2026-10-20", env=LATER)
    return tid


def test_log_since_until_filter_on_the_shown_date(ledger, run, h):
    tid = _history(run, h)
    shown = run("log", tid, "--format", "json").json()
    assert [c["date"][:10] for c in shown] == ["2026-10-08", "2026-10-09", "2026-10-20"]
    got = run("log", "--since", "2026-10-01", "--until", "2026-10-10", "--format", "json").json()
    assert [e["date"][:10] for e in got] == ["2026-10-08", "2026-10-09"]
    assert run("log", tid, "--since", "2026-10-10", "--format", "json").json()[0]["date"][:10] == "2026-10-20"


def test_review_since_leaves_out_what_was_recorded_before(ledger, run, h):
    h.add("九月登记的事项", today="2026-09-10", env=LATER)
    fresh = h.add("十一月登记的事项", today="2026-11-05", env=LATER)
    digest = run("review", "--since", "2026-11-01", "--format", "json").json()
    text = str(digest)
    assert fresh in text and "2026-0001" not in text


def test_review_since_last_monday_as_readme_writes_it(ledger, run, h):
    h.add("本周登记", today="2026-11-17")  # 2026-11-20 is a Friday; 上周一 is 11-09
    h.add("上上周登记", today="2026-11-06")
    digest = run("review", "--since", "上周一", "--format", "json").json()
    assert "2026-0001" in str(digest) and "2026-0002" not in str(digest)
    run("log", "--since", "上周一", "--until", "昨天")


@pytest.mark.parametrize("said,day", [
    ("今天", "2026-11-20"), ("昨天", "2026-11-19"), ("前天", "2026-11-18"),
    ("本周一", "2026-11-16"), ("上周一", "2026-11-09"), ("上周日", "2026-11-15"), ("上星期五", "2026-11-13"),
    ("本月初", "2026-11-01"), ("上月初", "2026-10-01"), ("今年初", "2026-01-01"), ("去年初", "2025-01-01"),
    ("2026-10-01", "2026-10-01"),
])
def test_relative_days(said, day):
    assert parse_day(said, dt.date(2026, 11, 20), "--since 日期") == dt.date.fromisoformat(day)


def test_january_last_month_is_december():
    assert parse_day("上月", dt.date(2026, 1, 15), "--since 日期") == dt.date(2025, 12, 1)


def test_an_unknown_phrase_is_refused_in_chinese(ledger, run):
    res = run("review", "--since", "很久以前", code=2)
    assert "上周一" in res.err and len(res.err.strip().splitlines()) == 1
    with pytest.raises(UsageError):
        parse_day("上周八", dt.date(2026, 11, 20), "--since 日期")
