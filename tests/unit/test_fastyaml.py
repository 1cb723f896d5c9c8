"""The fast reader of canonical task files agrees with the strict loader, and steps aside for anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.domain.model import SCHEMA_VERSION, Task
from ledger.files import codec, fastyaml
from ledger.files.codec import FormatError, load_yaml, task_from_bytes
from ledger.files.emit import task_to_yaml
from ledger.files.store import parse_task, plain_task
from tests.support.runner import REPO
from tests.unit.test_codec import TRICKY, tasks

EXAMPLES = REPO / "examples" / "ledger" / "tasks"


def same_outcome(data: bytes) -> None:
    """The store's reader (fast path first) gives exactly the strict loader's task or error."""
    try:
        want: Task | tuple = task_from_bytes(data)
    except FormatError as e:
        want = ("error", e.message, e.line)
    try:
        got: Task | tuple = parse_task(data)
    except FormatError as e:
        got = ("error", e.message, e.line)
    assert got == want


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks)
def test_canonical_files_parse_exactly_as_the_strict_loader(task):
    data = task_to_yaml(task)
    fast = fastyaml.parse(data)
    assert fast is not None, data.decode()  # everything taizhang writes takes the fast path
    assert fast == load_yaml(data)
    assert parse_task(data) == task


SEEN = codec.Seen()  # one memo across all examples, as a history's versions share one


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks)
def test_a_shared_memo_changes_no_answer(task):
    data = task_to_yaml(task)
    assert fastyaml.parse(data, SEEN) == fastyaml.parse(data)
    assert parse_task(data, SEEN) == task
    assert plain_task(data, SEEN) == plain_task(data) == codec.task_to_plain(task)
    assert codec.task_from_cached(plain_task(data, SEEN), codec.Seen()) == task


def test_versions_of_a_file_share_their_unchanged_records():
    from ledger.domain.model import Progress

    task = Task(id="2026-0001", title="标题", lead_unit="市住建局", assigned_on=codec.dt.date(2026, 3, 2),
                due=None, progress=[Progress(codec.dt.date(2026, 3, 3), "第一次", "督查室")])
    first = task_to_yaml(task)
    task.progress.append(Progress(codec.dt.date(2026, 3, 4), "第二次", "督查室"))
    second = task_to_yaml(task)
    seen = codec.Seen()
    a, b = plain_task(first, seen), plain_task(second, seen)
    assert a["progress"][0] is b["progress"][0] and b == codec.task_to_plain(task)
    assert parse_task(first, seen).progress[0] is parse_task(second, seen).progress[0]


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_strings_agree(value):
    task = Task(id="2026-0001", title="标题", lead_unit="市住建局", assigned_on=codec.dt.date(2026, 3, 2),
                due=None, leader=value, tags=[value])
    data = task_to_yaml(task)
    assert fastyaml.parse(data) == load_yaml(data)


def test_example_ledger_files_agree():
    files = sorted(EXAMPLES.glob("*/*.yaml"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert fastyaml.parse(data) == load_yaml(data), path


BASE = task_to_yaml(Task(id="2026-0001", title="标题", lead_unit="市住建局",
                         assigned_on=codec.dt.date(2026, 3, 2), due=codec.dt.date(2026, 3, 16)))

# Hand-written variations: each is either valid YAML with a meaning the fast reader does
# not try to decide, or invalid; the fast reader must hand every one to the strict loader.
NOT_CANONICAL = [
    b"# a comment\n" + BASE,
    BASE.replace(b"status: open\n", b"status: open\n\n"),
    BASE.replace(b"status: open", b"status: open  # note"),
    BASE.replace(b"units: []", b"units: [a, b]"),
    BASE.replace(b"units: []", b"units:\n- a"),
    BASE.replace(b"units: []", b"units:\n    - a"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: &x \xe6\xa0\x87\xe9\xa2\x98"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: !!str \xe6\xa0\x87\xe9\xa2\x98"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: 'single'"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: yes"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: ~"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: 1.5"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: 0x1F"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b'title: "a\\x41"'),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: a\n  continued"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title:"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: |\n  block"),
    BASE.replace(b"due: 2026-03-16", b"due: 2026-02-30"),
    BASE.replace(b"due: 2026-03-16", b"due: 2026-3-16"),
    BASE.replace(b"due: 2026-03-16", b"due: 2026-03-16 10:00:00"),
    BASE.replace(f"schema_version: {SCHEMA_VERSION}\n".encode(), f"schema_version: 0{SCHEMA_VERSION}\n".encode()),
    BASE + b"title: twice\n",
    BASE.replace(b"status: open", b"status:\topen"),
    BASE.replace(b"\n", b"\r\n"),
    b"\xef\xbb\xbf" + BASE,
    BASE[:-1],
    BASE + b"---\n",
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: \xe6\xa0\x87\xc2\x85"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", b"title: \xef\xbf\xbe"),
    BASE.replace(b"title: \xe6\xa0\x87\xe9\xa2\x98", "title: 标题".encode("gbk")),
    b"",
    b"- a\n",
]


@pytest.mark.parametrize("data", NOT_CANONICAL)
def test_anything_else_goes_to_the_strict_loader(data):
    assert fastyaml.parse(data) is None
    seen = codec.Seen()
    assert fastyaml.parse(BASE, seen) is not None
    assert fastyaml.parse(data, seen) is None  # lines met in BASE change nothing
    same_outcome(data)


@pytest.mark.parametrize("data", [
    BASE.replace(b"status: open", b"status: opened"),        # valid YAML, invalid task
    BASE.replace(b"status: open", b"state: open"),            # unknown and missing keys
    BASE.replace(b"due_provisional: false", b"due_provisional: \"no\""),
    BASE.replace(b"units: []", b"units:\n  - \xe5\xb8\x82\n  - 1"),
    BASE.replace(b"done: null", b"done:\n  on: 2026-03-05\n  extra: x"),
])
def test_invalid_tasks_give_the_strict_loaders_error(data):
    same_outcome(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.integers(0, len(BASE)))
def test_arbitrary_damage_gives_the_same_outcome(junk, at):
    same_outcome(BASE[:at] + junk + BASE[at:])
