"""Read the State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) into dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .errors import UsageError

Date = dt.date

# Pasted web pages and Word files mix full- and half-width forms; the grammar below is half-width.
# Pasted web pages and Word files mix full- and half-width forms; the grammar reads the
# official one (full-width brackets and punctuation, half-width digits), which is also how
# a refused sentence is quoted back.
_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                        "(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "［": "〔", "］": "〕",
                        "[": "〔", "]": "〕", "．": "."})
_WEEKDAY = "一二三四五六日"
_NUMERAL = "一二三四五六七八九十"
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^（）]*)）)?"
_DATE_RE = re.compile(_DATE)
_RANGE_RE = re.compile(rf"^{_DATE}(?:(?:至|到|[-－—–―~～]+){_DATE})?(?:放假|休息)")
_ITEM_RE = re.compile(rf"^[{_NUMERAL}]+、([^：]{{1,20}})：(.*)$")
_TITLE_RE = re.compile(r"关于(\d{4})年部分节假日安排的通知")
_EXTEND_RE = re.compile(rf"延长(\d{{4}})年(.{{1,8}}?)假期至{_DATE}")
_REF_RE = re.compile(r"国办发(?:明电)?〔\d{4}〕\d+号")
_PREAMBLE_YEAR_RE = re.compile(r"现将(\d{4})年")
_SIGNED_RE = re.compile(r"^(?:国务院办公厅)?\d{4}年\d{1,2}月\d{1,2}日$")
_WEEKDAY_RE = re.compile(r"(?:周|星期)([一二三四五六日天])")
# Words that change the calendar: a sentence with one of them left unread must stop --write.
_ARRANGING = ("放假", "上班", "调休")


@dataclass(frozen=True)
class Festival:
    """One numbered item of the notice: a festival's days off and its make-up workdays."""

    name: str
    first: Date
    last: Date
    stated_days: int | None
    workdays: tuple[Date, ...]
    sentence: str

    @property
    def days(self) -> list[Date]:
        n = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=i) for i in range(n)]


@dataclass(frozen=True)
class Notice:
    """The year's arrangement as the notice states it, and what of it could not be read."""

    year: int
    title: str
    ref: str | None
    festivals: tuple[Festival, ...]
    unread: tuple[str, ...] = field(default=())

    @property
    def holidays(self) -> list[Date]:
        return sorted({d for f in self.festivals for d in f.days})

    @property
    def workdays(self) -> list[Date]:
        return sorted({d for f in self.festivals for d in f.workdays})

    @property
    def blocking(self) -> list[str]:
        """Unread sentences that speak of days off or work: writing without them would be wrong."""
        return [s for s in self.unread if arranging(s)]


def arranging(sentence: str) -> bool:
    """Whether a sentence speaks of days off or work (《全国年节及纪念日放假办法》 itself does not)."""
    return any(w in sentence.replace("放假办法", "") for w in _ARRANGING)


class NoticeError(UsageError):
    """A sentence of the notice that contradicts itself or the calendar."""

    def __init__(self, sentence: str, why: str):
        super().__init__(f"通知中这一句有误：“{sentence}”——{why}", "请对照国务院办公厅原文改正后重试")


def normalize(text: str) -> list[str]:
    """Lines of the notice, half-width, without the spaces web pages and PDFs scatter."""
    lines = []
    for raw in text.replace("\r", "\n").split("\n"):
        line = re.sub(r"\s+", "", raw.replace("\u3000", " ").translate(_WIDTH))
        if line:
            lines.append(line)
    return lines


