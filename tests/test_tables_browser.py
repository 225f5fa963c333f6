"""Tables and filters in headless Chromium (issue 16, items 6-8): lagging places first with a totals
row that follows a new date, names not codes, overdue handovers flagged, the kind filter changing the
cards and the offices list, a future date refused with a message, a bad `?as_of=` in a link named in
a notice. Screenshots (Persian and English, desktop and phone) go to tests/artifacts/tables-*.png."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import grids, i18n, kept
from dashboard.i18n import date as jalali
from dashboard.i18n import t
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    browser,
    cells,
    page,
    served_dashboard,
    settled,
    shot,
    signed_in,
    text_of,
    wait_until,
)

pytestmark = pytest.mark.browser
TOTALS = "#nat-table .ag-floating-bottom .ag-row"


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the dashboard over the dashboard fixture (tests/dashboard_fixture.py), served from a thread."""
    with served_dashboard(pg_server, template_url, "regen_tables") as url:
        yield url


def type_day(driver, text: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
    box.send_keys(Keys.CONTROL + "a")  # typed over, as a person does: an emptied box is today (picker)
    box.send_keys(text + Keys.ENTER)


def test_provinces_lagging_first_with_totals_that_follow_the_date(page):  # noqa: F811
    d = page("/?as_of=1402-03-11", "#nat-table .ag-row")
    assert t("lagging_first", "fa") in text_of(d, "main")  # the rule, on the page
    names = cells(d, "#nat-table", "name")
    assert names[0] == "اصفهان" and names[1] == "تهران" and names[-1] == "جمع"  # 1 of 2, 3 of 4; total
    assert text_of(d, f"{TOTALS} .ag-cell[col-id=neighborhoods]") == "۶"
    assert text_of(d, f"{TOTALS} .ag-cell[col-id=covered]") == "۴"
    assert text_of(d, f"{TOTALS} .ag-cell[col-id=coverage_count_pct]") == "۶۶٫۷"
    shot(d, "tables-national-fa")
    type_day(d, "1400/03/11")  # 3 of 6 covered then: the totals row is patched with the rows
    wait_until(d, f"document.querySelector('{TOTALS} .ag-cell[col-id=covered]').innerText === '۳'")
    assert text_of(d, "#card-share_covered") == "۵۰٫۰٪"
    # a date after today is refused with a message, and nothing changes
    type_day(d, "1420/01/01")
    wait_until(d, "document.querySelector('.f-msg').innerText.includes('1420/01/01')")
    assert "آینده" in text_of(d, ".f-msg")
    assert text_of(d, "#card-share_covered") == "۵۰٫۰٪" and "as_of=2021-06-01" in d.current_url
    assert text_of(d, f"{TOTALS} .ag-cell[col-id=covered]") == "۳"
    shot(d, "tables-national-future-refused-fa")
    type_day(d, jalali(dt.date.today(), "en"))  # today itself is accepted
    wait_until(d, "document.querySelector('.f-msg').innerText === ''")
    wait_until(d, "document.getElementById('card-share_covered').innerText === '۶۶٫۷٪'")


def test_city_names_overdue_and_the_kind_filter(page):  # noqa: F811
    d = page("/city/TEH?as_of=1402-03-11", "#city-offices .ag-row")
    assert text_of(d, "#card-target_neighborhoods") == "۳"
    offices = cells(d, "#city-offices", "name")
    assert offices[0] == "دفتر نارمک" and len(offices) == 3  # overdue first: Narmak, due 1401/04/09
    late = d.find_element(By.CSS_SELECTOR, "#city-offices .ag-row[row-id=O2] .ag-cell[col-id=late]")
    assert late.text == "۱۱ ماه · معوق" and "overdue" in late.get_attribute("class")
    assert t("overdue_rule", "fa") in text_of(d, "main")
    settled(d, "#city-hoods")
    n1 = "#city-hoods .ag-row[row-id=N1] .ag-cell"
    assert text_of(d, f"{n1}[col-id=offices]") == "دفتر عودلاجان"  # a name, not O1
    assert text_of(d, f"{n1}[col-id=code]") == "N1"  # the code in the last column
    assert cells(d, "#city-offices", "neighborhoods")[0] == "نارمک"
    # the kind filter: the cards and the offices list count the historic neighborhoods only (N1, O1)
    d.find_element(By.CSS_SELECTOR, ".f-kind").click()
    option = WebDriverWait(d, 10).until(
        lambda drv: next(
            (e for e in drv.find_elements(By.XPATH, "//*[text()='بافت تاریخی']") if e.is_displayed()), None
        )  # fmt: skip
    )
    option.click()
    wait_until(d, "document.getElementById('card-target_neighborhoods').innerText === '۱'")
    WebDriverWait(d, 20).until(lambda drv: cells(drv, "#city-offices", "name") == ["دفتر عودلاجان"])
    assert text_of(d, "#card-share_covered") == "۱۰۰٫۰٪" and text_of(d, "#card-offices_active") == "۰"
    assert "kind=historic" in d.current_url
    shot(d, "tables-city-kind-fa")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_a_bad_or_future_as_of_in_a_link_is_named(page, lang):  # noqa: F811
    today = jalali(dt.date.today(), lang)
    d = page(f"/province/IR-23?as_of=1404-13-40&lang={lang}", "#prov-table .ag-row")
    notice = text_of(d, ".f-msg")
    assert "1404-13-40" in notice and t("date_shows_today", lang) in notice
    assert d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input").get_attribute("value") == today
    shot(d, f"tables-bad-link-{lang}")
    d = page(f"/?as_of=1420-01-01&lang={lang}", "#nat-table .ag-row")
    notice = text_of(d, ".f-msg")
    assert "1420-01-01" in notice and today in notice
    assert d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input").get_attribute("value") == today
    d.delete_all_cookies()


VIEWS = {
    "national": ("/", "#nat-table .ag-row"),
    "province": ("/province/IR-23?kind=inner_city", "#prov-table .ag-row"),
    "city": ("/city/TEH?as_of=1402-03-11", "#city-offices .ag-row"),
}


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_tables_screenshots_desktop_and_phone(page, lang):  # noqa: F811
    """The tables' views in both languages, desktop and phone, to look at: the totals row is in
    sight below each table of places, and the name column stays pinned."""
    d = page("/about", "#demo-line")
    try:
        for width, height, device in ((1366, 900, "desktop"), (390, 844, "phone")):
            d.set_window_size(width, height)
            for name, (path, ready) in VIEWS.items():
                page(path + ("&" if "?" in path else "?") + f"lang={lang}", ready)
                settled(d, "main")
                table = {"national": "#nat-table", "province": "#prov-table"}.get(name)
                if table:
                    total = t("totals_row", lang)
                    # the totals row last in sight, once the table is (AG Grid writes a row's cells
                    # when it comes into the window)
                    d.execute_script(f"document.querySelector('{table}').scrollIntoView()")
                    last = lambda drv, css=table: cells(drv, css, "name")[-1:]  # noqa: E731
                    WebDriverWait(d, 10).until(lambda drv, w=total, last=last: last(drv) == [w])
                else:
                    d.execute_script("document.querySelector('#city-offices').scrollIntoView()")
                shot(d, f"tables-{name}-{lang}-{device}")
                # every long list shows its page whole: no row under its pager, nothing to scroll to
                hidden = d.execute_script(
                    "return [...document.querySelectorAll('.long-list .ag-body-viewport')]"
                    ".map(v => v.scrollHeight - v.clientHeight)"
                )
                assert (name == "national" or hidden) and max(hidden, default=0) <= 1, (name, device, hidden)
    finally:
        d.set_window_size(1400, 1100)
        d.delete_all_cookies()


def test_a_resolutions_actions_page_on_the_server_and_follow_a_new_date(page, monkeypatch):  # noqa: F811
    """The actions view: each resolution's actions a long list (every action reachable, not the first
    ten only): the pager asks the server for the next page; a new date gives new grids showing what a
    fresh view of that date shows."""
    monkeypatch.setattr(grids, "PAGE_SIZE", 2)  # resolution 3: three actions, two pages
    kept.clear()  # a page kept with longer pages is not this one
    box = "#act-res-50-3"
    d = page("/actions?as_of=1400-03-11", f"{box} .ag-row")
    settled(d, box)
    fresh = {"status": cells(d, box, "status"), "title": cells(d, box, "title")}
    d = page("/actions?as_of=1402-03-11", f"{box} .ag-row")
    settled(d, box)
    first = cells(d, box, "title")
    assert len(first) == grids.PAGE_SIZE  # a page (the resolution has more)
    note = text_of(d, f"{box}-note")
    d.find_element(By.CSS_SELECTOR, f"{box} .ag-paging-button[aria-label='{t('g_nextPage', 'fa')}']").click()
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "title") and cells(drv, box, "title") != first)
    second = cells(d, box, "title")
    assert not set(second) & set(first) and note.endswith(i18n.num(len(first) + len(second), "fa"))
    type_day(d, "1400/03/11")
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "status") == fresh["status"])
    assert cells(d, box, "title") == fresh["title"]  # its first page, as a fresh view of the day
    shot(d, "tables-actions-fa")
    monkeypatch.undo()
    kept.clear()


