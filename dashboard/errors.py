"""What the user sees when something fails: one place that turns errors into a message in the page.

Page layouts go through `render_safely`; callbacks end in the app's `on_error` handler (`on_callback_error`).
RegenError messages are written for users and shown as they are (DatabaseUnavailable adds that the page
will retry); anything else is logged with its traceback and shown as a one-line apology.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from dash import dcc, html, set_props

from dashboard.auth_seam import NotAllowed, NotFound, current_scope
from dashboard.i18n import t
from dashboard.urls import parse
from regen.errors import DatabaseUnavailable, RegenError

log = logging.getLogger("dashboard")


def message(err: BaseException, lang: str) -> tuple[str, bool]:
    """Gives (text for the user, whether to retry until the database is back) for an error."""
    if isinstance(err, DatabaseUnavailable):
        log.warning("database unavailable: %s", err)  # its detail is English: the log's, not the page's
        return t("db_down", lang), True
    if isinstance(err, NotAllowed):
        return err.words(lang), False
    if isinstance(err, RegenError):
        return str(err), False
    log.exception("dashboard error", exc_info=err)
    return t("failed", lang), False


def heading(err: BaseException) -> str:
    """Gives the key of the heading of the page shown in place of a view that failed with `err`."""
    if isinstance(err, NotFound):
        return "h_not_found"
    if isinstance(err, NotAllowed):
        return "h_refused"
    return "h_db_down" if isinstance(err, DatabaseUnavailable) else "h_failed"


def page_panel(title: str, text: str, back=None) -> html.Div:
    """Gives a page in place of a view: its heading (the page's h1), what happened, the way back."""
    parts = [html.H1(title), html.P(text), back]
    return html.Div(parts, className="error-banner", id="page-error", role="alert")


def error_panel(err: BaseException, lang: str) -> tuple[html.Div, bool]:
    """Gives the panel shown in place of a page that could not be built, and whether to retry."""
    text, retry = message(err, lang)
    back = way_back(lang) if isinstance(err, NotAllowed) else None
    return page_panel(t(heading(err), lang), text, back), retry


def way_back(lang: str):
    """Gives the link a refused user goes back by: to their own province (by name) for a provincial
    account, to the first page for every other."""
    from dashboard.auth import home_path, province_name

    scope = current_scope()
    if scope.role == "provincial" and scope.province:
        text = t("back_to_own", lang).format(name=province_name(scope, lang))
    else:
        text = t("back_home", lang)
    return dcc.Link(text, href=home_path(scope) + ("?lang=en" if lang == "en" else ""), id="way-back")


def render_safely(render, lang: str):
    """Gives (page, retry): the page `render()` builds, or an error panel when it fails."""
    try:
        return render(), False
    except Exception as err:  # every failure ends as a message in the page, never a traceback
        return error_panel(err, lang)


def on_callback_error(err: Exception):
    """The app's on_error: shows the message in the banner, starts retrying when the database is down."""
    from flask import request

    referer = urlsplit(request.headers.get("Referer") or "").query
    lang = parse(referer).lang  # the page's query, else the cookie's language
    text, retry = message(err, lang)
    set_props("db-banner", {"children": text, "style": {"display": "block"}})
    if retry:
        set_props("db-retry", {"disabled": False})
    return None  # leave every output as it was
