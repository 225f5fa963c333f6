"""A new date on an open view, in real headless Chromium (marked `browser`): the national view's
cards, map and links; the province view's map, tables, timeline and lists patched to what that day's
view shows; the city view's hovers with Persian digits drawn by the font; and a view open while
another session records (the fixtures: test_dashboard_browser)."""

# ruff: noqa: F811  (the fixtures imported from test_dashboard_browser)
from __future__ import annotations

import json
import os
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.pages.common import place_cols
from regen import progress
from regen.db import Database
from regen.scope import Scope
from tests import test_dashboard_browser as web
from tests.test_dashboard_browser import base_url, browser, page, signed_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_as_of_date_redraws(page):
    d = page("/?as_of=1400-03-11", "#nat-map .maplibregl-canvas")
    assert web.text_of(d, "#card-share_covered") == "۵۰٫۰٪"  # 3 of 6 on 2021-06-01
    assert web.text_of(d, "#card-actions_overdue") == "۲"
    z_before = d.execute_script(f"return {web.plot('nat-map')}.data[0].z")
    box = d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
    box.clear()
    box.send_keys("۱۴۰۲/۰۳/۱۱" + Keys.ENTER)
    web.wait_until(d, "document.getElementById('card-share_covered').innerText === '۶۶٫۷٪'")
    assert web.text_of(d, "#card-actions_overdue") == "۱"
    assert d.execute_script(f"return {web.plot('nat-map')}.data[0].z") != z_before
    assert "as_of=2023-06-01" in d.current_url
    href = d.find_element(By.ID, "lang-switch").get_attribute("href")
    assert "as_of=2023-06-01" in href and "lang=en" in href  # the switch keeps the view
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#nat-table a")]
    assert links and all("as_of=2023-06-01" in h for h in links), links  # so do the table's links
    web.shot(d, "national-as-of-changed")
    # the measure switch: other colours, and the URL keeps the date with the measure
    z_count = d.execute_script(f"return {web.plot('nat-map')}.data[0].z")
    d.find_element(By.CSS_SELECTOR, ".measure input[value=handover]").click()
    WebDriverWait(d, 20).until(lambda drv: "measure=handover" in drv.current_url)
    assert "as_of=2023-06-01" in d.current_url
    z_was = json.dumps(json.dumps(z_count))
    web.wait_until(d, f"JSON.stringify({web.plot('nat-map')}.data[0].z) !== {z_was}")


def city_table(driver) -> list[list[str]]:
    """Gives the province's city table as shown: each column's texts, top to bottom."""
    return [web.cells(driver, "#prov-table", c.field) for c in place_cols("city")]


@pytest.mark.parametrize("lang", ["", "&lang=en"])
def test_province_new_date_patches_the_lists_and_links(page, lang):
    """A new date on the province view: what the browser shows after it (map colours and hovers,
    tables, timeline, lists and their notes) is what the view opened on that date shows; the city
    table's links carry the new date."""
    hovers = f"JSON.stringify({web.plot('prov-map')}.data[0].customdata)"
    colours = f"JSON.stringify({web.plot('prov-map')}.data[0].marker.color)"
    line = f"JSON.stringify({web.plot('prov-timeline')}.data.map(t => [t.x, t.y, t.customdata]))"
    notes = "#prov-uncovered-note, #prov-due-note"
    d = page(f"/province/IR-23?as_of=1400-03-11{lang}", "#prov-map .maplibregl-canvas")
    fresh = {name: web.shown(d, f"#prov-{name}") for name in ("uncovered", "due")}
    web.settled(d, "#prov-table")
    fresh["table"] = city_table(d)  # as seen: a grid given new rows keeps its rows' DOM order
    fresh["hovers"], fresh["colours"] = web.wait_until(d, hovers), web.wait_until(d, colours)
    fresh["timeline"] = web.wait_until(d, line)
    fresh["notes"] = [e.text for e in d.find_elements(By.CSS_SELECTOR, notes)]
    d = page(f"/province/IR-23?as_of=1402-03-11{lang}", "#prov-map .maplibregl-canvas")
    assert web.wait_until(d, hovers) != fresh["hovers"]  # the map's hover values differ on the two dates
    assert web.wait_until(d, colours) != fresh["colours"]  # and so do its colours
    assert web.wait_until(d, line) != fresh["timeline"]
    assert web.settled(d, "#prov-uncovered") != fresh["uncovered"]  # the dates differ in what they list
    box = d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
    box.clear()
    box.send_keys("1400/03/11" + Keys.ENTER)
    WebDriverWait(d, 30).until(lambda drv: web.shown(drv, "#prov-uncovered") == fresh["uncovered"])
    assert web.shown(d, "#prov-due") == fresh["due"]
    web.settled(d, "#prov-table")
    assert city_table(d) == fresh["table"]
    assert d.execute_script(f"return {hovers}") == fresh["hovers"]
    assert d.execute_script(f"return {colours}") == fresh["colours"]
    assert d.execute_script(f"return {line}") == fresh["timeline"]
    assert [e.text for e in d.find_elements(By.CSS_SELECTOR, notes)] == fresh["notes"]
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#prov-table a")]
    assert links and all("as_of=2021-06-01" in h for h in links), links
    d.delete_all_cookies()  # the language chosen stays in a cookie


