"""`taizhang --help` remembered: the top-level help as typer printed it, while nothing it is made of changes."""

# Printing the top-level help means building all 48 commands with typer (~0.1 s). The text
# depends only on the program's source, typer's version and the terminal's width, so it is
# kept in the user's cache folder under a key of exactly those, and reprinted from there.
import os
import sys
from pathlib import Path

HELP_WORDS = ((), ("--help",), ("-h",))
ROOT = Path(__file__).resolve().parent.parent.parent


def asks_for_help(argv: list[str]) -> bool:
    """`taizhang`, `--help` or `-h` alone; not a shell asking for completions (it runs with no words too)."""
    return tuple(argv) in HELP_WORDS and "_TAIZHANG_COMPLETE" not in os.environ


def memo_file() -> Path | None:
    """Where the help for this program, this typer and this width is kept (None if it cannot be told)."""
    import hashlib
    import shutil
    from importlib.util import find_spec

    spec = find_spec("typer")
    if spec is None or not spec.origin:
        return None
    sources = [ROOT / "cli.py", Path(spec.origin)]
    for folder, _dirs, files in os.walk(ROOT / "ledger"):
        sources.extend(Path(folder, f) for f in files if f.endswith(".py"))
    digest = hashlib.sha1(repr((shutil.get_terminal_size().columns, sys.version)).encode())
    for path in sorted(sources):
        st = path.stat()
        digest.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\0".encode())
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "taizhang" / f"help-{digest.hexdigest()[:20]}.txt"


def remembered() -> str | None:
    try:
        path = memo_file()
        return path.read_text(encoding="utf-8") if path else None
    except OSError:
        return None


def remember(text: str) -> None:
    """Keep the help text; a cache folder that cannot be written only means typer prints it next time too."""
    try:
        path = memo_file()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
