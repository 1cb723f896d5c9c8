"""The one place errors become exit codes: one Chinese line on stderr, never a traceback."""

# Imports nothing heavy at the top: the script's fast lane answers through guarded() before typer loads.
import os
import sys


def guarded(work) -> int:
    """Run work() and turn what it raises into one line on stderr and an exit code."""
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


CLICK_WORDS = (
    # click's English punctuation around its own words first: one Chinese sentence, not a mixture
    ("No such option: ", "没有这个选项 "),
    (" (Possible options: ", "（可用的选项："),
    ("'. Did you mean ", "'，是不是要写 "),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing option", "缺少必填选项"),
    ("Missing argument", "缺少参数"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("Invalid value for", "取值无效："),
    ("requires an argument", "需要一个值"),
    ("is not one of", "不在可选范围内："),
    ("Possible options: ", "可用的选项："),
    ("Did you mean", "是不是要写"),
    ("Option", "选项"),
)


def usage_line(message: str) -> str:
    for en, zh in CLICK_WORDS:
        message = message.replace(en, zh)
    if "（可用的选项：" in message and message.endswith(")"):
        message = message[:-1] + "）"
    if "是不是要写" in message and message.endswith("'?"):
        message = message[:-1] + "？"
    # An option's own check may already say 错误：; the line gets the prefix once.
    return message.replace("\n", " ").strip().rstrip(".").removeprefix("错误：")


def invoke(app, argv: list[str] | None) -> int:
    """Run the typer app without its own error printing, turning click's usage errors into one line."""
    import typer

    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="taizhang", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except SystemExit as e:
        if type(sys.stdout).__name__ != "PacifyFlushWrapper":
            raise
        return closed_stdout(e)
    except typer.TyperException as e:  # click's own errors (typer carries click inside) derive from it
        if not hasattr(e, "ctx"):  # not a usage error: only click's UsageError and its kinds carry the context
            print(f"错误：{e.format_message()}", file=sys.stderr)
            return e.exit_code
        if type(e).__name__ == "NoArgsIsHelpError" and e.ctx is not None:
            print(e.ctx.get_help())
            return 0
        sub = e.ctx.command_path if e.ctx else "taizhang"
        print(f"错误：{usage_line(e.format_message())}；请运行 {sub} --help 查看用法", file=sys.stderr)
        return 2
    except typer.Abort:
        print("已中断", file=sys.stderr)
        return 130


def closed_stdout(e: SystemExit) -> int:
    """Click's answer to EPIPE is exit 1; a command that committed has succeeded whatever became of its output
    (a script that saw 1 would retry and issue a second numbered notice)."""
    from ledger.files.transaction import WRITE_CUT

    if WRITE_CUT:
        print("错误：输出被关闭，命令未完成，台账未改变；请重新运行", file=sys.stderr)
        return 1
    return 0


def out(text: str) -> None:
    """One line (or block) to stdout, with its newline: for the commands and the fast lane alike."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
