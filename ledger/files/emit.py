"""Task files as taizhang writes them: fixed key order, plain scalars only where no YAML reader could misread them."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import fields, replace
from typing import Any

from ..domain.model import SCHEMA_VERSION, Task
from .codec import TASK_KEYS

# -- writing ------------------------------------------------------------------
# Plain scalars are kept only when no YAML 1.1 or 1.2 reader could take them for
# anything but the same string; everything else is written JSON-style, which is
# valid double-quoted YAML.
_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~=<][^\n\r\t#:]*$")


_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value)
    if _PLAIN_OK.match(s) and s == s.rstrip() and s.lower() not in _RESERVED:
        return s
    return json.dumps(s, ensure_ascii=False)


def _empty(value: Any) -> bool:
    """Nothing worth writing: 0 is a value (0 %), False and "" and [] are not."""
    return value is None or value is False or value == "" or value == []


def _emit(key: str, value: Any, indent: str, out: list[str]) -> None:
    if hasattr(value, "__dataclass_fields__"):
        out.append(f"{indent}{key}:")
        for f in fields(value):
            _emit(f.name, getattr(value, f.name), indent + "  ", out)
    elif isinstance(value, list):
        if not value:
            out.append(f"{indent}{key}: []")
            return
        out.append(f"{indent}{key}:")
        for item in value:
            if hasattr(item, "__dataclass_fields__"):
                first = True
                for f in fields(item):
                    if f.metadata.get("omit_empty") and _empty(getattr(item, f.name)):
                        continue
                    sub: list[str] = []
                    _emit(f.name, getattr(item, f.name), indent + "    ", sub)
                    if first:
                        sub[0] = f"{indent}  - " + sub[0].lstrip()
                        first = False
                    out.extend(sub)
            else:
                out.append(f"{indent}  - {_scalar(item)}")
    else:
        out.append(f"{indent}{key}: {_scalar(value)}")


def upgraded(task: Task) -> Task:
    """The task in the current format: a file read as version 1 is written back as version 2."""
    if task.schema_version != SCHEMA_VERSION:
        task = replace(task, schema_version=SCHEMA_VERSION)
    return task


_OMIT_KEYS = {f.name for f in fields(Task) if f.metadata.get("omit_empty")}


def task_to_yaml(task: Task) -> bytes:
    """The canonical file text: fixed key order, dates bare, Chinese unescaped."""
    out: list[str] = []
    for key in TASK_KEYS:
        value = getattr(task, key)
        if key in _OMIT_KEYS and _empty(value):
            continue
        _emit(key, value, "", out)
    return ("\n".join(out) + "\n").encode("utf-8")


def mapping_to_yaml(data: dict[str, Any]) -> bytes:
    """Write a small settings mapping (taizhang.yaml, calendar files) the same way."""
    out: list[str] = []

    def emit(key, value, indent):
        key = _scalar(key)  # a unit named "@市住建局" is a key in the units table
        if isinstance(value, dict):
            out.append(f"{indent}{key}:" + (" {}" if not value else ""))
            for k, v in value.items():
                emit(k, v, indent + "  ")
        elif isinstance(value, list):
            if not value:
                out.append(f"{indent}{key}: []")
            else:
                out.append(f"{indent}{key}:")
                out.extend(f"{indent}  - {_scalar(v)}" for v in value)
        else:
            out.append(f"{indent}{key}: {_scalar(value)}")

    for k, v in data.items():
        emit(k, v, "")
    return ("\n".join(out) + "\n").encode("utf-8")
