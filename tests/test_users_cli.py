"""`regen users …` and the demo accounts of `regen run`: Argon2 hashes, clear refusals, and no
account at all on a deployment that is not the embedded demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import dashboard.server
from regen.accounts import SignInRefused, authenticate, ensure_demo_accounts, list_users
from regen.cli import cli

PW = "a long enough password"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_add_list_disable_passwd(db, monkeypatch):
    r = run(
        "users",
        "add",
        "maryam",
        "--role",
        "provincial",
        "--province",
        "IR-23",
        "--password-stdin",
        input=PW + "\n",
    )
    assert r.exit_code == 0, r.output
    assert "added maryam: provincial (IR-23)" in r.output
    r = run("users", "add", "ali", "--role", "national", input=PW + "\n" + PW + "\n")  # prompt + confirmation
    assert r.exit_code == 0, r.output
    stored = db.query("SELECT name, role, province_code, password_hash FROM users ORDER BY name")
    assert [(u["name"], u["role"], u["province_code"]) for u in stored] == [
        ("ali", "national", None),
        ("maryam", "provincial", "IR-23"),
    ]
    assert all(u["password_hash"].startswith("$argon2id$") and PW not in u["password_hash"] for u in stored)
    r = run("users", "list")
    assert "maryam\tprovincial\tIR-23\tactive" in r.output and "ali\tnational\t-\tactive" in r.output
    scope = authenticate(db, "maryam", PW, "127.0.0.1")
    assert (scope.user, scope.role, scope.province) == ("maryam", "provincial", "IR-23")

    r = run("users", "passwd", "maryam", "--password-stdin", input="another long password\n")
    assert r.exit_code == 0, r.output
    with pytest.raises(SignInRefused):
        authenticate(db, "maryam", PW, "127.0.0.1")
    authenticate(db, "maryam", "another long password", "127.0.0.1")

    assert run("users", "disable", "maryam").exit_code == 0
    assert "maryam\tprovincial\tIR-23\tdisabled" in run("users", "list").output
    with pytest.raises(SignInRefused):
        authenticate(db, "maryam", "another long password", "127.0.0.1")


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["x1", "--role", "provincial"], PW, "needs --province"),
        (["x1", "--role", "national", "--province", "IR-23"], PW, "only provincial accounts have a province"),
        (["x1", "--role", "provincial", "--province", "IR-99"], PW, "no province 'IR-99'"),
        (["x1", "--role", "provincial", "--province", "'; DROP TABLE users; --"], PW, "no province"),
        (["x1", "--role", "admin"], PW, "Invalid value for '--role'"),
        (["x1", "--role", "viewer"], "short", "at least 10 characters"),
    ],
)
def test_add_refusals(db, args, stdin, message):
    r = run("users", "add", *args, "--password-stdin", input=stdin + "\n")
    assert r.exit_code != 0 and message in r.output
    assert list_users(db) == []


def test_bad_names_and_duplicates(db):
    assert (
        run("users", "add", "ok.name", "--role", "viewer", "--password-stdin", input=PW + "\n").exit_code == 0
    )
    r = run("users", "add", "ok.name", "--role", "viewer", "--password-stdin", input=PW + "\n")
    assert r.exit_code != 0 and "exists already" in r.output
    r = run(
        "users", "add", "'; DROP TABLE users; --", "--role", "viewer", "--password-stdin", input=PW + "\n"
    )
    assert r.exit_code != 0
    assert [a.name for a in list_users(db)] == ["ok.name"]
    r = run(
        "users",
        "add",
        "z1",
        "--role",
        "viewer",
        input=PW + "\nsomething else entirely\n" + PW + "\n" + PW + "\n",
    )
    assert "do not match" in r.output and r.exit_code == 0  # asked again, then added
    assert run("users", "disable", "nobody").exit_code != 0
    assert (
        "no account named 'nobody'" in run("users", "passwd", "nobody", "--password-stdin", input=PW).output
    )


def test_demo_accounts_created_once_and_kept_private(db, tmp_path):
    first = ensure_demo_accounts(db, tmp_path)
    assert [(n, r, p) for n, _, r, p in first] == [
        ("demo-national", "national", None),
        ("demo-tehran", "provincial", "IR-23"),
    ]
    assert ((tmp_path / "demo-accounts.txt").stat().st_mode & 0o777) == 0o600
    for name, password, _, _ in first:
        authenticate(db, name, password, "127.0.0.1")
    assert ensure_demo_accounts(db, tmp_path) == first  # not re-created
    assert len(list_users(db)) == 2


def test_run_on_a_configured_database_creates_no_account(db, monkeypatch, tmp_path):
    monkeypatch.setenv("REGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(dashboard.server, "serve", lambda *a, **k: None)
    r = run("run")
    assert r.exit_code == 0, r.output
    assert "demo accounts" not in r.output
    assert list_users(db) == []
    assert not (tmp_path / "demo-accounts.txt").exists()


def test_run_on_the_embedded_demo_creates_and_prints_the_two_accounts(monkeypatch):
    from regen.db import get_db
    from regen.embedded import default_cluster

    data_dir = Path(tempfile.mkdtemp(prefix="regen-demo-"))
    data_dir.chmod(0o755)  # the server may run as the postgres OS user
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REGEN_DATA_DIR", str(data_dir))
    monkeypatch.setattr(dashboard.server, "serve", lambda *a, **k: None)
    try:
        r = run("run")
        assert r.exit_code == 0, r.output
        assert "demo-national / " in r.output and "demo-tehran / " in r.output and "/login" in r.output
        names = [(a.name, a.role, a.province_code) for a in list_users(get_db())]
        assert names == [("demo-national", "national", None), ("demo-tehran", "provincial", "IR-23")]
        password = next(
            line.split(" / ")[1].split()[0] for line in r.output.splitlines() if "demo-tehran /" in line
        )
        authenticate(get_db(), "demo-tehran", password, "127.0.0.1")
        assert run("run").output.count("demo-tehran / " + password) == 1  # same accounts on the next start
        assert len(list_users(get_db())) == 2
    finally:
        get_db().close()
        default_cluster(data_dir).destroy()
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


def test_list_shows_a_lock_only_while_it_lasts(db, monkeypatch):
    monkeypatch.setenv("REGEN_LOGIN_MAX_FAILURES", "2")
    assert run("users", "add", "reza", "--role", "viewer", "--password-stdin", input=PW + "\n").exit_code == 0
    for _ in range(2):
        with pytest.raises(SignInRefused):
            authenticate(db, "reza", "not the password", "127.0.0.1")
    assert "reza\tviewer\t-\tlocked from 1 address(es)" in run("users", "list").output
    db.execute("UPDATE signin_attempts SET at = at - interval '16 minutes' WHERE account = 'reza'")
    assert "reza\tviewer\t-\tactive" in run("users", "list").output
    assert run("users", "passwd", "reza", "--password-stdin", input=PW + "\n").exit_code == 0
