"""Running the real `taizhang`: the one finder of the installed script, its results, and the names tests share."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
TODAY = "2026-11-20"  # a Friday; tests that care about the weekday say so
CLERK = "测试员"
CLERK_EMAIL = "ceshiyuan@example.gov.cn"
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    @property
    def last_line(self) -> str:
        return self.out.rstrip("\n").splitlines()[-1]


def assert_sane(res: Result, args: tuple, code: int | None) -> Result:
    """No traceback, no internal error, and the exit code asked for (None: any)."""
    where = f"taizhang {' '.join(map(str, args))}\n--- stdout\n{res.out}\n--- stderr\n{res.err}"
    assert "Traceback" not in res.err + res.out, where
    assert "内部错误" not in res.err, where
    if code is not None:
        assert res.code == code, where
    return res


def console_script() -> list[str]:
    """The installed `taizhang` next to this interpreter, else on PATH, else `python -c`."""
    beside = Path(sys.executable).parent / "taizhang"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("taizhang")
    if found:
        return [found]
    return [sys.executable, "-c", "import cli; cli.run()"]


def script_env(**extra: str) -> dict[str, str]:
    """This process's environment with the checkout on the import path, for the installed script."""
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def add(run, title: str = "推进老旧小区改造", *extra: str, **kw) -> str:
    """Register a task with the options given (no default deadline) and return its ID."""
    return run("add", title, "--lead-unit", "市住建局", *extra, **kw).last_line
