"""交办单, 催办单, 督办单, 督查通知书 and the bulletin printed as official documents (.docx or .pdf)."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from ..domain.errors import LedgerError, UsageError
from ..domain.lights import assess
from ..domain.model import Task
from ..domain.report import Report
from ..files.atomic import atomic_write
from ..formats import gbt9704, pdf, word
from . import texts
from .common import lag_points, resolve_id, warn_workdays
from .context import Env
from .workflow import document_values, urge_values

KINDS = {"assign": "交办单", "remind": "催办单", "supervise": "督办单", "notice": "督查通知书"}
SUFFIXES = (".docx", ".pdf")
BASE_TEMPLATE = "print.docx"
_SEQ = re.compile(r"\d+")


def fonts(config: dict) -> dict[str, str]:
    """Each role's face: taizhang.yaml `fonts:` ({body: 仿宋, …}) over GB/T 9704's."""
    given = config.get("fonts") or {}
    if not isinstance(given, dict) or not all(isinstance(v, str) and v.strip() for v in given.values()):
        raise LedgerError("taizhang.yaml 中 fonts 应为 角色: 字体名 的键值表",
                          "如 fonts: {body: 仿宋, title: 方正小标宋简体, heading: 黑体, subheading: 楷体}")
    unknown = set(given) - set(gbt9704.FONTS)
    if unknown:
        raise LedgerError(f"taizhang.yaml 的 fonts 中没有 {'、'.join(sorted(unknown))} 这一项",
                          f"可设：{'、'.join(gbt9704.FONTS)}")
    return {role: given.get(role, chain[0]).strip() for role, chain in gbt9704.FONTS.items()}


def installed_faces(wanted: dict[str, str], installed: set[str] | None) -> dict[str, str]:
    """For a PDF rendered here: each role's face, or its first fallback this machine has."""
    if installed is None:
        return wanted
    return {role: next((f for f in (face, *gbt9704.FONTS[role]) if f in installed), face)
            for role, face in wanted.items()}


def phone_of(config: dict, task: Task) -> str:
    """taizhang.yaml `phones:` maps a 联系人 (or a unit) to a telephone number."""
    book = config.get("phones") or {}
    if not isinstance(book, dict):
        raise LedgerError("taizhang.yaml 中 phones 应为 联系人或单位: 电话 的键值表", "如 phones: {张三: 0571-87000000}")
    for key in (task.contact, task.lead_unit):
        if key and book.get(key) not in (None, ""):
            return str(book[key])
    return "—"


def base_document(root: Path) -> Path | None:
    own = root / "templates" / BASE_TEMPLATE
    return own if own.is_file() else None


def output_path(output: str | None, default: str) -> tuple[Path, str]:
    path = Path(output or default)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"输出文件应以 .docx 或 .pdf 结尾，而不是 {path.name!r}", "如 -o 督办单.docx 或 -o 督办单.pdf")
    if path.is_dir():
        raise UsageError(f"{path} 是一个目录", "请给出文件名，如 -o 督办单.docx")
    return path, suffix


def write(doc_of, path: Path, suffix: str, wanted: dict[str, str]) -> Path:
    """Lay the document out with `doc_of(fonts, for_pdf)`, then write it whole, or not at all."""
    if suffix == ".pdf":
        pdf.soffice()  # refuse before any work when LibreOffice is missing
        faces = installed_faces(wanted, pdf.installed_fonts())
        data = pdf.to_pdf(gbt9704.to_bytes(doc_of(faces, True), faces))
    else:
        data = gbt9704.to_bytes(doc_of(wanted, False), wanted)
    atomic_write(path, data)
    return path


