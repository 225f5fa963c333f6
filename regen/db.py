"""The one way to reach the database: a pooled connection per URL, transactions, time limits, COPY.

Nobody else opens connections. Every statement takes bound parameters; SQL text comes from `sql/`
(see `regen.queries`) or is a constant in the module that owns it.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg2
import psycopg2.extras
import psycopg2.pool
import psycopg2.sql

from regen import settings as settings_mod
from regen.errors import DatabaseUnavailable
from regen.scope import Scope

log = logging.getLogger(__name__)

# Pools per (URL, process): a pool made before a fork (gunicorn's workers, after `regen run` migrated
# and loaded the demo in the parent) holds sockets the parent still owns. A child must neither use
# them (two processes on one socket garble the protocol) nor close them (that ends the parent's
# sessions), so the child sets inherited pools aside untouched and opens its own.
_pools: dict[tuple[str, int], psycopg2.pool.ThreadedConnectionPool] = {}
_inherited: list[psycopg2.pool.ThreadedConnectionPool] = []


def _forget_inherited_pools() -> None:
    for key in [k for k in _pools if k[1] != os.getpid()]:
        _inherited.append(_pools.pop(key))  # kept referenced: never garbage-collected, never closed


# The role a transaction switches to when it carries a user's scope (see sql/migrations/0040).
APP_ROLE = "regen_app"
# The signed-in user's scope during a web request (set and reset by dashboard/auth.py). A transaction
# that names no scope inside a request gets this one, so a forgotten `scope=` cannot run as the owner.
request_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar(
    "regen_request_scope", default=None
)
_pools_lock = threading.Lock()
# A transaction's own settings, names and values in two arrays: set_config(…, true) is SET LOCAL.
_SET_LOCAL = "SELECT set_config(n, v, true) FROM unnest(%s::text[], %s::text[]) AS s(n, v)"


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class _Connection(psycopg2.extensions.connection):
    """A pooled connection that keeps the statements it prepared (PREPARE lasts as long as the session).

    Planning a statement under row-level security took as long as running it (a province's view: 9 of
    its statements' 19 ms at ×1, 12 of 31 at ×10; the city figures alone 3-5 ms each). A prepared
    statement's plan is kept by PostgreSQL: after five runs it uses a generic plan when that plan
    looks no costlier than planning each run (plan_cache_mode auto; `Database.query`'s "generic"
    from the first run), and it plans again by itself when a table or function it reads changes, or
    when the role or row-level security it ran under differs (a provincial officer's request after a
    national one's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: dict[str, tuple[str, list[str]]] = {}  # text → (name, placeholders in order)
        self._names = itertools.count(1)

    def execute_prepared(self, cur, first: str, text: str, params: dict[str, Any]) -> None:
        """Runs `first` (the settings), then `text` as a prepared statement, in one round trip, with
        the same parameters, bound by psycopg2 as any statement's are. The first run on a connection
        PREPAREs it in a round trip of its own: kept only when prepared (the statement is planned on
        each EXECUTE under that run's role and settings, not when prepared)."""
        name, order = self.prepared.get(text) or self.prepare(cur, text)
        args = f"({', '.join(f'%({p})s' for p in order)})" if order else ""
        try:
            cur.execute(f"{first};\nEXECUTE {name}{args}", params)
        except psycopg2.errors.FeatureNotSupported as e:
            # "cached plan must not change result type": what it reads changed its columns (a
            # migration while the server ran); prepared again, it answers with the new ones
            if "result type" not in str(e):
                raise
            cur.execute(f"DEALLOCATE {name}")
            name, order = self.prepare(cur, text)
            cur.execute(f"{first};\nEXECUTE {name}{args}", params)

    def prepare(self, cur, text: str) -> tuple[str, list[str]]:
        """PREPAREs `text` (named placeholders become $1, $2 … in the order of their first use) and
        keeps it: gives its name and its placeholders in order."""
        order: list[str] = []
        body = _PLACEHOLDER.sub(lambda m: f"${_number(order, m[1])}", text)
        name = f"regen_{next(self._names)}"
        cur.execute(f"PREPARE {name} AS {body}", {})  # {}: its "%%" read as "%", as with params
        self.prepared[text] = (name, order)
        return name, order


def _number(order: list[str], placeholder: str) -> int:
    """Gives a placeholder's number ($1, $2 …) in the order of their first use in a statement."""
    if placeholder not in order:
        order.append(placeholder)
    return order.index(placeholder) + 1


@contextmanager
def _answered() -> Iterator[None]:
    """Turns the database's failures to answer into DatabaseUnavailable, with what to do."""
    try:
        yield
    except psycopg2.errors.QueryCanceled as e:
        raise DatabaseUnavailable(
            "The database took too long to answer (statement timeout). Try again, or narrow the view."
        ) from e
    except psycopg2.OperationalError as e:
        raise DatabaseUnavailable(_unavailable(e)) from e


def resolve_url(start_embedded: bool = True) -> str:
    """Gives DATABASE_URL, or the embedded cluster's URL (starting it when asked and needed)."""
    s = settings_mod.get()
    if s.database_url:
        return s.database_url
    from regen.embedded import default_cluster

    cluster = default_cluster(s.data_dir)
    if start_embedded:
        return cluster.up()
    return cluster.url()


class Database:
    """A PostgreSQL database reached through a small connection pool; all access goes through here."""

    def __init__(self, url: str, statement_timeout_ms: int | None = None, pool_max: int | None = None):
        s = settings_mod.get()
        self.url = url
        self.statement_timeout_ms = statement_timeout_ms or s.statement_timeout_ms
        self._pool_max = pool_max or s.pool_max

    # -- connections --------------------------------------------------------------------------------
    def _pool(self) -> psycopg2.pool.ThreadedConnectionPool:
        key = (self.url, os.getpid())
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    _forget_inherited_pools()
                    try:
                        # JIT off: row-level security's subplans make the planner's costs of small
                        # lookups pass jit_above_cost, and compiling took 2.5 s of a 2.7 s statement
                        # that reads 179 offices (×10, a city's offices): no statement here gains.
                        pool = psycopg2.pool.ThreadedConnectionPool(
                            1,
                            self._pool_max,
                            self.url,
                            connect_timeout=5,
                            application_name="regen-atlas",
                            options="-c jit=off",
                            connection_factory=_Connection,
                        )
                    except psycopg2.OperationalError as e:
                        raise DatabaseUnavailable(_unavailable(e)) from e
                    # psycopg2's pool keeps a returned connection only while it holds fewer than
                    # `minconn` idle ones, and opens `minconn` at once: start with one, then let it
                    # keep up to the maximum, so that transactions reuse connections under load.
                    pool.minconn = self._pool_max
                    _pools[key] = pool
        return pool

    @contextmanager
    def connection(self) -> Iterator[psycopg2.extensions.connection]:
        pool = self._pool()
        try:
            conn = pool.getconn()
        except psycopg2.OperationalError as e:
            raise DatabaseUnavailable(_unavailable(e)) from e
        broken = False
        try:
            yield conn
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            broken = True
            raise
        finally:
            if not broken and conn.closed == 0 and conn.status != psycopg2.extensions.STATUS_READY:
                conn.rollback()
            pool.putconn(conn, close=broken or conn.closed != 0)

    @contextmanager
    def transaction(
        self,
        timeout_ms: int | None = None,
        settings: dict[str, str] | None = None,
        scope: Scope | None = None,
        role: str | None = None,
        owner: bool = False,
    ) -> Iterator[psycopg2.extras.RealDictCursor]:
        """Gives a cursor inside one transaction: committed when the block ends, rolled back on error.

        `settings` (and the `scope`'s) are applied with SET LOCAL (set_config(..., true)), so they end
        with the transaction. With a scope (given, or the web request's) the transaction runs as
        `role` (default regen_app: no DDL, reads under row-level security, writes only through the
        recording functions). `owner=True` keeps the connecting role even inside a web request (the
        sign-in code, which must read accounts).
        """
        local = self._local(scope, owner, timeout_ms=timeout_ms, settings=settings, role=role)
        with _answered(), self.connection() as conn:
            try:
                with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                    cur.execute(_SET_LOCAL, (list(local), list(local.values())))  # one round trip
                    yield cur
                conn.commit()
            except BaseException:
                if conn.closed == 0:
                    conn.rollback()
                raise

    def _local(
        self,
        scope: Scope | None,
        owner: bool,
        timeout_ms: int | None = None,
        settings: dict[str, str] | None = None,
        role: str | None = None,
    ) -> dict[str, str]:
        """Gives a transaction's own settings (see transaction): the time limit, the scope's and the
        caller's settings, and the role (`role` is what SET LOCAL ROLE sets)."""
        if scope is None and not owner:
            scope = request_scope.get()
        if role is None and scope is not None:
            role = APP_ROLE
        local = {"statement_timeout": str(timeout_ms or self.statement_timeout_ms)}
        local |= (scope.settings() if scope else {}) | (settings or {})
        return local | ({"role": role} if role else {})

    # -- conveniences over one transaction ------------------------------------------------------------
    def query(
        self,
        statement: str | psycopg2.sql.Composable,
        params: Sequence[Any] | dict[str, Any] | None = None,
        scope: Scope | None = None,
        owner: bool = False,
        plan: str | None = None,
    ) -> list[dict]:
        """Gives all rows of one statement as dicts, in a transaction of its own as `transaction` gives
        (scope, role, settings), in one round trip: its settings and the statement sent as one query
        string, which PostgreSQL runs as one transaction (the connection in autocommit for it). Rows
        come as tuples and are zipped with the column names once: RealDictCursor sets each column of
        each row in Python, 3× slower (a city's 2,000 offices: 24 ms against 8).

        `plan` (a statement of named placeholders, `%(name)s`): run as a prepared statement of the
        connection (`_Connection.execute_prepared`), so that PostgreSQL may keep its plan: "auto",
        PostgreSQL chooses when (plan_cache_mode auto); "generic", one plan for every value from the
        first run on (force_generic_plan), for a statement whose planning costs more than running it
        and whose best plan does not depend on its values (regen/queries.py, `-- plan: generic`)."""
        generic = {"plan_cache_mode": "force_generic_plan"} if plan == "generic" else None
        local = self._local(scope, owner, settings=generic)
        if plan:
            params = params or {}  # EXECUTE's arguments are always placeholders
        with _answered(), self.connection() as conn:
            conn.autocommit = True
            try:
                with conn.cursor() as cur:
                    text = statement if isinstance(statement, str) else statement.as_string(conn)
                    first = cur.mogrify(_SET_LOCAL, (list(local), list(local.values()))).decode()
                    if params is not None:  # the settings' values are literals by now, not placeholders
                        first = first.replace("%", "%%")
                    if plan:
                        conn.execute_prepared(cur, first, text, params)
                    else:
                        cur.execute(f"{first};\n{text}", params)
                    if cur.description is None:
                        return []
                    names = [c.name for c in cur.description]
                    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            finally:
                if conn.closed == 0:
                    conn.autocommit = False

    def scalar(self, statement: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Gives the first column of the first row, or None."""
        with self.transaction() as cur:
            cur.execute(statement, params)
            row = cur.fetchone()
            return None if row is None else next(iter(row.values()))

    def execute(self, statement: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        """Runs one statement in its own transaction; gives the affected row count."""
        with self.transaction() as cur:
            cur.execute(statement, params)
            return cur.rowcount

    def close(self) -> None:
        with _pools_lock:
            pool = _pools.pop((self.url, os.getpid()), None)
        if pool is not None:
            pool.closeall()


def copy_rows(cur, table: str, columns: Sequence[str], buffer) -> None:
    """COPYs tab-separated text from `buffer` into `table(columns)`; names are quoted as identifiers."""
    from psycopg2 import sql

    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*table.split(".")), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    # Read in chunks of 1 MB, not psycopg2's 8 KB: each chunk takes the GIL, and a COPY that runs on
    # a thread beside busy ones waits for it once per chunk.
    cur.copy_expert(stmt.as_string(cur.connection), buffer, size=1 << 20)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    """Gives one value as a field of COPY's text format: NULL, booleans, dates, numbers, text[] arrays."""
    if value is None:
        return r"\N"
    if type(value) is str:  # most fields: the quick way
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, tuple)):
        items = ('"' + str(x).replace("\\", "\\\\").replace('"', '\\"') + '"' for x in value)
        value = "{" + ",".join(items) + "}"
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def copy_records(cur, table: str, columns: Sequence[str], records) -> None:
    """COPYs Python tuples (one value per column, see copy_text) into `table(columns)`."""
    import io

    buf = io.StringIO("".join("\t".join(map(copy_text, r)) + "\n" for r in records))
    copy_rows(cur, table, columns, buf)


def _unavailable(e: Exception) -> str:
    log.warning("database unavailable: %s", e)
    return "The database is not reachable right now. Check that it is running (`regen db status`)."


_default: Database | None = None
_default_settings: settings_mod.Settings | None = None  # the settings _default was made under
_default_lock = threading.Lock()


def get_db(start_embedded: bool = True) -> Database:
    """Gives the process-wide Database for the configured URL (DATABASE_URL or the embedded cluster)."""
    global _default, _default_settings
    s = settings_mod.get()
    if not start_embedded and _default is not None and _default_settings is s:
        return _default  # the URL is read once per process (the embedded cluster's files included)
    url = resolve_url(start_embedded=start_embedded)
    with _default_lock:
        if _default is None or _default.url != url:
            _default = Database(url)
        _default_settings = s
        return _default
