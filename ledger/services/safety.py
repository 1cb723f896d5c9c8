"""The whole-ledger check: every task file, and what a ledger from someone else must not hold (code, executables, links)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..domain.errors import LedgerError
from ..domain.findings import Finding
from ..files import checks, gitcmd, layout, settings


def settings_problems(root: Path) -> list[Finding]:
    """taizhang.yaml and calendar/*.yaml as they are in the work tree (links are tracked_code's to report)."""
    rels = [settings.CONFIG_FILE]
    folder = root / settings.CALENDAR_DIR
    if folder.is_dir() and not folder.is_symlink():
        rels += sorted(f"{settings.CALENDAR_DIR}/{p.name}" for p in folder.iterdir()
                       if p.suffix in (".yaml", ".yml") and p.is_file())
    problems = []
    for rel in rels:
        path = root / rel
        if path.is_symlink() or not path.is_file():
            continue
        problems += settings.problems_in(rel, path.read_bytes())
    return problems


def tracked_code(root: Path) -> list[Finding]:
    """`check`: tracked Python files, a ledger/ folder, executable files and links outside tasks/."""
    problems = []
    listing = gitcmd.git(root, "ls-files", "-s", "-z")
    for entry in listing.split("\0"):
        meta, _, rel = entry.partition("\t")
        if not rel:
            continue
        mode = meta.split()[0]
        if rel.split("/", 1)[0] == "ledger":
            problems.append(Finding.at(rel, 1, "台账中不应有 ledger/ 目录：它与 taizhang 的程序包同名，"
                                    "可能被当作程序运行；请删除（git rm）"))
        elif rel.endswith((".py", ".pyc", ".pth")):
            problems.append(Finding.at(rel, 1, "台账中不应有 Python 程序文件：它可能被当作 taizhang 的程序运行；请删除（git rm）"))
        if mode == "100755":
            problems.append(Finding.at(rel, 1, f"台账中的文件不应可执行；请运行 git update-index --chmod=-x {rel} 后提交"))
        elif mode == "120000" and not rel.startswith(layout.TASKS_DIR + "/"):  # tasks/ has its own check
            problems.append(Finding.at(rel, 1, "是符号链接，台账中的文件必须是普通文件；请删除该链接"))
    return problems


def ledger_problems(led, strict: bool = False, progress: Callable[[int, int], None] | None = None,
                    code: bool = True) -> list[Finding]:
    """`taizhang check`: every task file (and, with `code`, what a ledger must not hold), in file order."""
    from ..files.invariants import all_checks, ambiguity_problems

    links = gitcmd.symlinks_in_tasks(led.root)
    problems = [Finding.at(rel, 1, "是符号链接，事项文件必须是台账内的普通文件") for rel in links]
    if code:
        problems += tracked_code(led.root)
    problems += settings_problems(led.root)
    # never read through a link
    loaded = {} if layout.TASKS_DIR in links else {
        rel: v for rel, v in led.load_all(progress).items() if rel not in links}
    problems += [Finding.at(rel, 1, layout.deleted_message(rel)) for rel in led.missing_task_files()]
    basic = list(all_checks())
    extra = []
    if strict:
        from .units import check_unknown_units

        extra = list(checks.STRICT)
        try:
            extra.append(check_unknown_units(led.config))
        except LedgerError:
            pass  # a broken taizhang.yaml is among the problems already
    # A file version that passed the basic tier before (same stat, same schema and checks)
    # is not validated again: jsonschema costs ~0.5 ms a file.
    key = checks.fingerprint(basic)
    trusted = led.trusted_stats()
    passed = led.passed_checks(key)
    skip = {rel for rel, st in trusted.items() if passed.get(rel) == st and rel in loaded}
    problems += checks.run(led.root, loaded, basic, skip=skip, always=extra)
    if strict:
        for whole in checks.STRICT_LEDGER:
            problems += whole(led.root, loaded)
    for rel, value in loaded.items():
        if rel not in skip and not isinstance(value, Exception):
            problems += ambiguity_problems(rel, (led.root / rel).read_text(encoding="utf-8"))
    bad = {p.path for p in problems}
    led.save_passed_checks(key, {rel: st for rel, st in trusted.items()
                                 if rel in loaded and rel not in bad and not isinstance(loaded[rel], Exception)})
    return sorted(problems, key=lambda p: (p.path, p.line))
