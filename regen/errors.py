"""One exception type for mistakes a user can fix; the CLI and the dashboard render it in one place."""


class RegenError(Exception):
    """A user-facing error: its message says what went wrong and what to do, safe to show as is."""


class ConfigError(RegenError):
    """A setting is missing or wrong."""


class DatabaseUnavailable(RegenError):
    """The database cannot be reached (down, refusing connections, or too slow)."""
