"""The agencies view in headless Chromium: each agency's targets as bars with the target marked, its
overdue actions with their resolutions, Persian and English, desktop and phone; and the brief's
download from the national view's header is the PDF of that view. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import requests
from selenium.webdriver.common.by import By

from dashboard import performance
from regen.db import Database
from regen.scope import NATIONAL
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    BROWSER_PASSWORD,
    BROWSER_USER,
    browser,
    page,
    served_dashboard,
    shot,
    signed_in,
    wait_for,
    wait_until,
)

pytestmark = pytest.mark.browser

TARGETS = """
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target) VALUES
 ('t-cov', 'moi_social', 'neighborhoods_covered', NULL, 1400, 1402, '2021-03-21', '2024-03-19', 2),
 ('t-ho', 'moi_social', 'offices_handed_over', 'IR-23', 1400, 1402, '2021-03-21', '2024-03-19', 2),
 ('t-isf', 'urc', 'neighborhoods_covered', 'IR-10', 1400, 1402, '2021-03-21', '2024-03-19', 2);
"""


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the dashboard over the dashboard fixture with three targets, served from a thread."""
    with served_dashboard(pg_server, template_url, "regen_agencies", TARGETS) as url:
        yield url


def _db() -> Database:
    return Database(os.environ["DATABASE_URL"])


def _bars(driver) -> int:
    return wait_until(
        driver,
        "Array.from(document.querySelectorAll('#ag-body .js-plotly-plot'))"
        ".reduce((n, g) => n + (g.data ? g.data[0].x.length : 0), 0)",
    )


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_agencies_view_desktop_and_phone(page, lang):  # noqa: F811  (the imported fixture)
    driver = page(f"/agencies?as_of=1402-03-11&lang={lang}", "#ag-body .agency-panel .js-plotly-plot")
    assert _bars(driver) == 3  # every target in view, one bar each
    panels = driver.find_elements(By.CSS_SELECTOR, "#ag-body .agency-panel")
    text = " ".join(p.text for p in panels)
    if lang == "fa":
        assert "سازمان امور اجتماعی وزارت کشور" in text and "محله‌های تحت پوشش" in text
        assert driver.find_element(By.ID, "root").get_attribute("dir") == "rtl"
    else:
        assert "Social Affairs Organization" in text and "Neighborhoods covered" in text
        assert not any(
            "\u0600" <= ch <= "\u06ff" for ch in driver.find_element(By.ID, "page").text.replace("تهران", "")
        )
    # the overdue actions with their resolutions (the fixture's A3 and A4 are overdue on that day)
    assert driver.find_elements(By.CSS_SELECTOR, "#ag-body .plain-table tbody tr")
    target_line = driver.execute_script(
        "return document.querySelector('#ag-body .js-plotly-plot').layout.shapes[0].x0"
    )
    assert target_line == 100
    shares = driver.execute_script(
        "return Array.from(document.querySelectorAll('#ag-body .js-plotly-plot')).flatMap(g => g.data[0].x)"
    )
    assert sorted(shares) == sorted(
        round(r["achieved_pct"], 1) for r in performance.targets(_db(), NATIONAL, dt.date(2023, 6, 1))
    )
    assert any(s > 0 for s in shares)  # bars drawn, not only the marks
    shot(driver, f"agencies-{lang}-desktop")
    driver.set_window_size(390, 844)
    try:
        wait_for(driver, "#ag-body .js-plotly-plot")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, width  # nothing wider than the phone
        shot(driver, f"agencies-{lang}-phone")
    finally:
        driver.set_window_size(1400, 1100)


def test_a_province_filters_the_targets(page):  # noqa: F811
    driver = page("/agencies?as_of=1402-03-11&province=IR-10", "#ag-body .agency-panel .js-plotly-plot")
    assert _bars(driver) == 2  # Isfahan's target and the national one, not Tehran's
    href = driver.find_element(By.CSS_SELECTOR, "#ag-brief a").get_attribute("href")
    assert "/brief.pdf" in href and "province=IR-10" in href


def test_the_national_views_brief_download_is_a_pdf(page, base_url):  # noqa: F811
    driver = page("/?as_of=1402-03-11", "#nat-map .js-plotly-plot")
    driver.set_script_timeout(180)
    link = driver.find_element(By.CSS_SELECTOR, "#header a.brief-link")
    href = link.get_attribute("href")
    got = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(async r => { const b = new Uint8Array(await r.arrayBuffer());"
        " done([r.status, r.headers.get('content-type'), new TextDecoder('latin1').decode(b)]); })",
        href,
    )
    status, kind, body = got
    assert status == 200 and kind == "application/pdf", (status, kind, body[:200])
    assert body.startswith("%PDF") and "Vazirmatn" in body
    other = requests.get(base_url + "/brief.pdf", timeout=30, allow_redirects=False)
    assert other.status_code in (302, 401)  # without a session: to the sign-in page, no PDF
