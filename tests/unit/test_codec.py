"""The task file codec: canonical writing round-trips any text, and the strict reader refuses what it must."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.domain.model import (
    STATUSES,
    DeadlineChange,
    DoneReport,
    Event,
    Milestone,
    Progress,
    Task,
    Urge,
    Verification,
)
from ledger.files.codec import TASK_KEYS, FormatError, load_yaml, task_from_bytes, task_from_plain, task_to_plain
from ledger.files.emit import task_to_yaml
from ledger.files.strictyaml import MAX_FILE_BYTES, bad_char

D = dt.date.fromisoformat

# Strings a YAML reader could take for something else, or that need quoting to survive.
TRICKY = [
    "no", "No", "NO", "yes", "y", "n", "on", "On", "off", "true", "False", "null", "Null",
    "NULL", "none", "~", "012", "0", "-0", "12:30", "1:20:30", "0x1F", "0o17", "0b101", "1e3",
    "1_000", "+1", ".5", ".inf", "-.inf", ".nan", "nan", "2026-01-01", "2026-02-30",
    "2026-01-01 12:00:00", "- x", "-", "# y", "#", "a: b", "a:b", "a:", "a #b", "a# b",
    " lead", "trail ", "  ", " ", "line1\nline2", "\n", "\n\n", "trailing\n", "tab\there",
    "\t", "中文", "调研\n第二行", "😀 emoji", "🏛️督查", "'quoted'", '"dq"', "\\back",
    "back\\", "[a]", "{a}", "a, b", "&anchor", "*alias", "!tag", "!!str", "|", "> x",
    "%p", "@x", "`x", "=", "<<", "?", "? x", "---", "...", "--- x", "a\u00a0", "\u00a0a",
    "\u3000全角空格", "ｙｅｓ", "☃", "\U0001F600", "é", "a'b\"c", "{{x}}", "a]b", "x\\ny",
    "第一行\n  缩进的第二行", "!", "%YAML 1.2", "0.5m", "5wd", "\ue000", "\U0010FFFD",
]

printable = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"), max_size=20
).filter(lambda s: bad_char(s) is None)
text = st.one_of(
    st.sampled_from(TRICKY),
    printable,
    st.builds(lambda a, b: a + b, st.sampled_from(TRICKY), printable),
    st.builds(lambda a, b: a + b, printable, st.sampled_from(TRICKY)),
)
nonempty = text.filter(lambda s: s != "")
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
small = dict(max_size=3)

tasks = st.builds(
    Task,
    id=st.builds(lambda y, n: f"{y}-{n:04d}", st.integers(2004, 2099), st.integers(1, 9999)),
    title=nonempty,
    lead_unit=nonempty,
    assigned_on=dates,
    due=st.none() | dates,
    status=st.sampled_from(STATUSES),
    description=text,
    units=st.lists(text, **small),
    leader=text,
    contact=text,
    source=text,
    ref=text,
    registered_on=st.none() | dates,
    deadline_rule=text,
    due_provisional=st.booleans(),
    milestones=st.lists(st.builds(Milestone, dates, text, st.none() | dates), **small),
    tags=st.lists(text, **small),
    progress=st.lists(st.builds(Progress, dates, text, text), **small),
    done=st.none() | st.builds(DoneReport, dates, text, text),
    verification=st.none() | st.builds(Verification, dates, text, text, text, text),
    deadline_changes=st.lists(st.builds(DeadlineChange, dates, text, dates, dates, text, text), **small),
    urges=st.lists(st.builds(Urge, dates, text, text, text), **small),
    events=st.lists(st.builds(Event, dates, text, text, text), **small),
    schema_version=st.just(1),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks)
def test_yaml_round_trip(task):
    data = task_to_yaml(task)
    assert task_from_bytes(data) == task
    # Canonical: writing what was read gives the same bytes.
    assert task_to_yaml(task_from_bytes(data)) == data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks)
def test_plain_and_json_round_trip(task):
    plain = task_to_plain(task)
    assert list(plain) == list(TASK_KEYS)
    assert task_from_plain(json.loads(json.dumps(plain, ensure_ascii=False))) == task


@pytest.mark.parametrize("value", TRICKY)
def test_every_tricky_string_round_trips_in_every_text_field(value):
    task = sample_task()
    for key in ("title", "lead_unit", "description", "leader", "contact", "source", "ref", "deadline_rule"):
        if value == "" and key in ("title", "lead_unit"):
            continue
        setattr(task, key, value)
    task.units = [value, value]
    task.tags = [value]
    task.progress = [Progress(D("2026-03-03"), value, value)]
    task.done = DoneReport(D("2026-03-05"), value, value)
    assert task_from_bytes(task_to_yaml(task)) == task


def sample_task() -> Task:
    return Task(
        id="2026-0042",
        title="推进老旧小区改造",
        lead_unit="市住建局",
        assigned_on=D("2026-03-02"),
        due=D("2026-03-17"),
        status="reported",
        description="常务会议议定事项。\n第二段。",
        units=["市财政局", "市自然资源局"],
        leader="张副市长",
        contact="李四",
        source="常务会议",
        ref="常务会议纪要〔2026〕3号",
        registered_on=D("2026-03-02"),
        deadline_rule="0.5m",
        milestones=[Milestone(D("2026-03-10"), "完成摸底", D("2026-03-09"))],
        tags=["民生"],
        progress=[Progress(D("2026-03-05"), "已完成摸底调查", "王五")],
        done=DoneReport(D("2026-03-16"), "已完成", "李四"),
        urges=[Urge(D("2026-03-12"), "remind", "请抓紧", "督查室")],
    )


def test_output_key_order_is_fixed():
    task = sample_task()
    lines = task_to_yaml(task).decode("utf-8").splitlines()
    top = [line.split(":")[0] for line in lines if line and not line.startswith(" ")]
    # Keys added in schema version 2 are left out while empty; the rest keep the fixed order.
    assert top == [k for k in TASK_KEYS if k in top]
    omitted = {f.name for f in fields(Task) if f.metadata.get("omit_empty")}
    assert set(TASK_KEYS) - set(top) <= omitted
    # Record keys follow the dataclass order.
    i = lines.index("progress:")
    assert [l.strip().lstrip("- ").split(":")[0] for l in lines[i + 1 : i + 4]] == ["on", "text", "by"]
    i = lines.index("milestones:")
    assert [l.strip().lstrip("- ").split(":")[0] for l in lines[i + 1 : i + 4]] == ["due", "text", "done_on"]


def test_chinese_is_unescaped_and_dates_bare():
    data = task_to_yaml(sample_task())
    text = data.decode("utf-8")
    assert "title: 推进老旧小区改造\n" in text
    assert "常务会议纪要〔2026〕3号" in text
    assert "\\u" not in text
    assert "assigned_on: 2026-03-02\n" in text and "due: 2026-03-17\n" in text
    assert "due_provisional: false\n" in text
    task = sample_task()
    task.title = "😀 督查"
    assert "😀 督查".encode("utf-8") in task_to_yaml(task)


def test_output_is_lf_utf8_without_bom_and_loads():
    data = task_to_yaml(sample_task())
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
    assert task_from_bytes(data) == sample_task()


# -- refusals, each with a located FormatError -----------------------------------
BASE = task_to_yaml(sample_task()).decode("utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line starting with needle (found in the text, not hard-coded)."""
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith(needle):
            return n
    raise AssertionError(f"{needle!r} not in text")


