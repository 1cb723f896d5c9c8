"""The `taizhang` command: parse options, call one service, render; errors become one line."""

# No `from __future__ import annotations` here: typer would eval() every option's
# annotation string on each start, ~400 compiles that cost 50–80 ms.
import os
import sys


def _guarded(work) -> int:
    """The one place errors become exit codes: one Chinese line on stderr, never a traceback."""
    from ledger.domain.errors import TaizhangError

    try:
        return work()
    except TaizhangError as e:
        print(f"错误：{e.line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:
        if os.environ.get("TAIZHANG_DEBUG"):
            raise
        from ledger.domain.errors import os_error_line

        line, code = os_error_line(e)
        print(f"错误：{line}", file=sys.stderr)
        return code
    except Exception as e:  # never a traceback for a clerk; TAIZHANG_DEBUG=1 shows it
        if os.environ.get("TAIZHANG_DEBUG"):
            raise
        print(f"错误：taizhang 内部错误 {type(e).__name__}: {e}；请设置 TAIZHANG_DEBUG=1 重试并报告", file=sys.stderr)
        return 3


def _fast_lane(argv: list[str]) -> int | None:
    """`overdue`/`list --format json` as scripts and dashboards call them, answered before typer is
    imported (typer and the ~40 commands cost ~0.1 s of a 0.2 s run). Anything else returns None
    and takes the ordinary path; output, messages and exit codes are the same either way."""
    if not argv or argv[0] not in ("overdue", "list") or len(argv) % 2 == 0:
        return None
    opts: dict[str, str] = {}
    for key, value in zip(argv[1::2], argv[2::2]):
        if key not in ("--format", "--ledger", "--as-of") or key in opts or value.startswith("-"):
            return None
        opts[key] = value
    if opts.get("--format") != "json":
        return None

    def answer() -> int:
        from ledger.formats.render import dumps_rows, task_json
        from ledger.services import reading
        from ledger.services.context import Env, resolve_today

        env = Env(ledger_path=opts.get("--ledger"), today=resolve_today(opts.get("--as-of")), by=None)
        if argv[0] == "overdue":
            items = reading.overdue(env)
        else:  # list's defaults, as in list_(): a unit reporter's clone shows that unit's tasks
            items = reading.query(env, reading.Filter(any_unit=reading.home_units(env)))
            items.sort(key=lambda a: (a.task.due is None, a.task.due or env.today, a.task.id))
        text = dumps_rows(task_json(a) for a in items)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return 0

    return _guarded(answer)


# Only for the installed `taizhang` script (which imports this module): never for tests or imports.
if __name__ == "cli" and os.path.basename(sys.argv[0]) == "taizhang":
    _rc = _fast_lane(sys.argv[1:])
    if _rc is not None:
        sys.exit(_rc)

from enum import Enum  # noqa: E402
from typing import Annotated, Optional  # noqa: E402

import typer  # noqa: E402

from ledger.domain.errors import TaizhangError, UsageError  # noqa: E402

app = typer.Typer(
    name="taizhang",
    help="督查督办台账：事项的交办、跟踪、预警、催办、核验销号，按中国工作日计算时限，每次变更都是一次 git 提交。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# -- shared options ---------------------------------------------------------------
LedgerOpt = Annotated[Optional[str], typer.Option("--ledger", help="台账目录（默认：环境变量 TAIZHANG_LEDGER，或从当前目录向上查找）", metavar="PATH")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="按哪一天计算（YYYY-MM-DD，默认今天或 TAIZHANG_TODAY）", metavar="DATE")]
ByOpt = Annotated[Optional[str], typer.Option("--by", help="经办人姓名（默认取台账仓库的 git user.name）", metavar="NAME")]
OnOpt = Annotated[Optional[str], typer.Option("--on", help="发生日期 YYYY-MM-DD（默认今天）", metavar="DATE")]
FutureOpt = Annotated[bool, typer.Option("--future", help="允许 --on 写今天之后的日期（预先登记）")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", help="说明", metavar="TEXT")]
IdArg = Annotated[str, typer.Argument(help="事项编号，如 2026-0042；只写 42 表示当年第 42 号", metavar="ID")]


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class TextFmt(str, Enum):
    text = "text"
    json = "json"


class ShowFmt(str, Enum):
    table = "table"
    json = "json"


# `taizhang --ledger PATH CMD` as well as `taizhang CMD --ledger PATH`; set per invocation by the
# callback below, and a command's own --ledger wins over it.
_global_ledger: str | None = None


@app.callback()
def _global_options(ledger: LedgerOpt = None) -> None:
    global _global_ledger
    _global_ledger = ledger


def _env(ledger: str | None = None, as_of: str | None = None, by: str | None = None, future: bool = False):
    from ledger.services.context import Env, resolve_today

    return Env(ledger_path=ledger or _global_ledger, today=resolve_today(as_of), by=by, future=future)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _print(renderable) -> None:
    from ledger.formats.render import console

    console().print(renderable)


# -- commands ---------------------------------------------------------------------
@app.command()
def init(
    path: Annotated[Optional[str], typer.Argument(help="台账目录（默认当前目录）", metavar="PATH")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="单位名称，如 某某市人民政府督查室", metavar="NAME")] = None,
    existing: Annotated[bool, typer.Option("--existing", help="在非空目录或已有的 git 仓库中建立台账（已有的文件不改动）")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="经办人姓名，存入台账的 git 设置（默认取 git 的 user.name；都没有时在终端上询问）", metavar="NAME")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="经办人邮箱，存入台账的 git 设置", metavar="EMAIL")] = None,
    by: ByOpt = None,
) -> None:
    """新建台账：建立 git 仓库、taizhang.yaml、tasks/ 和 calendar/，并做第一次提交。"""
    from ledger.services import newledger

    ask = (lambda what: typer.prompt(what)) if sys.stdin.isatty() else None
    root = newledger.init(path, org, _env(by=by), existing=existing, name=name, email=email, ask=ask)
    _out(f"已建立台账：{root}\n下一步：cd {root} && taizhang add 事项名称 --lead-unit 牵头单位 --within 10wd")


def _sources_help() -> str:
    from ledger.domain.sources import DEFAULT_RULES

    kinds = "、".join(f"{r.kind}({r.deadline})" if r.deadline else r.kind for r in DEFAULT_RULES)
    return f"任务来源；未给时限时按来源规则计算。内置来源（括号内为默认时限）：{kinds}。详见 taizhang rules"


