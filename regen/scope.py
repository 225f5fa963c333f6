"""Who is asking: the user's role and province, carried into every transaction of the app.

The dashboard and exports pass a Scope with each query; `Database.transaction(scope=...)` sets it with
SET LOCAL (`regen.user`, `regen.role`, `regen.province`), so that row-level security in PostgreSQL can
enforce it too. Deny by default: code that forgets to pass a scope gets the `anonymous` one, which sees
nothing that is scoped.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("national", "viewer", "provincial")


@dataclass(frozen=True)
class Scope:
    user: str = "anonymous"
    role: str = "anonymous"  # national | viewer | provincial | anonymous
    province: str | None = None  # the one province of a provincial user

    def settings(self) -> dict[str, str]:
        """Gives the transaction-local settings that carry this scope into PostgreSQL."""
        return {"regen.user": self.user, "regen.role": self.role, "regen.province": self.province or ""}

    def sees_province(self, code: str | None) -> bool:
        """Gives whether detail (neighborhoods, offices, actions) of province `code` may be shown."""
        if self.role in ("national", "viewer"):
            return True
        return self.role == "provincial" and code is not None and code == self.province

    @property
    def can_write(self) -> bool:
        return self.role in ("national", "provincial")


# For CLI jobs and tests that act for the whole country (never handed to a web request).
NATIONAL = Scope(user="system", role="national")
ANONYMOUS = Scope()
