"""The holiday-notice parser against the published arrangements 2020–2026 (as chinese-calendar has them)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from chinese_calendar.constants import holidays as CC_HOLIDAYS
from chinese_calendar.constants import workdays as CC_WORKDAYS

from ledger.domain.errors import UsageError
from ledger.domain.notice import NoticeError, parse
from ledger.domain.workdays import Calendar
from tests.support.runner import DATA

NOTICES = DATA / "notices"
YEARS = range(2020, 2027)
D = dt.date.fromisoformat
NEW_YEAR = "New Year's Day"
# The 2024 notice says only "1月1日放假，与周末连休"; chinese-calendar also files the weekend before
# (2023-12-30/31) as 元旦, yet not the weekend before 端午 6月10日 worded the same way. The parser
# reads the notice literally; both are weekend rest days, so not one workday differs.
JOINED_WEEKEND = {2024: {D("2023-12-30"), D("2023-12-31")}}


def text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def published(year: int) -> tuple[set, set]:
    """chinese-calendar's dates of one notice: 元旦 days of late December belong to next year's."""
    def ours(d, name):
        if name == NEW_YEAR and d.month == 12:
            return d.year == year - 1
        return d.year == year
    hols = {d for d, name in CC_HOLIDAYS.items() if ours(d, name)}
    works = {d for d, name in CC_WORKDAYS.items() if ours(d, name)}
    return hols - JOINED_WEEKEND.get(year, set()), works


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_gives_chinese_calendars_holidays_and_make_up_days(year):
    notice = parse(text(year))
    hols, works = published(year)
    assert notice.year == year
    assert set(notice.holidays) == hols
    assert set(notice.workdays) == works
    assert notice.blocking == []


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_alone_gives_every_workday_of_its_year(year):
    notice = parse(text(year))
    own = Calendar({year: (notice.holidays, notice.workdays)}, builtin=({}, {}))
    day = dt.date(year, 1, 1)
    while day.year == year:
        assert own.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_2020s_spring_festival_extension_cancels_the_make_up_saturday():
    notice = parse(text(2020))
    spring = next(f for f in notice.festivals if f.name == "春节")
    assert (spring.first, spring.last, len(spring.days)) == (D("2020-01-24"), D("2020-02-02"), 10)
    assert spring.workdays == (D("2020-01-19"),)  # 2月1日 was to be worked; the extension made it a holiday
    assert notice.ref == "国办发明电〔2019〕16号"  # the first 文号 is the notice's own


def test_2023s_new_year_begins_in_the_old_year():
    new_year = parse(text(2023)).festivals[0]
    assert (new_year.first, new_year.last) == (D("2022-12-31"), D("2023-01-02"))


def test_counts_per_festival_and_what_was_not_read():
    notice = parse(text(2024))
    assert [(f.name, len(f.days)) for f in notice.festivals] == [
        ("元旦", 1), ("春节", 8), ("清明节", 3), ("劳动节", 5), ("端午节", 1), ("中秋节", 3), ("国庆节", 7)]
    assert notice.unread == ("鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",)
    assert notice.blocking == []  # advice, not an arrangement: nothing to write is lost
    assert notice.title == "国务院办公厅关于2024年部分节假日安排的通知"


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("variant", [
    lambda t: t.translate(FULL_WIDTH),  # full-width digits
    lambda t: t.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ","),  # half-width
    lambda t: t.replace("周", "星期"),
    lambda t: t.replace("至", "—"),
    lambda t: t.replace("至", "-"),
    lambda t: t.replace("至", "～"),
    lambda t: t.replace("日（周六）、2月28日", "日（周六）和2月28日"),
    lambda t: t.replace("\n", ""),  # a paste that lost its line breaks
    lambda t: t.replace("\n", "\r\n").replace("月", " 月 ").replace("日", " 日 "),  # a PDF's scattered spaces
    lambda t: "《" + t.replace("\n", "》\n\u3000\u3000", 1),  # 《title》 and full-width indents
    lambda t: t.replace("国务院办公厅关于2026年部分节假日安排的通知\n", "来源：新华网 2025-11-04 22:15\n"
                        "新华社北京11月4日电 国务院办公厅关于2026年部分节假日安排的通知，全文如下：\n")
    + "[ 责编：张倩 ]\n点击右上角微信好友\n",  # copied from a news page
])
def test_the_forms_a_pasted_notice_takes(variant):
    def arrangement(notice):
        return notice.year, notice.title, notice.unread, [(f.name, f.first, f.last, f.stated_days, f.workdays)
                                            for f in notice.festivals]

    assert arrangement(parse(variant(text(2026)))) == arrangement(parse(text(2026)))


def test_a_month_crossing_range_without_repeating_the_month():
    notice = parse(text(2022))
    spring = notice.festivals[1]
    assert (spring.first, spring.last) == (D("2022-01-31"), D("2022-02-06"))


def test_a_festival_without_a_total():
    dragon = parse(text(2024)).festivals[4]
    assert dragon.stated_days is None and dragon.days == [D("2024-06-10")]


# -- refusals: each quotes the sentence ----------------------------------------------------
SPRING_2026 = "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。"
WORK_2026 = "2月14日（周六）、2月28日（周六）上班。"


@pytest.mark.parametrize("old, new, why", [
    ("2月15日（农历腊月二十八、周日）至23日", "2月15日（农历腊月二十八、周日）至30日", "2026年2月30日不存在"),
    ("2月28日（周六）上班", "2月29日（周日）上班", "2026年2月29日不存在"),
    ("至23日（农历正月初七、周一）", "至23日（农历正月初七、周二）", "2月23日是周一，不是周二"),
    ("2月14日（周六）", "2月14日（星期日）", "2月14日是周六，不是周日"),
    ("放假调休，共9天", "放假调休，共8天", "是 9 天，不是共8天"),
    ("2月28日（周六）上班", "2月27日（周五）上班", "2月27日是周五，本来就是工作日"),
    ("2月15日（农历腊月二十八、周日）", "2027年2月15日（农历腊月二十八、周日）", "2027 年，与通知标题的 2026 年不符"),
])
def test_an_inconsistent_sentence_is_refused_and_quoted(old, new, why):
    source = text(2026)
    assert old in source
    bad = source.replace(old, new, 1)
    with pytest.raises(NoticeError) as e:
        parse(bad)
    line = e.value.line()
    assert why in line
    sentence = next(s for s in (SPRING_2026, WORK_2026) if old in s).replace(old, new, 1)
    assert f"“{sentence}”" in line
    assert e.value.exit_code == 2


@pytest.mark.parametrize("old, new, quoted, why", [
    ("现将2026年元旦", "现将2027年元旦", "经国务院批准，现将2027年元旦", "与通知标题的 2026 年不符"),
    ("4月4日（周六）至6日（周一）", "4月6日（周一）至4日（周六）", "三、清明节：4月6日", "结束日期早于开始日期"),
    ("9月25日（周五）至27日（周日）", "10月1日（周四）至3日（周六）", "七、国庆节：", "10月1日已在“中秋节”中放假"),
    ("5月9日（周六）上班", "5月2日（周六）上班", "5月2日（周六）上班。", "调休上班的 5月2日是“劳动节”的假日"),
])
def test_sentences_that_contradict_the_rest_are_refused(old, new, quoted, why):
    with pytest.raises(NoticeError) as e:
        parse(text(2026).replace(old, new, 1))
    assert f"“{quoted}" in e.value.line() and why in e.value.line()


def test_a_notice_without_its_title_or_items_is_refused():
    with pytest.raises(UsageError, match="找不到通知标题"):
        parse(text(2026).split("\n", 1)[1])
    with pytest.raises(UsageError, match="没有读到任何放假安排"):
        parse("国务院办公厅关于2026年部分节假日安排的通知\n经国务院批准，具体安排另行通知。")


def test_an_arrangement_it_cannot_read_is_listed_and_blocks_writing():
    odd = text(2026).replace("三、清明节：4月4日（周六）至6日（周一）放假，共3天。",
                             "三、清明节：清明当日前后共放假3天。")
    notice = parse(odd)
    assert notice.blocking == ["三、清明节：清明当日前后共放假3天。"]
    assert "清明节" not in [f.name for f in notice.festivals]
