"""The one place errors become exit codes: one Chinese line on stderr, never a traceback."""

# Imports nothing heavy at the top: the script's fast lane answers through guarded() before typer loads.
import os
import sys
from enum import Enum
from typing import Optional


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
    # An option's own check may already say 错误：; the line gets the prefix once.
    return message.replace("\n", " ").strip().rstrip(".").removeprefix("错误：")


def invoke(app, argv: list[str] | None) -> int:
    """Run the typer app without its own error printing, turning click's usage errors into one line."""
    import typer

    lean_option_parsing()
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


def lean_option_parsing() -> None:
    """Skip pydantic for options that are only text, lists of text or text choices.

    Typer 0.2x coerces every option through a pydantic TypeAdapter: importing pydantic and
    building the adapters costs 60–100 ms of CPU on each command, more than reading 10,000
    cached tasks. Click already hands these options over as text, so they pass straight
    through; any other annotation, or a typer without this hook, keeps typer's own path.

    This is the one place that reaches into typer's private modules: typer 0.29 offers no
    public way round the adapters (parser= builds one too). Without it `show`, `add` and
    `list` as a table cost ~0.07 s CPU and ~10 MiB more each (measured on 10,000 tasks).
    """
    try:
        from typer import core as typer_core
        from typer._click.exceptions import BadParameter
        from typer._coercion import RuntimeParam
    except ImportError:
        return
    original = getattr(typer_core, "build_runtime_param", None)
    if original is None or getattr(original, "lean_taizhang", False):
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

    build.lean_taizhang = True
    typer_core.build_runtime_param = build


def out(text: str) -> None:
    """One line (or block) to stdout, with its newline: for the commands and the fast lane alike."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
