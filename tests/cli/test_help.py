"""Every command and option explains itself, in Chinese, and `--help` always works."""

from __future__ import annotations

import re

import pytest
import typer

import cli

HAN = re.compile(r"[\u4e00-\u9fff]")
CONTRACT = ("init", "add", "show", "list", "overdue", "progress", "urge", "extend", "done", "close",
            "reopen", "cancel", "log", "check", "calendar")


def walk(command, path=()):
    """(path, click command) for the app and every command and subcommand under it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


def root():
    return typer.main.get_command(cli.app)


COMMANDS = [path for path, _ in walk(root()) if path]


def test_the_contract_commands_exist():
    assert set(CONTRACT) <= {p[0] for p in COMMANDS}


@pytest.mark.parametrize("path", [()] + COMMANDS, ids=lambda p: " ".join(p) or "taizhang")
def test_every_command_and_option_has_chinese_help(path):
    command = dict(walk(root()))[path]
    assert command.help and HAN.search(command.help), f"{' '.join(path)}: no help text"
    if getattr(command, "commands", None):
        return
    for param in command.params:
        if param.name == "help" or getattr(param, "hidden", False):
            continue
        text = getattr(param, "help", None)
        assert text and HAN.search(text), f"taizhang {' '.join(path)}: {param.opts} has no help"


@pytest.mark.parametrize("path", [()] + COMMANDS, ids=lambda p: " ".join(p) or "taizhang")
def test_help_exits_0(path, run, tmp_path):
    res = run(*path, "--help", cwd=tmp_path)  # outside any ledger: help needs none
    assert res.code == 0 and res.err == ""
    assert "taizhang" in res.out and HAN.search(res.out)


def test_installed_script_help(sh, tmp_path):
    res = sh("--help", cwd=tmp_path)
    for name in CONTRACT:
        assert name in res.out
    assert "SPAN" in sh("add", "--help", cwd=tmp_path).out
    assert "常务会议" in sh("add", "--help", cwd=tmp_path).out  # add --help lists the source kinds


def test_no_arguments_prints_help(run, tmp_path):
    res = run(cwd=tmp_path)
    assert res.code == 0 and "init" in res.out


def test_the_top_level_help_is_remembered_and_reprinted_unchanged(sh, run, tmp_path):
    """`taizhang --help` is kept in the user's cache after typer prints it; the next run reprints it
    without typer, byte for byte, and a terminal of another width gets its own."""
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "COLUMNS": "100"}
    first = sh("--help", env=env)
    kept = sorted(cache.glob("taizhang/help-*.txt"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == first.out
    again = sh("--help", env=env)
    assert again.out == first.out and sh("-h", env=env).out == first.out and sh(env=env).out == first.out
    assert run("--help").out.splitlines()[0] == first.out.splitlines()[0]
    kept[0].write_text("改过的帮助\n", encoding="utf-8")  # proof the second run read the kept text
    assert sh("--help", env=env).out == "改过的帮助\n"
    sh("--help", env={**env, "COLUMNS": "60"})
    assert len(list(cache.glob("taizhang/help-*.txt"))) == 2


def test_shell_completion_is_not_mistaken_for_a_call_for_help(sh, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "_TAIZHANG_COMPLETE": "complete_bash",
           "COMP_WORDS": "taizhang li", "COMP_CWORD": "1"}
    sh("--help", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert sh(env=env).out.split() == ["list"]
