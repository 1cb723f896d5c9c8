"""Lights, overdue workdays, the legal changes of state, and the deadline table by source (README「按来源计算时限」)."""

from __future__ import annotations

import copy
import datetime as dt

import chinese_calendar
import pytest

from ledger.domain.errors import TransitionError, UsageError
from ledger.domain.lights import light, overdue_workdays, workdays_left
from ledger.domain.model import DeadlineChange, DoneReport, Event, Milestone, Progress, Task, Urge, Verification
from ledger.domain.rules import add_progress, cancel, close, extend, reopen, report_done, urge
from ledger.domain.sources import DEFAULT_RULES, resolve_source, rule_span, rules_from_config
from ledger.domain.workdays import Calendar, Due, parse_span

D = dt.date.fromisoformat
ONE = dt.timedelta(days=1)
CAL = Calendar()
RULES = rules_from_config(None)


def task(due: str | None = "2026-03-18", status: str = "open", assigned: str = "2026-03-02", **kw) -> Task:
    return Task(
        id="2026-0042",
        title="推进老旧小区改造",
        lead_unit="市住建局",
        assigned_on=D(assigned),
        due=D(due) if due else None,
        status=status,
        **kw,
    )


def reported(due: str, done_on: str, status: str = "reported") -> Task:
    t = task(due, status=status, done=DoneReport(D(done_on), "已完成", "李四"))
    if status == "closed":
        t.verification = Verification(D(done_on), "督查室王五")
    return t


# -- light and overdue_workdays (README「灯色」) ----------------------------------------
# Due Wed 2026-03-18, an ordinary week: Thu 03-12 is 4 workdays away, Fri 03-13 is 3.
@pytest.mark.parametrize(
    "today, overdue, expected",
    [
        ("2026-03-02", 0, "green"),
        ("2026-03-12", 0, "green"),   # 13, 16, 17, 18: four workdays away
        ("2026-03-13", 0, "yellow"),  # 16, 17, 18: three
        ("2026-03-14", 0, "yellow"),  # a Saturday: still three workdays away
        ("2026-03-17", 0, "yellow"),
        ("2026-03-18", 0, "yellow"),  # due today
        ("2026-03-19", 1, "red"),
        ("2026-03-23", 3, "red"),     # 19, 20, 23
        ("2026-03-31", 9, "red"),
    ],
)
def test_light_and_overdue_in_an_ordinary_week(today, overdue, expected):
    t = task("2026-03-18")
    assert overdue_workdays(t, D(today), CAL) == overdue
    assert light(t, D(today), CAL) == expected


def test_warning_window_counts_workdays_not_natural_days():
    # Due Fri 2026-10-09, after National Day (10-01..07): nine natural days but two workdays.
    t = task("2026-10-09", assigned="2026-09-01")
    assert CAL.count_workdays(D("2026-09-30"), D("2026-10-09")) == 2
    assert light(t, D("2026-09-30"), CAL) == "yellow"
    assert light(t, D("2026-09-29"), CAL) == "yellow"  # 30, 08, 09
    assert light(t, D("2026-09-28"), CAL) == "green"   # 29, 30, 08, 09
    assert workdays_left(t, D("2026-09-28"), CAL) == 4


def test_overdue_counts_workdays_after_the_deadline_through_today():
    # Due Wed 2026-09-30: the holiday week adds nothing; 10-08, 09, make-up 10, 12, 13 do.
    t = task("2026-09-30", assigned="2026-09-01")
    for today in ("2026-10-01", "2026-10-07"):
        assert overdue_workdays(t, D(today), CAL) == 0
        assert light(t, D(today), CAL) != "green"  # past the deadline is never 绿灯
    assert overdue_workdays(t, D("2026-10-08"), CAL) == 1
    assert overdue_workdays(t, D("2026-10-10"), CAL) == 3
    assert overdue_workdays(t, D("2026-10-13"), CAL) == 5
    assert light(t, D("2026-10-08"), CAL) == "red"
    # Definition check against chinese-calendar, day by day.
    walked = sum(chinese_calendar.is_workday(d) for d in (D("2026-10-01") + ONE * i for i in range(61)))
    assert overdue_workdays(t, D("2026-11-30"), CAL) == walked


