"""The search box in real headless Chromium: typing (Arabic letters, English) lists places from the
database with their kind and parent, a click or Enter opens the view, and a neighborhood or office
opens its city with it marked on the map and named in the URL."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    page,
    plot,
    shot,
    signed_in,
    wait_for,
    wait_until,
)

pytestmark = pytest.mark.browser


def type_in(driver, text: str) -> list[str]:
    """Types into the header's box; gives the results' texts once they came."""
    box = driver.find_element(By.ID, "search-box")
    box.clear()
    box.send_keys(text)
    wait_until(driver, "document.querySelectorAll('#search-results a.s-hit').length > 0")
    return driver.execute_script(
        "return [...document.querySelectorAll('#search-results a.s-hit')].map(a => a.innerText)"
    )


def marked(driver) -> list:
    """Gives what the city map's selection traces hold: the outlined neighborhoods, the haloed offices."""
    return driver.execute_script(
        f"const d = {plot('city-map')}.data; return [d[2].locations, d[3].lon.length]"
    )


def test_arabic_letters_find_the_neighborhood_and_open_its_city(page):  # noqa: F811
    driver = page("/", "#nat-map .js-plotly-plot")
    texts = type_in(driver, "نارمك")  # typed with an Arabic kaf
    assert texts[0].split("\n") == ["نارمک", "محله در تهران"]
    assert any(t.split("\n")[1] == "دفتر در تهران" for t in texts)  # «دفتر نارمک»
    shot(driver, "search-fa-typed")
    driver.find_element(By.CSS_SELECTOR, "#search-results a.s-hit").click()
    wait_until(driver, "location.pathname === '/city/TEH'")
    assert driver.execute_script("return location.search") == "?neighborhood=N2"
    wait_for(driver, "#city-map .js-plotly-plot")
    wait_until(driver, f"{plot('city-map')}.data.length >= 4")
    assert marked(driver) == [["N2"], 0]
    assert "نارمک" in driver.find_element(By.ID, "history-title").text
    assert driver.find_element(By.ID, "search-box").get_attribute("value") == ""  # a new header
    shot(driver, "search-fa-opened")


def test_english_and_enter_open_the_first_result(page):  # noqa: F811
    driver = page("/?lang=en", "#nat-map .js-plotly-plot")
    texts = type_in(driver, "jolfa")
    assert texts[:2] == ["Jolfa\nNeighborhood in Isfahan", "Jolfa office\nOffice in Isfahan"]
    driver.find_element(By.ID, "search-box").send_keys(Keys.ENTER)
    wait_until(driver, "location.pathname === '/city/ISF'")
    assert driver.execute_script("return location.search") == "?lang=en&neighborhood=N5"
    wait_for(driver, "#city-map .js-plotly-plot")
    wait_until(driver, f"{plot('city-map')}.data.length >= 4")
    assert marked(driver) == [["N5"], 0]


def test_an_office_of_the_city_on_view_is_marked_in_place(page):  # noqa: F811
    """Same city, only the query changes: the router does not rebuild the view, the map marks it."""
    driver = page("/city/TEH?lang=fa", "#city-map .js-plotly-plot")  # the test before left English
    wait_until(driver, f"{plot('city-map')}.data.length >= 4")
    assert marked(driver) == [[], 0]
    texts = type_in(driver, "narmak office")
    assert texts[0] == "دفتر نارمک\nدفتر در تهران"
    driver.find_element(By.CSS_SELECTOR, "#search-results a.s-hit").click()
    wait_until(driver, "location.search === '?office=O2'")
    wait_until(driver, f"{plot('city-map')}.data[3].lon.length === 1")
    assert marked(driver) == [[], 1]
    assert "دفتر نارمک" in driver.find_element(By.ID, "history-title").text
    shot(driver, "search-office-marked")
