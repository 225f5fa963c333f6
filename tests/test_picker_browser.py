"""The as-of calendar and the phone layout in headless Chromium: a day picked on the Jalali calendar
or from the presets redraws the view and goes into the URL as ISO, a typed non-date gets a message;
at 390×844 the menu folds behind a named button, the headline cards stand two per row, the map is
inside the screen with its colour scale below it, and tables keep the name column pinned at the
reading start (its first column). Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.i18n import t
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    VIEWS,
    base_url,
    browser,
    page,
    settled,
    shot,
    signed_in,
    text_of,
    wait_for,
    wait_until,
)

pytestmark = pytest.mark.browser
BOX = "input.f-asof, .f-asof input"


def _box(d) -> str:
    return d.find_element(By.CSS_SELECTOR, BOX).get_attribute("value")


def _card_of(open_, path: str) -> str:
    d = open_(path, "#nat-map .maplibregl-canvas")
    return settled(d, "#card-share_covered") + "|" + settled(d, "#card-actions_overdue")


def test_a_day_picked_on_the_calendar_redraws_and_goes_into_the_url(page):  # noqa: F811
    d = page("/?as_of=2023-06-01&lang=fa", "#nat-map .maplibregl-canvas")  # 1402/03/11
    panel = d.find_element(By.CSS_SELECTOR, ".pk-panel")
    toggle = d.find_element(By.CSS_SELECTOR, ".pk-open")
    assert not panel.is_displayed() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    wait_until(d, "!document.querySelector('.pk-panel').hidden")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert text_of(d, ".pk-title") == "خرداد ۱۴۰۲"
    chosen = d.find_element(By.CSS_SELECTOR, ".pk-day.chosen")
    assert chosen.text == "۱۱" and chosen.get_attribute("aria-label") == "۱۴۰۲/۰۳/۱۱"
    shot(d, "picker-calendar-fa")
    for _ in range(2):  # back to Farvardin
        d.find_element(By.CSS_SELECTOR, f".pk-nav[aria-label='{t('pk_prev', 'fa')}']").click()
    wait_until(d, "document.querySelector('.pk-title').innerText === 'فروردین ۱۴۰۲'")
    d.find_element(By.CSS_SELECTOR, ".pk-day[aria-label='۱۴۰۲/۰۱/۰۱']").click()
    WebDriverWait(d, 20).until(lambda drv: "as_of=2023-03-21" in drv.current_url)
    assert _box(d) == "۱۴۰۲/۰۱/۰۱"
    wait_until(d, "document.querySelector('.pk-panel').hidden")  # closed once a day is picked
    picked = settled(d, "#card-share_covered") + "|" + settled(d, "#card-actions_overdue")
    assert picked == _card_of(page, "/?as_of=2023-03-21")  # what a fresh load of that day shows


def test_future_days_cannot_be_picked(page):  # noqa: F811
    d = page("/", "#nat-map .maplibregl-canvas")
    d.find_element(By.CSS_SELECTOR, ".pk-open").click()
    days = d.find_elements(By.CSS_SELECTOR, ".pk-day")
    today = d.find_element(By.CSS_SELECTOR, ".pk-day.today")
    after = days[days.index(today) + 1 :]
    assert today.is_enabled() and all(not b.is_enabled() for b in after)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_presets_today_meetings_and_period_ends(page, lang):  # noqa: F811
    d = page(f"/?as_of=2023-06-01&lang={lang}", "#nat-map .maplibregl-canvas")
    d.find_element(By.CSS_SELECTOR, ".pk-preset").click()
    wait_for(d, "[role=option]")
    labels = [e.text for e in d.find_elements(By.CSS_SELECTOR, "[role=option]")]
    assert labels[0].startswith(t("pk_today", lang))
    meeting = t("pk_meeting", lang).format(n="۵۰" if lang == "fa" else "50")
    assert meeting + " — " + ("۱۳۹۷/۰۷/۱۰" if lang == "fa" else "1397/07/10") in labels
    year_end = t("pk_year_end", lang).format(y="۱۴۰۱" if lang == "fa" else "1401")
    assert any(x.startswith(year_end) for x in labels), labels
    shot(d, f"picker-presets-{lang}")
    option = d.find_element(By.XPATH, "//*[@role='option'][.//input[@value='2018-10-02']]")
    d.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", option)
    option.click()
    WebDriverWait(d, 20).until(lambda drv: "as_of=2018-10-02" in drv.current_url)
    assert _box(d) == ("۱۳۹۷/۰۷/۱۰" if lang == "fa" else "1397/07/10")
    assert text_of(d, ".pk-title") == ("مهر ۱۳۹۷" if lang == "fa" else "Mehr 1397")  # the calendar follows


def test_typing_stays_and_a_non_date_gets_a_message(page):  # noqa: F811
    # in Persian by the URL: an earlier test may leave English in the cookie
    d = page("/?as_of=2023-06-01&lang=fa", "#nat-map .maplibregl-canvas")
    box = d.find_element(By.CSS_SELECTOR, BOX)
    box.send_keys(Keys.CONTROL + "a")  # not clear(): an empty box is today
    box.send_keys("1402/13/01" + Keys.ENTER)
    wait_until(d, f"document.querySelector('.f-msg').innerText === {t('bad_date', 'fa')!r}")
    assert "as_of=2023-06-01" in d.current_url  # the view stays on the last good day
    box = d.find_element(By.CSS_SELECTOR, BOX)
    box.send_keys(Keys.CONTROL + "a")
    box.send_keys("۱۴۰۰/۰۳/۱۱" + Keys.ENTER)
    WebDriverWait(d, 20).until(lambda drv: "as_of=2021-06-01" in drv.current_url)
    wait_until(d, "document.querySelector('.f-msg').innerText === ''")
    assert text_of(d, ".pk-title") == "خرداد ۱۴۰۰"


# -- the phone -----------------------------------------------------------------------------------
RECT = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"


def _rect(d, el) -> list[float]:
    return d.execute_script(RECT, el)


def _phone_checks(d, name: str, lang: str) -> None:
    """Asserts the phone layout of the view in the browser (see the module's docstring)."""
    wide = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, (name, wide)
    width = d.execute_script("return document.documentElement.clientWidth")
    # the menu: folded behind a named button, which opens it
    toggle, menu = d.find_element(By.ID, "menu-toggle"), d.find_element(By.ID, "menu")
    assert toggle.is_displayed() and t("pk_menu", lang) in toggle.text
    assert not menu.is_displayed(), name
    header = _rect(d, d.find_element(By.ID, "header"))
    assert header[3] - header[1] < 70, (name, header)  # one line, not four
    toggle.click()
    WebDriverWait(d, 10).until(lambda drv: menu.is_displayed())
    assert toggle.get_attribute("aria-expanded") == "true"
    assert t("national", lang) in menu.text
    toggle.click()
    WebDriverWait(d, 10).until(lambda drv: not menu.is_displayed())
    # the headline cards: two per row
    cards = d.find_elements(By.CSS_SELECTOR, ".cards .card")
    r = [_rect(d, c) for c in cards]
    if len(r) >= 2:
        assert abs(r[0][1] - r[1][1]) < 1, (name, r[:2])  # side by side
    if len(r) >= 3:
        assert r[2][1] >= r[0][3], (name, r[:3])  # the third on the next row
        assert all(right <= width + 0.5 and left >= -0.5 for left, _, right, _ in r), (name, r)
    # the map: inside the screen, its colour scale below it
    for canvas in d.find_elements(By.CSS_SELECTOR, ".maplibregl-canvas"):
        m = _rect(d, canvas)
        assert m[0] >= -0.5 and m[2] <= width + 0.5 and m[3] - m[1] < 844, (name, m)
        graph = canvas.find_element(By.XPATH, "ancestor::div[contains(@class, 'js-plotly-plot')]")
        for bar in graph.find_elements(By.CSS_SELECTOR, ".colorbar"):
            b = _rect(d, bar)
            assert b[1] >= m[3] - 0.5, (name, "colour scale over the map", m, b)
    # tables: the name column pinned at the reading start, and there while the rest scrolls
    side = "right" if lang == "fa" else "left"
    for grid in d.find_elements(By.CSS_SELECTOR, ".grid"):
        # the first column (a place's name, an action's title) is the pinned one (dashboard/grids.py)
        names = grid.find_elements(By.CSS_SELECTOR, f".ag-pinned-{side}-cols-container .ag-cell")
        if not grid.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row"):
            continue  # a table with no rows here
        assert names, (name, "name column not pinned", grid.get_attribute("id"))
        g, n = _rect(d, grid), _rect(d, names[0])
        assert (abs(g[2] - n[2]) if side == "right" else abs(n[0] - g[0])) < 4, (name, g, n)
        d.execute_script(
            "const v = arguments[0].querySelector('.ag-center-cols-viewport');"
            "v.scrollLeft = (arguments[1] ? -1 : 1) * 400;",
            grid,
            lang == "fa",
        )
        assert _rect(d, names[0])[0] == pytest.approx(n[0], abs=1), (name, "name column moved")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_phone_layout_of_every_view(page, lang):  # noqa: F811
    d = page("/about", "#demo-line")
    try:
        d.set_window_size(390, 844)
        for name, (path, ready) in VIEWS.items():
            page(path + ("&" if "?" in path else "?") + f"lang={lang}", ready)
            settled(d, "main")
            _phone_checks(d, name, lang)
            d.execute_script("window.scrollTo(0, 0)")
            shot(d, f"phone-{name}-{lang}")
    finally:
        d.set_window_size(1400, 1100)
        d.delete_all_cookies()


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_calendar_on_a_phone_stays_inside_the_screen(page, lang):  # noqa: F811
    d = page(f"/?as_of=2023-06-01&lang={lang}", "#nat-map .maplibregl-canvas")
    try:
        d.set_window_size(390, 844)
        d.find_element(By.CSS_SELECTOR, ".pk-open").click()
        wait_until(d, "!document.querySelector('.pk-panel').hidden")
        width = d.execute_script("return document.documentElement.clientWidth")
        p = _rect(d, d.find_element(By.CSS_SELECTOR, ".pk-panel"))
        assert p[0] >= 0 and p[2] <= width, p
        shot(d, f"phone-calendar-{lang}")
    finally:
        d.set_window_size(1400, 1100)
        d.delete_all_cookies()
