"""`regen db dump` and `regen db restore`: the demo with accounts and audit log, restored into a cluster
that has never seen Regen Atlas (no regen_app / regen_etl roles), gives the same exports byte for byte
and the same tables; a non-empty database is refused unless --force; an older dump restores and
migrates."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg2
import pytest
from click.testing import CliRunner
from psycopg2 import sql

from etl.demo.build import build_demo
from etl.export import ENTITIES, FORMATS
from regen.accounts import ensure_demo_accounts
from regen.db import Database
from regen.migrate import MIGRATIONS_DIR, discover, migrate
from regen.scope import Scope
from tests.conftest import admin_execute, throwaway_cluster, with_dbname
from tests.table_fixtures import fingerprint

REGEN = str(Path(sys.executable).parent / "regen")
# A restore adds one row here on purpose (the dashboards' data stamp moves on): compared apart.
STAMP = "data_changes"


def regen(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [REGEN, *args], env={**os.environ, "DATABASE_URL": url}, capture_output=True, timeout=600
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    if check:
        assert done.returncode == 0, done.stderr.decode()
    return done


def _xlsx_members(data: bytes) -> dict[str, bytes]:
    """Gives the parts of a workbook, byte for byte, but for the time it was written (docProps/core.xml
    and the zip's member dates say when, not what)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", parts["docProps/core.xml"]
    )
    return parts


def exports(url: str) -> dict[str, bytes | dict]:
    """Gives every export `regen export` makes of the database, national and of one province."""
    from regen.cli import cli

    def run(*args: str) -> bytes:  # in this process: 25 exports, not 25 interpreters starting pandas
        done = CliRunner().invoke(cli, ["export", *args], env={"DATABASE_URL": url})
        assert done.exit_code == 0, done.output
        assert len(done.stdout_bytes) > 50  # a header and at least one row
        return done.stdout_bytes

    out: dict[str, bytes | dict] = {}
    for entity in ENTITIES:
        for fmt in FORMATS:
            data = run(entity, "--format", fmt)
            out[f"{entity}.{fmt}"] = _xlsx_members(data) if fmt == "xlsx" else data
        out[f"{entity}.jalali.csv"] = run(entity, "--jalali")
        out[f"{entity}.IR-23.csv"] = run(entity, "--province", "IR-23")
    return out


@pytest.fixture(scope="module")
def other_cluster():
    """Gives the superuser URL (database `postgres`) of a second, new cluster: no Regen Atlas roles."""
    with throwaway_cluster("regen-restore-pg-") as url:
        yield url


