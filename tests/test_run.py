"""`regen run` (what `make run` does) on a fresh data folder: database up, migrated, a page served."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from regen.embedded import free_port

REGEN = str(Path(sys.executable).parent / "regen")


def _wait_for_page(url: str, proc: subprocess.Popen, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"regen run exited early:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read().decode()
        except (TimeoutError, OSError):
            time.sleep(0.5)
    raise AssertionError(f"no page at {url} after {seconds}s")


def _signed_in_requests(base: str, accounts: Path) -> None:
    """Signs in with the printed demo account and asks for pages and the layout, several times so
    that every gunicorn worker answers: each needs its own database connections (the parent opened
    some for the migrations and the demo before forking them)."""
    name, password = accounts.read_text().splitlines()[0].split("\t")[:2]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(base + "/login", timeout=10).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"name": name, "password": password, "csrf": csrf}).encode()
    opener.open(base + "/login", data=data, timeout=20)

    def fetch(path: str) -> tuple[int, str]:
        with opener.open(base + path, timeout=30) as resp:
            return resp.status, resp.geturl()

    # At once, as a browser asks: two workers on one inherited socket would garble each other.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(fetch, ["/", "/_dash-layout", "/_dash-dependencies"] * 8))
    assert all(status == 200 and "/login" not in url for status, url in answers), answers


@pytest.fixture
def env(cluster_home):
    e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    e["REGEN_DATA_DIR"] = str(cluster_home / "data")
    yield e
    subprocess.run([REGEN, "db", "down"], env=e, capture_output=True, timeout=120)


def _start(env) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [REGEN, "run", "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), port


def test_run_brings_up_database_and_page(env):
    proc, port = _start(env)
    try:
        html = _wait_for_page(f"http://127.0.0.1:{port}/", proc)
        assert "اطلس بازآفرینی" in html
        _signed_in_requests(f"http://127.0.0.1:{port}", Path(env["REGEN_DATA_DIR"]) / "demo-accounts.txt")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    status = subprocess.run([REGEN, "db", "status"], env=env, capture_output=True, text=True, timeout=60)
    assert re.search(r"migration level: \d{4}_", status.stdout) and "postgis: 3" in status.stdout

    # A second run is fast and changes nothing: no migration applied, nothing reloaded.
    proc, port = _start(env)
    try:
        started = time.monotonic()
        _wait_for_page(f"http://127.0.0.1:{port}/", proc)
        assert time.monotonic() - started < 30
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "applied" not in out