@app.command()
def add(
    title: Annotated[str, typer.Argument(help="事项名称", metavar="TITLE")],
    lead_unit: Annotated[str, typer.Option("--lead-unit", help="牵头单位", metavar="UNIT")],
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="责任（配合）单位，可重复，或用、分隔", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导", metavar="NAME")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="责任人", metavar="NAME")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help=_sources_help(), metavar="KIND")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="文号、纪要号或批示日期", metavar="TEXT")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="交办日期（会议、批示之日；时限从次日起算），默认今天", metavar="DATE")] = None,
    future: FutureOpt = False,
    due: Annotated[Optional[str], typer.Option("--due", help="办结时限，具体日期 YYYY-MM-DD", metavar="DATE")] = None,
    within: Annotated[Optional[str], typer.Option("--within", help="办结期限：5wd 工作日、10d 自然日、1w 周、1m 月、0.5m 半个月", metavar="SPAN")] = None,
    milestone: Annotated[Optional[list[str]], typer.Option("--milestone", help="时间节点 日期:内容 或 期限:内容，可重复", metavar="DATE:TEXT")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="标签，可重复", metavar="TAG")] = None,
    description: Annotated[Optional[str], typer.Option("--description", help="事项说明", metavar="TEXT")] = None,
    parent: Annotated[Optional[str], typer.Option("--parent", help="上级事项编号（任务分解）；子事项时限不得晚于上级", metavar="ID")] = None,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="单位不在名录中时，一并加入单位名录")] = False,
    report: Annotated[Optional[str], typer.Option("--report", help="进展报送周期：monthly:3wd 每月前3个工作日、quarterly:5wd 季度结束后5个工作日、weekly:1wd；可加 :from=2026-04", metavar="CYCLE")] = None,
    fmt: Annotated[TextFmt, typer.Option("--format", help="输出格式")] = TextFmt.text,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """登记并交办一个事项；最后一行输出新事项的编号。

    例：taizhang add "推进老旧小区改造" --lead-unit 市住建局 --unit 市财政局 --source 常务会议 --on 2026-03-02
    """
    from ledger.formats.render import dumps, task_json
    from ledger.services import common, register

    env = _env(ledger, by=by, future=future)
    spec = register.NewTask(title, lead_unit, unit or [], leader, contact, source, ref, on, due, within,
                            milestone, tag, description, parent, new_unit, report)
    task = register.add(env, spec)
    if fmt == TextFmt.json:
        a = common.assess_task(env, task)
        _out(dumps(task_json(a)))
        return
    _out(f"已交办：{task.title}（牵头单位 {task.lead_unit}，时限 {task.due}{'，暂定' if task.due_provisional else ''}）")
    _out(task.id)


@app.command()
def show(
    task_id: IdArg,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """查看一个事项的全部信息：灯色、时限、进展、延期、催办、核验。"""
    from ledger.formats.render import dumps, task_detail, task_json
    from ledger.services import common, reading

    env = _env(ledger, as_of)
    task = reading.get(env, task_id)
    a = common.assess_task(env, task)
    if fmt == ShowFmt.json:
        _out(dumps(task_json(a)))
    else:
        _print(task_detail(a))


def _emit_list(items: list, fmt: Fmt, title: str) -> None:
    from ledger.formats.render import PLAIN_TABLE_ROWS, csv_text, dumps_rows, task_json, task_lines, task_table

    if fmt == Fmt.json:
        _out(dumps_rows(task_json(a) for a in items))
    elif fmt == Fmt.csv:
        _out(csv_text(task_json(a) for a in items))
    elif len(items) > PLAIN_TABLE_ROWS:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        _out(task_lines(items, title, color))
    else:
        _print(task_table(items, title))


@app.command("list")
def list_(
    status: Annotated[Optional[list[str]], typer.Option("--status", help="状态，可重复：open 在办、reported 待核验、closed 已销号、suspended 暂缓、cancelled 已撤销（默认未办结的）", metavar="S")] = None,
    all_: Annotated[bool, typer.Option("--all", help="包括已销号和已撤销的事项")] = False,
    unit: Annotated[Optional[str], typer.Option("--unit", help="牵头或责任单位", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导", metavar="NAME")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="任务来源", metavar="KIND")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="标签", metavar="TAG")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期的")] = False,
    light: Annotated[Optional[str], typer.Option("--light", help="预警灯：red 红、yellow 黄、green 绿", metavar="red|yellow|green")] = None,
    due_before: Annotated[Optional[str], typer.Option("--due-before", help="时限早于该日", metavar="DATE")] = None,
    milestone_overdue: Annotated[bool, typer.Option("--milestone-overdue", help="只看有时间节点已过期未完成的")] = False,
    urged: Annotated[bool, typer.Option("--urged", help="只看发过催办单或督办单的")] = False,
    extended: Annotated[bool, typer.Option("--extended", help="只看延期过的")] = False,
    late_assignment: Annotated[bool, typer.Option("--late-assignment", help="只看交办超时的（晚于规则规定的交办期限登记）")] = False,
    written_report_due: Annotated[bool, typer.Option("--written-report-due", help="只看经两次以上协调仍未解决、须书面上报的")] = False,
    parent: Annotated[Optional[str], typer.Option("--parent", help="只看该事项分解出的下级事项", metavar="ID")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="按任务分解显示上下级树")] = False,
    all_units: Annotated[bool, typer.Option("--all-units", help="单位报送人的克隆里也列出所有单位的事项（默认只列本单位的）")] = False,
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """列出事项（默认未办结的），按时限排序；可按状态、单位、领导、来源、灯色筛选。"""
    from ledger.services import reading

    env = _env(ledger, as_of)
    mine = [] if unit or all_units else reading.home_units(env)
    items = reading.query(env, reading.Filter(status, unit, leader, source, tag, overdue, light, due_before, all_,
                                                milestone_overdue, urged, extended, late_assignment,
                                                written_report_due, parent, mine))
    if mine and fmt == Fmt.table:
        print(f"只列出{'、'.join(mine)}的事项；加 --all-units 列出全部", file=sys.stderr)
    items.sort(key=lambda a: (a.task.due is None, a.task.due or env.today, a.task.id))
    if tree:
        _emit_tree(items, fmt)
        return
    _emit_list(items, fmt, "督查事项")


@app.command()
def overdue(
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="有逾期事项时以 1 退出（供脚本使用）")] = False,
    ledger: LedgerOpt = None,
) -> None:
    """列出逾期事项，逾期最久的在前（按工作日计）。"""
    from ledger.services import reading

    items = reading.overdue(_env(ledger, as_of))
    _emit_list(items, fmt, "逾期事项")
    if exit_code and items:
        raise typer.Exit(1)


IdsArg = Annotated[list[str], typer.Argument(help="事项编号，可写多个（一次提交）；只写 42 表示当年第 42 号", metavar="ID...")]


