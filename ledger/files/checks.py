"""Validations of the whole ledger as plain functions returning problems, like bean-check."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable, Collection, Iterable

from ..domain.cycles import INTERVIEW_LIMIT, interviews_by_person
from ..domain.findings import Finding
from ..domain.model import STATUS_LABELS, Task, task_rel
from .codec import FormatError, key_line, task_from_plain
from .docnumbers import in_plain

# A finding before it is placed on a line: (top-level key, message).
Unplaced = tuple[str, str]


def schema_path() -> Path:
    """schemas/ ships inside the wheel as ledger/schemas; a checkout has it at the top."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "schemas", package.parent / "schemas"):
        if (candidate / "task.schema.json").is_file():
            return candidate / "task.schema.json"
    raise FileNotFoundError("task.schema.json")


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def check_schema(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    found = []
    for err in _validator().iter_errors(plain):
        key = str(err.absolute_path[0]) if err.absolute_path else "id"
        where = "/".join(str(p) for p in err.absolute_path) or "(文件)"
        found.append((key, f"不符合格式定义：{where}：{err.message}"))
    return found


def check_identity(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    expected = task_rel(task.id)
    if rel != expected:
        return [("id", f"编号 {task.id} 与文件位置不符，应在 {expected}")]
    return []


def check_status(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    s = task.status
    if s not in STATUS_LABELS:
        return [("status", f"非法状态 {s!r}，可选：{', '.join(STATUS_LABELS)}")]
    found = []
    if s in ("reported", "closed") and task.done is None:
        found.append(("status", f"状态为“{STATUS_LABELS[s]}”却没有申请办结记录（done）"))
    if s == "closed" and task.verification is None:
        found.append(("status", "已销号却没有核验记录（verification）"))
    if s in ("open", "suspended") and task.verification is not None:
        found.append(("verification", f"状态为“{STATUS_LABELS[s]}”却有核验记录"))
    if s == "open" and task.done is not None:
        found.append(("done", "在办事项不应有申请办结记录"))
    return found


def check_dates(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    found = []
    start = task.assigned_on
    if task.due is not None and task.due < start:
        found.append(("due", f"时限 {task.due} 早于交办日期 {start}"))
    for p in task.progress:
        if p.on < start:
            found.append(("progress", f"进展日期 {p.on} 早于交办日期 {start}"))
    if task.done is not None and task.done.on < start:
        found.append(("done", f"申请办结日期 {task.done.on} 早于交办日期 {start}"))
    v = task.verification
    if v is not None and task.done is not None and v.on < task.done.on:
        found.append(("verification", f"核验日期 {v.on} 早于申请办结日期 {task.done.on}"))
    if v is not None and task.status == "closed":
        late = [p.on for p in task.progress if p.on > v.on]
        if late:
            found.append(("progress", f"销号（{v.on}）之后还有进展（{late[0]}）"))
    previous = None
    for c in task.deadline_changes:
        if previous is not None and c.old_due != previous:
            found.append(("deadline_changes", f"时限变更不连贯：{c.old_due} 应为上次的新时限 {previous}"))
        if c.kind == "extend" and c.new_due <= c.old_due:
            found.append(("deadline_changes", f"延期后的时限 {c.new_due} 不晚于原时限 {c.old_due}"))
        previous = c.new_due
    if previous is not None and task.due != previous:
        found.append(("due", f"时限 {task.due} 与最后一次时限变更的新时限 {previous} 不符"))
    return found


CHECKS: list[Callable[[str, dict, Task], list[Unplaced]]] = [
    check_schema,
    check_identity,
    check_status,
    check_dates,
]


def fingerprint(checks: Iterable) -> str:
    """Identifies a verdict of `checks`: the schema, the checks' names and the source of their modules.

    A file version that passed under one fingerprint need not be validated again under it
    (see memo.Memos.verdicts); editing the schema or any module holding a check changes it.
    """
    import hashlib
    import sys

    h = hashlib.sha256(schema_path().read_bytes())
    from ..domain import model, rules
    from . import codec, fastyaml

    files = {Path(m.__file__) for m in (codec, fastyaml, model, rules)}
    for check in checks:
        h.update(f"{check.__module__}.{check.__qualname__}\n".encode())
        module = sys.modules.get(check.__module__)
        if getattr(module, "__file__", None):
            files.add(Path(module.__file__))
    for f in sorted(files):
        try:
            h.update(f.name.encode() + f.read_bytes())
        except OSError:
            h.update(f"{f}: missing".encode())
    return h.hexdigest()


def run(root: Path, loaded: dict[str, dict | Exception], checks: Iterable = CHECKS,
        skip: Collection[str] = (), always: Iterable = ()) -> list[Finding]:
    """Every problem in the ledger, in file order; a file that does not parse is one problem.

    Files in `skip` already passed `checks` as they are now: only the cross-file checks
    (duplicate numbers) and `always` run on them.
    """
    problems: list[Finding] = []
    seen: dict[str, str] = {}
    numbers: dict[str, str] = {}  # 催〔2026〕4号 -> the file that holds it first
    always, checks = list(always), list(checks)
    for rel, value in loaded.items():
        if isinstance(value, Exception):
            problems.append(Finding.at(rel, getattr(value, "line", 1), getattr(value, "message", str(value))))
            continue
        findings: list[Unplaced] = []
        tid = value.get("id")
        if tid in seen:
            findings.append(("id", f"编号 {tid} 与 {seen[tid]} 重复"))
        seen.setdefault(tid, rel)
        for key, number in in_plain(value):
            if number in numbers:
                where = "本文件" if numbers[number] == rel else numbers[number]
                findings.append((key, f"文号 {number} 与{where}中的重复（催办单、督办单、督查通知书的编号不得重复使用）"))
            numbers.setdefault(number, rel)
        per_file = always if rel in skip else checks + always
        if per_file:
            try:
                task = task_from_plain(value)
            except FormatError as e:  # cached under older, laxer rules
                problems.append(Finding.at(rel, e.line, e.message))
                continue
            for check in per_file:
                findings.extend(check(rel, value, task))
        if findings:
            text = (root / rel).read_text(encoding="utf-8")
            for key, message in findings:
                problems.append(Finding.at(rel, key_line(text, key), message))
    return problems


# -- strict tier (check --strict): the office's own deadlines and directories ----------
def check_assign_late(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    """The 交办单 is due within the source's span of the meeting or 批示 [004 §三.4]."""
    if task.assign_due is None or task.registered_on is None or task.registered_on <= task.assign_due:
        return []
    days = (task.registered_on - task.assign_due).days
    return [("registered_on", f"交办迟了 {days} 天：{task.source} {task.assigned_on} 的交办单应于 "
             f"{task.assign_due} 前印发，实际登记于 {task.registered_on}")]


def check_difficulty_answer(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    """A 难以执行 report should be answered within 3 workdays [000 §二]."""
    found = []
    for d in task.difficulties:
        if d.answer and d.answered_on and d.answer_due and d.answered_on > d.answer_due:
            found.append(("difficulties", f"难以执行的反馈（{d.on}）答复迟于 {d.answer_due}（{d.answered_on} 答复）"))
    return found


STRICT: list[Callable[[str, dict, Task], list[Unplaced]]] = [
    check_assign_late,
    check_difficulty_answer,
]


def check_written_report(rel: str, plain: dict, task: Task) -> list[Unplaced]:
    from ..domain.cycles import written_report_due

    if written_report_due(task):
        return [("coordinations", "经两次以上协调仍未解决，须以书面形式上报协调情况、原因和意见建议 [003 §二(一)]")]
    return []


STRICT.append(check_written_report)


def interviewed_twice(root: Path, loaded: dict[str, dict | Exception]) -> list[Finding]:
    """The same person 约谈 twice in a calendar year is to be 通报批评 [003 §三(四)]."""
    tasks = {rel: task_from_plain(v) for rel, v in loaded.items() if not isinstance(v, Exception)}
    rel_of = {t.id: rel for rel, t in tasks.items()}
    problems = []
    for (person, year), hits in sorted(interviews_by_person(tasks.values()).items()):
        if len(hits) >= INTERVIEW_LIMIT:
            rel = rel_of[hits[-1][1].id]
            line = key_line((root / rel).read_text(encoding="utf-8"), "interviews")
            problems.append(Finding.at(rel, line, f"{person} {year} 年内被约谈 {len(hits)} 次（"
                                    + "、".join(f"{t.id} {d}" for d, t in hits) + "），应予通报批评 [003 §三(四)]"))
    return problems


STRICT_LEDGER = [interviewed_twice]
