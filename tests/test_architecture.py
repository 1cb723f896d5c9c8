"""The shape of the package holds: the import-linter contracts, no import cycle, an opening docstring everywhere, no private name shared, small modules."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.runner import REPO

PACKAGE = REPO / "ledger"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 410  # "about 400 lines at most": a module past this holds more than one job
MAX_CLASS_LINES = 205


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    beside = Path(sys.executable).parent / "lint-imports"
    command = [str(beside)] if beside.is_file() else [shutil.which("lint-imports") or "lint-imports"]
    # grimp reads the package from sys.path: the copy under test, not the installed checkout.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(command + ["--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_domain_module_importing_subprocess_breaks_the_contracts(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "ledger", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    model = tmp_path / "ledger" / "domain" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport subprocess  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "ledger.domain is not allowed to import subprocess" in result.stdout
    assert "ledger.domain.model -> subprocess" in result.stdout


# Strongly connected sets of modules in grimp's import graph (imports inside functions count too:
# a lazy import hides a cycle from Python, not from a reader).
FIND_CYCLES = """
import grimp, sys
graph = grimp.build_graph("ledger", cache_dir=None)
index, low, stack, found = {}, {}, [], []
def visit(m):
    index[m] = low[m] = len(index)
    stack.append(m)
    for n in sorted(graph.find_modules_directly_imported_by(m)):
        if n not in index:
            visit(n)
            low[m] = min(low[m], low[n])
        elif n in stack:
            low[m] = min(low[m], index[n])
    if low[m] == index[m]:
        ring = stack[stack.index(m):]
        del stack[stack.index(m):]
        if len(ring) > 1:
            found.append(" <-> ".join(sorted(ring)))
sys.setrecursionlimit(10_000)
for m in sorted(graph.modules):
    if m not in index:
        visit(m)
print("\\n".join(found))
"""


def import_cycles(cwd: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    done = subprocess.run([sys.executable, "-c", FIND_CYCLES], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    return done.stdout.split()


def test_the_import_graph_has_no_cycle():
    assert import_cycles(REPO) == []


def test_a_cycle_between_two_services_is_found(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "ledger", ignore=shutil.ignore_patterns("__pycache__"))
    family = tmp_path / "ledger" / "services" / "family.py"
    family.write_text(family.read_text(encoding="utf-8") + "\n\ndef late():\n    from . import change  # noqa\n",
                      encoding="utf-8")
    assert import_cycles(tmp_path) == ["ledger.services.change", "<->", "ledger.services.family"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_module_and_folder_opens_with_a_one_line_docstring(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path.relative_to(REPO)} 没有开头的说明"
    assert doc.splitlines()[0].strip(), path


def _private_uses(path: Path) -> list[str]:
    """`from x import _name` and `module._name` where x / module is one of ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in ("ledger", "cli")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno}: from {node.module or '.'} import {alias.name}")
                ours.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("ledger", "cli"):
                    ours.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ours
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_used_from_another_module():
    files = [*MODULES, REPO / "cli.py", *sorted((REPO / "bench").glob("*.py"))]
    found = [use for f in files for use in _private_uses(f)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_module_holds_more_than_one_job(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} 有 {lines} 行"


def test_no_class_holds_more_than_one_job():
    """About 200 lines at most: a bigger class (store.Ledger once had 320) is several jobs in one."""
    big = [f"{p.relative_to(REPO)}: {n.name} {n.end_lineno - n.lineno + 1} 行"
           for p in MODULES for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
           if isinstance(n, ast.ClassDef) and n.end_lineno - n.lineno + 1 > MAX_CLASS_LINES]
    assert not big, "\n".join(big)


def _library_internals(path: Path) -> list[str]:
    """Imports of a library's private modules (`typer._click`, `typer.core`'s hooks and the like)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and not node.level \
            else []
        for name in names:
            if name.split(".")[0] in ("typer", "click", "rich") and (name.startswith("typer.core")
                                                                    or any(p.startswith("_") for p in name.split("."))):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}")
    return found


def test_no_module_reaches_into_typer_internals():
    found = [use for f in [*MODULES, REPO / "cli.py"] for use in _library_internals(f)]
    assert not found, "\n".join(found)
