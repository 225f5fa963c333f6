"""`regen db dump FILE` and `regen db restore FILE`: the whole database in pg_dump's custom format.

The server's own major version of pg_dump / pg_restore / psql is used (an older pg_dump refuses a
newer server; an older pg_restore cannot read a newer archive). A restore is one transaction: the
roles the archive names are created first when the cluster lacks them (they are cluster-wide and not
in a dump), the archive is restored with the restoring role as owner, and any error leaves the
database as it was. It refuses a database that holds tables, unless `force` (then everything in the
public schema is replaced, in that same transaction).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from regen import queries
from regen.db import Database
from regen.errors import RegenError


def dump(db: Database, path: Path) -> int:
    """Writes the database to `path` (custom format); gives its size in bytes. A failed dump leaves
    no file behind (it is written beside and renamed when complete)."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    url, env = _connection(db.url)
    _run([_binary(db, "pg_dump"), "--format=custom", f"--file={part}", f"--dbname={url}"], env, part)
    part.replace(path)
    return path.stat().st_size


def restore(db: Database, path: Path, *, force: bool = False) -> None:
    """Restores an archive of `regen db dump` into the database (see the module's docstring)."""
    path = Path(path)
    pg_restore, psql = _binary(db, "pg_restore"), _binary(db, "psql")
    if not path.is_file():
        raise RegenError(f"{path}: no such file")
    listing = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        why = _first_line(listing.stderr)
        raise RegenError(f"{path}: not an archive of `regen db dump` (pg_dump custom format): {why}")
    tables = queries.run("database_tables", db)[0]["n"]
    if tables and not force:
        raise RegenError(
            f"the database is not empty ({tables} tables): a restore would mix two databases, so nothing "
            "was restored. Restore into a new, empty database (DATABASE_URL), or give --force to replace "
            "everything in this one with the archive."
        )
    url, env = _connection(db.url)
    before = ["BEGIN", queries.sql("restore_roles")] + ([queries.sql("restore_wipe")] if force else [])
    after = [queries.sql("restore_join_roles"), queries.sql("restore_changed"), "COMMIT"]
    with tempfile.TemporaryFile() as errors:
        apply = subprocess.Popen(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", f"--dbname={url}", "-f", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=env,
        )
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--file=-", str(path)], stdout=subprocess.PIPE, stderr=errors
        )
        try:
            apply.stdin.write("".join(s + ";\n" for s in before).encode())
            for _ in range(200):  # the archive's header, up to where it empties the search_path
                line = script.stdout.readline()
                apply.stdin.write(_EMPTY_PATH.sub(_PUBLIC_PATH, line))
                if not line or _EMPTY_PATH.search(line):
                    break
            shutil.copyfileobj(script.stdout, apply.stdin, 1 << 20)
            apply.stdin.write("".join(s + ";\n" for s in after).encode())
            apply.stdin.close()
        except BrokenPipeError:  # psql stopped at an error (ON_ERROR_STOP): its message says which
            pass
        finally:
            script.stdout.close()
            script.wait()
            apply.wait()
        if apply.returncode != 0 or script.returncode not in (0, -13):
            errors.seek(0)
            raise RegenError(
                f"{path}: the restore failed, nothing was restored (it is one transaction): "
                f"{_first_line(errors.read().decode(errors='replace'))}"
            )


# pg_restore empties the search_path; the stored generated columns and CHECKs it computes call SQL
# functions that, in a dump taken before 0085_restorable_functions.sql, name PostGIS's functions and
# types unqualified (ST_Transform, geography). With PostGIS's schema on the path they restore; every
# name in the archive itself is schema-qualified, so nothing else resolves differently.
_EMPTY_PATH = re.compile(rb"^SELECT pg_catalog\.set_config\('search_path', '', false\);$", re.M)
_PUBLIC_PATH = b"SELECT pg_catalog.set_config('search_path', 'public', false);"


def _binary(db: Database, name: str) -> str:
    """Gives the path of `name` of the server's major version."""
    major = int(db.scalar("SELECT current_setting('server_version_num')::int / 10000"))
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{name}"), shutil.which(name)):
        if candidate and Path(candidate).exists() and _major(str(candidate)) == major:
            return str(candidate)
    raise RegenError(
        f"{name} of PostgreSQL {major} (the server's version) was not found: install it (on Debian, "
        f"as root: apt-get install postgresql-client-{major}), or put it on PATH"
    )


def _major(binary: str) -> int | None:
    out = subprocess.run(
        [binary, "--version"], capture_output=True, text=True
    ).stdout  # "pg_dump (PostgreSQL) 15.18"
    try:
        return int(out.split()[-1].split(".")[0])
    except (IndexError, ValueError):
        return None


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """Gives the URL without its password, and an environment that carries it (PGPASSWORD): the
    command lines of pg_dump and psql are visible to every local user."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, _, host = parts.netloc.rpartition("@")
        parts = parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{host}")
    return urlunsplit(parts), env


def _run(cmd: list[str], env: dict[str, str], part: Path) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        part.unlink(missing_ok=True)
        raise RegenError(f"{Path(cmd[0]).name} failed: {_first_line(done.stderr)}")


def _first_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if "ERROR" in ln or "error" in ln]
    return (errors or lines or ["(no message)"])[0].strip()
