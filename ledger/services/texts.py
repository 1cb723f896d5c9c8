"""Notice and document templates: the ledger's own templates/NAME.txt, else the one shipped in ledger/templates."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import LedgerError
from ..files.atomic import refuse_link

SHIPPED = Path(__file__).resolve().parent.parent / "templates"


def template(root: Path, name: str, what: str) -> str:
    """The text of template `name`; `what` names it in a refusal (催办模板, 公文模板)."""
    refuse_link(root, f"templates/{name}", what)  # a link could print /etc/shadow as a notice
    own = root / "templates" / name
    path = own if own.is_file() else SHIPPED / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LedgerError(f"读不了{what} {path.name}：{e}", "请检查台账 templates/ 目录中的模板（UTF-8）") from None
