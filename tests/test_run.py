"""`regen run` (what `make run` does) on a fresh data folder: database up, migrated, a page served."""

import os
import subprocess
import sys
import time
import urllib.request
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


@pytest.fixture
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    e["REGEN_DATA_DIR"] = str(tmp_path / "data")
    yield e
    subprocess.run([REGEN, "db", "down"], env=e, capture_output=True, timeout=120)


def test_run_brings_up_database_and_page(env):
    port = free_port()
    proc = subprocess.Popen(
        [REGEN, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        html = _wait_for_page(f"http://127.0.0.1:{port}/", proc)
        assert "اطلس بازآفرینی" in html
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    status = subprocess.run([REGEN, "db", "status"], env=env, capture_output=True, text=True, timeout=60)
    assert "migration level: 00" in status.stdout and "postgis: 3" in status.stdout

    # A second run is fast and changes nothing: no migration applied, nothing reloaded.
    port = free_port()
    proc = subprocess.Popen(
        [REGEN, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        _wait_for_page(f"http://127.0.0.1:{port}/", proc)
        assert time.monotonic() - started < 30
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "applied" not in out
