"""The dashboard in a real headless Chromium (Debian's chromium + chromedriver, plain Selenium so the
performance log can be read): each view opens, maps hold the expected features, Persian and right to
left by default, English on request, the as-of date redraws the figures, a shared URL opens the same
filtered view, no console errors, and no request leaves 127.0.0.1. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from psycopg2 import sql
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from dashboard import grids, kept, results
from dashboard.app import create_app
from dashboard.i18n import t
from regen.accounts import add_user
from regen.db import Database
from tests.conftest import admin_execute, with_dbname
from tests.dashboard_fixture import build

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
BROWSER_USER, BROWSER_PASSWORD = "browser-national", "browser test password"
PROVINCIAL, PROVINCIAL_PASSWORD = "browser-tehran", "browser provincial password"  # Tehran's officer


@contextlib.contextmanager
def served_dashboard(
    pg_server: str, template_url: str, prefix: str, extra_sql: str | None = None, provincial: bool = False
):
    """Gives the URL of the dashboard, served from a thread, over a new database holding the fixture
    (and `extra_sql`), with the browser account (and, with `provincial`, Tehran's provincial officer:
    PROVINCIAL); drops the database afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    template = urlsplit(template_url).path.lstrip("/")
    admin_execute(
        pg_server,
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)),
    )
    url = with_dbname(pg_server, name)
    database = Database(url)
    build(database)
    if extra_sql:
        database.execute(extra_sql)
    add_user(database, BROWSER_USER, "national", None, BROWSER_PASSWORD)  # every view needs a session
    if provincial:
        add_user(database, PROVINCIAL, "provincial", "IR-23", PROVINCIAL_PASSWORD)
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", url)
    results.clear_cache()
    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        mp.undo()
        database.close()
        admin_execute(
            pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the URL of the dashboard over a database holding the fixture."""
    with served_dashboard(pg_server, template_url, "regen_browser") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: run `make test` (it installs chromium and chromium-driver)")
    if shutil.which("chromedriver") is None and not Path(CHROMEDRIVER).exists():
        pytest.fail("chromedriver not found")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-unsafe-swiftshader",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1100",
        "--lang=fa",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def sign_in(driver, base: str, name: str = BROWSER_USER, password: str = BROWSER_PASSWORD) -> None:
    """Signs the browser in through the sign-in page as `name`, from no session (cookies deleted)."""
    driver.delete_all_cookies()
    driver.get(base + "/login")
    wait = WebDriverWait(driver, 20)
    wait.until(lambda d: d.find_elements(By.ID, "password"))
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER)
    wait.until(lambda d: "/login" not in d.current_url)


@pytest.fixture
def signed_in(browser, base_url):
    """Signs the browser in through the login page as a national user (tests delete their cookies)."""
    browser.get(base_url + "/login")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_elements(By.ID, "password") or "/login" not in d.current_url)
    if "/login" not in browser.current_url:  # still signed in (a signed-in /login goes home)
        return browser
    browser.find_element(By.ID, "name").send_keys(BROWSER_USER)
    browser.find_element(By.ID, "password").send_keys(BROWSER_PASSWORD + Keys.ENTER)
    wait.until(lambda d: "/login" not in d.current_url)
    return browser


@pytest.fixture
def page(browser, base_url, signed_in):
    """Gives an `open(path)` that loads a view and waits for it; after the test, checks the console and
    the network: no severe console message, no request from the page to any host but 127.0.0.1."""
    browser.get("about:blank")  # leaving the last view's map can log its own aborts: not this test's
    browser.get_log("browser")
    browser.get_log("performance")

    def open_(path: str, ready: str):
        browser.get(base_url + path)
        wait_for(browser, ready)
        # the tables draw once the map has (dashboard/assets/grid_after_map.js): wait for them too
        WebDriverWait(browser, 30).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".grid-waiting"))
        return browser

    yield open_
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], "\n".join(e["message"][:600] for e in severe)
    outside, policies = [], []
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.responseReceived" and msg["params"]["type"] == "Document":
            headers = {k.lower(): v for k, v in msg["params"]["response"]["headers"].items()}
            policies.append(headers.get("content-security-policy", ""))
        if msg["method"] != "Network.requestWillBeSent":
            continue
        params = msg["params"]
        if not params.get("documentURL", "").startswith(base_url):
            continue  # the browser's own traffic (updates, accounts), not the page's
        host = urlsplit(params["request"]["url"]).hostname
        if params["request"]["url"].startswith(("data:", "blob:")):
            continue
        if host != "127.0.0.1":
            outside.append(params["request"]["url"])
    assert outside == [], outside
    # every page came under the policy (dashboard/headers.py), and none of it was refused above
    assert policies and all(p.startswith("default-src 'self'") for p in policies), policies


def wait_for(driver, css: str, timeout: float = 30):
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    time.sleep(0.3)


def wait_until(driver, script: str, timeout: float = 30):
    """Waits until a JavaScript expression is truthy; gives its value."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {script}"))
    return driver.execute_script(f"return {script}")


