"""In a real browser: the dashboard sends an unsigned visitor to the sign-in page, signs in, shows the
city view with the recording panel and the account links, and records a change through the UI."""

from __future__ import annotations

import threading

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from tests.auth_seed import PASSWORD, counts, seed

pytestmark = pytest.mark.browser


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
    _choose(browser, "record-office-state", "active")
    browser.find_element(By.ID, "record-office-date").send_keys("۱۴۰۰/۰۱/۰۱" + Keys.TAB)
    browser.find_element(By.ID, "record-office-submit").click()
    message = wait.until(lambda d: d.find_element(By.ID, "record-office-msg").text or None)
    assert "ثبت شد" in message, message
    assert counts(db)["audit_log"] == before["audit_log"] + 1
    browser.get(served + "/audit")
    assert "of-teh" in browser.page_source


def _choose(driver, dropdown_id, text):
    """Opens a Dash dropdown and clicks the option whose text contains `text`."""
    driver.find_element(By.ID, dropdown_id).click()
    option = WebDriverWait(driver, 10).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if text in o.text), None)
    )
    option.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
