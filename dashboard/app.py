"""The Dash app factory: the frame, the routes and every view's callbacks (see shell.py and pages/)."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from dashboard import callbacks, errors, guard, headers, shell, wire
from dashboard.auth import install as install_auth
from dashboard.brief import web as brief_web
from regen import settings as settings_mod


def create_app() -> Dash:
    """Gives the dashboard app (Persian, right to left by default; everything served from 127.0.0.1)."""
    app = Dash(
        __name__,
        assets_folder=str(Path(__file__).parent / "assets"),
        suppress_callback_exceptions=True,  # views bring their own components
        on_error=errors.on_callback_error,
        update_title=None,
    )
    app.layout = shell.layout
    app.index_string = shell.INDEX
    app.interpolate_index = shell.index_in_language(app.interpolate_index)
    callbacks.add_all(app)  # the frame's and every view's, declared beside their layouts
    s = settings_mod.get()
    guard.install(app, max_body_bytes=s.max_body_kb * 1024)  # first: bad requests end before the gate
    app.server.add_url_rule(brief_web.PATH, "brief_pdf", brief_web.brief_response)
    install_auth(app)  # sign-in gate, login/logout/audit pages, recording callbacks
    wire.install(app)  # compressed responses, year-long cache of fingerprinted files
    headers.install(app, https=s.cookie_secure)  # CSP and the rest, no-store
    if s.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # the client's address (for the sign-in limits) as the trusted proxies saw it
        app.server.wsgi_app = ProxyFix(app.server.wsgi_app, x_for=s.proxy_hops)
    return app
