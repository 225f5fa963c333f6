"""Benchmark (not a test): what a view costs over a slow link, in headless Chromium.

DevTools network emulation at 2 Mbit/s both ways and 150 ms latency (Selenium + CDP
Network.emulateNetworkConditions). After signing in, each view is opened with an empty browser cache
(first visit) and then once more (repeat visit), `--rounds` times; the medians are reported.

- map drawn: the time the page itself saw its Plotly map's MapLibre map finish loading with a canvas
  (a watcher the bench adds to every document before its scripts run notes `performance.now()`, from
  navigation, on the first check that finds it; checks every 20 ms while the page's thread is free,
  so the time is not the bench's polling round trip);
- tables drawn: the same watcher notes when every grid of the view shows its rows (or says it has
  none) and no grid is still a stand-in waiting for the map;
- bytes: the encodedDataLength of every response of the page's origin (cache hits count nothing)
  until the tables are drawn and no request of the page is still under way. A fixed wait after the
  map instead counted whatever happened to arrive in it (AG Grid's chunk, a font: ±30 KB run to run).

Standalone: `.venv/bin/python bench/wire.py --url URL [--rounds 3] [--views national=/,city=/city/X]`
where URL is a running dashboard (http://…) or a database (postgresql://…, served here with
`regen serve` on a free port; the bench's national account is added to it when missing). Prints one
`wire view=… first_kb=… first_map_ms=… repeat_kb=… repeat_map_ms=…` line per view (the form of
issue 17) with the machine's load average, and writes bench/out/wire.json. bench/dashboard.py calls
`run` for its step 5.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MBIT = 1_000_000 / 8
LATENCY_MS = 150
# the city: the demo's largest of IR-23 (bench/dashboard.py finds it in the database)
VIEWS = {"national": "/", "province": "/province/IR-23", "city": "/city/gn-112931"}

# Added to every document before its own scripts: notes when the map and then the tables are drawn.
WATCH = """
(function () {
  window.__wire = {map: null, tables: null};
  function mapDrawn() {
    var gd = Array.prototype.find.call(document.querySelectorAll('.js-plotly-plot'),
      function (g) { return g._fullLayout && g._fullLayout.map; });
    var sub = gd && gd._fullLayout.map._subplot;
    return !!(sub && sub.map && sub.map.loaded() && gd.querySelector('canvas'));
  }
  function tablesDrawn() {
    if (document.querySelector('.grid-waiting')) { return false; }
    var grids = document.querySelectorAll('.ag-root-wrapper');
    return Array.prototype.every.call(grids, function (g) {
      return g.querySelector('.ag-row') || g.querySelector('.ag-overlay-no-rows-wrapper');
    });
  }
  (function check() {
    var w = window.__wire;
    if (w.map === null && mapDrawn()) { w.map = performance.now(); }
    if (w.map !== null && w.tables === null && tablesDrawn()) { w.tables = performance.now(); }
    if (w.tables === null) { setTimeout(check, 20); }
  })();
})();
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


class _Traffic:
    """The page's own requests, read from the performance log as it comes."""

    def __init__(self, driver, origin: str):
        self.driver, self.origin = driver, origin
        self.urls: dict[str, str] = {}
        self.done: set[str] = set()
        self.bytes = 0
        self.files: dict[str, int] = {}  # bytes per URL (a URL asked twice: both)

    def read(self) -> None:
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            params, method = msg.get("params", {}), msg["method"]
            rid = params.get("requestId")
            if method == "Network.requestWillBeSent" and params["request"]["url"].startswith(self.origin):
                self.urls[rid] = params["request"]["url"]
            elif method in ("Network.loadingFinished", "Network.loadingFailed") and rid in self.urls:
                if rid not in self.done and method == "Network.loadingFinished":
                    size = int(params.get("encodedDataLength", 0))
                    self.bytes += size
                    url = self.urls[rid][len(self.origin) :]
                    self.files[url] = self.files.get(url, 0) + size
                self.done.add(rid)

    def pending(self) -> int:
        return len(set(self.urls) - self.done)


def _visit(driver, origin: str, path: str, timeout: float = 120) -> dict:
    traffic = _Traffic(driver, origin)
    driver.get_log("performance")  # drop what came before
    driver.get(origin + path)
    stop = time.monotonic() + timeout
    drawn: dict = {}
    quiet_since = None
    while time.monotonic() < stop:
        traffic.read()
        drawn = driver.execute_script("return window.__wire || {}")
        if drawn.get("tables") is not None and not traffic.pending():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 0.3:  # a request the last answer starts has had its chance
                break
        else:
            quiet_since = None
        time.sleep(0.05)
    traffic.read()
    nan = float("nan")
    return {
        "kb": traffic.bytes / 1024,
        "map_ms": drawn.get("map") if drawn.get("map") is not None else nan,
        "tables_ms": drawn.get("tables") if drawn.get("tables") is not None else nan,
        "requests": len(traffic.urls),
        "files": dict(sorted(traffic.files.items(), key=lambda kv: -kv[1])),
    }


