"""`taizhang collect out`: one protected workbook per unit with its open tasks and empty columns to fill in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import UsageError
from ..domain.lights import Assessed
from ..domain.model import LIGHT_LABELS
from ..formats import cells
from . import rounds
from .context import Env

Date = dt.date

MAIN_SHEET = "进展报送"
GUIDE_SHEET = "填报说明"
META_SHEET = "_taizhang"  # very hidden: round, unit and what each row held when it went out
META_VERSION = 1
REPLY_WORKDAYS = 3  # the sheet asks for it back within this many workdays

# Locked columns: what the office says. Header, width.
LOCKED = (("编号", 12), ("事项", 36), ("承办角色", 9), ("办结时限", 12), ("预警", 7), ("最新进展", 34))
# Fill-in columns: what the unit answers. Header, width.
FILL = (("本期进展", 40), ("存在问题", 26), ("下一步措施", 26), ("申请办结", 9), ("申请延期至", 13), ("延期理由", 24))
YES_NO = ("是", "否")
HEADER_ROW = 2  # row 1 is the title

GUIDE = (
    "填报说明",
    "",
    "1. 本表列出本单位牵头或配合办理、目前仍在办的督查事项，每行一项。",
    "2. 灰色各列（编号、事项、承办角色、办结时限、预警、最新进展）由督查室填写，已锁定，请勿修改。",
    "3. 请在白色各列填写：",
    "   本期进展：本月（本期）做了什么、完成到什么程度；",
    "   存在问题：遇到的困难和需要协调的事项，没有可不填；",
    "   下一步措施：下一步怎么做、什么时候完成；",
    "   申请办结：已经办完、申请督查室核验销号的，选“是”，否则选“否”或不填；",
    "   申请延期至：确需延期的，填写申请的新时限（如 2026-12-31），并在“延期理由”中写明原因。",
    "4. 申请办结和申请延期不能同时选；申请延期须在原时限届满前提出，由督查室批准后才生效。",
    "5. 可以用 Excel、WPS 或 LibreOffice 填写；可以调整列宽、行高和各填写列的先后，请不要删改表中的编号和灰色各列，",
    "   不要改动工作表名称。填完后保存为 .xlsx 格式，按原文件名报回督查室。",
    "6. 某项本期确无进展的，可以留空，督查室会记为“本期未填报”。",
    "7. 报回的表由督查室逐行核对：编号不对、不是本单位的事项、灰色列被改动、日期写错的，整张表退回重填。",
)


@dataclass
class Workbook:
    unit: str
    path: Path
    rows: list[Assessed]


def unit_tasks(env: Env, wanted: list[str]) -> dict[str, list[Assessed]]:
    """Each unit's open tasks as lead or co-unit, by the directory's canonical names, in deadline order."""
    from ..domain.unitsdir import units_directory
    from .reading import Filter, query

    names = units_directory(env.ledger().config).canonical
    picked: list[str] = []
    for w in wanted:
        name = names.get(w.strip(), w.strip()) if names else w.strip()
        if names and name not in names:
            raise UsageError(f"单位名录中没有“{w}”", "请检查 --unit，或用 taizhang.yaml 的 units 查看单位全称")
        if name and name not in picked:
            picked.append(name)
    out: dict[str, list[Assessed]] = {u: [] for u in picked}
    for a in query(env, Filter(statuses=["open"])):
        t = a.task
        for u in dict.fromkeys(names.get(x, x) for x in [t.lead_unit, *t.units]):
            if not picked or u in out:
                out.setdefault(u, []).append(a)
    for rows in out.values():
        rows.sort(key=lambda a: (a.task.due or Date.max, a.task.id))
    return out


def role(a: Assessed, unit: str, names: dict[str, str]) -> str:
    return "牵头" if names.get(a.task.lead_unit, a.task.lead_unit) == unit else "配合"


def locked_values(a: Assessed, unit: str, names: dict[str, str]) -> list[str]:
    """The locked cells of a task's row, as text: written out, kept in the hidden sheet, compared on return."""
    t = a.task
    last = t.progress[-1] if t.progress else None
    return [t.id, t.title, role(a, unit, names), t.due.isoformat() if t.due else "长期",
            LIGHT_LABELS[a.light], f"{last.on} {last.text}" if last else ""]


