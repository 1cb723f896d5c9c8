"""Several clerks, one ledger: sync, clone, setup and the git merge driver."""

import sys
from typing import Annotated, Optional

import typer

from .exits import out
from .options import ByOpt, LedgerOpt, make_env


def sync(
    ctx: typer.Context,
    remote: Annotated[Optional[str], typer.Option("--remote", help="远程仓库名（默认：当前分支跟踪的远程仓库，或 origin）", metavar="NAME")] = None,
    no_push: Annotated[bool, typer.Option("--no-push", help="只取回并变基，不推送")] = False,
    ledger: LedgerOpt = None,
    by: ByOpt = None,
) -> None:
    """与服务器上的台账同步：取回、把本地提交接在远程提交之后（离线时编号撞车的新事项改号）、推送。
    双方把同一字段改成不同的值时停下并恢复原状，以 1 退出。"""
    from ledger.services import sync as sync_service

    res = sync_service.sync(make_env(ctx, ledger, by=by), remote, push=not no_push)
    for old, new in res.renumbered.items():
        out(f"改号：本地新登记的 {old} 在 {res.remote} 上已被占用，已改为 {new}")
    for old, new in res.renumbered_numbers.items():
        out(f"改号：本地新发的 {old} 在 {res.remote} 上已被使用，已改为 {new}")
    parts = [f"取回 {res.received} 个提交", f"推送 {res.sent} 个提交"]
    if res.pending:
        parts.append(f"{res.pending} 个本地提交未推送（--no-push）")
    out(f"已与 {res.remote}/{res.branch} 同步：{'，'.join(parts)}")
    if res.head_fixed:
        out(res.head_fixed)
    if res.head_note:
        print(f"注意：{res.head_note}", file=sys.stderr)


def clone(
    url: Annotated[str, typer.Argument(help="服务器上台账仓库的地址（https://、ssh、git://、file:// 或路径）", metavar="URL")],
    dest: Annotated[Optional[str], typer.Argument(help="新目录（默认取地址的最后一段）", metavar="DIR")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="你的姓名，记在每次变更上（默认取 git 的全局 user.name）", metavar="NAME")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="你的邮箱（默认取 git 的全局 user.email）", metavar="EMAIL")] = None,
) -> None:
    """加入督查室的共用台账：克隆服务器上的台账、检出台账分支（不论服务器默认分支是什么）、装好校验钩子和合并驱动。"""
    from ledger.files import remote

    res = remote.clone(url, dest, name, email, warn=lambda m: print(m, file=sys.stderr))
    out(f"已克隆台账：{res.root}（{res.url} 的 {res.branch} 分支，{res.tasks} 项事项；经办人 {res.clerk}）")
    if res.head_note:
        print(f"注意：{res.head_note}", file=sys.stderr)
    out(f"下一步：cd {res.root} && taizhang list；登记或修改之后运行 taizhang sync，与其他经办人同步")


def setup(ctx: typer.Context, ledger: LedgerOpt = None) -> None:
    """为本克隆装好校验钩子、合并驱动和索引设置。

    init、clone 和克隆后的第一次修改会自动做；只读的命令（list、show、report……）从不改动 .git。
    用 git clone 直接克隆、或钩子被删改后，可运行本命令重新装好。
    """
    from ledger.files.hooks import ensure_setup

    env = make_env(ctx, ledger)
    root = env.ledger().root
    ensure_setup(root, env.warn, again=True)
    out(f"已为 {root} 装好校验钩子和合并驱动")


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
