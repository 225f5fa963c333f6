"""The tour (issue 16, "Done when"): every view — national, province, city, actions, agencies, data,
about, audit, a record form, the refusal and not-found pages, sign-in, a search opened — as the
national account (and the main ones as Tehran's provincial officer), in Persian and English, on a
desktop (1366×900) and a phone (390×844), in one real headless Chromium over one server. Each page is
saved as tests/artifacts/tour-<view>-<account>-<lang>-<device>.png to look at, and checked for what a
person would notice at once: the page scrolls sideways on a phone, it has no heading (one h1, its
first words) or one in the other language, its map runs off the screen or has its legend or colour
scale drawn over it (phone) or shows MapLibre's empty attribution button, a chart's legend meets its
mode bar, axis or plot, a table's name column is out of sight or a header is cut short, a short table
runs on blank under its rows, an agency's target name meets its bar or lines. Every problem of every
page is reported at once."""

from __future__ import annotations

import base64
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_agencies_browser import TARGETS
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    BROWSER_PASSWORD,
    BROWSER_USER,
    PROVINCIAL,
    PROVINCIAL_PASSWORD,
    browser,
    served_dashboard,
    settled,
    sign_in,
    wait_for,
)

pytestmark = pytest.mark.browser
DEVICES = {"desktop": (1366, 900), "phone": (390, 844)}
# name: (path, what shows once it is drawn, the map's graph id)
VIEWS = {
    "national": ("/?as_of=1402-03-11", "#nat-map .maplibregl-canvas", "nat-map"),
    "province": ("/province/IR-23?as_of=1402-03-11", "#prov-map .maplibregl-canvas", "prov-map"),
    "actions": ("/actions?as_of=1400-03-11", "#act-body .grid", None),
    "agencies": ("/agencies?as_of=1402-03-11", "#ag-body .agency-panel .js-plotly-plot", None),
    "data": ("/data", "#data-runs", None),
    "about": ("/about", "#demo-line", None),
    "audit": ("/audit", "main table", None),
    "not-found": ("/city/NOPE", "#page-error", None),
    "city": ("/city/TEH?as_of=1402-03-11", "#city-map .maplibregl-canvas", "city-map"),  # last: the
}  # record form and the search are tried on it
PROVINCIAL_VIEWS = ("national", "province", "city", "actions")
LATIN, PERSIAN = re.compile(r"[A-Za-z]{2,}"), re.compile(r"[\u0600-\u06ff]")
CODE = re.compile(r"\b[A-Z][A-Z0-9_-]*\b")  # a code (IR-23, NOPE) reads the same in both languages

# What a person sees of the page now, measured in the browser (arguments[0]: the map's graph id).
MEASURE = """
const W = window.innerWidth, out = {width: W, scroll: document.documentElement.scrollWidth};
const seen = (e) => e && e.getClientRects().length > 0;
const box = (e) => { const r = e.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
const meets = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
  && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
// the page's own heading: one h1, the first words of the view (before its filters)
const h1s = [...document.querySelectorAll('main h1, .form-card h1')].filter(seen);
out.h1s = h1s.length;
out.heading = h1s.length ? h1s[0].innerText.trim() : null;
const top = document.querySelector('main') || document.querySelector('.form-card');
const walk = top && document.createTreeWalker(top, NodeFilter.SHOW_TEXT,
  {acceptNode: (n) => n.textContent.trim() && seen(n.parentElement) ? 1 : 3});
const first = walk && walk.nextNode();
out.first = first ? (h1s.length && h1s[0].contains(first) ? null : first.textContent.trim()) : null;
// a chart's legend in a row of its own: clear of the mode bar's buttons, the axis labels and the plot
out.crowded = [...document.querySelectorAll('.js-plotly-plot')].filter(seen).flatMap((g) => {
  const legend = g.querySelector('.legend'), bar = g.querySelector('.modebar');
  if (!legend || !seen(legend)) return [];
  const l = box(legend), near = [bar, g.querySelector('.nsewdrag'), ...g.querySelectorAll('.ytick text')];
  return near.filter((e) => e && seen(e) && meets(l, box(e)))
    .map((e) => `${(g.closest('[id]') || {}).id}: legend on ${e.getAttribute('class') || e.tagName}`);
});
// MapLibre's attribution button, empty here (the page's footer names the sources)
out.attribution = [...document.querySelectorAll('.maplibregl-ctrl-attrib')].filter(seen).length;
// a table's header cut short ("Neighborho…"): its words must show whole, on as many lines as they need
out.cut = [...document.querySelectorAll('.ag-header-cell')].filter(seen).map((c) => {
  const text = c.querySelector('.ag-header-cell-text');
  return text && (text.scrollWidth > text.clientWidth + 1 || text.scrollHeight > text.clientHeight + 1
    || text.getBoundingClientRect().bottom > c.getBoundingClientRect().bottom + 1) ? text.textContent : null;
}).filter((x) => x);
// the agencies' bars: each target's name clear of the bars, the target's line and the period's tick
out.labels = [...document.querySelectorAll('.agency-panel .js-plotly-plot')].flatMap((g) => {
  const marks = [...g.querySelectorAll('.bars path, .shapelayer path, .scatterlayer .point')].filter(seen);
  return [...g.querySelectorAll('.annotation')].flatMap((a) => marks.filter((m) => meets(box(a), box(m)))
    .map((m) => `${a.textContent} on ${m.closest('.bars') ? 'a bar'
      : m.closest('.shapelayer') ? 'the 100% line' : 'a tick'}`));
});
if (arguments[0]) {
  const g = document.getElementById(arguments[0]), canvas = g && g.querySelector('.maplibregl-canvas');
  out.map = canvas ? box(canvas) : null;
  out.over = g ? [...g.querySelectorAll('.legend, .colorbar')].filter(seen)
    .map((e) => ({what: e.getAttribute('class'), box: box(e)})) : [];
}
// every table's first column (AG Grid pins it: the name), and the audit page's plain table
out.names = [...document.querySelectorAll('.ag-root-wrapper')].filter(seen).map((g) => {
  const c = g.querySelector('.ag-pinned-right-header .ag-header-cell, .ag-pinned-left-header .ag-header-cell')
    || g.querySelector('.ag-header-cell[aria-colindex="1"]');
  return {grid: (g.closest('[id]') || {}).id, cell: c && seen(c) ? box(c) : null};
}).concat([...document.querySelectorAll('main table')].filter(seen).map((t) => {
  const c = t.querySelector('th');
  return {grid: t.id || 'table', cell: c && seen(c) ? box(c) : null};
}));
// a short table's blank under its last row (a table of a few rows should end with them)
out.blank = [...document.querySelectorAll('.ag-root-wrapper')].filter(seen).map((g) => {
  const rows = [...g.querySelectorAll('.ag-center-cols-container .ag-row')].filter(seen);
  const view = g.querySelector('.ag-body-viewport');
  if (!rows.length || !view) return null;
  const last = Math.max(...rows.map((r) => r.getBoundingClientRect().bottom));
  return {grid: (g.closest('[id]') || {}).id, px: view.getBoundingClientRect().bottom - last};
}).filter((b) => b && b.px > 30);  // a sideways scrollbar's room is not blank
return out;
"""