def refused(data: bytes | str) -> FormatError:
    if isinstance(data, str):
        data = data.encode("utf-8")
    with pytest.raises(FormatError) as info:
        task_from_bytes(data)
    err = info.value
    assert err.message and 1 <= err.line <= max(1, data.count(b"\n") + 1)
    return err


def test_python_object_tag_refused():
    text = BASE.replace("title: 推进老旧小区改造", "title: !!python/object/apply:os.system [echo hi]")
    err = refused(text)
    assert err.line == line_of(text, "title:") and "标签" in err.message


@pytest.mark.parametrize("tagged", ["!!str 推进", "!local 推进", "!!binary aGk="])
def test_any_tag_refused(tagged):
    text = BASE.replace("title: 推进老旧小区改造", f"title: {tagged}")
    assert refused(text).line == line_of(text, "title:")


def test_anchor_and_alias_refused():
    text = BASE.replace("  - 市财政局", "  - &u 市财政局").replace("  - 市自然资源局", "  - *u")
    err = refused(text)
    assert err.line == line_of(text, "  - &u") and "锚点" in err.message
    alias_only = BASE.replace("  - 市自然资源局", "  - *u")
    assert refused(alias_only).line == line_of(alias_only, "  - *u")


def test_duplicate_key_refused():
    text = BASE + "title: 另一个标题\n"
    err = refused(text)
    assert err.line == text.count("\n")  # the duplicate is the last line
    nested = BASE.replace("    text: 已完成摸底调查\n", "    text: 已完成摸底调查\n    text: 再写一遍\n")
    assert refused(nested).line == line_of(nested, "    text: 再写一遍")