@app.command()
def progress(
    task_ids: Annotated[list[str], typer.Argument(help="事项编号，可写多个（同一条进展记入每一项，一次提交）", metavar="ID...")],
    text: Annotated[str, typer.Argument(help="进展内容", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    percent: Annotated[Optional[int], typer.Option("--percent", help="完成进度 0–100，与序时进度比较，落后过多亮黄灯", metavar="N")] = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录一条进展（可带完成百分比）；写多个编号时同一条进展记入每一项。"""
    from ledger.services import change

    for task in change.progress(_env(ledger, by=by, future=future), task_ids, text, on, percent):
        _out(f"已记录 {task.id} 的进展（共 {len(task.progress)} 条）")


@app.command()
def urge(
    task_ids: Annotated[Optional[list[str]], typer.Argument(help="事项编号，可写多个（一次提交，连续编号）；用 --overdue 时不写", metavar="[ID]...")] = None,
    level: Annotated[str, typer.Option("--level", help="remind 催办单，supervise 督办单", metavar="remind|supervise")] = "remind",
    note: NoteOpt = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="对全部逾期的在办事项发单（一次提交）")] = False,
    round_: Annotated[Optional[str], typer.Option("--round", help="催报：对该轮（YYYY-MM）未报回报送表的单位的各在办事项发单（一次提交）", metavar="YYYY-MM")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不打印催办单正文")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """发催办单（remind）或督办单（supervise），统一编号（如 催〔2026〕12号），并打印单子正文。

    正文模板可由台账的 templates/urge_remind.txt、templates/urge_supervise.txt 覆盖。
    """
    from ledger.domain.model import URGE_LEVELS
    from ledger.services import workflow

    issued = workflow.urge(_env(ledger, as_of, by), task_ids, level, note, overdue, round_)
    if not issued:
        _out("各单位都已报回，未发单" if round_ else "没有逾期的在办事项，未发单")
        return
    for task, text in issued:
        if not quiet:
            _out(text.rstrip("\n") + "\n")
        _out(f"已对 {task.id} {URGE_LEVELS[level]}：{task.urges[-1].number}")


@app.command()
def extend(
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="延期原因（必填）", metavar="TEXT")],
    to: Annotated[Optional[str], typer.Option("--to", help="新的办结时限 YYYY-MM-DD", metavar="DATE")] = None,
    by_span: Annotated[Optional[str], typer.Option("--by", help="从原时限起顺延，如 10wd、1m", metavar="SPAN")] = None,
    clerk: Annotated[Optional[str], typer.Option("--clerk", help="经办人姓名（默认取 git user.name）", metavar="NAME")] = None,
    approved_by: Annotated[Optional[str], typer.Option("--approved-by", help="批准超时延期的领导（与 --late 一起用）", metavar="NAME")] = None,
    late: Annotated[bool, typer.Option("--late", help="时限已过，经领导批准的超时延期（记为超时）")] = False,
    grant: Annotated[Optional[str], typer.Option("--grant", help="批准的时限与申请的不同时，批准的日期 YYYY-MM-DD", metavar="DATE")] = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """延期：须在时限届满前（含当日）提出并说明原因；超期后只有加 --approved-by 领导 --late 才记为超时延期。"""
    from ledger.services import change

    task = change.extend(_env(ledger, as_of, clerk), task_id, to, by_span, reason, approved_by, late, grant)
    _out(f"已延期 {task.id}：{task.deadline_changes[-1].old_due} → {task.due}" + ("（超时延期）" if late else ""))


@app.command()
def done(
    task_id: IdArg,
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位申请办结；之后须经核验才能销号（taizhang close）。"""
    from ledger.services import change

    task = change.done(_env(ledger, by=by, future=future), task_id, note, on)
    _out(f"{task.id} 已申请办结，待核验销号")


@app.command()
def close(
    task_id: IdArg,
    verified_by: Annotated[str, typer.Option("--verified-by", help="核验人（必填）", metavar="NAME")],
    method: Annotated[str, typer.Option("--method", help="onsite 现场核验，document 书面核验", metavar="onsite|document")] = "onsite",
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """核验后销号；事项须先申请办结。"""
    from ledger.services import change

    task = change.close(_env(ledger, by=by, future=future), task_id, verified_by, method, note, on)
    _out(f"{task.id} 已销号（核验人 {task.verification.verified_by}）")


@app.command()
def reopen(
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="退回原因（必填）", metavar="TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """把待核验或已销号的事项退回责任单位重办（退办）。"""
    from ledger.services import change

    task = change.reopen(_env(ledger, by=by), task_id, reason)
    _out(f"{task.id} 已退回重办")


@app.command()
def cancel(
    task_ids: IdsArg,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因（必填）", metavar="TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """撤销事项（可写多个编号，一次提交）；文件保留，历史可查。"""
    from ledger.services import change

    for task in change.cancel(_env(ledger, by=by), task_ids, reason):
        _out(f"{task.id} 已撤销")


@app.command()
def edit(
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="修改原因（必填）", metavar="TEXT")],
    title: Annotated[Optional[str], typer.Option("--title", help="新的事项名称", metavar="TEXT")] = None,
    lead_unit: Annotated[Optional[str], typer.Option("--lead-unit", help="新的牵头单位", metavar="UNIT")] = None,
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="责任单位（可重复；给出即整体替换，--unit '' 清空）", metavar="UNIT")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="牵头领导（'' 清空）", metavar="NAME")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="责任人（'' 清空）", metavar="NAME")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="标签（可重复；给出即整体替换，--tag '' 清空）", metavar="TAG")] = None,
    parent: Annotated[Optional[str], typer.Option("--parent", help="上级事项编号（'' 取消分解关系）", metavar="ID")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="文号、纪要号或批示日期（'' 清空）", metavar="TEXT")] = None,
    new_unit: Annotated[bool, typer.Option("--new-unit", help="单位不在名录中时一并加入名录")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """更正事项的名称、单位、领导、责任人、标签、上级事项或文号；一次提交，记下原值、新值和原因。"""
    from ledger.services import editing

    changes = editing.Changes(title, lead_unit, unit, leader, contact, tag, parent, ref, new_unit)
    task, changed = editing.edit(_env(ledger, by=by), task_id, changes, reason)
    for line in editing.change_lines(changed):
        _out(line)
    _out(f"已修改 {task.id}")


@app.command()
def check(
    strict: Annotated[bool, typer.Option("--strict", help="再查交办是否超时、单位是否在名录中、答复是否超时、约谈次数")] = False,
    staged: Annotated[bool, typer.Option("--staged", help="只校验 git 暂存区中待提交的事项文件（pre-commit 钩子用）")] = False,
    ledger: LedgerOpt = None,
) -> None:
    """校验全部事项文件（格式、编号、状态、日期先后）；无问题时不输出，有问题逐条列出并以 1 退出。"""
    from ledger.formats.render import rebuild_progress

    env = _env(ledger)
    led = env.ledger()
    if staged:
        from ledger.files.hooks import REFUSED, staged_problems

        problems = staged_problems(led.root)
        if problems:
            print(REFUSED, file=sys.stderr)
    else:
        from ledger.services.safety import ledger_problems

        problems = ledger_problems(led, strict, rebuild_progress())
    for p in problems:
        _out(str(p))
    if problems:
        raise typer.Exit(1)


class _MonthByDefault(typer.core.TyperGroup):
    """`calendar [YYYY-MM] [--recompute]` as before; only `calendar notice …` names a subcommand."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["month", *args]
        return super().parse_args(ctx, args)


class _UnnamedContext(typer.Context):
    @property
    def command_path(self) -> str:
        return super().command_path.rstrip()


class _Unnamed(typer.core.TyperCommand):
    """The default subcommand, shown in usage and hints as plain `taizhang calendar`."""

    context_class = _UnnamedContext

    def make_context(self, info_name, args, parent=None, **extra):
        return super().make_context(None, args, parent=parent, **extra)


calendar_app = typer.Typer(cls=_MonthByDefault, rich_markup_mode=None,
                           help="工作日历：显示某月、重算暂定时限，或读取国务院节假日安排通知（notice）。")
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("month", hidden=True, cls=_Unnamed)
def calendar(
    month: Annotated[Optional[str], typer.Argument(help="月份 YYYY-MM（默认本月）", metavar="YYYY-MM")] = None,
    recompute: Annotated[bool, typer.Option("--recompute", help="节假日安排录入后，重算未办结事项的暂定时限（一次提交）")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """显示某月的工作日历（休 = 节假日，班 = 调休上班），或重算暂定时限。

    读取国务院节假日安排通知并录入 calendar/YYYY.yaml：taizhang calendar notice FILE|- [--write]
    """
    import re

    from ledger.domain.workdays import parse_date
    from ledger.formats.render import month_grid
    from ledger.services import provisional

    env = _env(ledger, by=by)
    if recompute:
        waiting: dict[int, int] = {}
        changed = provisional.recompute(env, waiting=waiting)
        if not changed:
            _out("没有可以重算的暂定时限" + ("：" + "；".join(
                f"{n} 项暂定时限等待 {y} 年的节假日安排（录入 calendar/{y}.yaml 后再重算）"
                for y, n in sorted(waiting.items())) if waiting else ""))
        for t in changed:
            _out(f"{t.id} {t.title}：时限 {t.due}")
        return
    if month:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageError(f"月份格式不对：{month!r}", "请写成 YYYY-MM，如 2026-10")
        year, mon = int(m.group(1)), int(m.group(2))
        parse_date(f"{year:04d}-{mon:02d}-01", "月份")  # refuses years datetime cannot page through
    else:
        year, mon = env.today.year, env.today.month
    cal = env.ledger().calendar
    if not cal.is_known(year):
        env.warn(f"警告：{year} 年的节假日安排尚未录入，下表仅按周末显示；请录入 calendar/{year}.yaml")
    _print(month_grid(year, mon, cal.month_days(year, mon)))


@calendar_app.command("notice")
def calendar_notice(
    source: Annotated[str, typer.Argument(help="通知文件（.txt 或 .docx），或 - 从标准输入粘贴", metavar="FILE|-")],
    write: Annotated[bool, typer.Option("--write", help="写入 calendar/YYYY.yaml 并重算暂定时限（一次提交）；不加则只预览")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """读取《国务院办公厅关于YYYY年部分节假日安排的通知》：显示全年日历、各节日天数和未能识别的句子。"""
    from ledger.formats.notice_view import notice_view
    from ledger.services import calendar_notice as cn

    notice = cn.load(source)
    env = _env(ledger, by=by)
    if write:
        rel, wrote, changed = cn.write(env, notice)
        _out(f"已写入 {rel}" if wrote else f"{rel} 已与通知一致，未改动")
        for t in changed:
            _out(f"{t.id} {t.title}：时限 {t.due}")
        return
    try:
        files = env.ledger().calendar_files()
    except TaizhangError:
        files = {}  # a preview needs no ledger
    for part in notice_view(notice, cn.year_calendar(notice, files)):
        _print(part)


@app.command("rules")
def rules_(ledger: LedgerOpt = None) -> None:
    """列出任务来源及其默认时限规则（台账的 taizhang.yaml 可覆盖或新增）。"""
    from rich.table import Table

    from ledger.domain.sources import DEFAULT_RULES
    from ledger.domain.workdays import parse_span
    from ledger.services import common

    try:
        kinds = common.source_rules(_env(ledger)).values()
    except TaizhangError:
        kinds = DEFAULT_RULES  # outside a ledger: the shipped rules
    table = Table(title="任务来源与时限规则", header_style="bold")
    for c in ("来源", "别名", "反馈时限", "交办单印发", "依据"):
        table.add_column(c)
    for r in kinds:
        deadline = parse_span(r.deadline).label() if r.deadline else "按交办要求"
        if r.deadline_several_units:
            deadline += f"（多单位 {parse_span(r.deadline_several_units).label()}）"
        assign = parse_span(r.assign_within).label() + "内" if r.assign_within else ""
        table.add_row(r.kind, "、".join(r.aliases), deadline, assign, r.basis)
    _print(table)


# -- report, import, export (issue 4) ----------------------------------------------
report_app = typer.Typer(help="督查通报：月报、周报、单位情况（可重现：过去的月份按当时的台账历史计算）。",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(report_app, name="report")


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
        _out(f"已生成：{path}")
        return
    elif fmt in (ReportFmt.docx, ReportFmt.pdf):
        from ledger.services import documents
        from ledger.services.common import report_file

        _out(f"已生成：{documents.write_report(env, rep, report_file(env, output, default_name), '.' + fmt.value)}")
        return
    else:
        from ledger.formats.bulletin import to_markdown, to_rich

        if output is None and sys.stdout.isatty():
            _print(to_rich(rep))
            return
        text = to_markdown(rep)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        _out(f"已生成：{output}")
    else:
        _out(text)


@report_app.command("monthly")
def report_monthly(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM（默认本月；过去的月份按当月末的台账计算）", metavar="YYYY-MM")] = None,
    fmt: Annotated[ReportFmt, typer.Option("--format", help="md（屏幕上为表格，写入文件或管道时为 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    no_ranking: Annotated[bool, typer.Option("--no-ranking", help="不列单位排名（减负要求不宜排名时）")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """月度督查通报：总体情况、各单位按期办结率、逾期清单、延期事项、单位排名。"""
    from ledger.services import history

    env = _env(ledger, as_of)
    rep = history.build(env, "monthly", month=month, as_of_given=as_of is not None, ranking=not no_ranking)
    _emit_report(rep, fmt, output, f"督查通报-{rep.start:%Y-%m}.{fmt.value}", env)


@report_app.command("weekly")
def report_weekly(
    fmt: Annotated[ReportFmt, typer.Option("--format", help="输出格式：md（终端表格或 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    no_ranking: Annotated[bool, typer.Option("--no-ranking", help="不列单位排名")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """本周（周一至周日）督查周报；--as-of 指定哪一周。"""
    from ledger.services import history

    env = _env(ledger, as_of)
    rep = history.build(env, "weekly", ranking=not no_ranking)
    _emit_report(rep, fmt, output, f"督查周报-{rep.start}.{fmt.value}", env)


@report_app.command("unit")
def report_unit(
    unit: Annotated[str, typer.Argument(help="单位名称（牵头或责任单位）", metavar="UNIT")],
    since: Annotated[Optional[str], typer.Option("--since", help="统计起始日期（默认当年 1 月 1 日）", metavar="DATE")] = None,
    fmt: Annotated[ReportFmt, typer.Option("--format", help="输出格式：md（终端表格或 Markdown）、json、xlsx、docx（Word 通报，需 python-docx）、pdf（需 LibreOffice）")] = ReportFmt.md,
    output: OutOpt = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """一个单位承办的事项及其办理记录（按期、逾期、催办、延期）。"""
    from ledger.services import history

    env = _env(ledger, as_of)
    rep = history.build(env, "unit", unit=unit, since=since, ranking=False)
    _emit_report(rep, fmt, output, f"{unit}-督查事项-{rep.end}.{fmt.value}", env)


@app.command()
def site(
    output: Annotated[str, typer.Option("-o", "--output", help="网页写入的目录（新目录、空目录或上次生成的网页目录）", metavar="DIR")],
    public: Annotated[bool, typer.Option("--public", help="公开版：只含 taizhang.yaml 中 public 标明的来源或标签（默认民生实事），不含人名、电话、内部说明和约谈问责记录")] = False,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """生成给领导看的静态网页（总览、各单位、各事项、逾期清单、离线查找），只重写有变化的页面。"""
    from pathlib import Path

    from ledger.site.build import build

    built = build(_env(ledger, as_of), Path(output), public=public, as_of_given=as_of is not None)
    _out(f"已生成网页：{built.folder / 'index.html'}（共 {built.pages} 个文件，本次更新 {built.written} 个"
         + (f"，删除 {built.removed} 个" if built.removed else "") + "）")


@app.command("export")
def export(
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

    env = _env(ledger, as_of)
    items = reading.query(env, reading.Filter(status, unit, leader, source, tag, overdue, light, due_before,
                                                include_closed=True))
    items.sort(key=lambda a: a.task.id)
    rows = [task_json(a) for a in items]
    if fmt == ExportFmt.xlsx:
        from ledger.formats import xlsx

        path = Path(output or f"台账导出-{env.today}.xlsx")
        xlsx.write_tasks(rows, path)
        _out(f"已导出 {len(rows)} 项：{path}")
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
        _out(f"已导出 {len(rows)} 项：{output}")
    else:
        sys.stdout.write(text)


@app.command("import")
def import_(
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

    env = _env(ledger, by=by)
    path = Path(file)
    opts = importer.Options(assigned_on=parse_date(assigned_on, "--assigned-on 日期") if assigned_on else None,
                            year=year, closed_as_verified=closed_as_verified, new_unit=new_unit, limits=limit or [])
    with _progress_bar("校验") as tick:
        plan = importer.plan(env, path, tick, options=opts)
    err = sys.stderr
    if dry_run:
        for line in importreport.mapping_lines(plan):
            _out(line)
    for p in plan.problems:
        (sys.stdout if dry_run else err).write(f"{path.name}: {p}\n")
    summary = importreport.summary(plan, env.today)
    if dry_run:
        _out(summary + "（试运行，未导入）")
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
    _out(f"已导入 {len(tasks)} 项事项，编号 {span}" + (f"；跳过有问题的 {len({(p.sheet, p.row) for p in plan.problems})} 行" if plan.problems else ""))


def _progress_bar(what: str):
    """A rich progress bar on stderr for long files; silent when stderr is not a terminal."""
    import contextlib

    @contextlib.contextmanager
    def bar():
        if not sys.stderr.isatty():
            yield None
            return
        from rich.progress import Progress

        with Progress(console=__import__("ledger.formats.render", fromlist=["console"]).console(stderr=True),
                      transient=True) as prog:
            task = prog.add_task(what, total=None)

            def tick(done: int, total: int) -> None:
                if total >= 500:
                    prog.update(task, completed=done, total=total)

            yield tick

    return bar()


# -- workflow (issue 3) -------------------------------------------------------------
def _emit_tree(items: list, fmt: Fmt) -> None:
    from ledger.formats.render import dumps, light_text, task_json
    from ledger.services.workflow import tree_order

    ordered = tree_order(items)
    if fmt != Fmt.table:
        _out(dumps([{**task_json(a), "depth": depth} for depth, a in ordered]))
        return
    from rich.table import Table

    table = Table(title=f"任务分解（{len(items)} 项）", header_style="bold")
    for c in ("编号", "预警", "事项", "牵头单位", "时限", "状态"):
        table.add_column(c, no_wrap=c != "事项")
    from ledger.domain.model import STATUS_LABELS

    for depth, a in ordered:
        t = a.task
        table.add_row(t.id, light_text(a.light), ("　" * depth + ("└ " if depth else "")) + t.title,
                      t.lead_unit, str(t.due or ""), STATUS_LABELS[t.status])
    _print(table)


@app.command()
def suspend(
    task_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="暂缓原因（必填）", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """暂缓执行：暂缓期间不计逾期，恢复时按暂缓的工作日数顺延时限。"""
    from ledger.services import workflow

    task = workflow.suspend(_env(ledger, by=by, future=future), task_id, reason, on)
    _out(f"{task.id} 已暂缓")


@app.command()
def resume(
    task_id: IdArg,
    shift: Annotated[bool, typer.Option("--shift", help="时限按暂缓的工作日数顺延（默认）")] = True,
    to: Annotated[Optional[str], typer.Option("--to", help="改为新的办结时限 YYYY-MM-DD（代替顺延）", metavar="DATE")] = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    note: NoteOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """恢复办理暂缓的事项：时限顺延暂缓的工作日数，或用 --to 重新确定。"""
    from ledger.services import workflow

    task = workflow.resume(_env(ledger, by=by, future=future), task_id, to, on, note)
    _out(f"{task.id} 已恢复办理，时限 {task.due}")


@app.command("report-difficulty")
def report_difficulty(
    task_id: IdArg,
    text: Annotated[str, typer.Argument(help="难以执行的情况和原因", metavar="TEXT")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位反馈决定难以执行（应在决定后 5 个工作日内）；督查室须在 3 个工作日内答复。"""
    from ledger.services import workflow

    task = workflow.report_difficulty(_env(ledger, by=by, future=future), task_id, text, on)
    d = task.difficulties[-1]
    late = f"（迟于应反馈期限 {d.report_due}）" if d.report_due and d.on > d.report_due else ""
    _out(f"已记录 {task.id} 难以执行的反馈{late}，请于 {d.answer_due} 前答复（taizhang answer）")


@app.command()
def answer(
    task_id: IdArg,
    decision: Annotated[str, typer.Argument(help="continue 继续执行、suspend 暂缓执行、redirect 按新的办法执行", metavar="continue|suspend|redirect")],
    note: NoteOpt = None,
    to: Annotated[Optional[str], typer.Option("--to", help="按新的办法执行时的新时限 YYYY-MM-DD", metavar="DATE")] = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """答复难以执行的反馈：继续执行、暂缓执行（事项转为暂缓）或按新的办法执行。"""
    from ledger.domain.model import DIFFICULTY_ANSWERS
    from ledger.services import workflow

    task = workflow.answer(_env(ledger, by=by, future=future), task_id, decision, note, on, to)
    _out(f"已答复 {task.id}：{DIFFICULTY_ANSWERS[decision]}")


milestone_app = typer.Typer(help="时间节点：增加、完成。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(milestone_app, name="milestone")


@milestone_app.command("add")
def milestone_add(
    task_id: IdArg,
    spec: Annotated[str, typer.Argument(help="日期:内容 或 期限:内容（期限从交办日期起算），如 2026-06-30:完成招标", metavar="DATE|SPAN:TEXT")],
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """给事项增加一个时间节点；节点过期未完成时亮黄灯。"""
    from ledger.services import workflow

    task = workflow.milestone_add(_env(ledger, by=by), task_id, spec)
    _out(f"已为 {task.id} 增加时间节点（共 {len(task.milestones)} 个）")


@milestone_app.command("done")
def milestone_done(
    task_id: IdArg,
    n: Annotated[int, typer.Argument(help="时间节点序号（见 taizhang show）", metavar="N")],
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """登记第 N 个时间节点已完成。"""
    from ledger.services import workflow

    task = workflow.milestone_done(_env(ledger, by=by, future=future), task_id, n, on)
    _out(f"{task.id} 第 {n} 个时间节点已完成")


@app.command()
def escalate(
    task_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="协调层级：office 办公室、deputy 分管领导、head 主要领导", metavar="office|deputy|head")],
    note: Annotated[str, typer.Option("--note", help="协调情况（必填）", metavar="TEXT")],
    resolved: Annotated[bool, typer.Option("--resolved", help="本次协调已解决问题")] = False,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录一次协调及其层级；两次协调仍未解决时，show 和 check --strict 提示须书面上报。"""
    from ledger.domain.cycles import written_report_due
    from ledger.services import workflow

    task = workflow.escalate(_env(ledger, by=by, future=future), task_id, to, note, resolved, on)
    _out(f"已记录 {task.id} 的协调（共 {len(task.coordinations)} 次）")
    if written_report_due(task):
        _out("提示：已两次以上协调仍未解决，须以书面形式上报协调情况、原因和意见建议")


@app.command()
def notice(
    task_id: IdArg,
    due: Annotated[Optional[str], typer.Option("--due", help="整改期限 YYYY-MM-DD", metavar="DATE")] = None,
    within: Annotated[Optional[str], typer.Option("--within", help="整改期限，如 10wd", metavar="SPAN")] = None,
    note: NoteOpt = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """下达督查通知书（统一编号，如 督通〔2026〕1号），责令限期整改。"""
    from ledger.services import workflow

    task = workflow.notice(_env(ledger, as_of, by), task_id, due, within, note)
    n = task.notices[-1]
    _out(f"已对 {task.id} 下达督查通知书 {n.number}，限 {n.fix_due} 前整改")


@app.command("print")
def print_(
    task_id: IdArg,
    kind: Annotated[str, typer.Option("--kind", help="assign 交办单、remind 催办单、supervise 督办单、notice 督查通知书", metavar="assign|remind|supervise|notice")],
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="写入 FILE.docx 或 FILE.pdf（PDF 需 LibreOffice；默认 编号-单名.docx）", metavar="FILE")] = None,
    number: Annotated[Optional[str], typer.Option("--number", help="打印哪一份：文号如 督〔2026〕3号，或只写序号 3（默认最近一份）", metavar="文号")] = None,
    ledger: LedgerOpt = None,
) -> None:
    """按 GB/T 9704-2012 版式打印公文：交办单、催办单、督办单、督查通知书（文号沿用台账编发的）。

    版式可由台账的 templates/print.docx 覆盖，文字可由 templates/print_KIND.txt 覆盖。
    """
    from ledger.services import documents

    _out(f"已生成：{documents.print_task(_env(ledger), task_id, kind, output, number)}")


@app.command()
def interview(
    task_id: IdArg,
    person: Annotated[str, typer.Option("--person", help="被约谈人（单位分管负责人）", metavar="NAME")],
    note: NoteOpt = None,
    on: OnOpt = None,
    future: FutureOpt = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """记录约谈；同一人一年内被约谈两次的，check --strict 提示通报批评。"""
    from ledger.services import workflow

    env = _env(ledger, by=by, future=future)
    task = workflow.interview(env, task_id, person, note, on)
    i = task.interviews[-1]
    _out(f"已记录约谈 {i.person}（{task.id}）")
    times = workflow.interview_count(env, i.person, i.on.year)
    if times >= 2:
        _out(f"提示：{i.person} {i.on.year} 年内已被约谈 {times} 次，应予通报批评")


@app.command("due-reports")
def due_reports(
    as_of: AsOfOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="输出格式")] = Fmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """列出当前应报未报的进展（按 add --report 的周期）：应报为黄灯，超期未报为红灯。"""
    from ledger.formats.render import dumps
    from ledger.services import workflow

    items = workflow.due_reports(_env(ledger, as_of))
    rows = [{"id": r.task.id, "title": r.task.title, "lead_unit": r.task.lead_unit, "report_cycle": r.task.report_cycle,
             "period_after": r.period_after.isoformat(), "due": r.due.isoformat(), "state": r.state,
             "light": "red" if r.state == "missed" else "yellow"} for r in items]
    if fmt == Fmt.json:
        _out(dumps(rows))
        return
    if fmt == Fmt.csv:
        from ledger.formats.render import csv_text

        _out(csv_text(rows, ("id", "title", "lead_unit", "report_cycle", "period_after", "due", "state")))
        return
    from rich.table import Table

    table = Table(title=f"应报进展（{len(rows)} 项）", header_style="bold")
    for c in ("编号", "牵头单位", "事项", "周期", "应报期限", "情况"):
        table.add_column(c)
    for r in rows:
        table.add_row(r["id"], r["lead_unit"], r["title"], r["report_cycle"], r["due"],
                      "超期未报" if r["state"] == "missed" else "待报")
    _print(table)


# -- audit trail and several clerks (issue 5) --
def _log_rows(entries) -> "object":
    from rich.table import Table

    from ledger.domain.audit import diff_text, field_diff

    table = Table(title=f"变更记录（{len(entries)} 次提交）", header_style="bold")
    for c in ("时间", "经办人", "动作", "变更", "字段（原 → 新）", "提交"):
        table.add_column(c, no_wrap=c in ("时间", "动作", "提交"))
    for e in entries:
        fields = "\n".join(
            f"{c.task_id} " + "；".join(diff_text(d) for d in field_diff(c.old, c.new))
            for c in e.changes)
        table.add_row(e.date[:16].replace("T", " "), e.author, e.action or "手工修改", e.subject, fields, e.sha[:8])
    return table


@app.command()
def log(
    task_id: Annotated[Optional[str], typer.Argument(help="事项编号；不写则列出全台账的变更", metavar="[ID]")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="从该日起（按记录的日期，即显示的日期；YYYY-MM-DD，或 昨天、上周一、本月初 等）", metavar="DATE")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="到该日止（含当日；写法同 --since）", metavar="DATE")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="只看该经办人（姓名或邮箱）的变更", metavar="CLERK")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="只看牵头或责任单位为该单位的事项", metavar="UNIT")] = None,
    action: Annotated[Optional[str], typer.Option("--action", help="只看该动作：add、progress、done、close、extend、urge、reopen、cancel、undo、hand-edit 等", metavar="ACTION")] = None,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """从 git 历史读出变更：谁、何时、做了什么、哪些字段从什么改成什么。给出编号则只看该事项。"""
    from ledger.domain.audit import entry_json
    from ledger.formats.render import dumps, log_json, log_table
    from ledger.services import common, reading, trail

    env = _env(ledger)
    if task_id and not any((since, until, by, unit, action)):
        commits = reading.log(env, task_id)  # CLI.md's `log ID`, unchanged
        if fmt == ShowFmt.json:
            _out(dumps(log_json(commits)))
        else:
            _print(log_table(common.resolve_id(task_id, env.today), commits))
        return
    entries = trail.log(env, since, until, by, unit, action, task_id)
    if fmt == ShowFmt.json:
        _out(dumps([entry_json(e) for e in entries]))
    else:
        _print(_log_rows(entries))


@app.command()
def review(
    since: Annotated[str, typer.Option("--since", help="从该日起（按记录的日期；YYYY-MM-DD，或 昨天、上周一、本月初 等）", metavar="DATE")],
    until: Annotated[Optional[str], typer.Option("--until", help="到该日止（含当日；写法同 --since）", metavar="DATE")] = None,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """督查室负责人的变更摘要：新交办、销号、延期、转红灯、催办，以及未经 taizhang 的手工修改，各列经办人和时间。"""
    from rich.table import Table

    from ledger.domain.audit import REVIEW_KINDS
    from ledger.formats.render import dumps
    from ledger.services import trail

    digest = trail.review(_env(ledger, as_of), since, until)
    if fmt == ShowFmt.json:
        _out(dumps(digest))
        return
    for kind, label in REVIEW_KINDS.items():
        rows = digest[kind]
        table = Table(title=f"{label}（{len(rows)}）", header_style="bold", title_justify="left")
        for c in ("事项", "名称", "经办人/责任单位", "时间", "说明"):
            table.add_column(c)
        for r in rows:
            table.add_row(r["task"] or "—", r["title"], r["who"], (r["when"] or "")[:16].replace("T", " "), r["detail"])
        _print(table)


@app.command()
def audit(
    strict: Annotated[bool, typer.Option("--strict", help="手工修改也算问题（以 1 退出）")] = False,
    anchor: Annotated[bool, typer.Option("--anchor", help="审计通过后把当前 HEAD 记为锚点（.git/taizhang/anchor），之后的审计检查历史未被改写")] = False,
    fmt: Annotated[ShowFmt, typer.Option("--format", help="输出格式")] = ShowFmt.table,
    ledger: LedgerOpt = None,
) -> None:
    """审计 git 历史本身：删除事项文件、已销号事项未经退回被改、倒签日期、手工修改、历史改写、未签名提交；有问题以 1 退出。"""
    from ledger.formats.render import dumps
    from ledger.services import trail

    found = trail.run_audit(_env(ledger), strict, anchor)
    if fmt == ShowFmt.json:
        _out(dumps([{"kind": f.kind, "commit": f.commit, "path": f.path, "message": f.message, "fatal": f.fatal}
                    for f in found]))
    else:
        for f in found:
            _out(("" if f.fatal else "提示：") + str(f))
    if any(f.fatal for f in found):
        raise typer.Exit(1)


@app.command()
def undo(ledger: LedgerOpt = None, by: ByOpt = None) -> None:
    """撤回本人最近一次 taizhang 变更（git revert，历史中两次提交都保留）；之后有别的提交改过同一文件时拒绝。"""
    from ledger.services import trail

    sha, subject = trail.undo(_env(ledger, by=by))
    _out(f"已撤回：{subject}（{sha[:8]}）")


@app.command()
def sync(
    remote: Annotated[Optional[str], typer.Option("--remote", help="远程仓库名（默认：当前分支跟踪的远程仓库，或 origin）", metavar="NAME")] = None,
    no_push: Annotated[bool, typer.Option("--no-push", help="只取回并变基，不推送")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """与服务器上的台账同步：取回、把本地提交接在远程提交之后（离线时编号撞车的新事项改号）、推送。
    双方把同一字段改成不同的值时停下并恢复原状，以 1 退出。"""
    from ledger.services import sync as sync_service

    res = sync_service.sync(_env(ledger, by=by), remote, push=not no_push)
    for old, new in res.renumbered.items():
        _out(f"改号：本地新登记的 {old} 在 {res.remote} 上已被占用，已改为 {new}")
    for old, new in res.renumbered_numbers.items():
        _out(f"改号：本地新发的 {old} 在 {res.remote} 上已被使用，已改为 {new}")
    parts = [f"取回 {res.received} 个提交", f"推送 {res.sent} 个提交"]
    if res.pending:
        parts.append(f"{res.pending} 个本地提交未推送（--no-push）")
    _out(f"已与 {res.remote}/{res.branch} 同步：{'，'.join(parts)}")
    if res.head_fixed:
        _out(res.head_fixed)
    if res.head_note:
        print(f"注意：{res.head_note}", file=sys.stderr)


@app.command()
def clone(
    url: Annotated[str, typer.Argument(help="服务器上台账仓库的地址（https://、ssh、git://、file:// 或路径）", metavar="URL")],
    dest: Annotated[Optional[str], typer.Argument(help="新目录（默认取地址的最后一段）", metavar="DIR")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="你的姓名，记在每次变更上（默认取 git 的全局 user.name）", metavar="NAME")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="你的邮箱（默认取 git 的全局 user.email）", metavar="EMAIL")] = None,
) -> None:
    """加入督查室的共用台账：克隆服务器上的台账、检出台账分支（不论服务器默认分支是什么）、装好校验钩子和合并驱动。"""
    from ledger.files import remote

    res = remote.clone(url, dest, name, email, warn=lambda m: print(m, file=sys.stderr))
    _out(f"已克隆台账：{res.root}（{res.url} 的 {res.branch} 分支，{res.tasks} 项事项；经办人 {res.clerk}）")
    if res.head_note:
        print(f"注意：{res.head_note}", file=sys.stderr)
    _out(f"下一步：cd {res.root} && taizhang list；登记或修改之后运行 taizhang sync，与其他经办人同步")


@app.command()
def setup(ledger: LedgerOpt = None) -> None:
    """为本克隆装好校验钩子、合并驱动和索引设置。

    init、clone 和克隆后的第一次修改会自动做；只读的命令（list、show、report……）从不改动 .git。
    用 git clone 直接克隆、或钩子被删改后，可运行本命令重新装好。
    """
    from ledger.files.hooks import ensure_setup

    env = _env(ledger)
    root = env.ledger().root
    ensure_setup(root, env.warn, again=True)
    _out(f"已为 {root} 装好校验钩子和合并驱动")


guard_app = typer.Typer(help="服务器端把关：在服务器的裸仓库上装 pre-receive 钩子，逐个检查推送来的提交。",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(guard_app, name="guard")


@guard_app.command("install")
def guard_install(
    bare: Annotated[str, typer.Argument(help="服务器上台账的裸仓库目录", metavar="BARE_REPO")],
) -> None:
    """在服务器的裸仓库里装上 pre-receive 钩子：改写历史、删除事项、校验不通过、操作与改动不符、越权的推送一律拒绝。"""
    from ledger.services import guard

    hook = guard.install(bare)
    _out(f"已安装服务器端校验钩子：{hook}")


@guard_app.command("pre-receive")
def guard_pre_receive() -> None:
    """钩子运行的命令：从标准输入读 git 的“旧提交 新提交 引用名”行，有问题就拒绝整次推送（以 1 退出）。"""
    from ledger.services import guard

    code = guard.hook_main()
    if code:
        raise typer.Exit(code)


@app.command("merge-driver", hidden=True)
def merge_driver(
    base: Annotated[str, typer.Argument(help="共同祖先版本 %O")],
    ours: Annotated[str, typer.Argument(help="本方版本 %A（结果写回这里）")],
    theirs: Annotated[str, typer.Argument(help="对方版本 %B")],
    path: Annotated[str, typer.Argument(help="文件路径 %P")] = "",
) -> None:
    """git 合并驱动（由 taizhang 自动登记）：合并同一事项文件的两方修改。"""
    from pathlib import Path

    from ledger.files import codec
    from ledger.files.atomic import atomic_write
    from ledger.services.sync import MergeConflict, merge_files

    task_id = Path(path).stem if path else ""
    try:
        merged = merge_files(Path(base).read_bytes(), Path(ours).read_bytes(), Path(theirs).read_bytes(), task_id)
    except (MergeConflict, codec.FormatError) as e:
        print(f"taizhang：无法自动合并 {path}：{getattr(e, 'message', e)}；请双方商定后由一人修改", file=sys.stderr)
        raise typer.Exit(1)
    atomic_write(Path(ours), merged)


# -- units report back: the Excel round -------------------------------------------------
collect_app = typer.Typer(help="各单位报送进展：发出 Excel 报送表、收回、查看谁未报。", no_args_is_help=True,
                          rich_markup_mode=None)
app.add_typer(collect_app, name="collect")


@collect_app.command("out")
def collect_out(
    output: Annotated[str, typer.Option("-o", "--output", help="报送表写入的目录（不存在时新建）", metavar="DIR")],
    unit: Annotated[Optional[list[str]], typer.Option("--unit", help="只给这个单位发（可重复；默认所有有在办事项的单位）", metavar="UNIT")] = None,
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """每个单位一份报送表（如 2026-11_市住建局.xlsx）：列出该单位牵头或配合的在办事项，留出填报列；本轮记入 rounds/，一次提交。"""
    from ledger.services import collect_out as out

    round_, books = out.collect_out(_env(ledger, as_of, by), unit or [], output)
    for b in books:
        _out(f"{b.path}（{len(b.rows)} 项）")
    _out(f"已发出 {round_} 轮报送表 {len(books)} 份，共 {sum(len(b.rows) for b in books)} 项")


@collect_app.command("in")
def collect_in(
    files: Annotated[list[str], typer.Argument(help="各单位报回的报送表（.xlsx，可多个）", metavar="FILE...")],
    on: Annotated[Optional[str], typer.Option("--on", help="收回日期 YYYY-MM-DD（默认今天），即进展的日期", metavar="DATE")] = None,
    limit: Annotated[Optional[list[str]], typer.Option("--limit", help="放宽读表限制，如 --limit rows=100000", metavar="KEY=N")] = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """收回报送表：先逐行校验全部文件，都没有问题才记录进展、申请办结和延期申请，每份表一次提交。"""
    from ledger.services import collect_in as cin

    result = cin.receive(_env(ledger, by=by), files, on, limit)
    for p in result.problems:
        sys.stderr.write(f"{p}\n")
    if result.problems:
        bad = len({p.path for p in result.problems})
        raise UsageError(f"{bad} 份报送表有 {len(result.problems)} 处问题，全部未收录",
                         "请按上面列出的工作表和行改正（或退回单位重填）后重新收回")
    for b in result.books:
        empty = len(b.sent.empty)
        _out(f"已收回 {b.round} 轮 {b.unit} 的报送表：更新 {len(b.changed)} 项" + (f"，未填 {empty} 项" if empty else ""))


@collect_app.command("status")
def collect_status(
    round_: Annotated[Optional[str], typer.Option("--round", help="轮次 YYYY-MM（默认最近一轮）", metavar="YYYY-MM")] = None,
    fmt: Annotated[TextFmt, typer.Option("--format", help="text 或 json", metavar="text|json")] = TextFmt.text,
    ledger: LedgerOpt = None,
) -> None:
    """本轮报送情况：哪些单位已报、哪些应报未报、报回的表中哪些事项未填。"""
    from ledger.formats.render import dumps
    from ledger.services import rounds

    st = rounds.status(_env(ledger), round_)
    if fmt == TextFmt.json:
        _out(dumps(st.as_json()))
        return
    from ledger.formats.render import round_table

    _print(round_table(st))
    missing = [u.unit for u in st.missing]
    _out(f"已报 {len(st.units) - len(missing)} 个单位，应报未报 {len(missing)} 个" + (f"：{'、'.join(missing)}" if missing else ""))
    if missing:
        _out(f"催报：taizhang urge --round {st.round}")


@app.command("request-extension")
def request_extension(
    task_id: IdArg,
    to: Annotated[str, typer.Option("--to", help="申请的新时限 YYYY-MM-DD", metavar="DATE")],
    reason: Annotated[str, typer.Option("--reason", help="申请延期的理由（必填）", metavar="TEXT")],
    on: OnOpt = None,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """责任单位申请延期：记为待批准的申请，时限不变；督查室用 taizhang extend 批准。"""
    from ledger.services import requests

    task = requests.request_extension(_env(ledger, by=by), task_id, to, reason, on)
    r = task.extension_requests[-1]
    _out(f"已记录 {task.id} 的延期申请：{task.due} → {r.requested_due}（待督查室批准：taizhang extend {task.id} --to {r.requested_due} --reason …）")


# -- the one place errors become exit codes ------------------------------------------
_CLICK_WORDS = (
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing option", "缺少必填选项"),
    ("Missing argument", "缺少参数"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("Invalid value for", "取值无效："),
    ("requires an argument", "需要一个值"),
    ("is not one of", "不在可选范围内："),
    ("Option", "选项"),
)


def _usage_line(message: str) -> str:
    for en, zh in _CLICK_WORDS:
        message = message.replace(en, zh)
    # An option's own check may already say 错误：; the line gets the prefix once.
    return message.replace("\n", " ").strip().rstrip(".").removeprefix("错误：")


# Typer may carry click vendored or not; reach its exception types through typer's own.
ClickUsageError = typer.BadParameter.__mro__[1]
ClickException = ClickUsageError.__mro__[1]


def _lean_option_parsing() -> None:
    """Skip pydantic for options that are only text, lists of text or text choices.

    Typer 0.2x coerces every option through a pydantic TypeAdapter: importing pydantic and
    building the adapters costs 60–100 ms of CPU on each command, more than reading 10,000
    cached tasks. Click already hands these options over as text, so they pass straight
    through; any other annotation, or a typer without this hook, keeps typer's own path.
    """
    try:
        from typer import core as typer_core
        from typer._click.exceptions import BadParameter
        from typer._coercion import RuntimeParam
    except ImportError:
        return
    original = getattr(typer_core, "build_runtime_param", None)
    if original is None or getattr(original, "_taizhang", False):
        return
    texts = {str, Optional[str]}
    lists = {list[str], Optional[list[str]]}

    class TextParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            if self.annotation in lists:
                return [str(v) for v in value]
            return value if isinstance(value, str) else str(value)

    class ChoiceParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            enum = self.annotation
            if isinstance(value, enum):
                return value
            try:
                return enum(value)
            except ValueError:
                allowed = ", ".join(repr(m.value) for m in enum)
                raise BadParameter(f"{value!r} is not one of {allowed}.", ctx=ctx, param=param) from None

    class FlagParam(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            if isinstance(value, bool):
                return value
            return original(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    def build(descriptor):
        ann = descriptor.annotation
        if descriptor.file_annotation is None:
            if ann is bool:
                return FlagParam(parameter_info=descriptor.parameter_info, annotation=ann)
            if ann in texts or ann in lists:
                return TextParam(parameter_info=descriptor.parameter_info, annotation=ann)
            if isinstance(ann, type) and issubclass(ann, Enum) and issubclass(ann, str):
                return ChoiceParam(parameter_info=descriptor.parameter_info, annotation=ann)
        return original(descriptor)

    build._taizhang = True
    typer_core.build_runtime_param = build


def main(argv: list[str] | None = None) -> int:
    return _guarded(lambda: _invoke(argv))


def _invoke(argv: list[str] | None) -> int:
    """Run typer without its own error printing, turning click's usage errors into one line."""
    global _global_ledger
    _lean_option_parsing()
    _global_ledger = None
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="taizhang", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except SystemExit as e:
        if type(sys.stdout).__name__ != "PacifyFlushWrapper":
            raise
        return _closed_stdout(e)
    except ClickUsageError as e:
        if type(e).__name__ == "NoArgsIsHelpError" and e.ctx is not None:
            print(e.ctx.get_help())
            return 0
        sub = e.ctx.command_path if e.ctx else "taizhang"
        print(f"错误：{_usage_line(e.format_message())}；请运行 {sub} --help 查看用法", file=sys.stderr)
        return 2
    except ClickException as e:
        print(f"错误：{e.format_message()}", file=sys.stderr)
        return getattr(e, "exit_code", 2)
    except typer.Abort:
        print("已中断", file=sys.stderr)
        return 130


def _closed_stdout(e: SystemExit) -> int:
    """Click's answer to EPIPE is exit 1; a command that committed has succeeded whatever became of its output
    (a script that saw 1 would retry and issue a second numbered notice)."""
    from ledger.files.transaction import WRITE_CUT

    if WRITE_CUT:
        print("错误：输出被关闭，命令未完成，台账未改变；请重新运行", file=sys.stderr)
        return 1
    return 0


def run() -> None:
    """Console-script entry point."""
    rc = main()
    try:
        sys.stdout.flush()  # what is still buffered: a reader gone by now must not turn 0 into 120
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(rc)


if __name__ == "__main__":
    run()
