"""The site in a real browser: Debian's headless Chromium driven by selenium through the system chromedriver."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tests.support.runner import REPO, console_script

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

AS_OF = "2026-11-20"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="需要 Debian 的 chromium 和 chromium-driver")
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict:
    """The example ledger rebuilt day by day with its full git history, and both sites built from it."""
    base = tmp_path_factory.mktemp("browser")
    root = base / "ledger"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "GIT_"))}
    env.update(TAIZHANG=" ".join(console_script()), PYTHONPATH=str(REPO))
    subprocess.run(["bash", str(REPO / "examples" / "build.sh"), "--ledger", str(root)], env=env, check=True,
                   capture_output=True, timeout=600)
    env["TAIZHANG_LEDGER"] = str(root)

    def tz(*args: str) -> str:
        proc = subprocess.run([*console_script(), *args], env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    for name, extra in (("site", []), ("public", ["--public"])):
        tz("site", "-o", str(base / name), "--as-of", AS_OF, *extra)
    return {"site": base / "site", "public": base / "public", "tz": tz,
            "report": json.loads(tz("report", "monthly", "--as-of", AS_OF, "--format", "json"))}


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--window-size=1366,768"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> list[dict]:
    """Load a page from disk; return what it logged to the console."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.resolve().as_uri())
    return driver.get_log("browser")


def viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def distinct_rows(png: bytes) -> int:
    """How many different pixel rows a PNG has (filtered rows compared as bytes): ~1 for a blank page."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, width, channels = 8, b"", 0, 0
    while pos < len(png):
        size, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", body[:10])
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour] * depth // 8
        elif kind == b"IDAT":
            data += body
        pos += 12 + size
    raw = zlib.decompress(data)
    stride = 1 + width * channels
    return len({raw[i + 1:i + stride] for i in range(0, len(raw), stride)})


def site_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


@pytest.mark.parametrize("variant", ["site", "public"])
def test_every_page_loads_without_console_errors(example, browser, variant):
    pages = site_pages(example[variant])
    assert len(pages) >= (20 if variant == "site" else 3)
    for page in pages:
        logs = open_page(browser, page)
        assert not [entry for entry in logs if entry["level"] in ("SEVERE", "WARNING")], (page, logs)
        assert browser.title and browser.find_element(By.TAG_NAME, "main").text.strip(), page


def test_numbers_shown_equal_the_monthly_report(example, browser):
    rep = example["report"]
    open_page(browser, example["site"] / "index.html")
    shown = {el.get_attribute("data-total"): el.text for el in browser.find_elements(By.CSS_SELECTOR, "[data-total]")}
    assert shown == {k: str(v) for k, v in rep["totals"].items()}
    rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-unit]")
    assert [r.get_attribute("data-unit") for r in rows] == [u["unit"] for u in rep["units"]]
    for row, unit in zip(rows, rep["units"]):
        for key in ("held", "due", "done_on_time", "done_late", "overdue", "urges"):
            assert row.find_element(By.CSS_SELECTOR, f'[data-field="{key}"]').text == str(unit[key])
        rate = unit["on_time_rate"]
        assert row.find_element(By.CSS_SELECTOR, '[data-field="on_time_rate"]').text == \
            ("—" if rate is None else f"{rate * 100:.1f}%")
    ranked = browser.find_elements(By.CSS_SELECTOR, "tr[data-rank-unit]")
    assert [r.get_attribute("data-rank-unit") for r in ranked] == [r["unit"] for r in rep["ranking"]]
    month = rep["period"]["start"][:7]
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-month="{month}"]')
    for key in ("open", "overdue", "closed"):
        assert row.find_element(By.CSS_SELECTOR, f'[data-series="{key}"]').text == str(rep["totals"][key])


def test_links_between_pages_resolve(example, browser):
    """Every link of every page reached from the overview opens a page on disk; nothing points outside."""
    start = (example["site"] / "index.html").resolve()
    seen, todo = set(), [start]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        open_page(browser, page)
        for a in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
            # The attribute, resolved as the browser does (an SVG link's href property is no string).
            url = urlparse(urljoin(browser.current_url, a.get_dom_attribute("href")))
            assert url.scheme == "file", f"{page.name}: {url.geturl()}"
            target = Path(unquote(url.path))
            assert target.is_file(), f"{page.name} → {target}"
            todo.append(target.resolve())
    assert seen == {p.resolve() for p in site_pages(example["site"])}  # and every page is reachable
    open_page(browser, start)
    browser.find_element(By.CSS_SELECTOR, "tr[data-unit] a").click()
    assert "/units/" in browser.current_url and browser.find_element(By.ID, "tasks")


def search(browser, text: str) -> list[str]:
    box = browser.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text)
    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]


def test_search_finds_a_task_by_number_and_by_a_word_of_its_title(example, browser):
    tasks = {t["id"]: t["title"] for t in json.loads(example["tz"]("list", "--all", "--format", "json"))}
    task_id, title = sorted(tasks.items())[1]
    open_page(browser, example["site"] / "index.html")
    assert search(browser, task_id) == [f"{task_id} {title}"]
    assert f"{task_id} {title}" in search(browser, str(int(task_id[5:])))
    word = title[2:5]
    found = search(browser, word)
    assert f"{task_id} {title}" in found
    assert all(word in f for f in found)
    assert search(browser, "不会出现在任何标题里的词") == []
    search(browser, task_id)
    browser.find_element(By.CSS_SELECTOR, "#results a").click()
    assert browser.current_url.endswith(f"tasks/{task_id}.html")
    assert title in browser.find_element(By.TAG_NAME, "h1").text


@pytest.mark.parametrize("size", SIZES)
def test_layout_holds_on_desktop_and_phone(example, browser, size):
    viewport(browser, *SIZES[size])
    try:
        site = example["site"]
        samples = [site / "index.html", site / "overdue.html", next(site.glob("units/*.html")),
                   *sorted(site.glob("tasks/*.html"))[:4], example["public"] / "index.html"]
        for page in samples:
            open_page(browser, page)
            width = browser.execute_script("return document.documentElement.clientWidth")
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert width == SIZES[size][0] and scroll <= width, f"{page.name}: {scroll} > {width}"
            chart = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
            for svg in chart:
                assert 0 < svg.size["width"] <= width
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_screenshot_of_the_overview_is_not_empty(example, browser, tmp_path):
    viewport(browser, *SIZES["desktop"])
    try:
        open_page(browser, example["site"] / "index.html")
        shot = browser.get_screenshot_as_png()
        blank = tmp_path / "blank.html"
        blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
        open_page(browser, blank)
        empty = browser.get_screenshot_as_png()
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert distinct_rows(empty) < 5  # the check itself fails on an empty page
    assert distinct_rows(shot) > 150
