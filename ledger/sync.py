"""Merging one task file changed by two clerks: records from both sides kept in date order, field clashes refused."""

from __future__ import annotations

import json

from . import codec

# Lists of dated records: both clerks' additions are kept, in date order.
UNION_KEYS = ("progress", "urges", "events", "deadline_changes")


class MergeConflict(Exception):
    """The same field changed differently on both sides: a person has to decide."""


def _key(record) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def merge_plain(base: dict, ours: dict, theirs: dict, task_id: str = "") -> dict:
    out: dict = {}
    clashes = []
    for key in codec.TASK_KEYS:
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == t or t == b:
            out[key] = o
        elif o == b:
            out[key] = t
        elif key in UNION_KEYS and isinstance(o, list) and isinstance(t, list):
            seen = {_key(r) for r in (b or [])}
            merged = list(b or [])
            for r in [*o, *t]:
                if _key(r) not in seen:
                    seen.add(_key(r))
                    merged.append(r)
            out[key] = sorted(merged, key=lambda r: r.get("on", ""))  # stable: same day keeps order
        else:
            clashes.append(key)
    if clashes:
        raise MergeConflict(f"{task_id} 的 {'、'.join(clashes)} 被双方改成了不同的值")
    return out


def merge_files(base: bytes, ours: bytes, theirs: bytes, task_id: str = "") -> bytes:
    """The merged file text, or MergeConflict / codec.FormatError."""
    plain = [codec.task_to_plain(codec.task_from_bytes(x)) for x in (base, ours, theirs)]
    merged = merge_plain(*plain, task_id=task_id)
    return codec.task_to_yaml(codec.task_from_plain(merged))