@pytest.mark.parametrize("done_on", ["2026-09-20", "2026-09-29", "2026-09-30"])
@pytest.mark.parametrize("status", ["reported", "closed"])
def test_reported_on_or_before_the_deadline_is_never_overdue(done_on, status):
    t = reported("2026-09-30", done_on, status)
    for today in ("2026-09-30", "2026-10-08", "2026-12-31", "2027-06-01"):
        assert overdue_workdays(t, D(today), CAL) == 0
        assert light(t, D(today), CAL) == ("green" if status == "reported" else None)


def test_reported_late_counts_overdue_workdays_up_to_the_done_date():
    t = reported("2026-09-30", "2026-10-12")  # 10-08, 09, make-up 10, 12
    assert overdue_workdays(t, D("2026-10-12"), CAL) == 4
    assert overdue_workdays(t, D("2026-11-30"), CAL) == 4
    assert light(t, D("2026-11-30"), CAL) == "red"
    # Looking back from before the report, today is the limit.
    assert overdue_workdays(t, D("2026-10-09"), CAL) == 2
    # Closed late: no light, but the overdue count stays for the bulletin's on-time rate.
    closed_late = reported("2026-09-30", "2026-10-12", "closed")
    assert light(closed_late, D("2026-11-30"), CAL) is None
    assert overdue_workdays(closed_late, D("2026-11-30"), CAL) == 4


def test_reopened_task_counts_to_today_again():
    t = reopen(reported("2026-09-30", "2026-09-29"), Event(D("2026-10-12"), "reopen", "材料不全"))
    assert overdue_workdays(t, D("2026-10-12"), CAL) == 4
    assert light(t, D("2026-10-12"), CAL) == "red"


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_closed_and_cancelled_have_no_light(status):
    t = task("2026-03-18", status=status)
    assert light(t, D("2026-04-30"), CAL) is None


def test_cancelled_and_suspended_are_not_overdue():
    for status in ("cancelled", "suspended"):
        assert overdue_workdays(task("2026-03-18", status=status), D("2026-04-30"), CAL) == 0


def test_a_task_without_deadline_is_green_and_never_overdue():
    t = task(None)
    assert overdue_workdays(t, D("2030-01-01"), CAL) == 0
    assert light(t, D("2030-01-01"), CAL) == "green"


@pytest.mark.parametrize(
    "warn, today, expected",
    [
        (5, "2026-03-11", "yellow"),  # 12, 13, 16, 17, 18: five
        (5, "2026-03-10", "green"),   # six
        (3, "2026-03-11", "green"),
        (0, "2026-03-17", "green"),   # a zero window warns only on the day itself
        (0, "2026-03-18", "yellow"),
        (10, "2026-03-04", "yellow"),  # 5, 6, 9..13, 16, 17, 18: ten
        (10, "2026-03-03", "green"),
    ],
)
def test_warning_window_is_configurable(warn, today, expected):
    assert light(task("2026-03-18"), D(today), CAL, warn_workdays=warn) == expected


def test_a_missed_milestone_warns():
    t = task("2026-06-30", milestones=[Milestone(D("2026-03-10"), "完成摸底")])
    assert light(t, D("2026-03-10"), CAL) == "green"
    assert light(t, D("2026-03-11"), CAL) == "yellow"
    t.milestones[0].done_on = D("2026-03-09")
    assert light(t, D("2026-03-11"), CAL) == "green"


def test_precomputed_overdue_is_honoured():
    assert light(task("2026-03-18"), D("2026-03-02"), CAL, overdue=2) == "red"


