"""Callbacks declared at module level, beside the layout they serve, and added to every app made.

Dash's own `dash.callback` hands what it has collected to the first app only, and a process may make
several (the tests make one per configuration): the page modules declare theirs here, `app.py` adds
them all to each app it makes.
"""

from __future__ import annotations

from dash import Dash

_declared: list[tuple[tuple, dict, object]] = []


def callback(*args, **kwargs):
    """Declares a server callback, as `dash.callback` would."""

    def declare(fn):
        _declared.append((args, kwargs, fn))
        return fn

    return declare


def clientside(code: str, *args, **kwargs) -> None:
    """Declares a clientside callback (`code`: a JavaScript function), as `dash.clientside_callback`."""
    _declared.append(((code, *args), kwargs, None))


def add_all(app: Dash) -> None:
    """Adds every declared callback to `app`."""
    for args, kwargs, fn in _declared:
        if fn is None:
            app.clientside_callback(*args, **kwargs)
        else:
            app.callback(*args, **kwargs)(fn)
