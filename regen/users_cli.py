"""`regen users …`: accounts of the dashboard (add, list, disable, passwd)."""

from __future__ import annotations

import sys

import click

from regen.clibase import Group as _Group


def _db():
    from regen.db import get_db

    return get_db()


def _password(stdin: bool) -> str:
    if stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise click.ClickException("--password-stdin: no password on standard input")
        return value
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@click.group(cls=_Group)
def users() -> None:
    """Dashboard accounts: national (sees and records everywhere), viewer (sees everything, changes
    nothing), provincial (sees national aggregates and its own province, records there)."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["national", "viewer", "provincial"]), required=True)
@click.option("--province", default=None, help="IR-NN, for a provincial account (IR-23 = Tehran).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(name: str, role: str, province: str | None, password_stdin: bool) -> None:
    """Add an account NAME (the password is asked twice, or read with --password-stdin)."""
    from regen.accounts import add_user

    database = _db()
    account = add_user(database, name, role, province, _password(password_stdin))
    where = f" ({account.province_code})" if account.province_code else ""
    click.echo(f"added {account.name}: {account.role}{where}")


@users.command("list")
def users_list() -> None:
    """List the accounts with role, province and state."""
    from regen.accounts import list_users, locked_addresses

    database = _db()
    accounts = list_users(database)
    locks = locked_addresses(database)
    if not accounts:
        click.echo("no accounts yet: add one with `regen users add NAME --role national`")
    for a in accounts:
        locked = f"locked from {locks[a.name]} address(es)" if a.name in locks else ""
        state = "disabled" if a.disabled else (locked or "active")
        last = a.last_login_at.strftime("%Y-%m-%d %H:%M") if a.last_login_at else "never"
        click.echo(f"{a.name}\t{a.role}\t{a.province_code or '-'}\t{state}\tlast sign-in: {last}")


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Disable account NAME (it cannot sign in; open sessions end)."""
    from regen.accounts import disable_user

    disable_user(_db(), name)
    click.echo(f"disabled {name}")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_passwd(name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (ends its sessions, lifts a lock-out)."""
    from regen.accounts import get_account, set_password

    database = _db()
    get_account(database, name)  # a clear error before asking for a password
    set_password(database, name, _password(password_stdin))
    click.echo(f"password of {name} changed")