# -- transitions ------------------------------------------------------------------------
def test_report_done_then_close():
    t = task()
    r = report_done(t, DoneReport(D("2026-03-16"), "已完成", "李四"))
    assert (r.status, r.done.on) == ("reported", D("2026-03-16"))
    c = close(r, Verification(D("2026-03-17"), "王五", "onsite"))
    assert (c.status, c.verification.verified_by) == ("closed", "王五")
    # Pure: the inputs are unchanged.
    assert t.status == "open" and t.done is None and r.status == "reported" and r.verification is None


@pytest.mark.parametrize("status", ["open", "suspended", "closed", "cancelled"])
def test_close_requires_a_done_report(status):
    t = task(status=status)
    before = copy.deepcopy(t)
    with pytest.raises(TransitionError) as info:
        close(t, Verification(D("2026-03-17"), "王五"))
    assert info.value.exit_code == 2 and info.value.message and info.value.hint
    assert t == before


def test_close_refuses_verification_before_the_done_report():
    r = reported("2026-03-18", "2026-03-16")
    with pytest.raises(UsageError):
        close(r, Verification(D("2026-03-15"), "王五"))
    assert close(r, Verification(D("2026-03-16"), "王五")).status == "closed"


@pytest.mark.parametrize("status", ["reported", "closed", "suspended", "cancelled"])
def test_report_done_only_from_open(status):
    with pytest.raises(TransitionError):
        report_done(task(status=status), DoneReport(D("2026-03-16")))


def test_report_done_not_before_assignment():
    with pytest.raises(UsageError):
        report_done(task(), DoneReport(D("2026-03-01")))


@pytest.mark.parametrize("status", ["reported", "closed"])
def test_reopen_from_reported_or_closed(status):
    t = reported("2026-03-18", "2026-03-16", status)
    o = reopen(t, Event(D("2026-03-19"), "reopen", "材料不全", "督查室"))
    assert o.status == "open" and o.done is None and o.verification is None
    assert o.events[-1].reason == "材料不全"
    assert t.status == status and t.done is not None and t.events == []


@pytest.mark.parametrize("status", ["open", "suspended", "cancelled"])
def test_reopen_refused_otherwise(status):
    with pytest.raises(TransitionError):
        reopen(task(status=status), Event(D("2026-03-19"), "reopen", "x"))


@pytest.mark.parametrize("status", ["open", "reported", "suspended"])
def test_cancel_allowed(status):
    c = cancel(task(status=status), Event(D("2026-03-19"), "cancel", "重复立项"))
    assert c.status == "cancelled" and c.events[-1].reason == "重复立项"


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_cancel_refused_from_closed_or_cancelled(status):
    with pytest.raises(TransitionError):
        cancel(task(status=status), Event(D("2026-03-19"), "cancel", "x"))


def test_progress_and_urge_states():
    t = add_progress(task(), Progress(D("2026-03-05"), "已摸底"))
    t = add_progress(t, Progress(D("2026-03-04"), "已部署"))
    assert [p.on for p in t.progress] == [D("2026-03-04"), D("2026-03-05")]  # kept in date order
    with pytest.raises(TransitionError):
        add_progress(task(status="closed"), Progress(D("2026-03-05"), "x"))
    with pytest.raises(UsageError):
        add_progress(task(), Progress(D("2026-03-01"), "早于交办"))
    assert urge(task(), Urge(D("2026-03-19"), "remind")).urges[-1].level == "remind"
    with pytest.raises(TransitionError):
        urge(task(status="reported"), Urge(D("2026-03-19"), "remind"))


def _change(on: str, old: str, new: str) -> DeadlineChange:
    return DeadlineChange(D(on), "extend", D(old), D(new), "需征求多部门意见", "督查室")


