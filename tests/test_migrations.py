"""Migrations apply on an empty database, re-apply as a no-op, and refuse an edited file."""

import shutil

import pytest

from regen.db import Database
from regen.errors import RegenError
from regen.migrate import MIGRATIONS_DIR, applied, discover, migrate, pending


@pytest.fixture
def empty_db(empty_db_url):
    db = Database(empty_db_url)
    yield db
    db.close()


@pytest.fixture
def migrations(tmp_path):
    """Gives a copy of sql/migrations that a test may add to or edit."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy)
    return copy


def test_apply_on_empty_then_noop(empty_db):
    names = migrate(empty_db)
    assert names == [m.name for m in discover()]
    assert empty_db.scalar("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
    assert empty_db.scalar("SELECT count(*) FROM provinces") == 31
    before = applied(empty_db)
    assert migrate(empty_db) == []
    assert applied(empty_db) == before
    assert pending(empty_db) == []


def test_edited_migration_is_an_error(empty_db, migrations):
    migrate(empty_db, migrations)
    first = sorted(migrations.glob("*.sql"))[1]
    first.write_text(first.read_text() + "\n-- an edit after the fact\n")
    with pytest.raises(RegenError, match=f"{first.name} was edited after it was applied"):
        migrate(empty_db, migrations)


def test_new_migration_is_applied_once(empty_db, migrations):
    migrate(empty_db, migrations)
    (migrations / "9999_extra.sql").write_text("CREATE TABLE extra_table (id int);")
    assert migrate(empty_db, migrations) == ["9999_extra.sql"]
    assert migrate(empty_db, migrations) == []


def test_failed_migration_rolls_back(empty_db, migrations):
    (migrations / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();"
    )
    with pytest.raises(Exception, match="no_such_function"):
        migrate(empty_db, migrations)
    assert empty_db.scalar("SELECT to_regclass('half_done')") is None
    assert "9999" not in applied(empty_db)


def test_badly_named_migration(tmp_path):
    (tmp_path / "add_stuff.sql").write_text("SELECT 1;")
    with pytest.raises(RegenError, match="NNNN_words.sql"):
        discover(tmp_path)
