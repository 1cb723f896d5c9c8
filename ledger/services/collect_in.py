"""`taizhang collect in`: read returned workbooks, check every row, then one commit per workbook."""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import rules
from ..domain.errors import UsageError
from ..domain.extensions import add_request
from ..domain.findings import Finding
from ..domain.model import DoneReport, ExtensionRequest, Progress, Task
from ..domain.phrases import DateProblem, parse_cn_date
from ..files import emit
from ..formats import sheets
from . import rounds
from .collect_out import FILL, GUIDE_SHEET, LOCKED, MAIN_SHEET, META_SHEET, META_VERSION, YES_NO
from .context import Env

Date = dt.date
_SPACE = re.compile(r"\s+")
HEAD_SCAN = 15  # a unit may add a line or two above the header



@dataclass
class Answer:
    """What one row of a returned sheet says about one task."""

    task_id: str
    row: int
    text: str = ""  # the progress entry, empty when the row said nothing
    done: bool = False
    extend_to: Date | None = None
    reason: str = ""

    @property
    def empty(self) -> bool:
        return not (self.text or self.done or self.extend_to)


@dataclass
class Book:
    path: Path
    round: str = ""
    unit: str = ""
    answers: list[Answer] = field(default_factory=list)
    changed: dict[str, Task] = field(default_factory=dict)  # task id -> the task as this workbook leaves it
    sent: rounds.Sent | None = None