def test_bom_refused():
    err = refused(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert err.line == 1 and "BOM" in err.message


def test_crlf_refused():
    err = refused(BASE.replace("\n", "\r\n"))
    assert err.line == 1 and "CRLF" in err.message
    one = BASE.replace("status: reported\n", "status: reported\r\n")
    assert refused(one).line == line_of(one, "status:")


def test_gbk_refused():
    data = BASE.encode("gbk")
    first_cjk = next(n for n, line in enumerate(BASE.split("\n"), 1) if not line.isascii())
    err = refused(data)
    assert err.line == first_cjk and "UTF-8" in err.message


def test_tab_in_indentation_refused():
    text = BASE.replace("\n  - 市财政局", "\n\t- 市财政局")
    err = refused(text)
    assert err.line == line_of(text, "\t- 市财政局") and "制表符" in err.message
    mixed = BASE.replace("\n    text: 已完成摸底调查", "\n  \t  text: 已完成摸底调查")
    assert refused(mixed).line == line_of(mixed, "  \t  text:")


def test_tab_inside_a_quoted_value_is_fine():
    task = sample_task()
    task.description = "甲\t乙"
    assert task_from_bytes(task_to_yaml(task)).description == "甲\t乙"


@pytest.mark.parametrize("directive", ["%YAML 1.1\n---\n", "%TAG ! tag:example.com,2000:\n---\n"])
def test_yaml_directive_refused(directive):
    err = refused(directive + BASE)
    assert err.line == 1 and "指令" in err.message


def test_size_limit_256_kib():
    empty = sample_task()
    empty.description = ""
    base_len = len(task_to_yaml(empty))  # `description: ""` is two bytes of quotes
    at_limit = sample_task()
    at_limit.description = "x" * (MAX_FILE_BYTES - base_len + 2)
    data = task_to_yaml(at_limit)
    assert len(data) == MAX_FILE_BYTES == 256 * 1024
    assert task_from_bytes(data) == at_limit
    at_limit.description += "x"
    err = refused(task_to_yaml(at_limit))
    assert err.line == 1 and "256" in err.message


@pytest.mark.parametrize(
    "char", ["\x85", "\x00", "\x1b", "\x7f", "\x9f", "\u2028", "\u2029", "\ufeff", "\x0b", "\x0c", "\ufffe", "\uffff"]
)
def test_control_characters_refused(char):
    text = BASE.replace("ref: 常务会议纪要", f"ref: 常务会议{char}纪要")
    err = refused(text)
    assert err.line == line_of(text, "ref:") and f"U+{ord(char):04X}" in err.message


def test_whatever_bad_char_lets_through_the_reader_accepts():
    # common.clean() admits any text bad_char() passes: every such character must round-trip,
    # or `add` would write a file nobody can read (found: U+FFFE/U+FFFF slipped through).
    astral = [0x10000, 0x1F600, 0x1FFFE, 0x1FFFF, 0xE0001, 0xF0000, 0x10FFFD, 0x10FFFF]
    codes = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF] + astral
    task = sample_task()
    task.description = "".join(chr(c) for c in codes if bad_char(chr(c)) is None)
    data = task_to_yaml(task)
    assert len(data) <= MAX_FILE_BYTES
    assert task_from_bytes(data) == task


def test_control_character_in_a_written_task_does_not_load_silently():
    # The writer does not filter (input is checked by common.clean); the reader must refuse.
    task = sample_task()
    task.description = "a\x85b"
    err = refused(task_to_yaml(task))
    assert err.line == line_of(BASE, "description:")


