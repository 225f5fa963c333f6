"""The security headers of every response (Flask-Talisman), and no-store on everything but static files.

The Content-Security-Policy allows nothing but the app itself. Each allowance beyond 'self' is
there because a page breaks (a console error) without it — checked in headless Chromium by the
browser tests, which fail on any console error:
- script-src: Dash's inline start-up scripts, by their hashes (`app.csp_hashes()`), nothing else
  inline and no eval;
- style-src 'unsafe-inline': Dash's renderer, dcc, the DataTable and plotly.js insert `<style>`
  elements at run time (Chromium refuses each without it), and the sign-in pages carry their own
  `<style>`; a style cannot run code;
- worker-src blob: — MapLibre (inside plotly.js) starts its workers from a blob: URL; without it
  the maps do not draw;
- img-src data: — AG Grid draws its icons (sort arrows, pager) as data: SVG images; an image cannot
  run code, and data: names no other site.
Fonts and fetches come from 'self' only: nothing else was asked for.
Frames: none may embed the app (frame-ancestors 'none', X-Frame-Options DENY).
"""

from __future__ import annotations

from dash import Dash
from flask import Flask, request
from flask_talisman import Talisman

_STATIC = ("assets/", "_dash-component-suites/", "_favicon.ico", "favicon.ico")


def policy(app: Dash) -> dict[str, str | list[str]]:
    """Gives the Content-Security-Policy, directive → sources."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": "'self'",
        "connect-src": "'self'",
        "worker-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def install(app: Dash, https: bool) -> None:
    """Puts the headers on every response of the app's server (after the layout is set: the hashes
    are of the index page's inline scripts)."""
    server: Flask = app.server
    prefix = app.config.routes_pathname_prefix or "/"
    Talisman(
        server,
        force_https=False,  # TLS ends at the reverse proxy, when there is one
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=policy(app),
        frame_options="DENY",
        referrer_policy="same-origin",  # errors.py reads lang= from a same-origin Referer
        permissions_policy={
            name: "()"
            for name in (
                "camera",
                "microphone",
                "geolocation",
                "payment",
                "usb",
                "serial",
                "bluetooth",
                "display-capture",
                "fullscreen",
            )
        },
    )

    @server.after_request
    def no_store(response):
        # signed-in pages and answers (and the sign-in forms, with their tokens) stay out of caches
        if not request.path[len(prefix) :].startswith(_STATIC):
            response.headers["Cache-Control"] = "no-store"
        return response
