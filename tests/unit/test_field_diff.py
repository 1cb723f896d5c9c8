"""audit.field_diff: the fields two versions of a task differ in, the created file's filled ones."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.audit import field_diff

values = st.one_of(st.none(), st.booleans(), st.integers(0, 3), st.sampled_from(["", "a", "b"]),
                   st.lists(st.sampled_from(["a", "b"]), max_size=2), st.just({"on": "2026-03-02"}))
plains = st.dictionaries(st.sampled_from(["schema_version", "id", "title", "units", "done", "due"]), values)


def reference(old, new):
    """The definition: every key of either, in order, that differs; a new file's empty ones left out."""
    created = old is None
    old, new = old or {}, new or {}
    out = []
    for key in dict.fromkeys([*old, *new]):
        if created and new.get(key) in ("", [], None, False):
            continue
        if old.get(key) != new.get(key):
            out.append({"field": key, "old": old.get(key), "new": new.get(key)})
    return out


@given(st.one_of(st.none(), plains), st.one_of(st.none(), plains))
def test_field_diff_is_its_definition(old, new):
    assert field_diff(old, new) == reference(old, new)


def test_same_keys_in_another_order_follow_the_old_order():
    assert [d["field"] for d in field_diff({"a": 1, "b": 2}, {"b": 3, "a": 4})] == ["a", "b"]