def _sentences(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        out.extend(s for s in re.split(r"(?<=。)", line) if s.strip("。"))
    return out


def _title(lines: list[str]) -> tuple[int, str]:
    for line in lines:
        m = _TITLE_RE.search(line)
        if m:
            # A news page wraps it ("新华社北京11月4日电 国务院办公厅关于…的通知，全文如下"): keep the title alone.
            return int(m.group(1)), f"国务院办公厅{m.group(0)}"
    raise UsageError("找不到通知标题“国务院办公厅关于YYYY年部分节假日安排的通知”",
                     "请连同标题一起粘贴通知全文")


class _Reader:
    """Dates of one sentence, each checked against the calendar and the notice's year.

    A date without a year or month takes the previous one's ("1月31日至2月6日", "至7日"), and
    a January after an old-year December is the notice's year (2022年12月31日至2023年1月2日).
    """

    def __init__(self, year: int, sentence: str, month: int | None = None):
        self.year, self.sentence = year, sentence
        self.cur_year, self.cur_month = year, month

    def date(self, y: str | None, mo: str | None, d: str, remark: str | None) -> Date:
        if y:
            # Only 元旦 may begin in the old year's last days.
            if int(y) != self.year and not (int(y) == self.year - 1 and mo and int(mo) == 12):
                raise NoticeError(self.sentence, f"写的是 {y} 年，与通知标题的 {self.year} 年不符")
            self.cur_year = int(y)
        elif mo and self.cur_year != self.year and int(mo) != 12:
            self.cur_year = self.year
        if mo:
            self.cur_month = int(mo)
        elif self.cur_month is None:
            raise NoticeError(self.sentence, f"{d}日没有写月份")
        try:
            day = dt.date(self.cur_year, self.cur_month, int(d))
        except ValueError:
            raise NoticeError(self.sentence, f"{self.cur_year}年{self.cur_month}月{d}日不存在") from None
        wd = _WEEKDAY_RE.search(remark or "")
        if wd:
            said = _WEEKDAY.index(wd.group(1).replace("天", "日"))
            if said != day.weekday():
                raise NoticeError(self.sentence, f"{day.month}月{day.day}日是周{_WEEKDAY[day.weekday()]}，"
                                                 f"不是周{_WEEKDAY[said]}")
        return day


def _holiday(name: str, body: str, sentence: str, year: int) -> Festival:
    m = _RANGE_RE.match(body)
    if not m:
        raise _Unread
    r = _Reader(year, sentence)
    first = r.date(*m.groups()[:4])
    last = r.date(*m.groups()[4:]) if m.group(7) else first
    if last < first:
        raise NoticeError(sentence, "结束日期早于开始日期")
    total = re.search(r"共(\d+)天", body) or re.search(r"放假(\d+)天", body)
    stated = int(total.group(1)) if total else None
    n = (last - first).days + 1
    if stated is not None and stated != n:
        raise NoticeError(sentence, f"{first.month}月{first.day}日至{last.month}月{last.day}日是 {n} 天，"
                                    f"不是共{stated}天")
    return Festival(name, first, last, stated, (), sentence)


def _makeup(sentence: str, year: int) -> tuple[Date, ...]:
    if not sentence.rstrip("。").endswith("上班") or not _DATE_RE.match(sentence):
        raise _Unread
    r = _Reader(year, sentence)
    days = tuple(r.date(*m.groups()) for m in _DATE_RE.finditer(sentence))
    rest = _DATE_RE.sub("", sentence).rstrip("。")
    if rest.strip("、和及，") != "上班":
        raise _Unread
    for day in days:
        if day.weekday() < 5:
            raise NoticeError(sentence, f"{day.month}月{day.day}日是周{_WEEKDAY[day.weekday()]}，本来就是工作日，"
                                        "不必调休上班")
    return days


def _extend(festivals: list[Festival], sentence: str, year: int) -> bool:
    """国办发明电〔2020〕1号 extended 春节 to 2月2日 and so cancelled the make-up Saturday 2月1日."""
    m = _EXTEND_RE.search(sentence)
    if not m:
        return False
    if int(m.group(1)) != year:
        raise NoticeError(sentence, f"写的是 {m.group(1)} 年，与通知标题的 {year} 年不符")
    name = m.group(2)
    for i, f in enumerate(festivals):
        if f.name == name:
            last = _Reader(year, sentence, f.last.month).date(*m.groups()[2:])
            if last <= f.last:
                raise NoticeError(sentence, f"{name}假期原本就到 {f.last.month}月{f.last.day}日")
            works = tuple(d for d in f.workdays if not f.first <= d <= last)
            festivals[i] = Festival(name, f.first, last, None, works, f.sentence)
            return True
    raise NoticeError(sentence, f"前文没有“{name}”的放假安排")


class _Unread(Exception):
    """The sentence is not one of the notice's arrangement forms."""


def _check_year_words(sentence: str, year: int) -> None:
    m = _PREAMBLE_YEAR_RE.search(sentence)
    if m and int(m.group(1)) != year:
        raise NoticeError(sentence, f"写的是 {m.group(1)} 年，与通知标题的 {year} 年不符")


def parse(text: str) -> Notice:
    """The notice's festivals, checked date by date; raises NoticeError quoting a wrong sentence."""
    lines = normalize(text)
    year, title = _title(lines)
    ref = next((m.group(0) for m in map(_REF_RE.search, lines) if m), None)
    festivals: list[Festival] = []
    unread: list[str] = []
    makeup_said: dict[Date, str] = {}  # to quote the 上班 sentence, not its festival's
    for sentence in _sentences(lines):
        _check_year_words(sentence, year)
        item = _ITEM_RE.match(sentence)
        try:
            if item:
                festivals.append(_holiday(item.group(1), item.group(2), sentence, year))
            elif festivals and sentence.rstrip("。").endswith("上班") and "延长" not in sentence:
                f, days = festivals[-1], _makeup(sentence, year)
                festivals[-1] = Festival(f.name, f.first, f.last, f.stated_days, f.workdays + days, f.sentence)
                makeup_said.update(dict.fromkeys(days, sentence))
            elif not _extend(festivals, sentence, year) and not _boilerplate(sentence):
                unread.append(sentence)
        except _Unread:
            unread.append(sentence)
    if not festivals:
        raise UsageError("通知里没有读到任何放假安排", "请粘贴含“一、元旦：……放假”等条目的通知全文")
    _check_overlaps(festivals, makeup_said)
    return Notice(year, title, ref, tuple(festivals), tuple(unread))


def _boilerplate(sentence: str) -> bool:
    """Title, 文号, addressees, the signing office and date: nothing to read, nothing lost."""
    return bool(_TITLE_RE.search(sentence) or "关于" in sentence and sentence.endswith("的通知")
                or _REF_RE.fullmatch(sentence) or _SIGNED_RE.match(sentence)
                or sentence.endswith("：") or sentence.startswith("国务院办公厅") and len(sentence) <= 8
                or "通知如下" in sentence or not _DATE_RE.search(sentence) and not arranging(sentence))


def _check_overlaps(festivals: list[Festival], makeup_said: dict[Date, str]) -> None:
    seen: dict[Date, Festival] = {}
    for f in festivals:
        for d in f.days:
            if d in seen:
                raise NoticeError(f.sentence, f"{d.month}月{d.day}日已在“{seen[d].name}”中放假")
            seen[d] = f
    for f in festivals:
        for d in f.workdays:
            if d in seen:
                raise NoticeError(makeup_said.get(d, f.sentence), f"调休上班的 {d.month}月{d.day}日是“{seen[d].name}”的假日")
