"""The search box from the keyboard in real headless Chromium (issue 16, item 5): a combobox whose
results are a listbox of options; Up and Down move between them (the focus stays in the box,
aria-activedescendant names the active one), Enter opens the active one, not the first; Escape closes
the list (dashboard/assets/search_keys.js)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    base_url,
    browser,
    page,
    shot,
    signed_in,
    wait_until,
)
from tests.test_search_browser import type_in

pytestmark = pytest.mark.browser


def aria(driver) -> dict:
    """Gives the box's and the list's ARIA state and which option is active (its index, -1: none)."""
    return driver.execute_script(
        """const box = document.getElementById('search-box');
        const list = document.getElementById('search-results');
        const opts = [...list.querySelectorAll('a.s-hit')];
        return {box: [box.getAttribute('role'), box.getAttribute('aria-controls'),
                      box.getAttribute('aria-expanded'), box.getAttribute('aria-autocomplete')],
                list: list.getAttribute('role'), roles: [...new Set(opts.map(o => o.getAttribute('role')))],
                selected: opts.map(o => o.getAttribute('aria-selected')),
                active: opts.findIndex(o => o.getAttribute('aria-selected') === 'true'),
                descendant: box.getAttribute('aria-activedescendant'),
                ids: opts.map(o => o.id), shown: getComputedStyle(list).display !== 'none',
                focus: document.activeElement === box}"""
    )


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_up_down_enter_and_escape(page, lang):  # noqa: F811
    driver = page(f"/?lang={lang}", "#nat-map .js-plotly-plot")
    texts = type_in(driver, "jolfa")  # the neighborhood, then its office
    assert len(texts) >= 2
    box = driver.find_element(By.ID, "search-box")
    now = aria(driver)
    assert now["box"] == ["combobox", "search-results", "true", "list"]
    assert now["list"] == "listbox" and now["roles"] == ["option"] and now["active"] == -1
    assert now["descendant"] is None

    box.send_keys(Keys.ARROW_DOWN)
    now = aria(driver)
    assert now["active"] == 0 and now["descendant"] == now["ids"][0] and now["focus"]
    assert now["selected"].count("true") == 1
    box.send_keys(Keys.ARROW_DOWN)
    assert aria(driver)["active"] == 1
    box.send_keys(Keys.ARROW_UP)
    assert aria(driver)["active"] == 0
    box.send_keys(Keys.ARROW_UP)  # from the first: round to the last
    assert aria(driver)["active"] == len(texts) - 1
    shot(driver, f"search-keys-{lang}")

    box.send_keys(Keys.ESCAPE)  # closes the list
    now = aria(driver)
    assert not now["shown"] and now["box"][2] == "false" and now["active"] == -1 and now["descendant"] is None
    box.send_keys(Keys.ARROW_DOWN)  # opens it again, the first active
    now = aria(driver)
    assert now["shown"] and now["box"][2] == "true" and now["active"] == 0

    # Enter opens the active result: the second (the office), not the first Enter alone would open
    box.send_keys(Keys.ARROW_DOWN)
    href = driver.execute_script(
        "return document.querySelectorAll('#search-results a.s-hit')[1].getAttribute('href')"
    )
    assert "office=" in href
    box.send_keys(Keys.ENTER)
    wait_until(driver, f"location.pathname + location.search === {href!r}")
    wait_until(driver, "document.querySelector('#city-map .js-plotly-plot')")
    assert driver.execute_script("return location.pathname + location.search") == href