@pytest.fixture(scope="module")
def tour_url(pg_server, template_url):
    """Gives the dashboard over the fixture and the agencies' targets, with a provincial account."""
    with served_dashboard(pg_server, template_url, "regen_tour", TARGETS, provincial=True) as url:
        yield url


def with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def problems_of(driver, where: str, lang: str, device: str, graph: str | None) -> list[str]:
    """Gives what is wrong with the page as it is drawn now."""
    m = driver.execute_script(MEASURE, graph)
    found = []
    if device == "phone" and m["scroll"] > m["width"]:
        found.append(f"{where}: the page scrolls sideways ({m['scroll']} px on a {m['width']} px screen)")
    heading = CODE.sub("", m["heading"] or "") if lang == "fa" else m["heading"] or ""
    if lang == "fa" and (not PERSIAN.search(heading) or LATIN.search(heading)):
        found.append(f"{where}: the heading is not Persian: {heading!r}")
    if lang == "en" and (not LATIN.search(heading) or PERSIAN.search(heading)):
        found.append(f"{where}: the heading is not English: {heading!r}")
    if m["h1s"] != 1:
        found.append(f"{where}: {m['h1s']} headings (h1) in sight, not one")
    elif m["first"]:
        found.append(f"{where}: {m['first']!r} comes before the heading")
    found += [f"{where}: {c}" for c in m["crowded"]]
    if m["attribution"]:
        found.append(f"{where}: the map's empty attribution button (▶) shows")
    found += [f"{where}: a table's header is cut: {c!r}" for c in m["cut"]]
    found += [f"{where}: {label}" for label in m["labels"]]
    if graph:
        area = m["map"]
        if area is None or area["width"] < 100:
            found.append(f"{where}: no map drawn")
        elif area["left"] < -1 or area["right"] > m["width"] + 1:
            found.append(f"{where}: the map runs off the screen ({area['left']:.0f}–{area['right']:.0f} px)")
        elif device == "phone":
            for o in m["over"]:
                b = o["box"]
                across = min(b["right"], area["right"]) - max(b["left"], area["left"])
                down = min(b["bottom"], area["bottom"]) - max(b["top"], area["top"])
                if across > 1 and down > 1:
                    found.append(f"{where}: the {o['what']} is over the map ({across:.0f}×{down:.0f} px)")
    for n in m["names"]:
        c = n["cell"]
        if c is None or c["width"] < 40 or c["left"] < -1 or c["right"] > m["width"] + 1:
            found.append(f"{where}: the name column of {n['grid']} is out of sight ({c})")
    found += [f"{where}: {b['px']:.0f} px of blank under the rows of {b['grid']}" for b in m["blank"]]
    return found


