"""In a real browser: the dashboard sends an unsigned visitor to the sign-in page, signs in, shows the
city view with the recording panel and the account links, records a change through the UI, and signs
out everywhere — every page under the Content-Security-Policy with no console error."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from dashboard.i18n import t
from tests.auth_seed import PASSWORD, counts, seed

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def served(db, monkeypatch, tmp_path):
    from werkzeug.serving import make_server

    seed(db)
    monkeypatch.setenv("REGEN_DATA_DIR", str(tmp_path))
    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-unsafe-swiftshader",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-sync",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def test_sign_in_and_record_in_the_browser(served, browser, db):
    wait = WebDriverWait(browser, 20)
    browser.get(served + "/city/tehran")
    wait.until(EC.presence_of_element_located((By.ID, "password")))
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "name").send_keys("teh")
    browser.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.ID, "record-office-submit")))
    # (the dashboard may then rewrite the URL from its filters; the city view stays)
    assert wait.until(EC.presence_of_element_located((By.CLASS_NAME, "logout-link"))).text.startswith(
        "خروج (teh"
    )
    before = counts(db)
    # the office choices come from the server, in scope: Tehran's office only
    _choose(browser, "record-office", "دفتر نارمک")
    _choose(browser, "record-office-state", t("s_active", "fa"))  # the state's Persian words only
    browser.find_element(By.ID, "record-office-date").send_keys("۱۴۰۰/۰۱/۰۱" + Keys.TAB)
    browser.find_element(By.ID, "record-office-submit").click()
    message = wait.until(lambda d: d.find_element(By.ID, "record-office-msg").text or None)
    assert "ثبت شد" in message, message
    assert counts(db)["audit_log"] == before["audit_log"] + 1
    browser.get(served + "/audit")  # a view of the app: its table comes with the page
    wait.until(
        lambda d: (
            "of-teh"
            in (
                d.execute_script("var t = document.getElementById('audit-table'); return t && t.innerText")
                or ""
            )
        )
    )
    assert_quiet_console(browser)


def assert_quiet_console(driver):
    """No severe console message since the last call: a CSP refusal would be one."""
    severe = [e["message"][:400] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], "\n".join(severe)


@pytest.mark.parametrize("lang, size", [("fa", (1366, 900)), ("en", (1366, 900)), ("fa", (390, 844))])
def test_sign_out_everywhere_in_the_browser(served, browser, lang, size):
    """Two browsers of one account; one signs out everywhere from the header's link, and the other's
    next request goes to the sign-in page."""
    wait = WebDriverWait(browser, 20)
    browser.set_window_size(*size)
    query = "?lang=en" if lang == "en" else ""

    def sign_in(driver):
        driver.get(served + "/login")
        WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.ID, "password")))
        driver.find_element(By.ID, "name").send_keys("teh")
        driver.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
        WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)

    sign_in(browser)
    other = browser.get_cookie("regen_session")["value"]
    # leave the page before its cookie goes (its requests would get 401), for one of the site's own
    # (cookies are deleted for the page's site: a signed-in browser at /login goes to its home view)
    browser.get(served + "/_favicon.ico")
    browser.get_log("browser")
    browser.delete_all_cookies()
    sign_in(browser)  # a second session of the same account, as on another device
    browser.get(served + "/city/tehran" + query)
    link = wait.until(EC.presence_of_element_located((By.CLASS_NAME, "logout-all-link")))
    toggle = browser.find_element(By.ID, "menu-toggle")
    if toggle.is_displayed():  # a phone folds the header's menu behind its button
        toggle.click()
        wait.until(lambda d: link.is_displayed())
    assert link.text == ("Sign out everywhere" if lang == "en" else "خروج از همه دستگاه‌ها")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"header-sign-out-everywhere-{lang}-{size[0]}.png"))
    assert_quiet_console(browser)
    link.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[type=submit]"))).click()
    wait.until(EC.presence_of_element_located((By.ID, "password")))
    assert_quiet_console(browser)
    browser.delete_all_cookies()  # the first session's cookie, as the other device still holds it
    browser.add_cookie({"name": "regen_session", "value": other, "path": "/"})
    browser.get(served + "/city/tehran")
    wait.until(EC.presence_of_element_located((By.ID, "password")))
    assert "/login" in browser.current_url


def _choose(driver, dropdown_id, text):
    """Opens a Dash dropdown and clicks the option whose text contains `text`."""
    driver.find_element(By.ID, dropdown_id).click()
    option = WebDriverWait(driver, 10).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if text in o.text), None)
    )
    option.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
