"""Collect rounds: which unit was sent which tasks (rounds/YYYY-MM.yaml), fingerprints, and who has returned."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import LedgerError, UsageError
from ..domain.model import Task
from ..files import codec, emit
from .context import Env

Date = dt.date
ROUNDS_DIR = "rounds"
ROUND_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# What a returned row is judged against: a change to any of these after the round went out
# means the unit answered about a task that no longer exists in that form. Progress is left
# out on purpose, so that one co-unit's return does not void the other co-unit's sheet.
FINGERPRINT_FIELDS = ("id", "title", "status", "lead_unit", "units", "due")


def fingerprint(task: Task) -> str:
    plain = {k: getattr(task, k) for k in FINGERPRINT_FIELDS}
    text = json.dumps(plain, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def round_of(day: Date) -> str:
    return f"{day.year}-{day.month:02d}"


def parse_round(text: str) -> str:
    """A round is a month, written as `report --month` takes it (2026-11, or 2026-1 for 2026-01)."""
    from ..domain.report import month_period

    return round_of(month_period(str(text))[0])


def safe_file_part(name: str) -> str:
    """A unit's name as part of a file name: path separators and control characters become _."""
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name).strip(". ") or "_"


def workbook_name(round_: str, unit: str) -> str:
    return f"{round_}_{safe_file_part(unit)}.xlsx"


@dataclass
class Sent:
    """One unit's part of a round: the tasks it was sent, and what came back."""

    unit: str
    sent_on: Date
    file: str
    tasks: dict[str, str]  # task id -> fingerprint as exported
    returned_on: Date | None = None
    filled: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)


@dataclass
class Round:
    name: str
    units: dict[str, Sent]

    def to_plain(self) -> dict[str, Any]:
        units: dict[str, Any] = {}
        for u, s in self.units.items():
            entry: dict[str, Any] = {"sent_on": s.sent_on.isoformat(), "file": s.file, "tasks": dict(s.tasks)}
            if s.returned_on is not None:
                entry.update(returned_on=s.returned_on.isoformat(), filled=list(s.filled), empty=list(s.empty))
            units[u] = entry
        return {"round": self.name, "units": units}


def round_path(root: Path, name: str) -> Path:
    return root / ROUNDS_DIR / f"{name}.yaml"


def _date(value: Any, where: str) -> Date:
    try:
        return value if isinstance(value, Date) else Date.fromisoformat(str(value))
    except ValueError:
        raise LedgerError(f"{where} 的日期 {value!r} 不对", "请勿手工修改 rounds/ 中的文件；可用 git 恢复") from None


def _ids(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LedgerError(f"{where} 应为事项编号的列表", "请勿手工修改 rounds/ 中的文件；可用 git 恢复")
    return list(value)


def read_round(root: Path, name: str) -> Round | None:
    path = round_path(root, name)
    if not path.is_file():
        return None
    rel = f"{ROUNDS_DIR}/{name}.yaml"
    try:
        raw = codec.load_yaml(path.read_bytes())
    except codec.FormatError as e:
        raise LedgerError(f"{rel}:{e.line}: {e.message}", "请勿手工修改 rounds/ 中的文件；可用 git 恢复") from None
    units = raw.get("units") if isinstance(raw, dict) else None
    if not isinstance(units, dict) or raw.get("round") != name:
        raise LedgerError(f"{rel} 不是 {name} 轮的记录", "请勿手工修改 rounds/ 中的文件；可用 git 恢复")
    out: dict[str, Sent] = {}
    for unit, e in units.items():
        where = f"{rel} 中 {unit} 的记录"
        if not isinstance(e, dict) or not isinstance(e.get("tasks") or {}, dict):
            raise LedgerError(f"{where}写法不对", "请勿手工修改 rounds/ 中的文件；可用 git 恢复")
        out[str(unit)] = Sent(
            str(unit), _date(e.get("sent_on"), where), str(e.get("file") or ""),
            {str(k): str(v) for k, v in (e.get("tasks") or {}).items()},
            _date(e["returned_on"], where) if e.get("returned_on") else None,
            _ids(e.get("filled"), where), _ids(e.get("empty"), where))
    return Round(name, out)


def round_bytes(r: Round) -> bytes:
    return emit.mapping_to_yaml(r.to_plain())


def round_names(root: Path) -> list[str]:
    folder = root / ROUNDS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if ROUND_RE.match(p.stem))


def pick_round(env: Env, name: str | None) -> Round:
    """The round asked for, else the latest one sent; refused when there is none."""
    root = env.ledger().root
    if name:
        name = parse_round(name)
    else:
        names = round_names(root)
        if not names:
            raise UsageError("台账里还没有发出过报送表", "请先运行 taizhang collect out -o 目录")
        name = names[-1]
    r = read_round(root, name)
    if r is None:
        raise UsageError(f"{name} 轮没有发出过报送表", "已发出的轮次见 rounds/ 目录；发表用 taizhang collect out")
    return r


# -- collect status -------------------------------------------------------------------------
@dataclass
class UnitStatus:
    unit: str
    sent_on: Date
    tasks: int
    returned_on: Date | None
    filled: list[str]
    empty: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "sent_on": self.sent_on.isoformat(), "tasks": self.tasks,
                "returned": self.returned_on is not None,
                "returned_on": self.returned_on.isoformat() if self.returned_on else None,
                "filled": self.filled, "empty": self.empty}


@dataclass
class Status:
    round: str
    units: list[UnitStatus]

    @property
    def missing(self) -> list[UnitStatus]:
        return [u for u in self.units if u.returned_on is None]

    def as_json(self) -> dict[str, Any]:
        back = [u for u in self.units if u.returned_on is not None]
        return {"round": self.round, "units": [u.as_json() for u in self.units],
                "returned": [u.unit for u in back], "missing": [u.unit for u in self.missing],
                "empty_rows": [{"unit": u.unit, "id": t} for u in back for t in u.empty]}


def status(env: Env, name: str | None) -> Status:
    r = pick_round(env, name)
    rows = [UnitStatus(s.unit, s.sent_on, len(s.tasks), s.returned_on, s.filled, s.empty)
            for s in r.units.values()]
    return Status(r.name, sorted(rows, key=lambda u: (u.returned_on is not None, u.unit)))


def missing_tasks(env: Env, name: str) -> tuple[str, list[str]]:
    """The round's name and the tasks of every unit that has not returned its sheet (for `urge --round`)."""
    st = status(env, name)
    r = read_round(env.ledger().root, st.round)
    ids = sorted({t for u in st.missing for t in r.units[u.unit].tasks})
    return st.round, ids
