"""A strict fast reader for exactly the canonical task files emit.task_to_yaml writes."""

# ruamel's pure-Python loader costs ~3 ms a file, which makes a cold cache of 100,000 tasks
# take minutes. Files taizhang wrote itself have a tiny fixed shape, so this reader parses
# that shape line by line (~30 µs) and returns None for anything else: comments, blank
# lines, other indentation, flow collections, anchors, tags, scalars it cannot resolve
# exactly as YAML 1.2 would. None sends the caller to codec.load_yaml, the one strict
# loader, which gives the real answer or the real error message. Tests check that both
# readers give identical results on canonical files.

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from .codec import Seen
from .strictyaml import MAX_FILE_BYTES, bad_char

_KEY = r"([a-z][a-z0-9_]*)"
_TOP = re.compile(_KEY + r":(?: (.*))?\Z")
_SUB = re.compile(r"  " + _KEY + r": (.*)\Z")
_ITEM_KEY = re.compile(r"  - " + _KEY + r": (.*)\Z")
_ITEM_MORE = re.compile(r"    " + _KEY + r": (.*)\Z")
_ITEM = re.compile(r"  - (.*)\Z")
# What emit._scalar writes bare: it cannot start like a number, an indicator or a
# quote, and holds no `#`, `:`, tab or newline; YAML 1.2 reads it as the same string.
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~=<][^\n\r\t#:]*\Z")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none"}
# Exactly what json.dumps(ensure_ascii=False) writes, every escape of which means the same in YAML.
_QUOTED = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\nrtbf]|\\u00[01][0-9a-fA-F])*"\Z')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_INT = re.compile(r"(?:0|[1-9][0-9]{0,17})\Z")


class NotCanonical(Exception):
    """The text is not in the canonical shape; read it with the full loader instead."""


def _scalar(s: str) -> Any:
    if not s:
        raise NotCanonical
    c = s[0]
    if c == '"':
        if _QUOTED.match(s):
            return json.loads(s)
        raise NotCanonical
    if "0" <= c <= "9":
        if _DATE.match(s):
            try:
                return dt.date.fromisoformat(s)
            except ValueError:
                raise NotCanonical from None
        if _INT.match(s):
            return int(s)
        raise NotCanonical
    if s == "null":
        return None
    if s == "true":
        return True
    if s == "false":
        return False
    if _PLAIN.match(s) and s[-1] != " " and s.lower() not in _RESERVED:
        return s
    raise NotCanonical


def _value(s: str | None) -> Any:
    if s == "[]":
        return []
    return _scalar(s)


def parse(data: bytes, seen: Seen | None = None) -> dict[str, Any] | None:
    """The mapping in a canonical task file, or None when the full loader must decide.

    With `seen` (kept across the versions of a history), a line or a record's block of lines
    parsed before gives that same value again, which the caller must not change.
    """
    if len(data) > MAX_FILE_BYTES or data.startswith(b"\xef\xbb\xbf") or not data.endswith(b"\n"):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text or "\t" in text or bad_char(text):
        return None
    try:
        return _parse(text.split("\n")[:-1], None if seen is None else seen.lines)
    except NotCanonical:
        return None


def _parse(lines: list[str], seen: dict | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        hit = seen.get(line) if seen is not None else None
        if hit is not None:  # a `key: value` line met before (no record block starts like one)
            key, value = hit
        else:
            m = _TOP.match(line)
            if not m:
                raise NotCanonical
            key, rest = m.group(1), m.group(2)
            value = None if rest is None else _value(rest)
            if seen is not None and rest is not None and rest != "[]":  # a list is not shared
                seen[line] = (key, value)
        if key in out:
            raise NotCanonical  # the full loader names the duplicate key
        i += 1
        if hit is not None or rest is not None:
            out[key] = value
            continue
        if i >= n or not lines[i].startswith("  "):
            raise NotCanonical  # an empty value: leave its meaning to the full loader
        if lines[i].startswith("  - "):
            items: list[Any] = []
            while i < n and lines[i].startswith("  - "):
                j = i + 1
                while j < n and lines[j].startswith("    "):
                    j += 1
                block = "\n".join(lines[i:j]) if seen is not None else None
                rec = seen.get(block) if block is not None else None
                if rec is not None:  # a record met before: only records are kept under such lines
                    items.append(rec)
                    i = j
                    continue
                mk = _ITEM_KEY.match(lines[i])
                if mk:
                    rec = {mk.group(1): _scalar(mk.group(2))}
                    for line in lines[i + 1:j]:
                        mm = _ITEM_MORE.match(line)
                        if not mm or mm.group(1) in rec:
                            raise NotCanonical
                        rec[mm.group(1)] = _scalar(mm.group(2))
                    if block is not None:
                        seen[block] = rec
                    items.append(rec)
                else:
                    item = _ITEM.match(lines[i])
                    if not item or j > i + 1:  # a scalar item has no lines of its own
                        raise NotCanonical
                    items.append(_scalar(item.group(1)))
                i = j
            out[key] = items
        else:
            sub: dict[str, Any] = {}
            while i < n and lines[i].startswith("  "):
                ms = _SUB.match(lines[i])
                if not ms or ms.group(1) in sub:
                    raise NotCanonical
                sub[ms.group(1)] = _scalar(ms.group(2))
                i += 1
            out[key] = sub
    if not out:
        raise NotCanonical
    return out
