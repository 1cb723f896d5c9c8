"""Reports and exchange: report monthly/weekly/unit, site, export, import."""

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from ledger.domain.errors import UsageError

from .exits import out
from .options import AsOfOpt, ByOpt, LedgerOpt, display, make_env

report_app = typer.Typer(help="督查通报：月报、周报、单位情况（可重现：过去的月份按当时的台账历史计算）。",
                         no_args_is_help=True, rich_markup_mode=None)


class ReportFmt(str, Enum):
    md = "md"
    json = "json"
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"


class ExportFmt(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


OutOpt = Annotated[Optional[str], typer.Option("-o", "--output", help="写入文件（默认输出到屏幕；xlsx 默认写入当前目录）", metavar="FILE")]


def _emit_report(rep, fmt: "ReportFmt", output: Optional[str], default_name: str, env) -> None:
    from pathlib import Path

    from ledger.formats.render import dumps

    if fmt == ReportFmt.json:
        text = dumps(rep.as_json())
    elif fmt == ReportFmt.xlsx:
        from ledger.formats import xlsx
        from ledger.formats.render import task_json
        from ledger.services.common import report_file

        path = report_file(env, output, default_name)
        xlsx.write_report(rep, [task_json(a) for a in rep.tasks], path)
        out(f"已生成：{path}")
        return
    elif fmt in (ReportFmt.docx, ReportFmt.pdf):
        from ledger.services import documents
        from ledger.services.common import report_file

        out(f"已生成：{documents.write_report(env, rep, report_file(env, output, default_name), '.' + fmt.value)}")
        return
    else:
        from ledger.formats.bulletin import to_markdown, to_rich

        if output is None and sys.stdout.isatty():
            display(to_rich(rep))
            return
        text = to_markdown(rep)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        out(f"已生成：{output}")
    else:
        out(text)


@report_app.command("monthly")
def report_monthly(
    ctx: typer.Context,
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM（默认本月；过去的月份按当月末的台账计算）", metavar="YYYY-MM")] = None,
    fmt: Annotated[ReportFmt, typer.Option("--format", help="md（屏幕上为表格，写入文件或管道时为 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    no_ranking: Annotated[bool, typer.Option("--no-ranking", help="不列单位排名（减负要求不宜排名时）")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """月度督查通报：总体情况、各单位按期办结率、逾期清单、延期事项、单位排名。"""
    from ledger.services import history

    env = make_env(ctx, ledger, as_of)
    rep = history.build(env, "monthly", month=month, as_of_given=as_of is not None, ranking=not no_ranking)
    _emit_report(rep, fmt, output, f"督查通报-{rep.start:%Y-%m}.{fmt.value}", env)


@report_app.command("weekly")
def report_weekly(
    ctx: typer.Context,
    fmt: Annotated[ReportFmt, typer.Option("--format", help="输出格式：md（终端表格或 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    no_ranking: Annotated[bool, typer.Option("--no-ranking", help="不列单位排名")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """本周（周一至周日）督查周报；--as-of 指定哪一周。"""
    from ledger.services import history

    env = make_env(ctx, ledger, as_of)
    rep = history.build(env, "weekly", ranking=not no_ranking)
    _emit_report(rep, fmt, output, f"督查周报-{rep.start}.{fmt.value}", env)


@report_app.command("unit")
def report_unit(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="单位名称（牵头或责任单位）", metavar="UNIT")],
    since: Annotated[Optional[str], typer.Option("--since", help="统计起始日期（默认当年 1 月 1 日）", metavar="DATE")] = None,
    fmt: Annotated[ReportFmt, typer.Option("--format", help="输出格式：md（终端表格或 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """一个单位承办的事项及其办理记录（按期、逾期、催办、延期）。"""
    from ledger.services import history

    env = make_env(ctx, ledger, as_of)
    rep = history.build(env, "unit", unit=unit, since=since, ranking=False)
    _emit_report(rep, fmt, output, f"{unit}-督查事项-{rep.end}.{fmt.value}", env)


def site(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("-o", "--output", help="网页写入的目录（新目录、空目录或上次生成的网页目录）", metavar="DIR")],
    public: Annotated[bool, typer.Option("--public", help="公开版：只含 taizhang.yaml 中 public 标明的来源或标签（默认民生实事），不含人名、电话、内部说明和约谈问责记录")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """生成给领导看的静态网页（总览、各单位、各事项、逾期清单、离线查找），只重写有变化的页面。"""
    from pathlib import Path

    from ledger.site.build import build

    built = build(make_env(ctx, ledger, as_of), Path(output), public=public, as_of_given=as_of is not None)
    out(f"已生成网页：{built.folder / 'index.html'}（共 {built.pages} 个文件，本次更新 {built.written} 个"
         + (f"，删除 {built.removed} 个" if built.removed else "") + "）")


def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFmt, typer.Option("--format", help="xlsx、csv（带 BOM，Excel 可直接打开）、json（同 list --format json）")] = ExportFmt.xlsx,
    output: OutOpt = None,
    status: Annotated[Optional[list[str]], typer.Option("--status", help="状态，可重复（默认全部，含已销号）", metavar="S")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="牵头或责任单位", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导", metavar="NAME")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="任务来源", metavar="KIND")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="标签", metavar="TAG")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只导出逾期的")] = False,
    light: Annotated[Optional[str], typer.Option("--light", help="预警灯：red、yellow、green", metavar="red|yellow|green")] = None,
    due_before: Annotated[Optional[str], typer.Option("--due-before", help="时限早于该日", metavar="DATE")] = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """导出事项到 Excel、CSV 或 JSON（筛选条件同 list）；导出的表格可再用 import 导入。"""
    from pathlib import Path

    from ledger.formats.render import dumps, task_json
    from ledger.services import reading

    env = make_env(ctx, ledger, as_of)
    items = reading.query(env, reading.Filter(status, unit, leader, source, tag, overdue, light, due_before,
                                                include_closed=True))
    items.sort(key=lambda a: a.task.id)
    rows = [task_json(a) for a in items]
    if fmt == ExportFmt.xlsx:
        from ledger.formats import xlsx

        path = Path(output or f"台账导出-{env.today}.xlsx")
        xlsx.write_tasks(rows, path)
        out(f"已导出 {len(rows)} 项：{path}")
        return
    if fmt == ExportFmt.json:
        text = dumps(rows) + "\n"
    else:
        import csv
        import io

        from ledger.formats import cells, xlsx

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([c[0] for c in xlsx.TASK_COLUMNS])
        w.writerows(cells.safe_row(xlsx.task_cells(r)) for r in rows)
        text = "\ufeff" + buf.getvalue()
    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
        out(f"已导出 {len(rows)} 项：{output}")
    else:
        sys.stdout.write(text)


def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="要导入的台账文件（.xlsx 或 .csv）", metavar="FILE")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查：显示列的对应关系和每个问题的行号，不导入")] = False,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="跳过有问题的行，导入其余各行（默认有任何问题都不导入）")] = False,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="单位名录中没有的单位，一并加入名录（同一次提交）")] = False,
    assigned_on: Annotated[Optional[str], typer.Option("--assigned-on", help="原表没有交办日期列时，整张表的交办日期", metavar="DATE")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="原表中不写年份的日期（如 10月底）属于哪一年（默认取表题中的年份）", metavar="YYYY")] = None,
    closed_as_verified: Annotated[bool, typer.Option("--closed-as-verified", help="原表“已完成”的事项直接记为已销号（书面核验），而不是待核验")] = False,
    limit: Annotated[Optional[list[str]], typer.Option("--limit", help="放宽导入限制，如 --limit rows=100000（可多次使用）", metavar="KEY=N")] = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """导入现有的 Excel/CSV 台账（各工作表）：自动识别表头、中文日期、状态和进展，全部校验通过后一次提交。"""
    from pathlib import Path

    from ledger.domain.workdays import parse_date
    from ledger.services import importer, importreport

    env = make_env(ctx, ledger, by=by)
    path = Path(file)
    opts = importer.Options(assigned_on=parse_date(assigned_on, "--assigned-on 日期") if assigned_on else None,
                            year=year, closed_as_verified=closed_as_verified, new_unit=new_unit, limits=limit or [])
    with _progress_bar("校验") as tick:
        plan = importer.plan(env, path, tick, options=opts)
    err = sys.stderr
    if dry_run:
        for line in importreport.mapping_lines(plan):
            out(line)
    for p in plan.problems:
        (sys.stdout if dry_run else err).write(f"{path.name}: {p}\n")
    summary = importreport.summary(plan, env.today)
    if dry_run:
        out(summary + "（试运行，未导入）")
        if plan.problems:
            raise typer.Exit(1)
        return
    if plan.problems and not skip_bad:
        hint = "请修正上面列出的行后重试，或加 --skip-bad 只导入没有问题的行"
        if any("单位名录中没有" in p.message for p in plan.problems):
            hint += "；确属新单位请加 --new-unit 一并加入单位名录"
        raise UsageError(f"{summary}，未导入任何事项", hint)
    with _progress_bar("写入") as tick:
        tasks = importer.commit(env, plan, tick)
    span = f"{tasks[0].id} 至 {tasks[-1].id}" if len(tasks) > 1 else tasks[0].id
    out(f"已导入 {len(tasks)} 项事项，编号 {span}" + (f"；跳过有问题的 {len({(p.sheet, p.row) for p in plan.problems})} 行" if plan.problems else ""))


def _progress_bar(what: str):
    """A rich progress bar on stderr for long files; silent when stderr is not a terminal."""
    import contextlib

    @contextlib.contextmanager
    def bar():
        if not sys.stderr.isatty():
            yield None
            return
        from rich.progress import Progress

        from ledger.formats.render import console

        with Progress(console=console(stderr=True), transient=True) as prog:
            task = prog.add_task(what, total=None)

            def tick(done: int, total: int) -> None:
                if total >= 500:
                    prog.update(task, completed=done, total=total)

            yield tick

    return bar()
