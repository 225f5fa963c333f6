"""Requests the app refuses before any view sees them, and the short answers for every refusal.

A bad request ends as a 4xx with a one-line message (JSON for Dash's endpoints, a small page in the
user's language elsewhere) and a log line saying why — never a traceback or a 500:
- control characters (NUL, CR, LF …) in the path, the query string or a form field;
- a Dash callback POST whose body is not the shape the renderer sends, or names an output the app
  has no callback for (Dash itself would raise on a missing key or a wrong type);
- a body larger than `REGEN_MAX_BODY_KB` (Flask's MAX_CONTENT_LENGTH, answered 413);
- a file under `/_dash-component-suites/` that Dash does not serve (Dash raises DependencyException).
"""

from __future__ import annotations

import logging
import re

from dash import Dash
from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, render_template_string, request
from werkzeug.exceptions import HTTPException

from dashboard.urls import LANG_COOKIE

log = logging.getLogger(__name__)

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_QUERY = re.compile(rb"%(?:[01][0-9a-f]|7f)|[\x00-\x1f\x7f]", re.I)

_MESSAGES = {
    400: ("درخواست نادرست است.", "Bad request."),
    401: ("ابتدا وارد شوید.", "Sign in first."),
    403: ("این درخواست پذیرفته نیست.", "This request is not allowed."),
    404: ("چنین صفحه یا پرونده‌ای نیست.", "No such page or file."),
    405: ("این روش درخواست پذیرفته نیست.", "This request method is not allowed."),
    413: ("درخواست بیش از اندازه بزرگ است.", "The request is too large."),
    429: (
        "تلاش‌های ورود بسیار بوده است؛ چند دقیقه دیگر دوباره تلاش کنید.",
        "Too many sign-in attempts; try again in a few minutes.",
    ),
}


def lang() -> str:
    """Gives the language of the request's user: ?lang=, else the language cookie, else Persian."""
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if chosen == "en" else "fa"


def refuse(status: int, why: str, message: str | None = None) -> Response:
    """Gives the short answer for a refused request, and logs why (the message is for the user)."""
    log.warning("refused %s %s with %s: %s", request.method, request.path[:200], status, why)
    language = lang()
    if message is None:
        fa, en = _MESSAGES.get(status, _MESSAGES[400])
        message = en if language == "en" else fa
    if request.path.startswith("/_dash-") or request.accept_mimetypes.best == "application/json":
        resp = jsonify(error=message)
    else:
        resp = Response(render_template_string(_PAGE, message=message, lang=language), mimetype="text/html")
    resp.status_code = status
    return resp


def callback_problem(app: Dash) -> str | None:
    """Gives what is wrong with this callback request's body (None when Dash can take it). The sign-in
    gate asks it only for signed-in callers, so an anonymous one learns nothing of the callbacks."""
    return _shape_problem(app, request.get_json(silent=True))


def _shape_problem(app: Dash, body) -> str | None:
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        return f"no callback has the output {str(output)[:80]!r}"
    cb = app.callback_map[output]
    for key, wanted in (("inputs", len(cb["inputs"])), ("state", len(cb.get("state") or []))):
        given = body.get(key, [] if key == "state" else None)
        if not isinstance(given, list) or len(given) != wanted:
            return f"{key!r} must be a list of {wanted}"
        if not all(_dependency(d) for d in given):
            return f"an item of {key!r} is not an {{id, property}} object"
    outputs = body.get("outputs", [])
    if isinstance(outputs, dict):
        outputs = [outputs]
    if not isinstance(outputs, list) or not all(_dependency(d) for d in outputs):
        return "'outputs' is not a list of {id, property} objects"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' is not a list of strings"
    return None


def _dependency(item) -> bool:
    if isinstance(item, list):  # a pattern-matching (ALL, MATCH) input: one object per component
        return all(_dependency(i) for i in item if not isinstance(i, list))
    return (
        isinstance(item, dict)
        and isinstance(item.get("property"), str)
        and isinstance(item.get("id"), (str, dict))
    )


def install(app: Dash, max_body_bytes: int) -> None:
    """Puts the checks in front of every route (before the sign-in gate) and the 4xx answers."""
    server: Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = max_body_bytes

    @server.before_request
    def clean_request():
        if CONTROL.search(request.path) or _CONTROL_QUERY.search(request.query_string):
            return refuse(400, "control character in the path or query string")
        if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if any(CONTROL.search(v) for v in request.form.values()):
                return refuse(400, "control character in a form field")
        return None

    @server.errorhandler(DependencyException)
    def not_served(err):
        return refuse(404, f"not a file Dash serves ({str(err)[:120]})")

    @server.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code is None or err.code >= 500 or err.code < 400:
            return err
        return refuse(err.code, err.description or err.name)


_PAGE = """<!doctype html>
<html lang="{{ lang }}" dir="{{ 'ltr' if lang == 'en' else 'rtl' }}"><head><meta charset="utf-8">
<title>{{ message }}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="message"><p role="alert">{{ message }}</p>
<p><a href="/">{{ 'Back to the dashboard' if lang == 'en' else 'بازگشت به داشبورد' }}</a></p>
</main></body></html>"""
