"""The embedded PostgreSQL + PostGIS cluster: a private server under .data/pg, from the machine's binaries.

It exists so that `make run` works with nothing configured. With DATABASE_URL set it is never used.
PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` OS user and
the cluster folder belongs to it.
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

from regen.errors import RegenError

log = logging.getLogger(__name__)

DB_NAME = "regen"
SUPERUSER = "regen"


def find_bindir() -> Path:
    """Gives the folder holding initdb/pg_ctl/postgres: `pg_config --bindir`, else the newest Debian one."""
    candidates: list[str] = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for c in candidates:
        if (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise RegenError(
        "No PostgreSQL server binaries found (initdb, pg_ctl). Install them, e.g. as root: "
        "apt-get install postgresql-15 postgresql-15-postgis-3 — or set DATABASE_URL to a server."
    )


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parent.name)
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Cluster:
    """A private cluster in `base` (the folder that holds data/, the socket, port and password files)."""

    base: Path
    fast: bool = False  # throwaway clusters for tests: no fsync, nothing worth keeping

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def port_file(self) -> Path:
        return self.base / "port"

    @property
    def password_file(self) -> Path:
        return self.base / "password"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    # -- running commands as the right OS user ------------------------------------------------------
    def _as_owner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RegenError(
                "Running as root, but there is no `postgres` OS user to run the server as. "
                "Install the postgresql package (it creates one) or run as an ordinary user."
            ) from None
        return ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = self._as_owner() + list(args)
        res = subprocess.run(cmd, capture_output=True, text=True)
        if check and res.returncode != 0:
            tail = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise RegenError(
                f"`{' '.join(args[:2])}` failed for the embedded database in {self.base}:\n"
                f"{res.stderr.strip() or res.stdout.strip()}\n{tail}".strip()
            )
        return res

    def _chown(self) -> None:
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            for root, dirs, files in os.walk(self.base):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)
            os.chown(self.base, pw.pw_uid, pw.pw_gid)

    # -- lifecycle ----------------------------------------------------------------------------------
    def init(self) -> None:
        bindir = find_bindir()
        self.base.mkdir(parents=True, exist_ok=True)
        # The postgres user must be able to walk down to base when we are root.
        os.chmod(self.base, 0o700)
        _open_parents_for_postgres(self.base)
        password = secrets.token_urlsafe(18)
        self.password_file.write_text(password)
        self.password_file.chmod(0o600)
        self._chown()
        self._run(
            str(bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={self.password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            *(["--no-sync"] if self.fast else []),
        )
        conf = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.base}'",
            "max_connections = 100",
            "shared_buffers = 128MB",
        ]
        if self.fast:
            conf += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data / "postgresql.conf", "a") as f:
            f.write("\n# Regen Atlas embedded cluster\n" + "\n".join(conf) + "\n")

    def port(self) -> int | None:
        try:
            return int(self.port_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def running(self) -> bool:
        if not self.initialised:
            return False
        res = self._run(str(find_bindir() / "pg_ctl"), "status", "-D", str(self.data), check=False)
        return res.returncode == 0

    def _recover_stale_pid(self) -> None:
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except ValueError:
            pid = -1
        alive = pid > 0 and Path(f"/proc/{pid}").exists()
        if alive:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            alive = b"postgres" in cmdline
        if not alive:
            log.warning("removing stale postmaster.pid (pid %s is not a running server)", pid)
            pidfile.unlink()

    def up(self) -> str:
        """Gives the URL of the running cluster, creating and starting it first when needed."""
        if not self.initialised:
            self.init()
        if not self.running():
            self._recover_stale_pid()
            port = self.port()
            if port is None or not _port_free(port):
                port = free_port()
            self.port_file.write_text(str(port))
            self._chown()
            self._run(
                str(find_bindir() / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {port}",
            )
        self._ensure_database()
        return self.url()

    def down(self) -> bool:
        """Stops the server; gives False when it was not running."""
        if not self.running():
            return False
        self._run(str(find_bindir() / "pg_ctl"), "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data))
        return True

    def destroy(self) -> None:
        self.down()
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str = DB_NAME) -> str:
        port = self.port()
        if port is None or not self.password_file.exists():
            raise RegenError("The embedded database has not been created yet: run `regen db up`.")
        return f"postgresql://{SUPERUSER}:{self.password_file.read_text().strip()}@127.0.0.1:{port}/{dbname}"

    def _ensure_database(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(self.url("postgres"), connect_timeout=5)
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
        finally:
            conn.close()


def _open_parents_for_postgres(path: Path) -> None:
    """Lets the postgres user traverse to `path` (mkdtemp and pytest make 0700 parents)."""
    if os.geteuid() != 0:
        return
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode & 0o7777
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)  # search only: others still cannot list it


def default_cluster(data_dir: Path) -> Cluster:
    return Cluster(data_dir / "pg")
