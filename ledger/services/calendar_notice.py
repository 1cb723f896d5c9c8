"""`calendar notice`: read the holiday notice from a file or stdin and file it as calendar/YYYY.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.errors import UsageError
from ..domain.model import Task
from ..domain.notice import Notice, parse
from ..domain.workdays import Calendar, Date
from ..files import emit
from . import provisional
from .context import Env


def read_text(source: str) -> str:
    """The notice's text from a .docx, a .txt (UTF-8 or GBK) or, for `-`, standard input."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"找不到文件：{source}", "请检查路径，或用 - 从标准输入粘贴通知全文")
    if path.suffix.lower() == ".docx":
        return _docx_text(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"读不懂 {source} 的编码", "请另存为 UTF-8 文本，或直接粘贴通知全文")


def _docx_text(path: Path) -> str:
    try:
        import docx
    except ImportError:
        raise UsageError("读取 .docx 需要 python-docx", "请安装 taizhang[docx]，或把通知另存为 .txt") from None
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises many kinds for a file that is not Word
        raise UsageError(f"{path.name} 不是可读的 Word 文件（{type(e).__name__}）", "请另存为 .docx 或 .txt") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)


def load(source: str) -> Notice:
    return parse(read_text(source))


def in_year(notice: Notice) -> tuple[list[Date], list[Date]]:
    return ([d for d in notice.holidays if d.year == notice.year],
            [d for d in notice.workdays if d.year == notice.year])


def year_calendar(notice: Notice, files: dict | None = None) -> Calendar:
    """The calendar as it will be once the notice is filed: the ledger's files plus this year."""
    return Calendar({**(files or {}), notice.year: in_year(notice)})


def calendar_file(notice: Notice) -> bytes:
    """calendar/YYYY.yaml in the format the ledger reads, each date named by its festival."""
    by_day = {d: f.name for f in notice.festivals for d in f.days}
    by_work = {d: f.name for f in notice.festivals for d in f.workdays}
    hols, works = in_year(notice)
    head = {"source": notice.title, **({"ref": notice.ref} if notice.ref else {})}
    out = [f"# {notice.title}" + (f"（{notice.ref}）" if notice.ref else ""),
           "# 由 taizhang calendar notice 从通知原文录入：holidays 放假，workdays 调休上班",
           emit.mapping_to_yaml(head).decode("utf-8").rstrip("\n")]
    for key, days, names in (("holidays", hols, by_day), ("workdays", works, by_work)):
        out.append(f"{key}:" if days else f"{key}: []")
        out.extend(f"  - {d.isoformat()}  # {names[d]}" for d in days)
    return ("\n".join(out) + "\n").encode("utf-8")


def _check_other_years(notice: Notice, cal: Calendar) -> None:
    """元旦 may start in December of the old year: that day lives in the old year's calendar."""
    for d in notice.holidays + notice.workdays:
        if d.year == notice.year:
            continue
        want_work = d in notice.workdays
        if cal.is_workday(d) != want_work:
            raise UsageError(
                f"通知把 {d.isoformat()}（{d.year} 年）定为{'上班' if want_work else '放假'}，与台账的 {d.year} 年日历不符",
                f"请先在 calendar/{d.year}.yaml 中录入该日，再运行本命令")


def write(env: Env, notice: Notice) -> tuple[str, bool, list[Task]]:
    """Write calendar/YYYY.yaml and recompute the provisional deadlines, in one commit.

    Returns the file, whether it changed, and the tasks whose deadlines were recomputed.
    """
    if notice.blocking:
        raise UsageError(f"通知中这一句没有读懂：“{notice.blocking[0]}”",
                         "请按通知原文的写法改正（如“5月1日至5日放假调休，共5天。”）后重试，以免漏录")
    ledger = env.ledger()
    for sentence in notice.unread:
        env.warn(f"提示：这一句未计入日历：“{sentence}”")
    files = ledger.calendar_files()
    cal = year_calendar(notice, files)
    _check_other_years(notice, cal)
    rel = f"calendar/{notice.year}.yaml"
    subject = f"录入 {notice.year} 年节假日安排（{notice.ref or notice.title}）"
    path, data = ledger.root / rel, calendar_file(notice)
    same = path.is_file() and path.read_bytes() == data
    # Filed already (the same notice twice): only deadlines still provisional may need a commit.
    changed = provisional.recompute(env, None if same else {path: data}, cal, subject)
    return rel, not same, changed
