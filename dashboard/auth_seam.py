"""Who is asking: the one place the dashboard gets the user's scope, and the rule that narrows filters to it.

The accounts helper replaces the body of `current_scope()` with the session user's scope; nothing else
in the dashboard decides who sees what. Provinces asked for by the browser are never trusted: every
query-layer call passes its filters through `allowed_province()` first.
"""

from __future__ import annotations

from dashboard.i18n import t
from regen.errors import RegenError
from regen.scope import Scope


class NotAllowed(RegenError):
    """The user's scope does not cover what the URL asks for: `key` names its words (words.toml), which
    dashboard/errors.py shows in the page's language; the English ones are the exception's text."""

    def __init__(self, key: str = "not_your_province", **values: str):
        self.key, self.values = key, values
        super().__init__(self.words("en"))

    def words(self, lang: str) -> str:
        """Gives the refusal in `lang`."""
        return t(self.key, lang).format(**self.values)


class NotFound(NotAllowed):
    """No place with that code in the user's scope: unknown, or of another province (the same words
    for both)."""

    def __init__(self, level: str, code: str):
        super().__init__(f"no_{level}", code=code)
        self.level, self.code = level, code


def current_scope() -> Scope:
    """Gives the scope of the user behind the current request: set by dashboard/auth.py's gate from
    the signed-in session (never from what the browser sends); ANONYMOUS — which sees nothing —
    outside a signed-in request."""
    from dashboard.auth import current_user_scope

    return current_user_scope()


def allowed_province(scope: Scope, requested: str | None) -> str | None:
    """Gives the province filter to apply: the requested one within the scope, the user's own for a
    provincial user; raises NotAllowed for a province outside the scope."""
    if scope.role in ("national", "viewer"):
        return requested
    if scope.role == "provincial" and scope.province:
        if requested not in (None, scope.province):
            raise NotAllowed("not_your_province")
        return scope.province
    raise NotAllowed("sign_in_to_see")


def aggregate_province(scope: Scope, requested: str | None) -> str | None:
    """Gives the province filter for per-province aggregates (coverage, handover, overdue counts),
    which every signed-in role may see for the whole country; raises NotAllowed when not signed in."""
    if scope.role in ("national", "viewer", "provincial"):
        return requested
    raise NotAllowed("sign_in_to_see")


def check_place(scope: Scope, province: str | None) -> None:
    """Raises NotAllowed unless the scope may see the detail of `province`."""
    if not scope.sees_province(province):
        raise NotAllowed("not_your_province")
