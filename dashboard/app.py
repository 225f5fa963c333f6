"""The Dash app factory: the frame, the routes and every view's callbacks (see shell.py and pages/)."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from dashboard import callbacks, errors, shell
from dashboard.auth import install as install_auth


def create_app() -> Dash:
    """Gives the dashboard app (Persian, right to left by default; everything served from 127.0.0.1)."""
    app = Dash(
        __name__,
        title="اطلس بازآفرینی — Regen Atlas",
        assets_folder=str(Path(__file__).parent / "assets"),
        suppress_callback_exceptions=True,  # views bring their own components
        on_error=errors.on_callback_error,
        update_title=None,
    )
    app.layout = shell.layout
    callbacks.add_all(app)  # the frame's and every view's, declared beside their layouts
    install_auth(app)  # sign-in gate, login/logout/audit pages, recording callbacks
    return app
