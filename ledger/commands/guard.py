"""The server side: guard install and the pre-receive hook it runs."""

from typing import Annotated

import typer

from .exits import out

guard_app = typer.Typer(help="服务器端把关：在服务器的裸仓库上装 pre-receive 钩子，逐个检查推送来的提交。",
                        no_args_is_help=True, rich_markup_mode=None)


@guard_app.command("install")
def guard_install(
    bare: Annotated[str, typer.Argument(help="服务器上台账的裸仓库目录", metavar="BARE_REPO")],
) -> None:
    """在服务器的裸仓库里装上 pre-receive 钩子：改写历史、删除事项、校验不通过、操作与改动不符、越权的推送一律拒绝。"""
    from ledger.services import guard

    hook = guard.install(bare)
    out(f"已安装服务器端校验钩子：{hook}")


@guard_app.command("pre-receive")
def guard_pre_receive() -> None:
    """钩子运行的命令：从标准输入读 git 的“旧提交 新提交 引用名”行，有问题就拒绝整次推送（以 1 退出）。"""
    from ledger.services import guard

    code = guard.hook_main()
    if code:
        raise typer.Exit(code)
