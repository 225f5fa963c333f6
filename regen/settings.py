"""Every setting of Regen Atlas, declared once (variable, default, help) and read once per process."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from regen import ROOT
from regen.errors import ConfigError


def _setting(env: str, default, help_text: str):
    """Declares a setting: its variable, its default (None: unset) and what it means."""
    return field(metadata={"env": env, "default": default, "help": help_text})


@dataclass(frozen=True)
class Settings:
    database_url: str | None = _setting(
        "DATABASE_URL", None, "PostgreSQL+PostGIS server to use; unset = the embedded cluster"
    )
    data_dir: Path = _setting(
        "REGEN_DATA_DIR", ROOT / ".data", "where the embedded cluster and local secrets live"
    )
    statement_timeout_ms: int = _setting(
        "REGEN_STATEMENT_TIMEOUT_MS", 30000, "time limit of one SQL statement (ms)"
    )
    pool_max: int = _setting("REGEN_POOL_MAX", 10, "connections per process")
    host: str = _setting("REGEN_HOST", "127.0.0.1", "address the dashboard listens on")
    port: int = _setting("REGEN_PORT", 8050, "port the dashboard listens on")
    workers: int = _setting("REGEN_WORKERS", 2, "gunicorn worker processes")
    secret_key: str | None = _setting(
        "REGEN_SECRET_KEY", None, "key of the forms' CSRF tokens; unset = generated under REGEN_DATA_DIR"
    )
    login_per_minute: int = _setting(
        "REGEN_LOGIN_PER_MINUTE", 10, "sign-in attempts an address may make a minute; more are answered 429"
    )
    login_max_failures: int = _setting(
        "REGEN_LOGIN_MAX_FAILURES",
        5,
        "failed sign-ins in a row that lock an account for the address they came from",
    )
    login_lock_minutes: int = _setting("REGEN_LOGIN_LOCK_MINUTES", 15, "how long such a lock lasts (minutes)")
    login_account_per_hour: int = _setting(
        "REGEN_LOGIN_ACCOUNT_PER_HOUR",
        100,
        "failed sign-ins an hour on one account, from all addresses, after which only addresses that "
        "signed in to it in the last 30 days may try",
    )
    proxy_hops: int = _setting(
        "REGEN_PROXY_HOPS", 0, "reverse proxies in front of the app, whose X-Forwarded-For names the client"
    )
    max_body_kb: int = _setting(
        "REGEN_MAX_BODY_KB", 1024, "largest request body accepted (KB); larger get 413"
    )
    session_idle_minutes: int = _setting(
        "REGEN_SESSION_IDLE_MINUTES", 480, "a session ends after this long unused (minutes)"
    )
    browser_path: str | None = _setting(
        "BROWSER_PATH",
        None,
        "the Chromium that prints the meeting brief (kaleido reads it too); unset = on PATH",
    )
    cookie_secure: bool = _setting(
        "REGEN_COOKIE_SECURE", False, "send the session cookie over HTTPS only (1 behind HTTPS)"
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ = os.environ) -> Settings:
        """Gives the settings the environment names, the defaults for the rest."""
        values = {}
        for f in fields(cls):
            env, default = f.metadata["env"], f.metadata["default"]
            raw = environ.get(env)
            values[f.name] = default if raw in (None, "") else _parse(env, raw, default)
        values["data_dir"] = Path(values["data_dir"]).resolve()
        return cls(**values)

    @classmethod
    def documented(cls) -> list[tuple[str, str]]:
        """Gives (variable, help with its default) for every setting, for `regen settings` and the docs."""
        return [(f.metadata["env"], f.metadata["help"] + _shown(f.metadata["default"])) for f in fields(cls)]


def _shown(default) -> str:
    if default is None:
        return ""  # the help says what unset means
    if isinstance(default, bool):
        return " (1)" if default else " (0)"
    if isinstance(default, Path) and default.is_relative_to(ROOT):
        return f" ({default.relative_to(ROOT)})"
    return f" ({default})"


def _parse(env: str, raw: str, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{env}={raw!r} is not a whole number; set it to e.g. {default}") from None
    return raw


@functools.cache
def get() -> Settings:
    """Gives the settings, read from the environment the first time a process asks."""
    return Settings.from_env()


def reload() -> Settings:
    """Reads the environment again (for tests that change it; a process reads it once)."""
    get.cache_clear()
    return get()
