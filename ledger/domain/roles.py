"""Who may do what: the roles in taizhang.yaml (office, unit reporters, verifiers), for the CLI and the server guard."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .actions import ACTION_LABELS
from .errors import LedgerError, UsageError

# What a unit reporter may do, on tasks where the unit is lead or co-unit. `request-extension`
# (the unit asks; the office grants with `extend`) and `collect` (a unit's returned progress
# round) are recorded by commands of their own; the rule is here so CLI and guard agree.
UNIT_ACTIONS = frozenset({"progress", "done", "request-extension", "collect"})
VERIFIER_ACTIONS = frozenset({"close"})
_IDENT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>\s]*)>)?\s*$")


class RoleError(UsageError):
    """An action the actor's role does not allow: exit 2, like any other forbidden change."""


@dataclass(frozen=True)
class Identity:
    """A git identity as commits carry it."""

    name: str
    email: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class Who:
    """One entry of a role list: a name, an email or both; every part given must match."""

    name: str = ""
    email: str = ""

    def matches(self, ident: Identity) -> bool:
        if self.email and self.email.lower() != ident.email.strip().lower():
            return False
        return not self.name or self.name == ident.name.strip()


@dataclass(frozen=True)
class Policy:
    office: tuple[Who, ...] = ()
    units: Mapping[str, tuple[Who, ...]] = field(default_factory=dict)
    verifiers: tuple[Who, ...] = ()

    @property
    def configured(self) -> bool:
        """No roles at all: everyone may do everything, as before roles existed."""
        return bool(self.office or self.verifiers or any(self.units.values()))

    def is_office(self, ident: Identity) -> bool:
        return any(w.matches(ident) for w in self.office)

    def is_verifier(self, ident: Identity) -> bool:
        return any(w.matches(ident) for w in self.verifiers)

    def units_of(self, ident: Identity) -> list[str]:
        """The units whose reporter `ident` is (canonical names, as taizhang.yaml lists them)."""
        return [u for u, people in self.units.items() if any(w.matches(ident) for w in people)]


def _who(entry: Any, where: str) -> Who:
    hint = "每人写成 姓名 <邮箱>（与其 git user.name、user.email 一致），或 {name: 姓名, email: 邮箱}"
    if isinstance(entry, dict):
        name, email = entry.get("name") or "", entry.get("email") or ""
        if not isinstance(name, str) or not isinstance(email, str) or set(entry) - {"name", "email"}:
            raise LedgerError(f"taizhang.yaml 的 {where} 中 {entry!r} 写法不对", hint)
    elif isinstance(entry, str) and (m := _IDENT.match(entry)):
        name, email = m.group("name"), m.group("email") or ""
    else:
        raise LedgerError(f"taizhang.yaml 的 {where} 中 {entry!r} 写法不对", hint)
    if not name.strip() and not email.strip():
        raise LedgerError(f"taizhang.yaml 的 {where} 中有空的一项", hint)
    return Who(name.strip(), email.strip())


def _people(raw: Any, where: str) -> tuple[Who, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise LedgerError(f"taizhang.yaml 的 {where} 应为人员列表", "如 office: [王芳 <wangfang@example.gov.cn>]")
    return tuple(_who(e, where) for e in raw)


def policy_from_config(config: Mapping[str, Any], canonical: Mapping[str, str] | None = None) -> Policy:
    """The `roles:` of taizhang.yaml; unit names go through the units directory (`canonical`)."""
    raw = config.get("roles")
    if raw is None or raw == {}:
        return Policy()
    if not isinstance(raw, dict) or set(raw) - {"office", "units", "verifiers"}:
        raise LedgerError("taizhang.yaml 的 roles 只能有 office、units、verifiers 三项",
                          "见 README「角色（taizhang.yaml）」")
    units_raw = raw.get("units") or {}
    if not isinstance(units_raw, dict):
        raise LedgerError("taizhang.yaml 的 roles.units 应为 单位: [报送人…] 的键值表",
                          "如 units: {市住建局: [李明 <liming@example.gov.cn>]}")
    canonical = canonical or {}
    units: dict[str, tuple[Who, ...]] = {}
    for unit, people in units_raw.items():
        name = canonical.get(str(unit), str(unit))
        units[name] = units.get(name, ()) + _people(people, f"roles.units.{unit}")
    return Policy(_people(raw.get("office"), "roles.office"), units, _people(raw.get("verifiers"), "roles.verifiers"))


@dataclass(frozen=True)
class Touched:
    """A task a change touches, and its units (lead and co-units) as the ledger held them before."""

    task_id: str
    units: frozenset[str]


def label(action: str | None) -> str:
    return ACTION_LABELS.get(action, f"“{action}”操作")


def refusal(policy: Policy, ident: Identity, action: str | None, tasks: Iterable[Touched] = (),
            other_files: Iterable[str] = ()) -> str | None:
    """Why `ident` may not record `action` on `tasks` (and change `other_files`), or None when allowed.

    `action` None is a change without a Taizhang-Action trailer (a hand edit).
    """
    if not policy.configured:
        return None
    what = label(action)
    if action in VERIFIER_ACTIONS:
        if policy.is_verifier(ident):
            return None
        return f"{what}只能由核验人（taizhang.yaml 的 roles.verifiers）办理，{ident} 不是核验人；请交核验人办理"
    if policy.is_office(ident):
        return None
    mine = policy.units_of(ident)
    if not mine:
        return (f"{ident} 不在 taizhang.yaml 的角色名单（roles）中，不能{what}；"
                "请督查室把你加入 roles.office 或 roles.units，或检查 git 的 user.name、user.email")
    who = f"{ident} 是{'、'.join(mine)}的报送人"
    if action not in UNIT_ACTIONS:
        return f"只有督查室经办人（taizhang.yaml 的 roles.office）可以{what}，{who}；请交督查室办理"
    others = sorted(other_files)
    if others:
        return f"{who}，只能改本单位事项的文件，不能改 {'、'.join(others[:3])}；请交督查室办理"
    for t in tasks:
        if not t.units & set(mine):
            units = "、".join(sorted(t.units)) or "（无）"
            return f"{who}，{t.task_id} 的牵头和责任单位是 {units}，不能{what}；只能报送本单位的事项"
    return None


def check(policy: Policy, ident: Identity, action: str | None, tasks: Iterable[Touched] = (),
          other_files: Iterable[str] = ()) -> None:
    """`refusal` as an error, for the CLI."""
    why = refusal(policy, ident, action, tasks, other_files)
    if why:
        raise RoleError(why)


def task_units(plain: Mapping[str, Any] | None, canonical: Mapping[str, str] | None = None) -> frozenset[str]:
    """A task's lead unit and co-units (canonical names) from its plain form."""
    if not isinstance(plain, Mapping):
        return frozenset()
    canonical = canonical or {}
    names = [plain.get("lead_unit"), *(plain.get("units") or [])]
    return frozenset(canonical.get(n, n) for n in names if isinstance(n, str) and n)
