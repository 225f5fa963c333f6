"""The embedded cluster through the real `regen` command: up, status, url, down, stale pid recovery."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

REGEN = [str(Path(sys.executable).parent / "regen")]


def regen(*args, env, check=True):
    res = subprocess.run(REGEN + list(args), env=env, capture_output=True, text=True, timeout=180)
    if check and res.returncode != 0:
        raise AssertionError(f"regen {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
    return res


@pytest.fixture
def env(cluster_home):
    e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    e["REGEN_DATA_DIR"] = str(cluster_home / "data")
    yield e
    regen("db", "down", env=e, check=False)


def test_lifecycle(env, cluster_home):
    first = regen("db", "up", env=env)
    assert "started" in first.stdout
    again = regen("db", "up", env=env)
    assert "already running" in again.stdout

    url = regen("db", "url", env=env).stdout.strip()
    assert url.startswith("postgresql://") and "127.0.0.1" in url
    # psql "$(regen db url)" works: connect with the printed URL as psql would
    out = subprocess.run(["psql", url, "-tAc", "SELECT 1"], capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr

    regen("db", "migrate", env=env)
    status = regen("db", "status", env=env).stdout
    assert "postgis: 3" in status
    assert re.search(r"migration level: \d{4}_", status)
    assert "provinces: 31" in status
    assert (cluster_home / "data" / "pg" / "data" / "PG_VERSION").exists()

    assert "stopped" in regen("db", "down", env=env).stdout
    assert "was not running" in regen("db", "down", env=env).stdout


def test_stale_pid_file_is_recovered(env, cluster_home):
    regen("db", "up", env=env)
    regen("db", "down", env=env)
    pidfile = cluster_home / "data" / "pg" / "data" / "postmaster.pid"
    # What a crash leaves: a pid file naming a process that no longer exists.
    pidfile.write_text("999999\n" + str(cluster_home) + "\n")
    res = regen("db", "up", env=env)
    assert "started" in res.stdout
    conn = psycopg2.connect(regen("db", "url", env=env).stdout.strip())
    conn.close()


def test_status_when_down_is_a_clear_error(env):
    res = regen("db", "status", env=env, check=False)
    assert res.returncode != 0
    assert "not running" in res.stderr and "regen db up" in res.stderr
    assert "Traceback" not in res.stderr


def test_database_url_means_no_embedded_cluster(env, db_url, cluster_home):
    env = dict(env, DATABASE_URL=db_url)
    res = regen("db", "up", env=env)
    assert "DATABASE_URL is set" in res.stdout
    assert regen("db", "url", env=env).stdout.strip() == db_url
    assert re.search(r"migration level: \d{4}_", regen("db", "status", env=env).stdout)
    assert not (Path(env["REGEN_DATA_DIR"]) / "pg").exists()


def test_unreachable_database_url_is_a_clear_error(env):
    env = dict(env, DATABASE_URL="postgresql://nobody:x@127.0.0.1:1/none")
    res = regen("db", "migrate", env=env, check=False)
    assert res.returncode != 0
    assert "not reachable" in res.stderr and "Traceback" not in res.stderr