def plot(graph_id: str) -> str:
    return f"document.querySelector('#{graph_id} .js-plotly-plot')"


def shot(driver, name: str) -> None:
    time.sleep(1.0)  # let MapLibre finish drawing
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def text_of(driver, css: str) -> str:
    """Gives the text shown in `css`, found afresh (a view's change may replace the element)."""
    text = driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e && e.innerText", css
    )
    assert text is not None, f"nothing matches {css}"
    return text


def settled(driver, css: str, timeout: float = 30) -> str:
    """Gives the text of `css` once its grid has its rows (a long list asks the server for them) and
    the text has stopped changing."""
    loading = (t("g_loadingOoo", "fa"), t("g_loadingOoo", "en"))
    last, since = None, time.monotonic()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        now = text_of(driver, css)
        if now != last or any(w in now for w in loading):
            last, since = now, time.monotonic()
        elif time.monotonic() - since > 0.6:
            return now
        time.sleep(0.1)
    raise AssertionError(f"{css} never settled: {last!r}")


def shown(driver, css: str) -> list[str] | str:
    """Gives what `css` shows once settled: a grid's rows, top to bottom (a grid that asks again for
    its rows keeps the nodes of rows it had, so its text in page order is not the order shown); the
    text of anything else."""
    text = settled(driver, css)
    script = f"""return [...document.querySelectorAll("{css} .ag-row")]
        .map(e => {{ const r = e.getBoundingClientRect(); return [r.top, r.left, e.innerText]; }})"""
    rows = driver.execute_script(script)
    return [row for *_, row in sorted(rows)] if rows else text


def cells(driver, css: str, col: str) -> list[str]:
    """Gives the texts of a grid's column `col` that are in sight, top to bottom (rows AG Grid keeps
    drawn beyond its body's edge, waiting for their page, are not shown)."""
    script = f"""return [...document.querySelectorAll("{css} .ag-row .ag-cell[col-id={col}]")]
        .filter(e => {{
            const r = e.getBoundingClientRect();
            const box = e.closest('.ag-body-viewport, .ag-floating-bottom, .ag-floating-top');
            const c = (box || e).getBoundingClientRect();
            return r.bottom > c.top + 1 && r.top < c.bottom - 1;
        }})
        .map(e => [e.getBoundingClientRect().top, e.innerText])"""
    return [text for _, text in sorted(driver.execute_script(script))]


def test_national_view(page):
    d = page("/?as_of=1402-03-11", "#nat-map .maplibregl-canvas")
    assert d.execute_script("return document.getElementById('root').dir") == "rtl"
    # and on <html>, where screen readers and the browser read the page's language (issue 16, item 13)
    html = d.execute_script("return [document.documentElement.lang, document.documentElement.dir]")
    assert html == ["fa", "rtl"]
    assert "اطلس بازآفرینی" in text_of(d, "header")
    assert wait_until(d, f"{plot('nat-map')}.data[0].locations.length") == 2  # provinces with boundaries
    assert wait_until(d, f"{plot('nat-map')}.data[0].type") == "choroplethmap"
    assert text_of(d, "#card-share_covered") == "۶۶٫۷٪"
    assert "تهران" in text_of(d, "#nat-table")
    shot(d, "national-fa")


def test_province_view(page):
    d = page("/province/IR-23?as_of=1402-03-11", "#prov-map .maplibregl-canvas")
    assert wait_until(d, f"{plot('prov-map')}.data[0].lon.length") == 2  # Tehran and Rey
    assert "ری" in text_of(d, "#prov-table")
    assert "شهر ری مرکزی" not in text_of(d, "#prov-uncovered")  # covered on 1402/03/11
    assert "خاک سفید" in text_of(d, "#prov-uncovered")
    shot(d, "province-IR-23-fa")