def shoot(driver, name: str) -> None:
    """Saves the whole page, not only its first screen (a phone's map and tables are further down):
    the screen is made as tall as the page for the picture (a picture of what lies beyond the screen
    misses the grids' rows, which AG Grid draws only in sight)."""
    time.sleep(0.5)  # let MapLibre finish drawing
    width, height = driver.execute_script(
        "window.scrollTo(0, 0); return [window.innerWidth, document.documentElement.scrollHeight]"
    )
    metrics = {"width": width, "height": min(height, 8000), "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        time.sleep(1.0)  # the grids and the maps redraw for the taller screen
        png = driver.execute_cdp_cmd("Page.captureScreenshot", {})["data"]
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    (ARTIFACTS / f"tour-{name}.png").write_bytes(base64.b64decode(png))


def open_view(driver, base: str, path: str, ready: str, lang: str) -> None:
    driver.get(base + with_lang(path, lang))
    wait_for(driver, ready, timeout=60)
    if driver.find_elements(By.CSS_SELECTOR, "main"):  # a Dash view: its grids fill in after it opens
        settled(driver, "main", timeout=60)


def walk_signed_in(driver, base: str, account: str, lang: str, device: str, views) -> list[str]:
    """Opens each view; gives the problems of all of them (screenshots saved)."""
    problems = []
    for name in views:
        path, ready, graph = VIEWS[name]
        open_view(driver, base, path, ready, lang)
        problems += problems_of(driver, f"{name} {account} {lang} {device}", lang, device, graph)
        shoot(driver, f"{name}-{account}-{lang}-{device}")
    return problems


def record_form(driver, account: str, lang: str, device: str) -> list[str]:
    """The city's record form (progress) on the city view open now, scrolled into sight."""
    panel = driver.find_element(By.CSS_SELECTOR, ".record-panel")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
    where = f"record {account} {lang} {device}"
    title = panel.find_element(By.CSS_SELECTOR, "h3").text
    problems = [] if (PERSIAN if lang == "fa" else LATIN).search(title) else [f"{where}: title {title!r}"]
    width = driver.execute_script("return window.innerWidth")
    for e in panel.find_elements(By.CSS_SELECTOR, "input, textarea, button, .dash-dropdown"):
        r = e.rect
        if e.is_displayed() and (r["x"] < -1 or r["x"] + r["width"] > width + 1):
            problems.append(f"{where}: a field runs off the screen ({r})")
    time.sleep(1.0)
    driver.save_screenshot(str(ARTIFACTS / f"tour-record-{account}-{lang}-{device}.png"))  # the form
    return problems


def search_opened(driver, account: str, lang: str, device: str) -> list[str]:
    """The header's search box of the view open now, with a word typed and its results listed."""
    toggle = driver.find_element(By.ID, "menu-toggle")
    if toggle.is_displayed():  # a phone folds the menu, the search box with it
        toggle.click()
    driver.execute_script("window.scrollTo(0, 0)")
    box = driver.find_element(By.ID, "search-box")
    box.send_keys("نارمك" if lang == "fa" else "Narmak")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a.s-hit"))
    where = f"search {account} {lang} {device}"
    r = driver.find_element(By.ID, "search-results").rect
    width = driver.execute_script("return window.innerWidth")
    problems = [] if r["x"] >= -1 and r["x"] + r["width"] <= width + 1 else [f"{where}: list off screen {r}"]
    if device == "phone" and box.rect["width"] < width / 2:  # what one types in is seen
        problems.append(f"{where}: the search box is {box.rect['width']:.0f} px wide")
    first = driver.find_element(By.CSS_SELECTOR, "#search-results a.s-hit").text
    if not (PERSIAN if lang == "fa" else LATIN).search(first):
        problems.append(f"{where}: the first result {first!r}")
    time.sleep(0.5)
    driver.save_screenshot(str(ARTIFACTS / f"tour-search-{account}-{lang}-{device}.png"))
    return problems


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_tour_of_every_view(tour_url, browser, lang):  # noqa: F811  (the imported fixture)
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    try:
        for device, size in DEVICES.items():
            browser.set_window_size(*size)
            browser.delete_all_cookies()
            open_view(browser, tour_url, "/login", "#password", lang)
            problems += problems_of(browser, f"sign-in {lang} {device}", lang, device, None)
            shoot(browser, f"sign-in-none-{lang}-{device}")

            sign_in(browser, tour_url, BROWSER_USER, BROWSER_PASSWORD)
            problems += walk_signed_in(browser, tour_url, "national", lang, device, VIEWS)
            problems += record_form(browser, "national", lang, device)
            problems += search_opened(browser, "national", lang, device)

            sign_in(browser, tour_url, PROVINCIAL, PROVINCIAL_PASSWORD)
            problems += walk_signed_in(browser, tour_url, "tehran", lang, device, PROVINCIAL_VIEWS)
            open_view(browser, tour_url, "/province/IR-10", "#page-error", lang)
            problems += problems_of(browser, f"refusal tehran {lang} {device}", lang, device, None)
            shoot(browser, f"refusal-tehran-{lang}-{device}")
    finally:
        browser.set_window_size(1400, 1100)
        browser.delete_all_cookies()
    assert problems == [], "\n".join(problems)
