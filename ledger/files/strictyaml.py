"""The one strict YAML loader of the ledger's files: ruamel's safe loader without tags, anchors or aliases."""

from __future__ import annotations

import re
from typing import Any

MAX_FILE_BYTES = 256 * 1024

# Characters that YAML or terminals treat specially and that no clerk types on purpose;
# U+FFFE/U+FFFF are refused by the YAML reader itself, so they must be refused on input too.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


class FormatError(Exception):
    """A task file that cannot be read: the message names what is wrong, line is 1-based."""

    def __init__(self, message: str, line: int = 1, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key  # the top-level key at fault, when the message does not start with it


def bad_char(text: str) -> str | None:
    """The first control character in text, as U+XXXX, or None."""
    m = _BAD_CHARS.search(text)
    return f"U+{ord(m.group()):04X}" if m else None


# -- reading ------------------------------------------------------------------
_yaml = None


def _loader():
    """A pure-Python safe loader that refuses tags, anchors and aliases (built once)."""
    global _yaml
    if _yaml is None:
        from ruamel.yaml import YAML
        from ruamel.yaml.composer import Composer
        from ruamel.yaml.constructor import SafeConstructor
        from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

        class StrictComposer(Composer):
            def compose_node(self, parent, index):
                event = self.parser.peek_event()
                line = event.start_mark.line + 1
                if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                    raise FormatError("不允许使用 YAML 锚点或别名（& / *）", line)
                tag = getattr(event, "tag", None)
                if isinstance(event, (ScalarEvent, CollectionStartEvent)) and tag not in (None, "!"):
                    raise FormatError(f"不允许使用 YAML 标签 {tag}", line)
                return super().compose_node(parent, index)

        class StrictConstructor(SafeConstructor):
            def construct_yaml_timestamp(self, node, values=None):
                # ruamel lets date(2026, 2, 30)'s ValueError escape; make it a located FormatError.
                try:
                    return super().construct_yaml_timestamp(node, values)
                except ValueError:
                    raise FormatError(f"不是存在的日期：{node.value}", node.start_mark.line + 1) from None

        StrictConstructor.add_constructor(
            "tag:yaml.org,2002:timestamp", StrictConstructor.construct_yaml_timestamp
        )

        y = YAML(typ="safe", pure=True)
        y.Composer = StrictComposer
        y.Constructor = StrictConstructor
        y.allow_duplicate_keys = False
        _yaml = y
    return _yaml


def load_yaml(data: bytes) -> Any:
    """Parse one YAML document under the ledger's rules, or raise FormatError."""
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"文件超过 {MAX_FILE_BYTES // 1024} KiB，拒绝读取")
    if data.startswith(b"\xef\xbb\xbf"):
        raise FormatError("文件以 BOM 开头，请另存为不带 BOM 的 UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FormatError("不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8", line) from None
    for lineno, line in enumerate(text.split("\n"), 1):
        if "\r" in line:
            raise FormatError("含有回车符（CRLF），请改为 LF 换行", lineno)
        if line.startswith("%"):
            raise FormatError("不允许 YAML 指令（如 %YAML 1.1）", lineno)
        if line[: len(line) - len(line.lstrip(" \t"))].count("\t"):
            raise FormatError("缩进里有制表符，请改用空格", lineno)
        ch = bad_char(line.replace("\t", " "))
        if ch:
            raise FormatError(f"含有控制字符 {ch}", lineno)
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        value = _loader().load(text)
    except FormatError:
        raise
    except RecursionError:  # 500 nested brackets in a 1 KB file: refused, like any other bad file
        raise FormatError("嵌套层数过多，拒绝读取") from None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        problem = e.problem or str(e).splitlines()[0]
        raise FormatError(f"YAML 语法错误：{problem}", line) from None
    except YAMLError as e:
        raise FormatError(f"YAML 语法错误：{str(e).splitlines()[0]}") from None
    _refuse_escaped_controls(value, text)
    return value


def visible_bad_char(text: str) -> str | None:
    """A control character a decoded value may not hold: tab and newline are text, the rest are not."""
    return bad_char(text.replace("\t", " ").replace("\n", " "))


def printable(text: str) -> str:
    """Text from git (a commit's author, subject, body) with its control characters shown as U+FFFD."""
    return _BAD_CHARS.sub("\ufffd", text)


def _refuse_escaped_controls(value: Any, text: str) -> None:
    """The line check above sees the file's bytes; "\\u001b" written as an escape only shows decoded."""
    stack = [(value, None)]
    while stack:
        item, top = stack.pop()
        if isinstance(item, str):
            ch = visible_bad_char(item)
            if ch:
                where = key_line(text, top) if top else 1
                raise FormatError(f"{top + ' ' if top else ''}含有控制字符 {ch}（以转义写入）", where)
        elif isinstance(item, dict):
            for k, v in item.items():
                key = top if top is not None or not isinstance(k, str) else k
                stack.append((k, key))
                stack.append((v, key))
        elif isinstance(item, list):
            stack.extend((v, top) for v in item)


def key_line(text: str, key: str, default: int = 1) -> int:
    """The line where a top-level key starts, for `file:line:` messages."""
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else default
