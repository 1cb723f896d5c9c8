"""One finding type for check, the hook, audit, import and collect: where something is wrong, and what."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """What is wrong and where: a line of a file (check), a commit (audit) or a sheet's row (import, collect)."""

    message: str
    path: str | None = None  # a file of the ledger, or the workbook read
    line: int | None = None  # check: the line in `path`
    sheet: str = ""  # import, collect: the worksheet
    row: int | None = None  # import, collect: the row in `sheet`
    commit: str | None = None  # audit: the commit that did it
    kind: str = ""  # audit: forged, deleted, backdated, …
    fatal: bool = True  # audit: whether it fails `audit`

    @classmethod
    def at(cls, path: str, line: int, message: str) -> Finding:
        return cls(message, path=path, line=line)

    @classmethod
    def in_commit(cls, kind: str, commit: str | None, path: str | None, message: str, fatal: bool = True) -> Finding:
        return cls(message, path=path, commit=commit, kind=kind, fatal=fatal)

    @classmethod
    def in_row(cls, row: int, message: str, sheet: str = "") -> Finding:
        return cls(message, sheet=sheet, row=row)

    @classmethod
    def in_sheet(cls, file: str, sheet: str, row: int | None, message: str) -> Finding:
        return cls(message, path=file, sheet=sheet, row=row)

    def __str__(self) -> str:
        if self.kind:
            at = f" [{self.commit[:8]}]" if self.commit else ""
            return f"{self.path or '（仓库）'}{at}: {self.message}"
        if self.line is not None:
            return f"{self.path}:{self.line}: {self.message}"
        where = (f"工作表“{self.sheet}”" if self.sheet else "") + (f"第 {self.row} 行" if self.row else "")
        return "".join(f"{part}：" for part in (self.path, where) if part) + self.message