@pytest.mark.parametrize("asked_on", ["2026-03-02", "2026-03-17", "2026-03-18"])
def test_extension_asked_on_or_before_the_deadline_is_granted(asked_on):
    t = task("2026-03-18")
    new_due = CAL.add_span(t.due, parse_span("5wd"))  # 19, 20, 23, 24, 25
    assert new_due == Due(D("2026-03-25"), False, ())
    e = extend(t, new_due, _change(asked_on, "2026-03-18", "2026-03-25"))
    assert e.due == D("2026-03-25") and e.due_provisional is False
    assert e.deadline_changes[-1].old_due == D("2026-03-18")
    assert t.due == D("2026-03-18") and t.deadline_changes == []


@pytest.mark.parametrize("asked_on", ["2026-03-19", "2026-04-30"])
def test_extension_asked_after_the_deadline_is_refused(asked_on):
    t = task("2026-03-18")
    with pytest.raises(TransitionError) as info:
        extend(t, Due(D("2026-03-25"), False), _change(asked_on, "2026-03-18", "2026-03-25"))
    assert info.value.exit_code == 2


def test_extension_must_move_the_deadline_later_and_needs_a_deadline():
    with pytest.raises(UsageError):
        extend(task("2026-03-18"), Due(D("2026-03-18"), False), _change("2026-03-10", "2026-03-18", "2026-03-18"))
    with pytest.raises(UsageError):
        extend(task(None), Due(D("2026-03-18"), False), _change("2026-03-10", "2026-03-18", "2026-03-18"))
    with pytest.raises(TransitionError):
        extend(task("2026-03-18", status="reported"), Due(D("2026-03-25"), False),
               _change("2026-03-10", "2026-03-18", "2026-03-25"))


def test_extension_into_an_unknown_year_is_provisional():
    t = task("2026-12-25", assigned="2026-12-01")
    new_due = CAL.add_span(t.due, parse_span("1m"))
    assert new_due.provisional and new_due.unknown_years == (2027,)
    assert extend(t, new_due, _change("2026-12-20", "2026-12-25", str(new_due.date))).due_provisional


# -- source rules: the deadline table of the seed documents ------------------------------
# 2026 schedule (国办发明电〔2025〕): 春节 02-15..23 off, Sat 02-14 and Sat 02-28 worked;
# 国庆 10-01..07 off, Sun 09-20 and Sat 10-10 worked.
@pytest.mark.parametrize(
    "source, units, event, span, due",
    [
        ("常务会议", [], "2026-09-22", "0.5m", "2026-10-08"),   # +15 = 10-07, a holiday
        ("常务会", ["市财政局"], "2026-02-01", "0.5m", "2026-02-24"),  # 02-16 in 春节
        ("政府全体会议", [], "2026-09-01", "1m", "2026-10-08"),  # 10-01
        ("全体会议", [], "2026-01-16", "1m", "2026-02-24"),     # 02-16
        ("市长办公会议", [], "2026-09-24", "1w", "2026-10-08"),  # the README's example
        ("县长办公会议", [], "2026-02-09", "1w", "2026-02-24"),
        ("办公会", [], "2026-03-02", "1w", "2026-03-09"),       # no holiday: plain 7 days
        ("专题会议", [], "2026-09-30", "1w", "2026-10-08"),
        ("周例会", [], "2026-09-28", "1w", "2026-10-08"),
        ("主要领导批示", [], "2026-02-13", "1w", "2026-02-24"),
        ("批示", [], "2026-03-06", "1w", "2026-03-13"),
        ("分管领导批示", [], "2026-10-03", "1w", "2026-10-10"),  # from a holiday to a make-up Saturday
        ("公文办理", [], "2026-02-15", "5wd", "2026-02-28"),    # the README's example
        ("公文", [], "2026-02-13", "5wd", "2026-02-27"),        # 02-14, 24, 25, 26, 27
        ("公文办理", ["市财政局", "市发改委"], "2026-09-25", "7wd", "2026-10-12"),  # 28, 29, 30, 08, 09, 10, 12
        ("公文调研", [], "2026-09-30", "20wd", "2026-11-03"),
        ("公文尽快", [], "2026-09-30", "3wd", "2026-10-10"),    # the README's example
        ("尽快", ["市财政局"], "2026-09-30", "3wd", "2026-10-10"),  # several units do not lengthen 尽快
        ("上级文件", [], "2026-09-28", "3d", "2026-10-08"),     # 10-01
    ],
)
def test_source_rules_reproduce_the_deadline_table(source, units, event, span, due):
    rule = resolve_source(source, RULES)
    assert rule_span(rule, units) == span
    result = CAL.add_span(D(event), parse_span(span))
    assert result == Due(D(due), False, ())
    # Cross-check the expected date with chinese-calendar: it is a workday, and it is the
    # Nth workday (wd) or the first workday on or after the natural end (d/w/m).
    assert chinese_calendar.is_workday(D(due))
    if span.endswith("wd"):
        n = int(span[:-2])
        between = [D(event) + ONE * i for i in range(1, (D(due) - D(event)).days + 1)]
        assert sum(map(chinese_calendar.is_workday, between)) == n
    else:
        from ledger.domain.workdays import add_natural

        natural = add_natural(D(event), parse_span(span))
        skipped = [natural + ONE * i for i in range((D(due) - natural).days)]
        assert not any(map(chinese_calendar.is_workday, skipped))