def write_workbook(path: Path, round_: str, unit: str, rows: list[Assessed], names: dict[str, str],
                   sent_on: Date, reply_by: Date) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = MAIN_SHEET
    y, m = round_.split("-")
    cells.set_text(ws.cell(1, 1), f"{y}年{int(m)}月督查事项进展报送表　{unit}　（请于 {reply_by} 前报回）")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    headers = [h for h, _ in LOCKED] + [h for h, _ in FILL]
    grey, head = PatternFill("solid", fgColor="E7E6E6"), PatternFill("solid", fgColor="DDEBF7")
    wrap, unlocked = Alignment(wrap_text=True, vertical="top"), Protection(locked=False)
    for col, h in enumerate(headers, 1):
        c = ws.cell(HEADER_ROW, col)
        cells.set_text(c, h)
        c.font, c.fill = Font(bold=True), head
    for col, (_, width) in enumerate([*LOCKED, *FILL], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    meta_rows = []
    for i, a in enumerate(rows):
        r = HEADER_ROW + 1 + i
        values = locked_values(a, unit, names)
        for col, v in enumerate(values, 1):
            c = ws.cell(r, col)
            cells.set_text(c, v)
            c.fill, c.alignment = grey, wrap
        for col in range(len(LOCKED) + 1, len(headers) + 1):
            c = ws.cell(r, col)
            c.protection, c.alignment = unlocked, wrap
        ws.cell(r, len(LOCKED) + 5).number_format = "yyyy-mm-dd"
        meta_rows.append([a.task.id, rounds.fingerprint(a.task), *values[1:]])
    last = HEADER_ROW + max(len(rows), 1)
    done_col = get_column_letter(len(LOCKED) + 4)
    date_col = get_column_letter(len(LOCKED) + 5)
    yes_no = DataValidation(type="list", formula1=f'"{",".join(YES_NO)}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="申请办结", error="请选择“是”或“否”")
    yes_no.add(f"{done_col}{HEADER_ROW + 1}:{done_col}{last}")
    # Serial numbers, not DATE(): the sheet holds no formula of any kind. 43831 = 2020-01-01, 73051 = 2100-01-01.
    dates = DataValidation(type="date", operator="between", formula1="43831", formula2="73051", allow_blank=True,
                           showErrorMessage=True, errorTitle="申请延期至", error="请填写日期，如 2026-12-31")
    dates.add(f"{date_col}{HEADER_ROW + 1}:{date_col}{last}")
    ws.add_data_validation(yes_no)
    ws.add_data_validation(dates)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    # Formatting and resizing stay allowed: units widen columns and rows to write; the locked cells
    # themselves cannot be typed over. No password: the check on return is what guards the content.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 110
    for i, line in enumerate(GUIDE, 1):
        cells.set_text(guide.cell(i, 1), line)
    guide.cell(1, 1).font = Font(bold=True, size=13)
    guide.protection.sheet = True

    meta = wb.create_sheet(META_SHEET)
    for row in ([["format", str(META_VERSION)], ["round", round_], ["unit", unit], ["sent_on", sent_on.isoformat()],
                 ["task", "fingerprint", *[h for h, _ in LOCKED[1:]]]] + meta_rows):
        cells.append_row(meta, row)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # the hidden sheet cannot be shown or renamed
    wb.active = 0
    wb.save(path)


def collect_out(env: Env, units: list[str], out_dir: str) -> tuple[str, list[Workbook]]:
    """Write the round's workbooks into out_dir and record the round in one commit; or write nothing."""
    from ..domain.unitsdir import units_directory
    from .common import commit_message

    ledger = env.ledger()
    round_ = rounds.round_of(env.today)
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} 不是目录", "-o 请给出一个目录")
    names = units_directory(ledger.config).canonical
    reply_by = ledger.calendar.add_workdays(env.today, REPLY_WORKDAYS)
    clerk = ledger.clerk(env.by)
    with ledger.locked():
        by_unit = unit_tasks(env, units)
        empty = [u for u, rows in by_unit.items() if not rows]
        if units and empty:
            raise UsageError(f"{'、'.join(empty)} 没有在办事项，无需报送", "请去掉这些 --unit")
        by_unit = {u: rows for u, rows in by_unit.items() if rows}
        if not by_unit:
            raise UsageError("没有在办事项，无需发报送表", "请先用 taizhang add 交办事项")
        current = rounds.read_round(ledger.root, round_) or rounds.Round(round_, {})
        again = [u for u in by_unit if u in current.units and current.units[u].returned_on]
        if again:
            raise UsageError(f"{'、'.join(again)} 的 {round_} 轮报送表已经收回，不再重发",
                             "下一轮请换月份（--as-of），或只给其他单位发：--unit 单位")
        books = [Workbook(u, folder / rounds.workbook_name(round_, u), rows) for u, rows in by_unit.items()]
        clash = [b.path.name for i, b in enumerate(books) if b.path in {x.path for x in books[:i]}]
        if clash:  # "市/局" and "市_局" would share a file name, and one workbook would overwrite the other
            raise UsageError(f"有两个单位的报送表文件名相同：{'、'.join(clash)}", "请在单位名录中改用不含 / \\ : * ? 等符号的单位名称")
        taken = [b.path.name for b in books if b.path.exists()]
        if taken:
            raise UsageError(f"{folder} 中已有 {'、'.join(taken[:3])}{'等' if len(taken) > 3 else ''}，不会覆盖",
                             "请换一个目录，或先移走这些文件")
        made_dir = not folder.exists()
        written: list[Path] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for b in books:
                write_workbook(b.path, round_, b.unit, b.rows, names, env.today, reply_by)
                written.append(b.path)
                current.units[b.unit] = rounds.Sent(b.unit, env.today, b.path.name,
                                                    {a.task.id: rounds.fingerprint(a.task) for a in b.rows})
            total = sum(len(b.rows) for b in books)
            body = "\n".join(f"{b.unit}：{len(b.rows)} 项" for b in books) + f"\n请于 {reply_by} 前报回"
            msg = commit_message(f"发出 {round_} 轮进展报送表：{len(books)} 个单位，共 {total} 项", "collect-out", [], body)
            msg = msg.rstrip("\n") + f"\nTaizhang-Round: {round_}\n"
            ledger.commit({rounds.round_path(ledger.root, round_): rounds.round_bytes(current)}, msg, clerk)
        except BaseException:
            for p in written:
                p.unlink(missing_ok=True)
            if made_dir and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
            raise
    return round_, books
