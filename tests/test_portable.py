"""No test, benchmark, example or CI file names a path that only one machine has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.runner import REPO

# A home folder, this workplace's checkout root, one pytest run's temp folder, or a venv's bin outside the checkout.
MACHINE_PATH = re.compile(
    r"""(?<![\w.])(/home/[\w.-]+|/root/|/work/|/Users/[\w.-]+|/tmp/pytest-(?=of-)|/tmp/tmp\w{6,}|"""
    r"""/(?!\.venv)[\w./-]*/(venv|\.venv|virtualenv)/bin/)""")


def tracked(*folders: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z", "--", *folders], cwd=REPO, capture_output=True, check=True)
    return [REPO / name for name in out.stdout.decode().split("\0") if name]


def test_no_file_names_a_machine_path():
    offenders = []
    for path in tracked("tests", "bench", "examples", ".ci"):
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_pattern_catches_what_it_is_for():
    # Written with a joined slash so that this file does not itself name the paths it looks for.
    s = "/"
    for bad in (f'run(["{s}work{s}venv/bin/taizhang"])', f"cd {s}home{s}zhang/ledger", f"{s}tmp{s}pytest-of-root/x",
                "/opt/tools/venv/bin/python", f"{s}root{s}.cache/x"):
        assert MACHINE_PATH.search(bad), bad
    for fine in ("ledger/tasks/2026", "$(mktemp -d)/c", ".venv/bin/pip install", "tmp_path / 'x'"):
        assert not MACHINE_PATH.search(fine), fine
