"""Benchmark (not a test): what a view costs over a slow link, in headless Chromium.

DevTools network emulation at 2 Mbit/s both ways and 150 ms latency (Selenium + CDP
Network.emulateNetworkConditions). After signing in, each view is opened with an empty browser cache
(first visit) and then once more (repeat visit): the bytes transferred (encodedDataLength of every
response the page loaded, cache hits count nothing) and the time from navigation to the map drawn
(the view's Plotly map holds a MapLibre canvas whose map has finished loading).
"""

from __future__ import annotations

import json
import time

MBIT = 1_000_000 / 8
DRAWN = """
const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout && g._fullLayout.map);
const m = gd && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
return m && m.loaded() && gd.querySelector('canvas') ? performance.now() : null;
"""


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1366,900"):  # fmt: skip
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def _transferred(driver, origin: str) -> int:
    """Gives the bytes of the page's own responses logged since the last call."""
    total = 0
    urls: dict[str, str] = {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif msg["method"] == "Network.loadingFinished":
            if urls.get(params["requestId"], origin).startswith(origin):
                total += int(params.get("encodedDataLength", 0))
    return total


def _visit(driver, origin: str, path: str, timeout: float = 90) -> tuple[int, float]:
    _transferred(driver, origin)  # drop what came before
    driver.get(origin + path)
    stop = time.monotonic() + timeout
    drawn = None
    while drawn is None and time.monotonic() < stop:
        drawn = driver.execute_script(DRAWN)
        if drawn is None:
            time.sleep(0.05)
    time.sleep(1.0)  # late requests (fonts, the timeline) still count as the visit's bytes
    return _transferred(driver, origin), (drawn if drawn is not None else float("nan"))


def measure(origin: str, views: dict[str, str], user: str, password: str) -> dict:
    """Gives {view: {first_kb, first_map_ms, repeat_kb, repeat_map_ms}} over the emulated link."""
    from selenium.webdriver.common.by import By

    driver = _browser()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 150, "downloadThroughput": 2 * MBIT, "uploadThroughput": 2 * MBIT},
        )
        driver.get(origin + "/login")
        driver.find_element(By.ID, "name").send_keys(user)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form").submit()
        time.sleep(2)
        out = {}
        for name, path in views.items():
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            first_b, first_ms = _visit(driver, origin, path)
            repeat_b, repeat_ms = _visit(driver, origin, path)
            out[name] = {"path": path, "first_kb": first_b / 1024, "first_map_ms": first_ms,
                         "repeat_kb": repeat_b / 1024, "repeat_map_ms": repeat_ms}  # fmt: skip
        return out
    finally:
        driver.quit()


def run(regen: str, url: str, views: dict[str, str], user: str, password: str) -> dict:
    """Serves the dashboard on `url`'s database (gunicorn, as `regen serve`) and measures `views`."""
    import os
    import random
    import subprocess

    import requests

    port = 19000 + random.randint(0, 999)
    env = {**os.environ, "DATABASE_URL": url, "REGEN_PORT": str(port)}
    server = subprocess.Popen([regen, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(origin + "/login", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        return measure(origin, views, user, password)
    finally:
        server.terminate()
        server.wait(timeout=30)
