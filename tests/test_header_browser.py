"""The header at a desktop's 1366 px in both languages: two rows at most (the name, the search, the
views and the language; under them the brief, the data's time and the account), nothing cut off;
on a phone the menu stays folded behind its button. Real headless Chromium; screenshots go to
tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    page,
    shot,
    signed_in,
)

pytestmark = pytest.mark.browser

ROWS = """const items = [...document.querySelectorAll(
    '#header .brand, #header .search, #header .menu > a, #header .menu > span, #header .lang')]
  .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
const rows = [];
for (const r of items) { if (!rows.some(top => Math.abs(top - r.top) < 12)) rows.push(r.top); }
return {rows: rows.length, items: items.length,
        inside: items.every(r => r.left >= 0 && r.right <= window.innerWidth),
        height: document.getElementById('header').getBoundingClientRect().height};"""


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_desktop_header_in_two_rows(page, browser, lang):  # noqa: F811
    browser.set_window_size(1366, 900)
    try:
        d = page(f"/province/IR-23?lang={lang}", "#prov-map .js-plotly-plot")
        header = d.execute_script(ROWS)
        assert header["items"] >= 10 and header["rows"] <= 2 and header["inside"], header
        assert header["height"] < 110, header
        shot(d, f"header-{lang}-desktop")
    finally:
        browser.set_window_size(1400, 1100)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_phone_menu_stays_folded(page, browser, lang):  # noqa: F811
    browser.set_window_size(390, 844)
    try:
        d = page(f"/province/IR-23?lang={lang}", "#prov-map .js-plotly-plot")
        shown = d.execute_script(
            "return [getComputedStyle(document.getElementById('menu-toggle')).display,"
            " getComputedStyle(document.getElementById('menu')).display]"
        )
        assert shown[0] != "none" and shown[1] == "none"
        d.find_element("id", "menu-toggle").click()
        assert d.execute_script("return getComputedStyle(document.getElementById('menu')).display") == "flex"
        shot(d, f"header-{lang}-phone-open")
    finally:
        browser.set_window_size(1400, 1100)
