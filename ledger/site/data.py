"""What the site shows, read from the ledger: the month's report, the trend, tasks and their git timelines."""

from __future__ import annotations

import calendar as _calendar
import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..domain import lights, report
from ..domain.actions import ACTION_LABELS
from ..domain.audit import diff_text, field_diff
from ..domain.lights import assess
from ..domain.model import STATUS_LABELS
from ..files import changes, codec, layout, settings, store
from ..formats.render import task_json
from ..services import common, history, reading, trail
from ..services.context import Env
from . import gitlog
from .public import is_public, public_marks, public_task, scrub

Date = dt.date
TREND_MONTHS = 12
# Actions whose commits the public timeline lists; urges, 约谈, 问责 and the like stay internal.
PUBLIC_ACTIONS = frozenset(("add", "progress", "done", "close", "reopen", "cancel", "extend", "suspend", "resume",
                            "milestone", "import", "recompute"))


@dataclass
class SiteData:
    org: str
    as_of: Date
    public: bool
    report: report.Report
    tasks: list[dict[str, Any]]  # each task as the lists show it (brief), by number
    assessed: dict[str, Any]  # task number → its Assessed, for the full fields of a page being written
    identity: dict[str, str]  # task number → its file's blob id (or a digest of a file not committed)
    overdue: list[str]  # task numbers in `overdue`'s order
    commits: dict[str, list[str]]  # task number → the commits that touched its file, oldest first
    settings: str  # digest of what besides the task files changes the numbers (config, calendar)
    past: gitlog.History  # kept in the manifest: the next build reads only newer commits
    keep: Callable | None = None
    walk: list[changes.ChangeSet] | None = None  # the whole history's task changes, when it was read afresh
    plains: dict[str, dict] = field(default_factory=dict)  # task number → its file's plain form, if as read
    files: dict | None = None  # Ledger.load_all's answer the report was built from (today's files)
    # Every file version parsed so far, blob id → (plain form, error) as trail.parse_version gives
    # them: the timelines fill it, the trend's month-end trees take their tasks from it.
    versions: dict[str, tuple[dict | None, str | None]] = field(default_factory=dict)
    snapshots: history.Snapshots | None = None


def _settings_digest(led) -> str:
    h = hashlib.sha1()
    for path in [led.root / store.CONFIG_FILE, *sorted((led.root / settings.CALENDAR_DIR).glob("*.yaml"))]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def brief(a, public: bool) -> dict[str, Any]:
    t = a.task
    return {"id": t.id, "title": scrub(t.title) if public else t.title, "lead_unit": t.lead_unit,
            "units": list(t.units), "due": t.due.isoformat() if t.due else None, "light": a.light,
            "overdue_workdays": a.overdue_workdays, "status": t.status, "status_label": STATUS_LABELS[t.status]}


def judgement(a) -> list[Any]:
    """What the day makes of a task, besides its file: a page changes when one of these does."""
    return [a.light, a.overdue_workdays, a.workdays_left, a.expected_percent, a.progress_lag,
            [code for code, _ in a.light_reasons]]


def page_fields(data: SiteData, task_id: str) -> dict[str, Any]:
    """Every field of a task as its page shows it (narrowed to the public ones on the public site)."""
    a = data.assessed[task_id]
    plain = data.plains.get(task_id)
    # units under their directory names: history.build folded aliases (such a task has no plain here)
    fields = task_json(a if plain is None else dataclasses.replace(a, plain=plain))
    return public_task(fields) if data.public else fields


def _identities(led, source: str, tasks: list) -> dict[str, str]:
    # The blob id stands for the file's whole content at no cost; only a file with uncommitted
    # edits is digested from its fields.
    blobs = led.tree_blobs(source[4:]) if source.startswith("git:") and source != "git:none" else led.clean_blobs()
    out = {}
    for t in tasks:
        sha = blobs.get(f"{layout.TASKS_DIR}/{t.id[:4]}/{t.id}.yaml")  # Ledger.task_path, without pathlib's cost
        out[t.id] = sha or hashlib.sha1(repr(codec.task_to_plain(t)).encode("utf-8")).hexdigest()
    return out


def gather(env: Env, public: bool, as_of_given: bool, cached_history: Any = None) -> SiteData:
    """Everything the pages need, read and checked before the first file is written."""
    led = env.ledger()
    keep = None
    if public:
        marks = public_marks(led.config)
        keep = lambda t: is_public(t, marks)  # noqa: E731
    past, walk = gitlog.read(led.root, led.head(), cached_history)
    # The month's report reads today's files unless something is recorded after the judged day:
    # the history answers that, where history.tasks_as_of would list the whole first-parent line again.
    rev = past.revision_at(history.period_for("monthly", env, None, as_of_given)[2].isoformat())
    loaded, files = reading.load_tasks_plain(env) if rev is not None and rev == past.head else (None, None)
    rep = history.build(env, "monthly", as_of_given=as_of_given, keep=keep,
                        snapshot=None if loaded is None else ([t for t, _ in loaded], "files"))
    cal, warn, lag = led.calendar, common.warn_workdays(env), common.lag_points(env)
    # The pages judge each task as `show` does (with the ledger's progress_lag_points), on the same
    # tasks the report counted; the report judged with the default, so only another setting judges again.
    assessed = rep.tasks if lag == lights.DEFAULT_LAG_POINTS else \
        [assess(a.task, rep.as_of, cal, warn, lag) for a in rep.tasks]
    # A task the report took as read (its units not renamed by the directory) has its file's plain
    # form at hand: a page's fields copy it instead of converting the task again. `loaded` keeps
    # those tasks alive here, so no other object has their ids.
    by_object = {id(t): p for t, p in loaded or ()}
    plains = {a.task.id: by_object[id(a.task)] for a in assessed if id(a.task) in by_object}
    day = rep.as_of.isoformat()
    commits = {a.task.id: past.commits(a.task.id, day) for a in assessed}
    return SiteData(str(led.config.get("org") or ""), rep.as_of, public, rep, [brief(a, public) for a in assessed],
                    {a.task.id: a for a in assessed}, _identities(led, rep.source, [a.task for a in assessed]),
                    [a.task.id for a in reading.overdue_order(assessed)], commits, _settings_digest(led), past, keep,
                    walk, plains, files)


