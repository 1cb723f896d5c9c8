"""What `import --dry-run` says: each sheet's column mapping and where every one of its rows went."""

from __future__ import annotations

import datetime as dt

from ..formats.tabular import FIELD_LABELS
from .importer import Plan, counts


def mapping_lines(result: Plan) -> list[str]:
    """Per sheet: the header row, every column mapped or named as not imported, and its rows accounted for."""
    out: list[str] = []
    several = sum(s.mapping is not None for s in result.sheets) > 1 or len(result.sheets) > 1
    for sp in result.sheets:
        m = sp.mapping
        if m is None or (sp.notes and not sp.tasks and not sp.problem_rows and not sp.skipped and not sp.blank):
            out.extend(sp.notes)
            continue
        name = f"工作表“{sp.name}”" if several else ""
        out.append(f"{name}表头在第 {m.header_row} 行，列的对应关系：" + (f"（工作表名记为标签“{sp.tag}”）" if sp.tag else ""))
        for j in sorted(set(m.columns) | set(m.ignored)):
            if j in m.columns:
                label = FIELD_LABELS[m.columns[j]]
                if m.columns[j] == "progress_month":
                    y, mo = m.months[j]
                    label = f"{y or ''}{'年' if y else ''}{mo}月进展（记为该月最后一天的一条进展）"
                out.append(f"  {m.headers[j]} → {label}")
            else:
                out.append(f"  {m.headers[j]} → {m.ignored[j]}")
        body = sp.rows - m.header_row
        parts = [f"表头及以上 {m.header_row} 行", f"事项 {sp.tasks} 行"]
        if sp.problem_rows:
            parts.append(f"有问题 {sp.problem_rows} 行")
        if sp.skipped:
            parts.append(f"分类/合计行 {len(sp.skipped)} 行（不作为事项）")
        if sp.blank:
            parts.append(f"空行 {sp.blank} 行")
        out.append(f"{name}共 {m.header_row + body} 行：" + "，".join(parts))
        if sp.skipped:
            out.append("  跳过：" + "；".join(sp.skipped))
        if sp.prose_rows:
            out.append("  状态列写的不是状态词，事项记为在办、原文记为一条进展：第 " + "、".join(map(str, sp.prose_rows)) + " 行")
    return out


def summary(result: Plan, today: dt.date) -> str:
    c = counts(result, today)
    detail = [(c.overdue, "到达即逾期"), (c.assigned_unknown, "交办日期不详"), (c.reported, "已完成待核验"),
              (c.closed, "已销号"), (c.cancelled, "已撤销"), (c.suspended, "暂缓"), (c.ongoing, "长期"), (c.cyclic, "按周期报送")]
    inner = "，".join(f"{label} {n} 行" for n, label in detail if n)
    return (f"可导入 {len(result.tasks)} 行" + (f"（其中{inner}）" if inner else "")
            + f"，有问题 {len({(p.sheet, p.row) for p in result.problems})} 行")