def test_province_lists_page_and_sort_on_the_server(page, monkeypatch):
    """The lists' pager and sort arrows ask the server: the next page shows the next neighborhood, and
    sorting by population starts again from the first page, smallest first."""
    monkeypatch.setattr(grids, "PAGE_SIZE", 1)
    kept.clear()  # a page kept with longer pages is not this one
    # on 1400/03/11 (2021-06-01) Tehran's خاک سفید (3,000 people) and Rey's شهر ری مرکزی (500) lack one
    d = page("/province/IR-23?as_of=1400-03-11", "#prov-map .maplibregl-canvas")
    box = "#prov-uncovered"
    settled(d, box)
    assert cells(d, box, "name") == ["خاک سفید"]
    nxt = f"{box} .ag-paging-button[aria-label='{t('g_nextPage', 'fa')}']"
    d.find_element(By.CSS_SELECTOR, nxt).click()
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "name") == ["شهر ری مرکزی"])
    d.find_element(By.CSS_SELECTOR, f"{box} .ag-header-cell[col-id=population] .ag-header-cell-label").click()
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "name") == ["شهر ری مرکزی"])  # 500 first
    assert text_of(d, f"{box} .ag-paging-row-summary-panel").split()[0] in ("1", "۱")
    d.find_element(By.CSS_SELECTOR, nxt).click()
    WebDriverWait(d, 20).until(lambda drv: cells(drv, box, "name") == ["خاک سفید"])
    assert "صفحه" in text_of(d, f"{box} .ag-paging-panel")  # the pager speaks Persian
    font = f"getComputedStyle(document.querySelector('{box} .ag-paging-panel')).fontFamily"
    assert "Vazirmatn FD" in d.execute_script(f"return {font}")  # its digits drawn Persian
    # and it reads right to left: the first page's button on the right, the next page's on the left
    first = f"{box} .ag-paging-button[aria-label='{t('g_firstPage', 'fa')}']"
    x = {b: d.find_element(By.CSS_SELECTOR, css).rect["x"] for b, css in (("first", first), ("next", nxt))}
    assert x["next"] < x["first"], x
    shot(d, "province-IR-23-lists-paged")
    monkeypatch.undo()
    kept.clear()


def test_city_view_and_history(page):
    d = page("/city/TEH?as_of=1402-03-11", "#city-map .maplibregl-canvas")
    assert wait_until(d, f"{plot('city-map')}.data[0].locations.length") == 3  # N1–N3
    assert wait_until(d, f"{plot('city-map')}.data[1].lon.length") == 3  # O1, O2 and the renewal office
    assert "واگذارشده به شهرداری" in settled(d, "#city-hoods")
    d.find_element(By.CSS_SELECTOR, "#city-offices .ag-row[row-id=O1] .ag-cell[col-id='name']").click()
    wait_for(d, "#history-title")
    assert "/city/TEH" in d.current_url  # the view stays (no filter changed)
    assert "۱۴۰۱/۱۲/۱۰" in text_of(d, "#city-history")  # O1 handed over 2023-03-01
    shot(d, "city-TEH-fa")
    z_before = d.execute_script(f"return {plot('city-map')}.data[0].z")
    box = d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input")
    box.clear()
    box.send_keys("1400/03/11" + Keys.ENTER)  # before the handover: N1's office is active
    wait_until(d, "!document.getElementById('city-hoods').innerText.includes('واگذارشده به شهرداری')")
    assert "واگذارشده به شهرداری" not in text_of(d, "#city-hoods")
    assert d.execute_script(f"return {plot('city-map')}.data[0].z") != z_before
    assert d.execute_script(f"return {plot('city-map')}.data[0].locations.length") == 3


def test_switch_to_english(page):
    d = page("/province/IR-23", "#prov-map .maplibregl-canvas")
    d.find_element(By.ID, "lang-switch").click()
    wait_until(d, "(document.getElementById('root') || {}).dir === 'ltr'")
    wait_for(d, "#prov-map .maplibregl-canvas")
    assert "National" in text_of(d, "header")
    assert "lang=en" in d.current_url
    assert "Tehran" in text_of(d, "h1")
    shot(d, "province-IR-23-en")
    d.get(d.current_url.split("?")[0])  # the cookie keeps English without ?lang
    wait_for(d, "#prov-map .maplibregl-canvas")
    assert d.execute_script("return document.getElementById('root').dir") == "ltr"
    d.find_element(By.ID, "lang-switch").click()  # and back to Persian, over the cookie
    wait_until(d, "(document.getElementById('root') || {}).dir === 'rtl'")
    wait_for(d, "#prov-map .maplibregl-canvas")
    assert "استان تهران" in text_of(d, "h1")
    d.delete_all_cookies()


