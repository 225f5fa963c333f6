"""Migrations apply on an empty database, re-apply as a no-op, and refuse an edited file."""

import shutil

import pytest

from regen.db import Database
from regen.errors import RegenError
from regen.migrate import MIGRATIONS_DIR, applied, discover, migrate, pending


def test_apply_on_empty_then_noop(empty_db_url):
    db = Database(empty_db_url)
    try:
        names = migrate(db)
        assert names == [m.name for m in discover()]
        assert db.scalar("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        assert db.scalar("SELECT count(*) FROM provinces") == 31
        before = applied(db)
        assert migrate(db) == []
        assert applied(db) == before
        assert pending(db) == []
    finally:
        db.close()


def test_edited_migration_is_an_error(empty_db_url, tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations)
    db = Database(empty_db_url)
    try:
        migrate(db, migrations)
        first = sorted(migrations.glob("*.sql"))[1]
        first.write_text(first.read_text() + "\n-- an edit after the fact\n")
        with pytest.raises(RegenError, match=f"{first.name} was edited after it was applied"):
            migrate(db, migrations)
    finally:
        db.close()


def test_new_migration_is_applied_once(empty_db_url, tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations)
    db = Database(empty_db_url)
    try:
        migrate(db, migrations)
        (migrations / "9999_extra.sql").write_text("CREATE TABLE extra_table (id int);")
        assert migrate(db, migrations) == ["9999_extra.sql"]
        assert migrate(db, migrations) == []
    finally:
        db.close()


def test_failed_migration_rolls_back(empty_db_url, tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations)
    (migrations / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();"
    )
    db = Database(empty_db_url)
    try:
        with pytest.raises(Exception, match="no_such_function"):
            migrate(db, migrations)
        assert db.scalar("SELECT to_regclass('half_done')") is None
        assert "9999" not in applied(db)
    finally:
        db.close()


def test_badly_named_migration(tmp_path):
    (tmp_path / "add_stuff.sql").write_text("SELECT 1;")
    with pytest.raises(RegenError, match="NNNN_words.sql"):
        discover(tmp_path)