def timelines(env: Env, data: SiteData, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every change of the given tasks read from git (trail.entries): who, when, what, which fields."""
    if not ids:
        return {}
    led = env.ledger()
    wanted = set(ids)
    # A few pages: ask git about their files in the commits the history lists for them (any file of
    # that name, a superset); many: one pass over the whole history is cheaper, and a first build has
    # made that pass already.
    if len(ids) <= 50:
        found = trail.commit_entries(env, _in_order(data.past, {c for i in ids for c in data.commits.get(i, ())}),
                                     tuple(led.rel(led.task_path(i)) for i in ids))
    elif data.past.head is None:
        found = []
    else:
        # A day later every active task's page is due again (its lights): that pass, as a first
        # build makes it, costs git half what a log limited to tasks/ does.
        if data.walk is None:
            data.walk = gitlog.walk(led.root, data.past.head)
        # The Tasks parsed on the way are the trend's month-end tasks too.
        found = trail.parsed_entries(led.root, data.walk, _seeded(env, data), _snapshots(env, data).parsed)
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    day = data.as_of.isoformat()
    for e in found:
        if e.date[:10] > day:
            continue
        for c in e.changes:
            if c.task_id not in wanted:
                continue
            if data.public:
                if e.action in PUBLIC_ACTIONS:
                    out[c.task_id].append({"date": e.date[:10], "what": ACTION_LABELS.get(e.action, e.action)})
                continue
            out[c.task_id].append({
                "date": e.date[:16].replace("T", " "), "author": e.author,
                "what": e.subject if e.action else f"手工修改：{e.subject}",
                "fields": [diff_text(d) for d in field_diff(c.old, c.new)],
            })
    return out


def _in_order(past: gitlog.History, commits: set[str]) -> list[str]:
    """The commits oldest first, as the first-parent line has them."""
    if not commits:
        return []
    return [sha for sha, _ in reversed(past.chain) if sha in commits]


def _seeded(env: Env, data: SiteData) -> dict[str, tuple[dict | None, str | None]]:
    """data.versions with today's committed files in it: their cached plain forms are what parsing
    their blobs would give (store.plain_task), so a third of a year's versions need no parsing."""
    snapshots = _snapshots(env, data)
    snapshots.now = env.ledger().clean_blobs()
    if snapshots.loaded is None:
        snapshots.loaded = env.ledger().load_all()
    for path, sha in snapshots.now.items():
        plain = snapshots.loaded.get(path)
        if isinstance(plain, dict):
            data.versions.setdefault(sha, (plain, None))
    return data.versions


def _snapshots(env: Env, data: SiteData) -> history.Snapshots:
    if data.snapshots is None:
        data.snapshots = history.Snapshots(env, data.versions)
        data.snapshots.loaded = data.files  # today's files as the report read them, not read again
    return data.snapshots


def month_ends(as_of: Date, first_day: Date | None) -> list[str]:
    """The months of the trend: up to TREND_MONTHS ending with as_of's, none before the ledger began."""
    months = []
    y, m = as_of.year, as_of.month
    for _ in range(TREND_MONTHS):
        end = Date(y, m, _calendar.monthrange(y, m)[1])
        if first_day is not None and end < first_day:
            break
        months.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def trend_point(month: str, rep: report.Report) -> dict[str, Any]:
    return {"month": month, "open": rep.totals["open"], "overdue": rep.totals["overdue"],
            "closed": rep.totals["closed"]}


def trend(env: Env, data: SiteData, cache: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Open / overdue / closed at each month's end as `report monthly --month` gives them.

    A past month's numbers depend only on the commit the ledger stood at on its last day and on
    the settings; they are kept in the manifest under that key and rebuilt only when it changes.
    """
    head = data.past.head
    # The earliest author date, not the first commit's: changes may be recorded as of earlier days.
    first = data.past.first_day
    months = month_ends(data.as_of, Date.fromisoformat(first) if first else None)
    current = f"{data.as_of.year}-{data.as_of.month:02d}"
    points, kept = [], {}
    snapshots = _snapshots(env, data)  # the months' trees share most files: each is read once
    for month in months:
        if month == current:
            points.append(trend_point(month, data.report))
            continue
        rev = data.past.revision_at(report.month_period(month)[1].isoformat())
        key = f"{month}:{rev}:{data.settings}:{data.public}"
        # At HEAD the files are read, uncommitted edits included: never cached.
        if key in cache and rev != head:
            point = cache[key]
        else:
            # The tree at the month's last commit, as history.tasks_as_of reads it, without asking
            # git again for the commit (the history has it) nor parsing a file twice.
            at = None if rev is None or rev == head else \
                (snapshots.tasks(rev, env.ledger().tree_blobs(rev)), f"git:{rev}")
            point = {"month": month, **history.month_totals(env, month, keep=data.keep, snapshot=at)}
        if rev != head:
            kept[key] = point
        points.append(point)
    return points, kept


def search_index(data: SiteData, href: Callable[[str], str]) -> list[list[str]]:
    return [[t["id"], scrub(t["title"]) if data.public else t["title"], href(t["id"]), t["lead_unit"]]
            for t in data.tasks]