@dataclass
class Outcome:
    books: list[Book]
    problems: list[Finding]
    commits: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    """A cell as the text a clerk sees: dates as YYYY-MM-DD, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _head(value: Any) -> str:
    return _SPACE.sub("", _text(value))


def _meta(book: Book, sheet: sheets.Sheet, bad) -> dict[str, list[str]] | None:
    """The hidden sheet: round, unit, and what each row held when it went out (id -> fingerprint and locked cells)."""
    rows = [[_text(v) for v in r] for r in sheet.rows]
    head = {r[0]: r[1] for r in rows[:4] if len(r) >= 2}
    if head.get("format") != str(META_VERSION) or len(rows) < 5 or rows[4][:2] != ["task", "fingerprint"]:
        bad(None, f"隐藏工作表“{META_SHEET}”不是本版本 taizhang 写的，或被改动过", META_SHEET)
        return None
    book.round, book.unit = head.get("round", ""), head.get("unit", "")
    width = 2 + len(LOCKED) - 1
    return {r[0]: (r + [""] * width)[1:width] for r in rows[5:] if r and r[0]}


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:HEAD_SCAN]):
        cols = {_head(v): j for j, v in enumerate(row) if _head(v)}
        if "编号" in cols and "本期进展" in cols:
            return i, cols
    return None


def _main_sheet(all_sheets: list[sheets.Sheet]) -> sheets.Sheet | None:
    named = [s for s in all_sheets if s.name == MAIN_SHEET]
    # A unit may rename the sheet: then the visible one with our header is it.
    others = [s for s in all_sheets if not s.hidden and s.name not in (META_SHEET, GUIDE_SHEET)
              and _find_header(s.rows)]
    return (named or others or [None])[0]


def read_book(path: Path, limits: sheets.Limits, problems: list[Finding], describe) -> Book | None:
    """Read one returned workbook into answers; every fault found goes into `problems` with sheet and row."""
    book = Book(path)
    start = len(problems)

    def bad(row: int | None, message: str, sheet: str = MAIN_SHEET) -> None:
        problems.append(Finding.in_sheet(path.name, sheet, row, message))

    try:
        all_sheets = sheets.read(path, limits)
    except UsageError as e:
        problems.append(Finding.in_sheet(path.name, "", None, e.line()))
        return None
    meta_sheet = next((s for s in all_sheets if s.name == META_SHEET), None)
    if meta_sheet is None:
        problems.append(Finding.in_sheet(path.name, "", None, f"不是 taizhang collect out 发出的报送表（缺少隐藏工作表“{META_SHEET}”）"))
        return None
    sent = _meta(book, meta_sheet, bad)
    main = _main_sheet(all_sheets)
    if sent is None:
        return None
    if main is None:
        problems.append(Finding.in_sheet(path.name, MAIN_SHEET, None, "找不到填报的工作表（表头应有“编号”和“本期进展”）"))
        return None
    found = _find_header(main.rows)
    if found is None:
        bad(None, f"前 {HEAD_SCAN} 行中找不到表头（应有“编号”和“本期进展”）", main.name)
        return None
    head_i, cols = found
    missing = [h for h, _ in (*LOCKED, *FILL) if h not in cols]
    if missing:
        bad(head_i + 1, f"表头缺少“{'”“'.join(missing)}”列，请勿删除或改名", main.name)
        return None
    seen: dict[str, int] = {}
    for i, raw in enumerate(main.rows[head_i + 1:], head_i + 2):
        cell = {h: (raw[cols[h]] if cols[h] < len(raw) else None) for h, _ in (*LOCKED, *FILL)}
        if all(_text(v) == "" for v in cell.values()):
            continue  # a blank row a unit added between the tasks
        answer = _answer(book, i, cell, sent, seen, lambda row, msg: bad(row, msg, main.name), describe)
        if answer is not None:
            book.answers.append(answer)
    if len(problems) > start:
        return None
    return book


def _answer(book: Book, i: int, cell: dict[str, Any], sent: dict[str, list[str]], seen: dict[str, int],
            bad, describe) -> Answer | None:
    from .common import clean

    task_id = _text(cell["编号"])
    if not task_id:
        bad(i, "没有编号，请勿删改编号列")
        return None
    if task_id not in sent:
        bad(i, describe(task_id, book.unit) + "，请勿增加或改动编号")
        return None
    if task_id in seen:
        bad(i, f"事项 {task_id} 与第 {seen[task_id]} 行重复")
        return None
    seen[task_id] = i
    ok = True
    for (h, _), was in zip(LOCKED[1:], sent[task_id][1:]):
        if _text(cell[h]) != was:
            bad(i, f"锁定的“{h}”列被改动（原为“{was}”，现为“{_text(cell[h])}”），灰色各列请勿修改")
            ok = False
    answer = Answer(task_id, i)
    parts = []
    for h in ("本期进展", "存在问题", "下一步措施"):
        try:
            text = clean(_text(cell[h]), h, multiline=True)
        except UsageError as e:
            bad(i, e.message)
            ok = False
            continue
        if text:
            parts.append((h, text))
    if len(parts) == 1 and parts[0][0] == "本期进展":
        answer.text = parts[0][1]
    else:
        answer.text = "；".join(f"{h}：{t}" for h, t in parts)
    if len(answer.text) > 2000:
        bad(i, f"进展、问题和措施合计 {len(answer.text)} 字，超过 2000 字")
        ok = False
    done = _text(cell["申请办结"])
    if done not in ("", *YES_NO):
        bad(i, f"“申请办结”只能填“是”或“否”，而不是“{done}”")
        ok = False
    answer.done = done == "是"
    try:
        answer.reason = clean(_text(cell["延期理由"]), "延期理由", multiline=True)
    except UsageError as e:
        bad(i, e.message)
        ok = False
    if _text(cell["申请延期至"]):
        try:
            answer.extend_to = parse_cn_date(cell["申请延期至"], int(book.round[:4] or 2000))
        except (DateProblem, ValueError) as e:
            bad(i, f"“申请延期至”不是日期（{_text(cell['申请延期至'])}：{e}），请写成 2026-12-31")
            ok = False
        else:
            if answer.extend_to is None:
                bad(i, f"“申请延期至”应为具体日期，而不是“{_text(cell['申请延期至'])}”")
                ok = False
    if answer.extend_to and not answer.reason:
        bad(i, "申请延期须在“延期理由”中写明原因")
        ok = False
    if answer.reason and not _text(cell["申请延期至"]):
        bad(i, "写了延期理由，但没有填“申请延期至”的日期")
        ok = False
    if answer.done and answer.extend_to:
        bad(i, "申请办结和申请延期不能同时填写")
        ok = False
    return answer if ok else None


def _apply(env: Env, book: Book, tasks: dict[str, Task], on: Date, bad) -> None:
    """The changes the answers make, on copies of the tasks: every refusal is a problem of its row."""
    for a in book.answers:
        if a.empty:
            continue
        task = copy.deepcopy(tasks[a.task_id])
        try:
            if a.text:
                task = rules.add_progress(task, Progress(on, a.text, book.unit))
            if a.done:
                task = rules.report_done(task, DoneReport(on, a.text or f"经 {book.round} 轮报送表申请办结", book.unit))
            if a.extend_to:
                task = add_request(task, ExtensionRequest(on, a.extend_to, a.reason, book.unit, book.round))
        except UsageError as e:
            bad(a.row, e.message)
            continue
        tasks[a.task_id] = task
        book.changed[a.task_id] = emit.upgraded(task)


def receive(env: Env, paths: list[str], on: str | None = None, limit: list[str] | None = None) -> Outcome:
    """Check every workbook; only when all are clean, record each in a commit of its own."""
    from .common import date_or_today

    ledger = env.ledger()
    day = date_or_today(on, env, "--on 日期")
    limits = sheets.limits_from(ledger.config.get("import_limits"), limit)
    clerk = ledger.clerk(env.by)
    problems: list[Finding] = []
    books: list[Book] = []
    with ledger.locked():
        round_cache: dict[str, rounds.Round | None] = {}
        tasks: dict[str, Task] = {}
        taken: dict[tuple[str, str], str] = {}
        for p in paths:
            path = Path(p)
            book = read_book(path, limits, problems, lambda t, unit: _stranger(ledger, t, unit))
            if book is None:
                continue

            def bad(row, message, book=book):
                problems.append(Finding.in_sheet(book.path.name, MAIN_SHEET, row, message))

            if not _check_round(ledger.root, book, round_cache, taken, day, problems):
                continue
            before = len(problems)
            for a in book.answers:
                if a.task_id not in tasks:
                    try:
                        tasks[a.task_id] = ledger.read_task(a.task_id)
                    except UsageError as e:
                        bad(a.row, e.message)
                        continue
                task = tasks[a.task_id]
                if rounds.fingerprint(task) != book.sent.tasks.get(a.task_id) and a.task_id not in _changed_here(books):
                    bad(a.row, f"事项 {a.task_id} 在报送表发出后已有变化（现为“{_status(task)}”，"
                               f"时限 {task.due or '长期'}），本行不能收录；请重新发表")
            if len(problems) == before:
                _apply(env, book, tasks, day, bad)
            if len(problems) == before:
                books.append(book)
        if problems:
            return Outcome(books, problems)
        commits = [_commit(ledger, book, round_cache[book.round], day, clerk) for book in books]
    return Outcome(books, [], commits)


def _stranger(ledger, task_id: str, unit: str) -> str:
    """What a row's number is, when it is not one the unit was sent."""
    from ..domain.model import ID_RE

    if not ID_RE.match(task_id):  # never a path: "../x" must not reach the file system
        return f"“{task_id}”不是事项编号"
    try:
        task = ledger.read_task(task_id)
    except UsageError:
        return f"台账中没有编号为 {task_id} 的事项"
    units = [task.lead_unit, *task.units]
    if unit not in units:
        return f"事项 {task_id} 是{'、'.join(units)}的事项，不是{unit}的"
    return f"事项 {task_id} 不在发给{unit}的报送表中（发表时不是在办事项）"


