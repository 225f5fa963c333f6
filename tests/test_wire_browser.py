"""The map first, then the tables, and a page that asks for nothing it does not use (issue 17, in
headless Chromium): on a view with a map, AG Grid's scripts are asked for only once the map has drawn
(the grids' stand-in, assets/grid_after_map.js, loads them), no grid starts before, and every grid
draws after it with its rows, as dash_ag_grid's own component; a view without a map draws its
tables too; the page fetches the subset Vazirmatn faces and no DataTable script."""

from __future__ import annotations

import json

import pytest

from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    page,
    signed_in,
    wait_until,
)

pytestmark = pytest.mark.browser

# Notes, for every grid that appears, whether the page's map had finished drawing by then, and when
# (performance.now()) the map was first seen drawn.
WATCH = """
window.__gridSeen = [];
window.__mapAt = null;
(function check() {
  var gd = document.querySelector('.js-plotly-plot');
  var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  if (sub && sub.map && sub.map.loaded()) { window.__mapAt = performance.now(); }
  else { setTimeout(check, 10); }
})();
new MutationObserver(function () {
  document.querySelectorAll('.ag-root-wrapper:not([data-seen])').forEach(function (g) {
    g.setAttribute('data-seen', '1');
    var gd = document.querySelector('.js-plotly-plot');
    var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    window.__gridSeen.push(!!(sub && sub.map && sub.map.loaded()));
  });
}).observe(document, {subtree: true, childList: true});
"""


@pytest.mark.parametrize(
    ("path", "ready", "grid", "row"),
    [
        ("/?as_of=1402-03-11", "#nat-map .maplibregl-canvas", "#nat-table", "تهران"),
        ("/province/IR-23?as_of=1402-03-11", "#prov-map .maplibregl-canvas", "#prov-table", "ری"),
    ],
)
def test_grids_draw_after_the_map_and_in_full(page, browser, path, ready, grid, row):  # noqa: F811
    watch = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})["identifier"]
    try:
        d = page(path, ready)
        wait_until(d, f"document.querySelectorAll('{grid} .ag-row').length > 0")
        seen = d.execute_script("return window.__gridSeen")
        assert seen and all(seen), seen  # every grid began after the map had drawn
        assert not d.find_elements("css selector", ".grid-waiting")
        assert row in d.execute_script(f"return document.querySelector('{grid}').innerText")
        map_at = d.execute_script("return window.__mapAt")
        asked = d.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('/dash_ag_grid/')).map(e => [e.name, e.startTime])"
        )
        assert len(asked) == 2, asked  # its bundle and its grid chunk, once each, at their fingerprints
        assert map_at is not None and all(start >= map_at - 50 for _, start in asked), (map_at, asked)
        # the grid drawn is dash_ag_grid's own component, its namespace as it came (not wrapped)
        assert d.execute_script(
            "return window.dash_ag_grid.AgGrid !== window.regen_after_map.AgGrid"
            " && typeof window.dash_ag_grid.getApiAsync === 'function'"
        )
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": watch})


def test_the_first_view_comes_with_the_layout_and_the_router_leaves_it(page, browser):  # noqa: F811
    """The layout's answer holds the view (shell.layout, from the page's Referer); the router's first
    call answers 204 with nothing; going to another URL in the page is still the router's."""
    d = page("/city/TEH?as_of=1402-03-11", "#city-map .maplibregl-canvas")
    sent, status = {}, {}
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        p = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent" and "/_dash-" in p["request"]["url"]:
            sent[p["requestId"]] = (p["request"]["url"], p["request"].get("postData", ""))
        elif msg["method"] == "Network.responseReceived" and p["requestId"] in sent:
            status[p["requestId"]] = p["response"]["status"]
    layout = [r for r, (u, _) in sent.items() if u.endswith("/_dash-layout")]
    routes = [r for r, (_, body) in sent.items() if '"output":"..root.dir' in body]
    assert len(layout) == 1 and status[layout[0]] == 200
    assert routes and all(status.get(r) == 204 for r in routes), [status.get(r) for r in routes]
    d.execute_script(
        "window.history.pushState({}, '', '/province/IR-23?as_of=1402-03-11');"
        "window.dispatchEvent(new PopStateEvent('popstate'))"
    )
    wait_until(d, "document.querySelector('#prov-map .maplibregl-canvas') !== null")
    wait_until(d, "document.querySelectorAll('#prov-table .ag-row').length > 0")
    page("/province/IR-23?as_of=1402-03-11", "#prov-map .maplibregl-canvas")  # a load for `page`'s checks


def test_a_view_without_a_map_draws_its_tables(page):  # noqa: F811
    d = page("/actions?as_of=1400-03-11", "#act-body")
    wait_until(d, "document.querySelectorAll('#act-agency .ag-row').length > 0")
    assert not d.find_elements("css selector", ".grid-waiting")


def test_a_view_fetches_the_subset_faces_and_no_datatable(page, browser):  # noqa: F811
    d = page("/?as_of=1402-03-11", "#nat-map .maplibregl-canvas")
    wait_until(d, "document.fonts.check('16px Vazirmatn') && document.fonts.status === 'loaded'")
    urls = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("dash_ag_grid" in u for u in urls) and not [u for u in urls if "dash_table" in u], urls
    assert any(u.endswith("/assets/Vazirmatn-wght.woff2") for u in urls), urls
    family = d.execute_script("return getComputedStyle(document.body).fontFamily")
    assert family.strip('"').startswith("Vazirmatn"), family
