"""The one seam between the dashboard and sign-in: who is asking, from the server-side session."""

from __future__ import annotations

from regen.scope import Scope


def current_scope() -> Scope:
    """Gives the signed-in user's scope for this request (set by dashboard/auth.py's gate from the
    session, never from what the browser sends); ANONYMOUS — which sees nothing — otherwise."""
    from dashboard.auth import current_user_scope

    return current_user_scope()