@pytest.mark.parametrize(
    "source, event, due",
    [
        ("常务会议", "2026-09-29", "2026-10-09"),      # 交办单 within 3wd: 30, 08, 09
        ("全体会议", "2026-02-12", "2026-02-24"),      # 13, make-up 14, 24
        ("专题会议", "2026-02-13", "2026-02-24"),      # 2wd: make-up 14, 24
        ("市长办公会议", "2026-03-06", "2026-03-10"),  # 9, 10
        ("主要领导批示", "2026-09-30", "2026-10-08"),  # 1wd
        ("分管领导批示", "2026-10-09", "2026-10-10"),  # the make-up Saturday counts
        ("政府工作报告", "2026-03-12", "2026-03-19"),  # 1 week after the 两会
    ],
)
def test_assignment_windows(source, event, due):
    rule = resolve_source(source, RULES)
    assert CAL.add_span(D(event), parse_span(rule.assign_within)).date == D(due)


def test_assignment_windows_match_the_table():
    want = {"政府全体会议": "3wd", "常务会议": "3wd", "市长办公会议": "2wd", "专题会议": "2wd",
            "主要领导批示": "1wd", "分管领导批示": "1wd", "政府工作报告": "1w"}
    assert {k: RULES[k].assign_within for k in want} == want


@pytest.mark.parametrize("source", ["政府工作报告", "交办事项", "人大代表建议", "政协委员提案", "民生实事", "问题清单", "整改"])
def test_sources_without_a_fixed_deadline(source):
    assert rule_span(resolve_source(source, RULES), ["市财政局"]) is None


def test_every_shipped_span_parses_and_names_are_unique():
    names = []
    for rule in DEFAULT_RULES:
        for s in (rule.deadline, rule.deadline_several_units, rule.assign_within):
            if s:
                parse_span(s)
        names += [rule.kind, *rule.aliases]
    assert len(names) == len(set(names))


def test_unknown_source_refused():
    with pytest.raises(UsageError):
        resolve_source("茶话会", RULES)


def test_ledger_config_overrides_and_adds_rules():
    rules = rules_from_config({"常务会议": {"deadline": "10wd"}, "信访件": {"deadline": "15wd", "aliases": ["信访"]}})
    assert rule_span(resolve_source("常务会", rules), []) == "10wd"  # aliases kept
    assert resolve_source("常务会", rules).assign_within == "3wd"
    assert rule_span(resolve_source("信访", rules), []) == "15wd"
    assert RULES["常务会议"].deadline == "0.5m"  # the shipped table is untouched
    with pytest.raises(UsageError):
        rules_from_config({"信访件": {"deadline": "15 工作日"}})
