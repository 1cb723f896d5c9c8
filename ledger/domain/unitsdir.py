"""taizhang.yaml's `units:` directory: canonical unit names and their aliases (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .errors import LedgerError


@dataclass
class Units:
    """taizhang.yaml `units:` — a list of names, or names mapped to their aliases."""

    canonical: dict[str, str]  # every name and alias -> canonical name
    raw: dict[str, list[str]]

    def resolve(self, name: str) -> str | None:
        return self.canonical.get(name)

    def suggest(self, name: str) -> list[str]:
        hits = difflib.get_close_matches(name, list(self.canonical), n=3, cutoff=0.4)
        out: list[str] = []
        for h in hits:
            c = self.canonical[h]
            if c not in out:
                out.append(c)
        return out


def units_directory(config: dict) -> Units:
    raw = config.get("units") or []
    table: dict[str, list[str]] = {}
    if isinstance(raw, list):
        for name in raw:
            if not isinstance(name, str):
                raise LedgerError("taizhang.yaml 中 units 应为单位名称的列表，或 单位: [别名…] 的键值表",
                                  "如 units: {市住房和城乡建设局: [市住建局]}")
            table[name] = []
    elif isinstance(raw, dict):
        for name, aliases in raw.items():
            aliases = aliases or []
            if not isinstance(name, str) or not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise LedgerError(f"taizhang.yaml 中单位 {name!r} 的别名应为列表", "如 市住房和城乡建设局: [市住建局]")
            table[name] = list(aliases)
    else:
        raise LedgerError("taizhang.yaml 中 units 写法不对", "如 units: {市住房和城乡建设局: [市住建局]}")
    canonical = {}
    for name, aliases in table.items():
        canonical[name] = name
        for a in aliases:
            canonical[a] = name
    return Units(canonical, table)