def _new_database(server_url: str, name: str) -> str:
    admin_execute(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_dbname(server_url, name)


def _roles(server_url: str) -> set[str]:
    conn = psycopg2.connect(server_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'regen\\_%'")
            return {r[0] for r in cur.fetchall()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(pg_server, template_url, tmp_path_factory):
    """Gives (url, Database, dump file) of the demo with its accounts and one recorded status."""
    name = "regen_backup_demo"
    admin_execute(
        pg_server,
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template_url.rsplit("/", 1)[1])
        ),
    )
    url = with_dbname(pg_server, name)
    database = Database(url)
    build_demo(database)
    accounts = ensure_demo_accounts(database, tmp_path_factory.mktemp("accounts"))
    national = next(a for a in accounts if a[2] == "national")
    action = database.scalar(
        "SELECT action_code FROM action_statuses GROUP BY action_code "
        "HAVING bool_and(status = 'open') ORDER BY action_code LIMIT 1"
    )
    with database.transaction(scope=Scope(national[0], "national")) as cur:  # writes an audit row
        cur.execute(
            "SELECT record_action_status(%s, 'in_progress', %s, 'backup test')", (action, dt.date.today())
        )
    assert database.scalar("SELECT count(*) FROM audit_log") == 1
    assert database.scalar("SELECT count(*) FROM users") == len(accounts) > 0
    path = tmp_path_factory.mktemp("dump") / "demo.dump"
    said = regen(url, "db", "dump", str(path)).stdout.decode()
    assert f"wrote {path}" in said and path.stat().st_size > 0
    yield url, database, path
    database.close()
    admin_execute(pg_server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _same_tables(a: Database, b: Database) -> None:
    fa, fb = fingerprint(a), fingerprint(b)
    assert fa.keys() == fb.keys()
    differ = [t for t in fa if t != STAMP and fa[t] != fb[t]]
    assert differ == [], f"tables that differ after the restore: {differ}"
    n = "SELECT count(*) FROM data_changes"
    assert b.scalar(n) == a.scalar(n) + 1  # the restore itself, so that no dashboard serves older data


def test_the_demo_restores_into_a_new_cluster_with_the_same_exports_accounts_and_audit(demo, other_cluster):
    url, database, path = demo
    assert _roles(other_cluster) == set()
    target_url = _new_database(other_cluster, "restored")
    said = regen(target_url, "db", "restore", str(path)).stdout.decode()
    latest = discover()[-1].name  # restored at the level it was dumped: the latest migration
    assert "restored" in said and latest in said and "regen db migrate" not in said
    assert _roles(other_cluster) == {"regen_app", "regen_etl"}
    target = Database(target_url)
    try:
        _same_tables(database, target)
        before, after = exports(url), exports(target_url)
        assert [k for k in before if before[k] != after[k]] == []
        # Grants and row-level policies came along: a provincial officer sees only their province,
        # and the loaders (as regen_etl) work.
        teh = Scope("someone", "provincial", "IR-23")
        seen = target.query(
            "SELECT DISTINCT c.province_code FROM offices o JOIN cities c ON c.code = o.city_code", scope=teh
        )
        assert [r["province_code"] for r in seen] == ["IR-23"]
        assert regen(target_url, "users", "list").stdout == regen(url, "users", "list").stdout
        assert regen(target_url, "db", "migrate").stdout.decode().strip() == "database is up to date."
    finally:
        target.close()


def test_restore_refuses_a_database_that_holds_data_unless_forced(demo, db):
    _url, source, path = demo
    before = fingerprint(db)  # a migrated database: tables, no data yet
    refused = regen(db.url, "db", "restore", str(path), check=False)
    assert refused.returncode == 1
    message = refused.stderr.decode()
    assert (
        "the database is not empty" in message and "nothing was restored" in message and "--force" in message
    )
    assert fingerprint(db) == before
    regen(db.url, "db", "restore", "--force", str(path))
    _same_tables(source, db)


def test_a_file_that_is_not_a_dump_is_refused_with_a_message(db, tmp_path):
    bad = tmp_path / "backup.dump"
    bad.write_text("<html>Not Found</html>")
    done = regen(db.url, "db", "restore", "--force", str(bad), check=False)
    assert done.returncode == 1
    assert "not an archive of `regen db dump`" in done.stderr.decode()


def test_a_dump_of_an_older_version_restores_and_migrates(empty_db_url, other_cluster, tmp_path):
    # A database of the version before the accounts (migrations up to 0030), with a city in it.
    older = tmp_path / "migrations"
    older.mkdir()
    for m in discover():
        if m.version <= "0030":
            shutil.copy(MIGRATIONS_DIR / m.name, older / m.name)
    old = Database(empty_db_url)
    try:
        migrate(old, older)
        old.execute(
            "INSERT INTO cities (code, province_code, name_fa, location) "
            "VALUES ('tehran', 'IR-23', 'تهران', ST_SetSRID(ST_MakePoint(51.39, 35.69), 4326))"
        )
    finally:
        old.close()
    path = tmp_path / "old.dump"
    regen(empty_db_url, "db", "dump", str(path))
    target_url = _new_database(other_cluster, "restored_old")
    said = regen(target_url, "db", "restore", str(path)).stdout.decode()
    assert "migration level 0030_status_set_based.sql" in said and "run `regen db migrate`" in said
    applied = regen(target_url, "db", "migrate").stdout.decode().split("\n")
    assert applied[0] == "applied 0040_accounts.sql"
    status = regen(target_url, "db", "status").stdout.decode()
    assert f"migration level: {discover()[-1].name}" in status and "cities: 1" in status
    assert "tehran" in regen(target_url, "export", "cities").stdout.decode()
