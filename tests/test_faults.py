"""Faults around a load: a loader killed (SIGKILL) in its COPY, and two loads of the same data at once.

Each test runs the real `regen load …` as a subprocess on a file made here, and watches the server
(pg_stat_activity, pg_locks) to know what the loader is doing: no sleeps standing in for "long enough".
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import psycopg2.extras
import pytest

from tests.table_fixtures import fingerprint

REGEN = str(Path(sys.executable).parent / "regen")

IN_COPY = """
SELECT pid FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
   AND query ILIKE 'COPY %%'
"""
# What a dead loader could leave behind; the server clears it as the session ends.
LEFTOVERS = """
SELECT * FROM (
SELECT (SELECT count(*) FROM pg_class WHERE relpersistence = 't') AS temp_tables,
       (SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = current_database()) AS advisory_locks,
       (SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND backend_type = 'client backend') AS other_sessions
) t WHERE temp_tables + advisory_locks + other_sessions = %s
"""


class Watch:
    """A session of its own on the test database, to see what the loaders' sessions do."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def one(self, statement: str, params=None) -> dict | None:
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(statement, params)
            return cur.fetchone()

    def until(self, statement: str, params=None, *procs: subprocess.Popen, seconds: float = 180) -> dict:
        """Gives the first row `statement` returns, asking again and again (a loader that exits first
        fails the test with its output)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            row = self.one(statement, params)
            if row is not None:
                return row
            for p in procs:
                if p.poll() is not None:
                    out, err = p.communicate()
                    pytest.fail(f"the loader ended (exit {p.returncode}) before that was seen:\n{out}\n{err}")
        pytest.fail(f"not seen within {seconds} s: {statement}")

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def watch(db):
    w = Watch(db.url)
    yield w
    w.close()


def _circle(x: float, y: float, r: float, n: int) -> list:
    ring = [
        [round(x + r * math.cos(2 * math.pi * k / n), 6), round(y + r * math.sin(2 * math.pi * k / n), 6)]
        for k in range(n)
    ]
    return [ring + [ring[0]]]


@pytest.fixture(scope="module")
def big_cities(tmp_path_factory) -> Path:
    """A GeoJSON of 1,500 city polygons of 800 vertices each near Tehran (about 40 MB): its COPYs of
    500 features each last long enough to be seen."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"شهر آزمایشی {i}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": _circle(50.2 + (i % 50) * 0.03, 35.0 + (i // 50) * 0.03, 0.01, 800),
            },
        }
        for i in range(1500)
    ]
    path = tmp_path_factory.mktemp("faults") / "big-cities.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


LOAD = ["load", "boundaries", "--level", "city", "--province", "IR-23", "--name-field", "name"]


def _start(url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [REGEN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(proc: subprocess.Popen) -> tuple[str, str]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{out}\n{err}"
    assert "Traceback" not in err
    return out, err


def _cities_csv(path: Path, n: int) -> Path:
    lines = ["code,name_fa,province,lat,lon,population"]
    lines += [
        f"c{i},شهر {i},IR-23,{35 + i % 997 / 1000:.4f},{51 + i // 997 / 1000:.4f},{i}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _killed_in_copy(db, watch: Watch, args: list[str]) -> None:
    """Starts `regen *args`, kills it with SIGKILL while its session is in a COPY, and checks that the
    database is exactly as before, with no session, temporary table or advisory lock left over."""
    before = fingerprint(db)
    proc = _start(db.url, *args)
    try:
        backend = watch.until(IN_COPY, None, proc)["pid"]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    # The server notices the dead client in its COPY, rolls back, and ends the session.
    watch.until(
        "SELECT 1 AS gone WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", (backend,)
    )
    db.close()  # the pool's own idle session would count as another one
    assert watch.until(LEFTOVERS, (0,), seconds=60) == {
        "temp_tables": 0,
        "advisory_locks": 0,
        "other_sessions": 0,
    }
    assert fingerprint(db) == before


def test_a_boundary_load_killed_in_its_copy_leaves_the_database_as_it_was(db, watch, big_cities):
    _killed_in_copy(db, watch, [*LOAD, str(big_cities)])
    out, _ = _finish(_start(db.url, *LOAD, str(big_cities)))  # the next load runs: no stale lock
    assert "inserted 1500" in out
    assert db.scalar("SELECT count(*) FROM cities WHERE province_code = 'IR-23'") == 1500


def test_a_table_load_killed_in_its_copy_leaves_the_database_as_it_was(db, watch, tmp_path):
    path = _cities_csv(tmp_path / "cities.csv", 60_000)
    _killed_in_copy(db, watch, ["load", "cities", str(path)])
    out, _ = _finish(_start(db.url, "load", "cities", str(path)))
    assert "inserted 60000" in out
    assert db.scalar("SELECT count(*) FROM cities") == 60_000


# One load waiting for the advisory lock while the other holds it, seen at the same instant.
WAITING_WHILE_HELD = """
SELECT w.pid AS waiting, l.pid AS holder
  FROM pg_stat_activity w
  JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock' AND l.pid <> w.pid
  JOIN pg_database d ON d.oid = l.database AND d.datname = current_database()
 WHERE w.datname = current_database() AND w.wait_event_type = 'Lock' AND w.wait_event = 'advisory'
"""


def test_a_second_load_of_the_same_data_waits_for_the_first_and_says_so(db, watch, big_cities):
    loads = [_start(db.url, *LOAD, str(big_cities)) for _ in range(2)]  # at once, on the same data
    try:
        seen = watch.until(WAITING_WHILE_HELD, None, *loads)
        assert seen["waiting"] != seen["holder"]
        (out1, err1), (out2, err2) = [_finish(p) for p in loads]
    finally:
        for p in loads:
            if p.poll() is None:
                p.kill()
                p.communicate()
    # One loaded the file; the other waited, said so, then found it already loaded.
    reports = sorted([(out1, err1), (out2, err2)], key=lambda r: "inserted 1500" not in r[0])
    (first, first_err), (second, second_err) = reports
    assert "inserted 1500" in first and "waiting" not in first_err
    assert "inserted 0" in second and "unchanged 1500" in second
    assert "another load of the same data (boundaries:city:IR-23) is running; waiting" in second_err
    assert "note: waited" in second
    assert db.scalar("SELECT count(*) FROM cities") == 1500
