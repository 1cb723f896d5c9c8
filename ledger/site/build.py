"""Build the site into a folder, rewriting only the pages whose inputs changed since the last build."""

from __future__ import annotations

import gc
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..domain.errors import UsageError
from ..domain.report import overall_rate, rate_text
from ..services.context import Env
from . import data as sitedata
from . import pages, svg
from .assets import CSS

MANIFEST = ".taizhang-site.json"
SITE_VERSION = 1  # of the manifest's format


def _code_digest() -> str:
    """The templates' own source: a new taizhang rewrites every page, an unchanged one none."""
    h = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


CODE = _code_digest()
ACTIVE = ("open", "reported", "suspended")


@dataclass
class Built:
    folder: Path
    pages: int
    written: int
    removed: int


def _digest(start: Any, *parts: Any) -> str:
    """A page's fingerprint: `start` (a sha1 already fed the inputs every page shares) and its own parts.

    repr of plain lists, dicts (built in a fixed order), strings and numbers is stable and ~3× cheaper
    than JSON; a str part (a task's repr made once, joined) is hashed as it is.
    """
    h = start.copy()
    for part in parts:
        h.update((part if type(part) is str else repr(part)).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _existing(out: Path) -> set[str]:
    """Every file under `out` as a relative POSIX path: one walk instead of a stat per page."""
    found = set()
    for folder, _, names in os.walk(out):
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        found.update(n if rel == "." else f"{rel}/{n}" for n in names)
    return found


def _read_manifest(out: Path) -> dict[str, Any]:
    """The previous build's manifest; refuses a folder that is not a site this command built."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是目录", "请用 -o 指定一个目录")
    path = out / MANIFEST
    if not path.is_file():
        if out.is_dir() and any(out.iterdir()):
            raise UsageError(f"{out} 不是空目录，也不是 taizhang site 生成的网页目录",
                             "请指定一个新目录或空目录，以免覆盖其他文件")
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged manifest only costs a full rebuild
    return found if isinstance(found, dict) and found.get("version") == SITE_VERSION else {}


def _write(out: Path, rel: str, text: str, made: set[str]) -> None:
    """Write out/rel through a temporary file and a rename, making its folder unless in `made`.

    No fsync: the site is rebuilt from the ledger at any time, and 10,000 fsyncs cost seconds.
    Plain os calls, each folder made once: pathlib's mkdir, open and text layer cost ~0.5 s of
    CPU over 10,000 pages.
    """
    folder, _, name = rel.rpartition("/")
    where = os.path.join(out, folder) if folder else str(out)
    if where not in made:
        os.makedirs(where, exist_ok=True)
        made.add(where)
    tmp = os.path.join(where, f".{name}.tmp")
    data = memoryview(text.encode("utf-8"))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
    os.replace(tmp, os.path.join(where, name))


def _lights(tasks: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(("red", "yellow", "green"), 0)
    for t in tasks:
        if t.get("status") in ACTIVE and t.get("light") in counts:
            counts[t["light"]] += 1
    return counts


def _overview_ctx(d: sitedata.SiteData, trend: list[dict[str, Any]], base: dict[str, Any]) -> dict[str, Any]:
    rep = d.report
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for t in d.tasks:
        by_unit.setdefault(t["lead_unit"], []).append(t)
    bars = sorted(((u, pages.unit_href(u), _lights(ts)) for u, ts in by_unit.items()),
                  key=lambda r: (-r[2]["red"], -r[2]["yellow"], -sum(r[2].values()), r[0]))
    bars = [b for b in bars if sum(b[2].values())]
    held: dict[str, int] = {}
    for t in d.tasks:
        for u in dict.fromkeys([t["lead_unit"], *(t.get("units") or [])]):
            held[u] = held.get(u, 0) + 1
    labels = {"open": "月末在办", "overdue": "月末逾期未办结", "closed": "当月核验销号"}
    return {
        **base, "title": ("民生实事办理进展" if d.public else "督查督办驾驶舱"), "report_title": rep.title,
        "totals": rep.totals, "rate": rate_text(overall_rate(rep)), "lights": _lights(d.tasks),
        "light_chart": svg.light_bars(bars), "trend": trend,
        "trend_chart": svg.trend_lines([p["month"] for p in trend],
                                       {k: [p[k] for p in trend] for k in labels}, labels),
        "units": [u.as_json() for u in rep.units], "ranking": rep.ranking,
        "search": sitedata.search_index(d, pages.task_href), "all_units": sorted(held.items()),
    }


def _joined(reprs: dict[str, str], tasks: list[dict[str, Any]]) -> str:
    """The tasks a page lists, as one string for its fingerprint: each task's repr is made once per build."""
    return "\n".join([reprs[t["id"]] for t in tasks])


def _unit_pages(d: sitedata.SiteData, base: dict[str, Any],
                reprs: dict[str, str]) -> dict[str, tuple[Any, Callable[[], str]]]:
    rep = d.report
    members: dict[str, list[dict[str, Any]]] = {}
    for t in d.tasks:
        for u in dict.fromkeys([t["lead_unit"], *(t.get("units") or [])]):
            members.setdefault(u, []).append(t)
    ranks = {r["unit"]: r for r in rep.ranking or []}
    rows = {u.unit: u.as_json() for u in rep.units}
    out = {}
    for unit, tasks in members.items():
        inputs = (unit, _joined(reprs, tasks), ranks.get(unit), rows.get(unit), len(ranks), base)
        out[pages.unit_href(unit)] = (inputs, lambda u=unit, b=tasks: pages.unit_page(
            {**base, "rate_text": rate_text, "ranked": len(ranks)}, u, b, ranks.get(u), rows.get(u)))
    return out


def build(env: Env, out: Path, *, public: bool = False, as_of_given: bool = False) -> Built:
    """Write the site into `out`; nothing is written unless the ledger was read without error."""
    # A build holds some 10^6 objects (tasks, their records, the pages' inputs) until it ends, and
    # reference counting frees the rest: the cyclic collector's passes over them found nothing to
    # free and cost a quarter of a one-change rebuild (bench/site.py, README 性能).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(env, out, public, as_of_given)
    finally:
        if collecting:
            gc.enable()


def _build(env: Env, out: Path, public: bool, as_of_given: bool) -> Built:
    old = _read_manifest(out)
    d = sitedata.gather(env, public, as_of_given, old.get("history"))
    base = {"org": d.org, "as_of": d.as_of.isoformat(), "public": public}
    shared = hashlib.sha1(f"{CODE}\0{d.settings}\0".encode())
    before: dict[str, str] = old.get("pages") or {}
    present = _existing(out) if before else set()
    # The task pages first: their timelines parse the file versions that the trend then reads again.
    # A finished task's page does not depend on the day, so it is not rewritten every day.
    dated = {True: {**base}, False: {**base, "as_of": ""}}
    dated_repr = {k: repr(v) for k, v in dated.items()}
    task_inputs, task_prints = {}, {}
    for t in d.tasks:
        task_id, active = t["id"], t["status"] in ACTIVE
        path = pages.task_href(task_id)
        task_inputs[path] = (task_id, dated[active])
        task_prints[path] = _digest(shared, task_id, d.identity[task_id], sitedata.judgement(d.assessed[task_id]),
                                    " ".join(d.commits.get(task_id, [])), dated_repr[active])
    changed_tasks = [task_inputs[p][0] for p, fp in task_prints.items() if before.get(p) != fp or p not in present]
    lines = sitedata.timelines(env, d, changed_tasks)
    trend, trend_cache = sitedata.trend(env, d, old.get("trend") or {})
    by_id = {t["id"]: t for t in d.tasks}
    reprs = {t["id"]: repr(t) for t in d.tasks}
    overview = _overview_ctx(d, trend, base)
    late = [by_id[i] for i in d.overdue]
    # The search index is made of the tasks' numbers, titles and units: their reprs stand for it.
    index_inputs = ({k: v for k, v in overview.items() if k != "search"}, _joined(reprs, d.tasks))
    plan: dict[str, tuple[Any, Callable[[], str]]] = {
        "site.css": (CSS, lambda: CSS),
        "index.html": (index_inputs, lambda: pages.overview({**overview, "rate_text": rate_text})),
        "overdue.html": ((base, _joined(reprs, late)), lambda: pages.overdue_page(base, late)),
        **_unit_pages(d, base, reprs),
    }
    prints = {**{p: _digest(shared, inputs) for p, (inputs, _) in plan.items()}, **task_prints}
    stale = {p for p, fp in prints.items() if before.get(p) != fp or p not in present}
    out.mkdir(parents=True, exist_ok=True)
    made = {str(out)}
    for path in sorted(stale):
        if path in plan:
            text = plan[path][1]()
        else:
            task_id, on_day = task_inputs[path]
            text = pages.task_page(on_day, sitedata.page_fields(d, task_id), lines.get(task_id, []))
        _write(out, path, text, made)
    removed = 0
    for path in sorted(set(before) - set(prints)):
        target = out / path
        if target.is_file() and target.resolve().is_relative_to(out.resolve()):
            target.unlink()
            removed += 1
    _write(out, MANIFEST, json.dumps({"generator": "taizhang site", "version": SITE_VERSION, "public": public,
                                      "pages": prints, "trend": trend_cache, "history": d.past.as_json()},
                                     ensure_ascii=False), made)  # no indent: only the C encoder is fast (4 MB)
    return Built(out, len(prints), len(stale), removed)