@pytest.mark.parametrize("bad", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-04-31"])
def test_impossible_dates_refused(bad):
    text = BASE.replace("due: 2026-03-17", f"due: {bad}")
    err = refused(text)
    assert err.line == line_of(text, "due:") and bad in err.message
    nested = BASE.replace("  - on: 2026-03-05", f"  - on: {bad}")
    assert refused(nested).line == line_of(nested, f"  - on: {bad}")


@pytest.mark.parametrize("value", ['"2026-02-30"', '"2026-3-9"', "2026-3-9", '""', "20260309", "[2026, 3, 9]"])
def test_malformed_dates_refused(value):
    text = BASE.replace("due: 2026-03-17", f"due: {value}")
    assert refused(text).line == line_of(text, "due:")


@pytest.mark.parametrize("value", ["2026-03-17 12:00:00", "2026-03-17T12:00:00Z", "2026-03-17t08:00:00+08:00"])
def test_datetimes_refused(value):
    text = BASE.replace("due: 2026-03-17", f"due: {value}")
    err = refused(text)
    assert err.line == line_of(text, "due:") and "时间" in err.message


def test_quoted_valid_date_string_is_accepted():
    text = BASE.replace("due: 2026-03-17", 'due: "2026-03-17"')
    assert task_from_bytes(text.encode()).due == D("2026-03-17")


def test_unknown_keys_refused():
    text = BASE.replace("leader: 张副市长\n", "leader: 张副市长\npriority: high\n")
    err = refused(text)
    assert err.line == line_of(text, "priority:") and "priority" in err.message
    nested = BASE.replace("    text: 已完成摸底调查\n", "    text: 已完成摸底调查\n    mood: 好\n")
    err = refused(nested)
    assert "mood" in err.message and err.line == line_of(nested, "progress:")


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("title: 推进老旧小区改造", "title: 012", "title:"),
        ("title: 推进老旧小区改造", "title: true", "title:"),
        ("title: 推进老旧小区改造", "title: 12.5", "title:"),
        ("title: 推进老旧小区改造", "title: [a, b]", "title:"),
        ("title: 推进老旧小区改造", "title: {a: b}", "title:"),
        ("title: 推进老旧小区改造", "title:", "title:"),
        ("lead_unit: 市住建局", 'lead_unit: ""', "lead_unit:"),
        ("due_provisional: false", "due_provisional: no", "due_provisional:"),
        ("due_provisional: false", 'due_provisional: "false"', "due_provisional:"),
        ("schema_version: 2", "schema_version: 3", "schema_version:"),
        ("schema_version: 2", 'schema_version: "2"', "schema_version:"),
        ("tags:\n  - 民生", "tags: 民生", "tags:"),
        ("units:\n  - 市财政局\n  - 市自然资源局", "units: 市财政局", "units:"),
    ],
)
def test_wrong_types_refused_at_their_line(old, new, key):
    assert old in BASE
    text = BASE.replace(old, new)
    assert refused(text).line == line_of(text, key)


def test_required_field_missing_refused():
    text = BASE.replace("title: 推进老旧小区改造\n", "")
    assert "title" in refused(text).message


def test_yaml_1_2_scalars_that_look_like_other_types_are_read_as_text():
    # The reader is YAML 1.2: yes/no/on/off and 12:30 are strings there (the writer quotes them anyway).
    for value in ("yes", "no", "on", "off", "12:30"):
        text = BASE.replace("title: 推进老旧小区改造", f"title: {value}")
        assert task_from_bytes(text.encode()).title == value


@pytest.mark.parametrize("doc", ["", "- a\n", "just a string\n", "null\n", "[]\n"])
def test_non_mapping_documents_refused(doc):
    refused(doc)


def test_second_document_refused():
    text = BASE + "---\nid: 2026-0043\n"
    assert refused(text).line == line_of(text, "---")


def test_syntax_error_is_located():
    text = BASE.replace("status: reported", "status: [reported")
    assert refused(text).line >= line_of(text, "status:")


def test_load_yaml_keeps_dates_as_dates_for_calendar_files():
    assert load_yaml(b"holidays:\n  - 2027-01-01\nworkdays: []\n") == {
        "holidays": [D("2027-01-01")],
        "workdays": [],
    }
    with pytest.raises(FormatError) as info:
        load_yaml(b"holidays:\n  - 2027-01-01\n  - 2027-02-29\n")
    assert info.value.line == 3
