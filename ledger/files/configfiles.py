"""A ledger's hand-edited settings as the commands read them: taizhang.yaml and calendar/YYYY.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..domain.errors import LedgerError, UsageError
from ..domain.findings import Finding
from ..domain.workdays import Calendar
from . import codec, settings
from .atomic import refuse_link
from .gitcmd import git
from .memo import Memos
from .settings import CALENDAR_DIR, CONFIG_FILE

DEFAULT_CONFIG = {
    "schema_version": 1,
    "org": "",
    "id_prefix": "",
    "warn_workdays": 3,
    "rules": {},
    "units": [],
}


class ConfigFiles:
    """Part of Ledger: its settings and calendar, read once per command, refused with file:line."""

    root: Path
    memos: Memos
    _config: dict | None
    _calendar: Calendar | None

    @property
    def config(self) -> dict:
        if self._config is None:
            path = self.root / CONFIG_FILE
            refuse_link(self.root, CONFIG_FILE, "台账设置")
            try:
                raw = self.memos.doc(path, codec.load_yaml)
            except codec.FormatError as e:
                raise settings.refuse(Finding.at(CONFIG_FILE, e.line, e.message), "台账设置文件") from None
            except OSError as e:
                raise LedgerError(f"读不了 {CONFIG_FILE}：{e.strerror}", "请检查台账目录") from None
            findings = settings.config_findings(raw)
            if findings:  # the same file:line problem `check` reports
                problem = settings.place(CONFIG_FILE, path.read_text(encoding="utf-8"), findings[:1])[0]
                raise settings.refuse(problem, "台账设置文件")
            self._config = {**DEFAULT_CONFIG, **raw}
        return self._config

    def calendar_files(self) -> dict[int, tuple[list[dt.date], list[dt.date]]]:
        """calendar/YYYY.yaml: the office's holidays and make-up workdays for a year."""
        overrides: dict[int, tuple[list[dt.date], list[dt.date]]] = {}
        folder = self.root / CALENDAR_DIR
        refuse_link(self.root, CALENDAR_DIR, "日历")
        if not folder.is_dir():
            return overrides
        for path in sorted(folder.glob("*.yaml")):
            m = settings.CALENDAR_NAME.fullmatch(path.name)
            if not m:
                continue
            where = f"{CALENDAR_DIR}/{path.name}"
            refuse_link(self.root, where, "日历")
            year = int(m.group(1))
            try:
                raw = self.memos.doc(path, codec.load_yaml)
            except codec.FormatError as e:
                raise settings.refuse(Finding.at(where, e.line, e.message), "日历文件") from None
            findings = settings.calendar_findings(year, raw)
            if findings:
                problem = settings.place(where, path.read_text(encoding="utf-8"), findings[:1])[0]
                raise settings.refuse(problem, "日历文件")
            overrides[year] = settings.calendar_days(year, raw)
        return overrides

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = Calendar(self.calendar_files())
        return self._calendar

    def uncommitted_calendar_files(self) -> dict[Path, bytes]:
        """calendar/YYYY.yaml added or changed by hand and not yet committed, with their contents.

        A calendar file deleted by hand is refused: the deadlines counted without it would be
        committed while the file's removal would not.
        """
        out = git(self.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", CALENDAR_DIR)
        found: dict[Path, bytes] = {}
        for entry in out.split("\0"):
            status, rel = entry[:2], entry[3:]
            if not settings.CALENDAR_NAME.fullmatch(rel.rpartition("/")[2]) or rel.count("/") != 1:
                continue
            if "D" in status:
                raise UsageError(f"{rel} 已被删除但尚未提交", f"请先恢复（git checkout -- {rel}）或提交删除后再重算")
            found[self.root / rel] = (self.root / rel).read_bytes()
        return found