def measure(origin: str, views: dict[str, str], user: str, password: str, rounds: int = 1) -> dict:
    """Gives {view: {first_kb, first_map_ms, repeat_kb, repeat_map_ms, …, "rounds": [...]}} over the
    emulated link: medians of `rounds` first-and-repeat visits, each first visit from an empty cache."""
    from selenium.webdriver.common.by import By

    driver = _browser()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": LATENCY_MS, "downloadThroughput": 2 * MBIT,
             "uploadThroughput": 2 * MBIT},
        )  # fmt: skip
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        driver.get(origin + "/login")
        driver.find_element(By.ID, "name").send_keys(user)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form").submit()
        time.sleep(2)
        runs: dict[str, list] = {name: [] for name in views}
        for _ in range(rounds):
            for name, path in views.items():
                driver.execute_cdp_cmd("Network.clearBrowserCache", {})
                first = _visit(driver, origin, path)
                repeat = _visit(driver, origin, path)
                runs[name].append({"first": first, "repeat": repeat})
        out = {}
        for name, path in views.items():
            row: dict = {"path": path, "rounds": runs[name]}
            for visit in ("first", "repeat"):
                for key in ("kb", "map_ms", "tables_ms", "requests"):
                    row[f"{visit}_{key}"] = statistics.median(r[visit][key] for r in runs[name])
            out[name] = row
        return out
    finally:
        driver.quit()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(regen: str, url: str, views: dict[str, str], user: str, password: str, rounds: int = 1) -> dict:
    """Serves the dashboard on `url`'s database (gunicorn, as `regen serve`) and measures `views`."""
    import subprocess

    import requests

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "REGEN_PORT": str(port)}
    server = subprocess.Popen([regen, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    try:
        stop = time.monotonic() + 600  # the first start compresses the static scripts (a minute or two)
        while time.monotonic() < stop:
            try:
                requests.get(origin + "/login", timeout=5)
                break
            except requests.RequestException:
                if server.poll() is not None:
                    raise RuntimeError("regen serve stopped before it answered") from None
                time.sleep(0.5)
        return measure(origin, views, user, password, rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)


def line(name: str, w: dict) -> str:
    """The line issue 17 asks for, read by scripts."""
    return (
        f"wire view={name} first_kb={w['first_kb']:.0f} first_map_ms={w['first_map_ms']:.0f} "
        f"repeat_kb={w['repeat_kb']:.0f} repeat_map_ms={w['repeat_map_ms']:.0f}"
    )


def _views(spec: str | None) -> dict[str, str]:
    if not spec:
        return dict(VIEWS)
    out = {}
    for part in spec.split(","):
        name, _, path = part.partition("=")
        out[name] = path or VIEWS[name]
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--url", required=True, help="a running dashboard (http://…) or a database (postgresql://…)"
    )
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--views", help="name=path,… or names of the defaults (national, province, city)")
    ap.add_argument("--user", default=None)
    ap.add_argument("--password", default=None)
    args = ap.parse_args()
    from bench.dashboard import BENCH_PASSWORD, BENCH_USER, REGEN

    user, password = args.user or BENCH_USER, args.password or BENCH_PASSWORD
    views = _views(args.views)
    load_before = os.getloadavg()
    if args.url.startswith("http"):
        result = measure(args.url.rstrip("/"), views, user, password, args.rounds)
    else:
        from bench.dashboard import ensure_bench_account
        from regen.db import Database

        ensure_bench_account(Database(args.url))
        result = run(str(REGEN), args.url, views, user, password, args.rounds)
    load = {"before": load_before, "after": os.getloadavg(), "cores": os.cpu_count()}
    for name, w in result.items():
        print(line(name, w) + f" first_tables_ms={w['first_tables_ms']:.0f} repeat_tables_ms="
              f"{w['repeat_tables_ms']:.0f}", flush=True)  # fmt: skip
    print(f"load average {load_before[0]:.1f} before, {load['after'][0]:.1f} after ({load['cores']} cores)")
    OUT.mkdir(parents=True, exist_ok=True)
    run_ = {"argv": " ".join(sys.argv), "rounds": args.rounds, "load": load, "views": result}
    (OUT / "wire.json").write_text(json.dumps(run_, indent=2))


if __name__ == "__main__":
    main()