# -- the four notices ------------------------------------------------------------
def _record(task: Task, kind: str, number: str | None):
    """The urge or 督查通知书 being printed: the one numbered `number` (or ending so), else the latest."""
    if kind == "notice":
        records = task.notices
    else:
        records = [u for u in task.urges if u.level == kind]
    if not records:
        verb = {"remind": "taizhang urge {id}", "supervise": "taizhang urge {id} --level supervise",
                "notice": "taizhang notice {id} --within 10wd"}[kind].format(id=task.id)
        raise UsageError(f"事项 {task.id} 还没有{KINDS[kind]}（文号由台账编发）", f"请先 {verb}")
    if not number:
        return records[-1]
    for r in records:
        if r.number == number or (number.isdigit() and _SEQ.findall(r.number)[-1:] == [str(int(number))]):
            return r
    raise UsageError(f"事项 {task.id} 没有文号为 {number} 的{KINDS[kind]}",
                     "已有：" + "、".join(r.number for r in records))


def values(env: Env, task: Task, kind: str, number: str | None) -> dict[str, str]:
    ledger = env.ledger()
    config = ledger.config
    cal = ledger.calendar
    if kind == "assign":
        prefix = str(config.get("assign_prefix") or "督交")
        on = task.assigned_on
        base = document_values(env, assess(task, on, cal, warn_workdays(env), lag_points(env)), on,
                               f"{prefix}〔{task.year}〕{task.seq}号", "")
        base["feedback"] = ("请于 " + str(task.assign_due or cal.add_workdays(on, 3))
                            + f" 前反馈接办情况，此后按要求报送进展，办结后书面报告{base['org']}。")
    else:
        record = _record(task, kind, number)
        a = assess(task, record.on, cal, warn_workdays(env), lag_points(env))
        base = urge_values(env, a, record) if kind != "notice" else {
            **document_values(env, a, record.on, record.number, record.note),
            "fix_due": str(record.fix_due),
            "remind_count": str(sum(1 for u in task.urges if u.level == "remind" and u.on <= record.on)),
            "supervise_count": str(sum(1 for u in task.urges if u.level == "supervise" and u.on <= record.on)),
        }
    base.update({
        "ref": task.ref or "—", "source": task.source or "—", "units": base["units"] or "—",
        "content": task.description + ("" if not task.description or task.description.endswith("。") else "。"),
        "assigned": str(task.assigned_on), "phone": phone_of(config, task), "kind": KINDS[kind],
    })
    return base


def print_task(env: Env, task_id: str, kind: str, output: str | None, number: str | None = None) -> Path:
    """Fill the kind's template with the task's fields and write it as .docx or .pdf."""
    if kind not in KINDS:
        raise UsageError(f"公文种类只能是 {'、'.join(KINDS)}，而不是 {kind!r}",
                         "assign=交办单，remind=催办单，supervise=督办单，notice=督查通知书")
    task_id = resolve_id(task_id, env.today)
    path, suffix = output_path(output, f"{task_id}-{KINDS[kind]}.docx")
    ledger = env.ledger()
    task = ledger.read_task(task_id)
    filled = Template(texts.template(ledger.root, f"print_{kind}.txt", "公文模板")).safe_substitute(values(env, task, kind, number))
    blocks = gbt9704.parse(filled)
    base = base_document(ledger.root)

    def doc_of(faces: dict[str, str], for_pdf: bool):
        doc = gbt9704.new_document(base, faces, for_pdf)
        gbt9704.render(doc, blocks)
        return doc

    return write(doc_of, path, suffix, fonts(ledger.config))



def write_report(env: Env, rep: Report, path: Path, suffix: str) -> Path:
    """The bulletin (report monthly/weekly/unit) as .docx or .pdf (`suffix`, from --format), on the
    ledger's base document."""
    if path.is_dir():
        raise UsageError(f"{path} 是一个目录", f"请给出文件名，如 -o 督查通报{suffix}")
    base = base_document(env.ledger().root)
    return write(lambda faces, for_pdf: word.report_document(rep, base, faces, for_pdf, env.today), path, suffix,
                 fonts(env.ledger().config))