def _status(task: Task) -> str:
    from ..domain.model import STATUS_LABELS

    return STATUS_LABELS[task.status]


def _changed_here(books: list[Book]) -> set[str]:
    """Tasks an earlier workbook of this same run changed: they differ from the round because of us."""
    return {t for b in books for t in b.changed}


def _check_round(root: Path, book: Book, cache: dict, taken: dict, day: Date, problems: list[Finding]) -> bool:
    def bad(message: str) -> bool:
        problems.append(Finding.in_sheet(book.path.name, META_SHEET, None, message))
        return False

    try:
        name = rounds.parse_round(book.round)
    except UsageError:
        return bad(f"隐藏工作表中的轮次“{book.round}”不对，表被改动过")
    if name not in cache:
        cache[name] = rounds.read_round(root, name)
    r = cache[name]
    sent = r.units.get(book.unit) if r else None
    if sent is None:
        return bad(f"台账中没有 {name} 轮发给“{book.unit}”的记录（rounds/{name}.yaml），不是本台账发出的表")
    if sent.returned_on is not None:
        return bad(f"{book.unit} 的 {name} 轮报送表已于 {sent.returned_on} 收回，不能重复收录")
    if (name, book.unit) in taken:
        return bad(f"与 {taken[(name, book.unit)]} 是同一单位同一轮的报送表，只能收录一份")
    if day < sent.sent_on:
        return bad(f"收回日期 {day} 早于发出日期 {sent.sent_on}")
    ids = {a.task_id for a in book.answers}
    if not ids <= set(sent.tasks):
        return bad(f"表中的事项与 {name} 轮发给{book.unit}的不符（可能是已被重发替换的旧表），请用最新发出的表")
    taken[(name, book.unit)] = book.path.name
    book.sent = sent
    return True


def _commit(ledger, book: Book, r: rounds.Round, day: Date, clerk) -> str:
    sent = book.sent
    filled = [a.task_id for a in book.answers if not a.empty]
    sent.returned_on, sent.filled = day, filled
    sent.empty = [t for t in sent.tasks if t not in filled]  # a row deleted from the sheet said nothing either
    counts = [("进展", sum(1 for a in book.answers if a.text)), ("申请办结", sum(1 for a in book.answers if a.done)),
              ("申请延期", sum(1 for a in book.answers if a.extend_to)), ("未填", len(sent.empty))]
    said = "，".join(f"{k} {n} 项" for k, n in counts if n)
    lines = []
    for a in book.answers:
        if a.empty:
            continue
        what = ([f"进展：{_short(a.text)}"] if a.text else []) + (["申请办结"] if a.done else []) \
            + ([f"申请延期至 {a.extend_to}（{_short(a.reason, 20)}）"] if a.extend_to else [])
        lines.append(f"{a.task_id} {'；'.join(what)}")
    if sent.empty:
        lines.append("未填：" + "、".join(sent.empty))
    trailers = ["Taizhang-Action: collect", f"Taizhang-Round: {r.name}", f"Taizhang-Unit: {book.unit}"]
    trailers += [f"Taizhang-Task: {t}" for t in book.changed]
    message = "\n\n".join([f"收回 {r.name} 轮报送表：{book.unit}（{said or '全部未填'}）", "\n".join(lines),
                           "\n".join(trailers)]) + "\n"
    files = {ledger.task_path(t): emit.task_to_yaml(task) for t, task in book.changed.items()}
    files[rounds.round_path(ledger.root, r.name)] = rounds.round_bytes(r)
    return ledger.commit(files, message, clerk)


def _short(text: str, n: int = 40) -> str:
    from .common import short

    return short(text.replace("\n", " "), n)
