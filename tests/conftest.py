"""Fixtures: a throwaway PostgreSQL + PostGIS cluster started by the suite, a migrated template
database, and a fresh database cloned from it for each test that asks for one.

DATABASE_URL_TEST may name another server (a superuser URL: the suite creates and drops databases).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import sql

from regen import settings
from regen.db import Database
from regen.embedded import Cluster
from regen.migrate import migrate
from regen.scope import Scope

ROOT = Path(__file__).resolve().parent.parent


def _then_reload(method):
    def changed(self, *args, **kwargs):
        method(self, *args, **kwargs)
        settings.reload()

    return changed


# A process reads its settings once (regen.settings.get); a test that changes the environment through
# monkeypatch (the fixture or MonkeyPatch.context()) has them read again, and again when it is undone.
for _name in ("setenv", "delenv", "undo"):
    setattr(pytest.MonkeyPatch, _name, _then_reload(getattr(pytest.MonkeyPatch, _name)))


@pytest.fixture(autouse=True)
def _settings_as_the_environment_says():
    """Each test starts and ends with the settings of the environment it has (a CliRunner's `env`
    changes os.environ for a command, which reads its settings when it starts)."""
    settings.reload()
    yield
    settings.reload()


SHARED = ROOT.parent / "shared"
IRAN_OSM = SHARED / "data" / "iran-osm"
TEMPLATE = "regen_template"


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin_execute(url: str, statement: sql.Composable) -> None:
    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def new_database(pg_server: str, prefix: str, template_url: str | None = None) -> str:
    """Creates a database named `prefix`_<random> on the server (a clone of the migrated template when
    `template_url` is given, else empty); gives its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template_url:
        template = urlsplit(template_url).path.lstrip("/")
        stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    admin_execute(pg_server, stmt)
    return with_dbname(pg_server, name)


def drop_database(pg_server: str, url: str) -> None:
    """Drops the database `url` names, closing its sessions first."""
    name = urlsplit(url).path.lstrip("/")
    admin_execute(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def demo_database(pg_server: str, template_url: str, prefix: str, prepare=None):
    """Gives a clone of the migrated template holding the demo ×1 without boundaries, `prepare`d (a
    function of the database) when given; dropped afterwards."""
    from etl.demo.build import build_demo

    url = new_database(pg_server, prefix, template_url)
    database = Database(url)
    try:
        build_demo(database, boundaries=None)
        if prepare:
            prepare(database)
        yield database
    finally:
        database.close()
        drop_database(pg_server, url)


@pytest.fixture(scope="session")
def pg_server():
    """Gives a superuser URL (to the `postgres` database) of a server for the whole run."""
    external = os.environ.get("DATABASE_URL_TEST")
    if external:
        yield with_dbname(external, "postgres")
        return
    with throwaway_cluster("regen-test-pg-") as url:
        yield url


@contextlib.contextmanager
def throwaway_cluster(prefix: str):
    """Gives the superuser URL (database `postgres`) of a new embedded cluster, destroyed afterwards."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = Cluster(base / "pg", fast=True)
    cluster.up()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.destroy()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def cluster_home():
    """Gives a fresh folder for an embedded cluster, outside pytest's own temporary root: pytest makes
    that root private (0700) again whenever another pytest run starts on the machine, which would
    lock the `postgres` OS user out of a cluster started under it."""
    home = Path(tempfile.mkdtemp(prefix="regen-test-home-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def template_url(pg_server):
    """Gives the URL of a database migrated to the latest schema, used as a template for clones."""
    name = f"{TEMPLATE}_{uuid.uuid4().hex[:8]}"
    admin_execute(pg_server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_dbname(pg_server, name)
    database = Database(url)
    migrate(database)
    database.close()
    yield url
    admin_execute(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_db_url(pg_server):
    """Gives the URL of a new, empty database (no PostGIS, no schema), dropped after the test."""
    url = new_database(pg_server, "regen_t")
    yield url
    drop_database(pg_server, url)


@pytest.fixture
def db_url(pg_server, template_url):
    """Gives the URL of a fresh database with the whole schema, dropped after the test."""
    url = new_database(pg_server, "regen_t", template_url)
    yield url
    drop_database(pg_server, url)


@pytest.fixture
def db(db_url, monkeypatch):
    """Gives a Database on a fresh migrated database; DATABASE_URL points at it for code under test."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    database = Database(db_url)
    yield database
    database.close()


@pytest.fixture
def world(db, monkeypatch):
    """Gives `db` holding the dashboard fixture (tests/dashboard_fixture.py), the query cache empty
    before and after; pages rendered outside a request act for a signed-in national user (what
    auth_seam gives). A module that needs another world defines its own `world`."""
    import dashboard.auth  # here, not above: most tests never load the dashboard
    from dashboard import results
    from regen.scope import NATIONAL
    from tests.dashboard_fixture import build

    build(db)
    results.clear_cache()
    monkeypatch.setattr(dashboard.auth, "current_user_scope", lambda: NATIONAL)
    yield db
    results.clear_cache()


# The facts the triggers keep (migrations 0100-0210), each table's rows as a checksum.
KEPT_FACTS = " UNION ALL ".join(
    f"SELECT '{t}' AS facts, count(*) AS n, md5(string_agg(f::text, ',' ORDER BY f::text)) AS rows FROM {t} f"
    for t in (
        "office_state_spans",
        "neighborhood_status_spans",
        "city_coverage_days",
        "city_handover_days",
        "province_timeline_days",
        "province_figure_days",
        "action_latest_status",
        "action_overdue_spans",
        "action_overdue_days",
        "action_group_spans",
        "action_group_days",
        "action_group_provinces",
    )
)


def kept_facts(db) -> list[dict]:
    """Gives each kept fact table's row count and checksum: equal lists, equal facts."""
    return db.query(KEPT_FACTS)


WRITER = Scope(user="national-writer", role="national")  # a national account the tests write as


@pytest.fixture
def national_account(db):
    """Gives the scope of a national account in `db` (WRITER), for a test that writes as one
    (`db.transaction(scope=...)`: the functions that record a state ask who records it)."""
    from regen.accounts import add_user

    add_user(db, WRITER.user, "national", None, "national writer password")
    return WRITER


@pytest.fixture(scope="session")
def iran_osm() -> Path:
    """Gives ../shared/data/iran-osm, failing (not skipping) when the real data is not there."""
    if not (IRAN_OSM / "provinces.geojson").exists():
        pytest.fail(f"real test data missing: {IRAN_OSM} (the shared/ folder beside the checkout)")
    return IRAN_OSM