def test_hovers_after_a_new_date_persian_digits_by_font(page):
    """A new date: the hovers get the new state and date, with ASCII digits that the figure's
    Farsi-Digits face draws as Persian, inside RLE…PDF; the office table gets the dates in Persian
    digits."""
    d = page("/city/TEH?as_of=1402-03-11", "#city-map .maplibregl-canvas")
    web.wait_until(d, f"{web.plot('city-map')}.data[1].lon.length === 3")
    first = d.execute_script(f"return {web.plot('city-map')}.data[1].customdata")
    box = d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
    box.clear()
    box.send_keys("1400/03/11" + Keys.ENTER)
    web.wait_until(
        d, f"JSON.stringify({web.plot('city-map')}.data[1].customdata) !== {json.dumps(json.dumps(first))}"
    )
    hood_hover = d.execute_script(f"return {web.plot('city-map')}.data[0].hovertemplate")
    assert hood_hover.startswith("\u202b") and "\u202c" in hood_hover
    custom = d.execute_script(f"return {web.plot('city-map')}.data[1].customdata")
    assert any("(از 1" in c[1] for c in custom), custom  # "since" with an ASCII Jalali date
    assert "۱۴۰۰" not in json.dumps(custom, ensure_ascii=False)
    offices = web.text_of(d, "#city-offices")
    assert "1399" not in offices and "۱۳۹" in offices  # Python wrote the table's dates in Persian digits
    assert d.execute_script(f"return {web.plot('city-map')}._fullLayout.hoverlabel.font.family").startswith(
        "Vazirmatn FD"
    )
    family = d.execute_script(
        f"return getComputedStyle({web.plot('city-map')}.querySelector('.colorbar text')).fontFamily"
    )
    assert family.startswith('"Vazirmatn FD"'), family  # the figure's text is drawn in that face
    web.wait_until(d, "document.fonts.check('12px \"Vazirmatn FD\"')")  # loaded, from 127.0.0.1
    web.shot(d, "city-TEH-hover-fa")


def test_a_view_open_while_another_session_records_shows_the_new_day_as_it_is(page, base_url):
    """A province view open on one day; another session records an office state, which changes that
    day and the next one asked alike; then the first changes the date: its tables, cards and map are
    a fresh view's of the new day. (Differences from the old day as the server saw it after the
    recording, as the view once sent, left the cells the recording changed as the page held them.)"""
    tables = ("#prov-table", "#prov-uncovered", "#prov-due", "#prov-cards")
    colours = f"JSON.stringify({web.plot('prov-map')}.data[0].marker.color)"
    hovers = f"JSON.stringify({web.plot('prov-map')}.data[0].customdata)"
    d = page("/province/IR-23?as_of=1402-03-11", "#prov-map .maplibregl-canvas")
    before = {css: web.shown(d, css) for css in tables}
    database = Database(os.environ["DATABASE_URL"])
    try:
        # Narmak's office (O2), active since 2021-02-01, handed over on 2021-03-01: on 1402/03/11 and
        # on 1402/02/11 alike, it is no longer due for handover, and Tehran has two offices handed over
        progress.record_office_state(
            database,
            Scope(user=web.BROWSER_USER, role="national"),
            "O2",
            "handed_over",
            "1399/12/11",
            letter_no="۷/ش",
        )
        box = d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
        box.clear()
        box.send_keys("1402/02/11" + Keys.ENTER)
        WebDriverWait(d, 30).until(lambda drv: "as_of=2023-05-01" in drv.current_url)
        time.sleep(1)
        changed = {css: web.shown(d, css) for css in tables}
        changed["colours"], changed["hovers"] = web.wait_until(d, colours), web.wait_until(d, hovers)
        d = page("/province/IR-23?as_of=1402-02-11", "#prov-map .maplibregl-canvas")
        fresh = {css: web.shown(d, css) for css in tables}
        fresh["colours"], fresh["hovers"] = web.wait_until(d, colours), web.wait_until(d, hovers)
        assert "دفتر نارمک" in str(before["#prov-due"]) and "دفتر نارمک" not in str(fresh["#prov-due"])
        assert changed == fresh
    finally:
        database.execute("DELETE FROM office_states WHERE office_code = 'O2' AND state = 'handed_over'")
        database.close()
