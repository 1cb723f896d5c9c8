"""Audit findings a forged trailer cannot hide: each commit's diff against its action, undos against their target."""

from __future__ import annotations

from typing import Any

from .actions import action_problems, undo_problems
from .audit import Entry, guarded
from .findings import Finding
from .model import misfiled

# The settings that keep the trail honest; a commit turning one off is reported as such.
GUARDS = {"require_signed": False, "separation_of_duties": True}
GUARD_LABELS = {"require_signed": "要求签名提交（require_signed）", "separation_of_duties": "核验与申请分离（separation_of_duties）"}


def findings(entries: list[Entry], strict: bool = False) -> list[Finding]:
    """What the changes themselves say, whatever the trailer claims."""
    by_sha = {e.sha: e for e in entries}
    return guarded(lambda e: commit_findings(e, by_sha, strict), entries)


def commit_findings(e: Entry, by_sha: dict[str, Entry], strict: bool) -> list[Finding]:
    out = []
    for c in e.changes:
        for err in (c.old_error, c.new_error):
            if err:
                out.append(Finding.in_commit("unreadable", e.sha, c.path, f"该版本无法读取：{err}", strict))
        if c.new is not None:
            wrong = misfiled(c.path, c.new.get("id"))
            if wrong:
                out.append(Finding.in_commit("misfiled", e.sha, c.path, f"{wrong}（{e.author} {e.date}）"))
    if e.action is None:
        return out  # reported as a hand edit
    if e.action == "undo":
        return out + undo_findings(e, by_sha)
    for c in e.changes:
        if c.status == "D" or c.old_error or c.new_error:
            continue  # a deletion and an unreadable version have findings of their own
        for text in action_problems(e.action, c.old if c.status != "A" else None, c.new):
            out.append(Finding.in_commit("forged", e.sha, c.path, f"{text}，与所记操作不符，视为手工修改（{e.author} {e.date}）"))
    return out


def undo_findings(e: Entry, by_sha: dict[str, Entry]) -> list[Finding]:
    """An undo must put back, file by file, exactly what the commit it names found there."""
    reverts = e.trailers.get("Taizhang-Reverts", [])
    where = ", ".join(c.path for c in e.changes) or None
    target = by_sha.get(reverts[-1]) if reverts else None
    if target is None:
        named = reverts[-1][:12] if reverts else "（未注明）"
        return [Finding.in_commit("forged", e.sha, where,
                        f"记为撤回的提交改了事项文件，但它撤回的提交 {named} 不在此前的历史中（{e.author} {e.date}）")]
    out = []
    if target.action in (None, "init", "undo"):
        out.append(Finding.in_commit("forged", e.sha, where, f"撤回的 {target.sha[:12]} 不是 taizhang 的变更（{e.author} {e.date}）"))
    theirs = {c.path: c for c in target.changes}
    for c in e.changes:
        t = theirs.get(c.path)
        if t is None:
            out.append(Finding.in_commit("forged", e.sha, c.path, f"撤回时改了被撤回提交 {target.sha[:12]} 没有改过的文件"))
            continue
        for text in undo_problems(c.old, c.new, t.old, t.new, target.action):
            out.append(Finding.in_commit("deleted" if c.new is None else "forged", e.sha, c.path, f"{text}（撤回 {target.sha[:12]}；{e.author} {e.date}）"))
    return out


# -- the settings that guard the trail ------------------------------------------------------
def settings_findings(history: list[tuple[str, str, str, Any, Any]], strict: bool) -> list[Finding]:
    """Changes of require_signed / separation_of_duties; history holds (sha, who, when, old, new) settings."""
    out = []
    for sha, who, when, old, new in history:
        for key, default in GUARDS.items():
            a = _setting(old, key, default) if old is not None else None
            b = _setting(new, key, default)
            if a is None or a == b:
                continue
            weaker = not b
            what = f"{GUARD_LABELS[key]} 由 {_yes(a)} 改为 {_yes(b)}（{who} {when}）"
            out.append(Finding.in_commit("settings", sha, "taizhang.yaml", ("关闭了" if weaker else "开启了") + what,
                               strict and weaker))
    return out


def strictest(history: list[tuple[str, str, str, Any, Any]], key: str, default: bool) -> bool:
    """The strictest value `key` ever had in the history (true for both switches)."""
    return any(_setting(new, key, default) is True for *_, new in history)


def _setting(config: Any, key: str, default: bool) -> bool:
    value = config.get(key, default) if isinstance(config, dict) else default
    return value is True


def _yes(value: bool) -> str:
    return "是" if value else "否"