def test_shared_url_opens_filtered_view(page, base_url):
    d = page("/city/TEH?as_of=1400-03-11&kind=historic&lang=en", "#city-map .maplibregl-canvas")
    assert d.execute_script("return document.getElementById('root').dir") == "ltr"
    assert (
        d.find_element(By.CSS_SELECTOR, "input.f-asof, .f-asof input").get_attribute("value") == "1400/03/11"
    )
    settled(d, "#city-hoods")
    assert cells(d, "#city-hoods", "name") == ["Oudlajan"]
    assert "Office active" in text_of(d, "#city-hoods")  # N1 on 2021-06-01
    shot(d, "city-TEH-shared-en")
    # The address stays the link that was opened (it once became /province/IR-23 half a second after
    # loading): after a while, after a reload, and Back leaves the city for the page before it.
    opened = "/city/TEH?as_of=1400-03-11&kind=historic&lang=en"
    time.sleep(2)
    here = urlsplit(d.current_url)
    assert f"{here.path}?{here.query}" == opened
    d.refresh()
    WebDriverWait(d, 30).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#city-map .maplibregl-canvas"))
    time.sleep(2)
    WebDriverWait(d, 30).until(lambda drv: not drv.find_elements(By.CSS_SELECTOR, ".grid-waiting"))
    settled(d, "#city-hoods")  # its grid draws after the map (grid_after_map.js), then asks for its rows
    here = urlsplit(d.current_url)
    assert f"{here.path}?{here.query}" == opened and cells(d, "#city-hoods", "name") == ["Oudlajan"]
    d.get(base_url + "/about?lang=en")
    d.back()
    WebDriverWait(d, 30).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#city-map .maplibregl-canvas"))
    here = urlsplit(d.current_url)
    assert f"{here.path}?{here.query}" == opened
    WebDriverWait(d, 30).until(lambda drv: not drv.find_elements(By.CSS_SELECTOR, ".grid-waiting"))
    settled(d, "#city-hoods")  # its rows asked for before the session ends (else a 401 in the console)
    d.delete_all_cookies()


def test_actions_data_about(page):
    d = page("/actions?as_of=1400-03-11", "#act-body")
    assert "معوق" in text_of(d, "#act-body")
    first = d.find_elements(By.CSS_SELECTOR, "#act-body .resolution")[0]
    assert "۲" in first.text
    shot(d, "actions-fa")
    d = page("/data", "#data-runs")
    d.find_element(By.CSS_SELECTOR, "#data-runs .ag-row .ag-cell[col-id='file']").click()
    wait_for(d, "#data-reject-table")
    assert "تهرون" in text_of(d, "#data-reject-table")
    shot(d, "data-fa")
    d = page("/about", "#demo-line")
    assert "داده نمایشی" in text_of(d, "#demo-line")
    assert "demo data" not in text_of(d, "#demo-line")  # Persian only (issue 16)
    assert "OpenStreetMap" not in text_of(d, "main")  # no OSM data in the fixture: no OSM line
    shot(d, "about-fa")


VIEWS = {
    "national": ("/?as_of=1402-03-11", "#nat-map .maplibregl-canvas"),
    "province": ("/province/IR-23?as_of=1400-03-11", "#prov-map .maplibregl-canvas"),
    "city": ("/city/TEH?as_of=1402-03-11", "#city-map .maplibregl-canvas"),
    "actions": ("/actions?as_of=1400-03-11", "#act-body .grid"),
    "data": ("/data", "#data-runs"),
    "about": ("/about", "#demo-line"),
}


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_view_on_desktop_and_phone(page, lang):
    """Screenshots of every view in both languages, desktop (1366×900) and phone (390×844), to look
    at; on both, the page itself never scrolls sideways (wide tables scroll inside their grid) and
    no word of the other language's header shows."""
    d = page("/about", "#demo-line")
    try:
        for width, height, device in ((1366, 900, "desktop"), (390, 844, "phone")):
            d.set_window_size(width, height)
            for name, (path, ready) in VIEWS.items():
                page(path + ("&" if "?" in path else "?") + f"lang={lang}", ready)
                settled(d, "main")
                wide = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                assert wide <= 1, (name, device, wide)
                # the words of the header, the phone's folded menu too
                words = d.execute_script("return document.getElementById('header').textContent")
                assert ("National" in words) == (lang == "en")
                d.execute_script("window.scrollTo(0, 0)")
                shot(d, f"view-{name}-{lang}-{device}")
    finally:
        d.set_window_size(1400, 1100)
        d.delete_all_cookies()
