"""Every setting of Regen Atlas, read from the environment once, with its default and its help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from regen import ROOT
from regen.errors import ConfigError


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number; set it to e.g. {default}") from None


@dataclass(frozen=True)
class Settings:
    database_url: str | None = field(
        metadata={
            "env": "DATABASE_URL",
            "help": "PostgreSQL+PostGIS server to use; unset = the embedded cluster",
        }
    )
    data_dir: Path = field(
        metadata={
            "env": "REGEN_DATA_DIR",
            "help": "where the embedded cluster and local secrets live (.data)",
        }
    )
    statement_timeout_ms: int = field(
        metadata={"env": "REGEN_STATEMENT_TIMEOUT_MS", "help": "time limit of one SQL statement (ms, 30000)"}
    )
    pool_max: int = field(metadata={"env": "REGEN_POOL_MAX", "help": "connections per process (10)"})
    host: str = field(metadata={"env": "REGEN_HOST", "help": "address the dashboard listens on (127.0.0.1)"})
    port: int = field(metadata={"env": "REGEN_PORT", "help": "port the dashboard listens on (8050)"})
    workers: int = field(metadata={"env": "REGEN_WORKERS", "help": "gunicorn worker processes (2)"})
    secret_key: str | None = field(
        metadata={
            "env": "REGEN_SECRET_KEY",
            "help": "key of the forms' CSRF tokens; unset = generated under .data",
        }
    )
    login_per_minute: int = field(
        metadata={
            "env": "REGEN_LOGIN_PER_MINUTE",
            "help": "sign-in attempts an address may make a minute; more are answered 429 (10)",
        }
    )
    login_max_failures: int = field(
        metadata={
            "env": "REGEN_LOGIN_MAX_FAILURES",
            "help": "failed sign-ins in a row that lock an account for the address they came from (5)",
        }
    )
    login_lock_minutes: int = field(
        metadata={"env": "REGEN_LOGIN_LOCK_MINUTES", "help": "how long such a lock lasts (15)"}
    )
    login_account_per_hour: int = field(
        metadata={
            "env": "REGEN_LOGIN_ACCOUNT_PER_HOUR",
            "help": "failed sign-ins an hour on one account, from all addresses, after which only "
            "addresses that signed in to it in the last 30 days may try (100)",
        }
    )
    proxy_hops: int = field(
        metadata={
            "env": "REGEN_PROXY_HOPS",
            "help": "reverse proxies in front of the app, whose X-Forwarded-For names the client (0)",
        }
    )
    max_body_kb: int = field(
        metadata={"env": "REGEN_MAX_BODY_KB", "help": "largest request body accepted; larger get 413 (1024)"}
    )
    session_idle_minutes: int = field(
        metadata={"env": "REGEN_SESSION_IDLE_MINUTES", "help": "a session ends after this long unused (480)"}
    )
    cookie_secure: bool = field(
        metadata={
            "env": "REGEN_COOKIE_SECURE",
            "help": "send the session cookie over HTTPS only (1 behind HTTPS; 0)",
        }
    )

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=_env("DATABASE_URL"),
            data_dir=Path(_env("REGEN_DATA_DIR", str(ROOT / ".data"))).resolve(),
            statement_timeout_ms=_int("REGEN_STATEMENT_TIMEOUT_MS", 30000),
            pool_max=_int("REGEN_POOL_MAX", 10),
            host=_env("REGEN_HOST", "127.0.0.1"),
            port=_int("REGEN_PORT", 8050),
            workers=_int("REGEN_WORKERS", 2),
            secret_key=_env("REGEN_SECRET_KEY"),
            login_per_minute=_int("REGEN_LOGIN_PER_MINUTE", 10),
            login_max_failures=_int("REGEN_LOGIN_MAX_FAILURES", 5),
            login_lock_minutes=_int("REGEN_LOGIN_LOCK_MINUTES", 15),
            login_account_per_hour=_int("REGEN_LOGIN_ACCOUNT_PER_HOUR", 100),
            proxy_hops=_int("REGEN_PROXY_HOPS", 0),
            max_body_kb=_int("REGEN_MAX_BODY_KB", 1024),
            session_idle_minutes=_int("REGEN_SESSION_IDLE_MINUTES", 480),
            cookie_secure=_env("REGEN_COOKIE_SECURE", "0").lower() in ("1", "true", "yes", "on"),
        )

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """Gives (variable, help) for every setting, for `regen settings` and the docs test."""
        return [(f.metadata["env"], f.metadata["help"]) for f in fields(cls)]


def get() -> Settings:
    """Gives the settings as the environment says now (cheap; read on every call so tests can override)."""
    return Settings.from_env()
