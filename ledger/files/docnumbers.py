"""The numbers of 催办单, 督办单 and 督查通知书 (催〔2026〕4号): found in task files, kept unique across clones."""

from __future__ import annotations

import json
import re

NUMBER_RE = re.compile(r"^(.+)〔(\d{4})〕(\d+)号$")
NUMBERED = ("urges", "notices")  # the record lists whose entries carry a `number`
# A record's `number:` line as emit.task_to_yaml writes it (a list item's later key, 4 spaces in).
_LINE = re.compile(r'(?m)^    number: (.+)$')


def _value(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            return str(json.loads(raw))
        except ValueError:
            return raw
    return raw


def in_text(data: bytes | None) -> list[str]:
    """Every document number in a task file's text, as written (duplicates kept)."""
    if not data:
        return []
    return [_value(m.group(1)) for m in _LINE.finditer(data.decode("utf-8", "replace"))]


def in_plain(plain: dict) -> list[tuple[str, str]]:
    """(list key, number) of every numbered record of a parsed task file."""
    out = []
    for key in NUMBERED:
        for r in plain.get(key) or []:
            if isinstance(r, dict) and isinstance(r.get("number"), str) and r["number"]:
                out.append((key, r["number"]))
    return out


def replace_in_text(data: bytes, numbers: dict[str, str]) -> bytes:
    """The file with each `number:` line whose value is in `numbers` rewritten; nothing else."""
    def swap(m: re.Match) -> str:
        old = _value(m.group(1))
        return f"    number: {json.dumps(numbers[old], ensure_ascii=False)}" if old in numbers else m.group(0)

    text = data.decode("utf-8", "surrogateescape")
    return _LINE.sub(swap, text).encode("utf-8", "surrogateescape")


def _series(number: str) -> tuple[str, int, int] | None:
    m = NUMBER_RE.match(number)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def plan(root, base: str | None, head: str, upstream: str, task_file: re.Pattern) -> dict[str, str]:
    """OLD -> NEW for numbers issued here, not yet published, that the remote has issued too.

    As with task numbers, the new one is the next after the highest either side issued in that
    series (prefix and year) since the merge base, and used by neither.
    """
    from . import gitcmd

    base_t = gitcmd.tree_entries(root, base) if base else {}
    sides = [gitcmd.tree_entries(root, rev) for rev in (head, upstream)]
    changed = [{p: e for p, e in tree.items() if task_file.match(p) and base_t.get(p) != e} for tree in sides]
    blobs = gitcmd.read_blobs(root, list(dict.fromkeys(
        [e[1] for side in changed for e in side.values()] + [base_t[p][1] for side in changed for p in side if p in base_t])))

    def issued(side: dict) -> list[str]:
        out = []
        for p, (_, blob) in side.items():
            before = in_text(blobs.get(base_t[p][1])) if p in base_t else []
            out += [n for n in in_text(blobs.get(blob)) if n not in before]
        return out

    local, remote = issued(changed[0]), issued(changed[1])
    clashes = sorted({n for n in local if n in remote}, key=lambda n: (_series(n) or ("", 0, 0))[1:])
    used = {s for s in map(_series, local + remote) if s}
    mapping = {}
    for old in clashes:
        series = _series(old)
        if series is None:
            continue
        prefix, year, _ = series
        seq = max(s[2] for s in used if s[:2] == (prefix, year)) + 1
        mapping[old] = f"{prefix}〔{year}〕{seq}号"
        used.add((prefix, year, seq))
    return mapping