def test_a_new_date_asks_each_list_for_the_page_in_sight_only(page, monkeypatch):  # noqa: F811
    """Smaller pages (issue 13): a long list's grid asks for the block in sight; on a new date it asks
    again for that page alone (not every page it has shown), and stays on it."""
    monkeypatch.setattr(grids, "PAGE_SIZE", 1)
    kept.clear()
    asked: list[tuple[int, int]] = []
    listing = grids.LISTS["prov-uncovered"]

    def recording(*args, **page):
        if "sort" in page:  # the grid's request (list_page), not the view's count of the list
            asked.append((page["offset"], page["limit"]))
        return listing.query(*args, **page)

    monkeypatch.setitem(grids.LISTS, "prov-uncovered", replace(listing, query=recording))
    box = "#prov-uncovered"
    # on 1400/03/11 خاک سفید and شهر ری مرکزی lack an office, and on the day after
    d = page("/province/IR-23?as_of=1400-03-11", "#prov-map .maplibregl-canvas")
    settled(d, box)
    assert cells(d, box, "name") == ["خاک سفید"] and asked == [(0, 1)]
    d.find_element(By.CSS_SELECTOR, f"{box} .ag-paging-button[aria-label='{t('g_nextPage', 'fa')}']").click()
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "name") == ["شهر ری مرکزی"])
    assert asked == [(0, 1), (1, 1)]
    asked.clear()
    type_day(d, "1400/03/12")
    WebDriverWait(d, 20).until(lambda drv: asked)
    settled(d, box)
    assert asked == [(1, 1)] and cells(d, box, "name") == ["شهر ری مرکزی"]  # the page in sight, again
    monkeypatch.undo()
    kept.clear()
