"""Accessibility in a real headless Chromium: axe-core (vendored in tests/vendor/ by
scripts/axe_vendor.sh, so nothing is fetched) runs on every view — national, province, city, actions,
agencies, data, about, audit, sign-in and a refusal — in Persian and in English, and fails on any
critical or serious violation. Each page also declares its language and direction on <html>."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.test_agencies_browser import TARGETS
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    BROWSER_PASSWORD,
    BROWSER_USER,
    PROVINCIAL,
    PROVINCIAL_PASSWORD,
    VIEWS,
    browser,
    served_dashboard,
    settled,
    sign_in,
    wait_for,
)

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING = ("critical", "serious")
ARTIFACTS = Path(__file__).parent / "artifacts"
SHOWN = ("sign-in", "about", "audit", "refusal")  # the pages of this task: screenshots to look at

SIGNED_IN_VIEWS = {
    **VIEWS,
    "agencies": ("/agencies?as_of=1402-03-11", "#ag-body .agency-panel .js-plotly-plot"),
    "audit": ("/audit", "main table"),
}


@pytest.fixture(scope="module")
def a11y_url(pg_server, template_url):
    with served_dashboard(pg_server, template_url, "regen_a11y", TARGETS, provincial=True) as url:
        yield url


def violations(driver) -> list[dict]:
    """Gives axe-core's violations on the page as it is now (every rule axe runs by default)."""
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text())
    driver.set_script_timeout(120)
    found = driver.execute_async_script(
        """const done = arguments[0];
        axe.run(document).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.html.slice(0, 160))}))),
          e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));"""
    )
    return [v for v in found if v["impact"] in FAILING]


def check(driver, name: str, lang: str) -> list[str]:
    """Gives what is wrong with the page now: its <html> language and direction, then axe's failures."""
    problems = []
    html_lang, html_dir = driver.execute_script(
        "return [document.documentElement.lang, document.documentElement.dir]"
    )
    want = (lang, "ltr" if lang == "en" else "rtl")
    if (html_lang, html_dir) != want:
        problems.append(f"{name} {lang}: <html lang={html_lang!r} dir={html_dir!r}>, not {want}")
    for v in violations(driver):
        problems.append(f"{name} {lang}: {v['impact']} {v['id']} ({v['help']}): {json.dumps(v['nodes'])}")
    if name in SHOWN:
        ARTIFACTS.mkdir(exist_ok=True)
        for (width, height), device in (((1366, 900), "desktop"), ((390, 844), "phone")):
            driver.set_window_size(width, height)
            time.sleep(0.5)
            driver.save_screenshot(str(ARTIFACTS / f"frame-{name}-{lang}-{device}.png"))
        driver.set_window_size(1366, 900)
    return problems


def query(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_view_passes_axe(a11y_url, browser, lang):  # noqa: F811  (the imported fixture)
    """Every view, the sign-in page and a refusal: no critical or serious axe violation, and <html>
    says the language and direction. Every problem of every page is reported at once."""
    problems = []
    browser.set_window_size(1366, 900)
    browser.delete_all_cookies()
    browser.get(a11y_url + query("/login", lang))
    wait_for(browser, "#password")
    problems += check(browser, "sign-in", lang)

    sign_in(browser, a11y_url, BROWSER_USER, BROWSER_PASSWORD)
    for name, (path, ready) in SIGNED_IN_VIEWS.items():
        browser.get(a11y_url + query(path, lang))
        wait_for(browser, ready)
        settled(browser, "main")
        problems += check(browser, name, lang)

    sign_in(browser, a11y_url, PROVINCIAL, PROVINCIAL_PASSWORD)
    browser.get(a11y_url + query("/province/IR-10", lang))
    wait_for(browser, "#page-error")
    problems += check(browser, "refusal", lang)
    browser.delete_all_cookies()
    assert problems == [], "\n".join(problems)
