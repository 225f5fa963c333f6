"""The frame around every view: root element (dir/lang), header, error banner, routing, and the callbacks
the views share (filters ↔ URL, dependent city list, downloads, retry when the database is back)."""

from __future__ import annotations

import datetime as dt
import decimal
import re

try:
    import orjson
except ImportError:  # a declared dependency; without it pages are kept as components
    orjson = None
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import downloads, errors, queries
from dashboard.auth import account_links
from dashboard.auth_seam import current_scope
from dashboard.components import fid
from dashboard.i18n import t
from dashboard.pages import about, actions, agencies, city, data, national, province
from dashboard.urls import LANG_COOKIE, View, parse
from regen.jalali import BadDate, parse_date

# path pattern → page module (each has `layout(view, **path_vars)` and `register(app)`)
ROUTES = [
    (re.compile(r"^/$"), national),
    (re.compile(r"^/province/(?P<code>IR-\d\d)/?$"), province),
    (re.compile(r"^/city/(?P<code>[^/]+)/?$"), city),
    (re.compile(r"^/actions/?$"), actions),
    (re.compile(r"^/agencies/?$"), agencies),
    (re.compile(r"^/data/?$"), data),
    (re.compile(r"^/about/?$"), about),
]
NAV = [
    ("national", "/"),
    ("actions", "/actions"),
    ("agencies", "/agencies"),
    ("data", "/data"),
    ("about", "/about"),
]


def layout() -> html.Div:
    """Gives the app's static frame; the router fills it per URL. Persian and right to left by default."""
    return html.Div(
        id="root",
        dir="rtl",
        lang="fa",
        children=[
            dcc.Location(id="url", refresh=False),
            html.Header(id="header", className="bar"),
            html.Div(id="db-banner", className="error-banner", role="alert", style={"display": "none"}),
            dcc.Interval(id="db-retry", interval=4000, disabled=True),
            dcc.Store(id="db-back"),
            html.Main(id="page"),
            html.Footer(id="footer"),
        ],
    )


def header(view: View, pathname: str) -> list:
    carry = {"province": None, "city": None, "kind": None, "agency": None, "measure": "count"}
    links = [html.Span(t("app", view.lang), className="brand")]
    for key, path in NAV:
        active = pathname == path or (path == "/" and pathname.startswith(("/province/", "/city/")))
        links.append(
            dcc.Link(t(key, view.lang), href=path + view.query(**carry), className="active" if active else "")
        )
    if pathname == "/" or pathname.startswith("/province/"):  # the brief of what the view shows
        links.append(agencies.brief_link(view, pathname.rsplit("/", 1)[-1] if pathname != "/" else None))
    links += account_links(view.lang)  # the signed-in user, the audit log, sign out (dashboard/auth.py)
    other = "fa" if view.lang == "en" else "en"
    # a full page load: every word on the page changes, and the cookie remembers the choice
    links.append(
        html.A(
            t("switch_lang", view.lang),
            id="lang-switch",
            className="lang",
            href=pathname + view.query(lang=other, explicit_lang=True),
            lang=other,
        )
    )
    return links


def _serialised(page_):
    """Gives the page as JSON ready to send (an orjson Fragment, which the response's serialiser
    inserts as it is) when that serialiser is orjson; otherwise the components themselves."""
    import plotly.io.json as pj

    if orjson is None or pj.config.default_engine not in ("auto", "orjson"):
        return page_
    return orjson.Fragment(page_json(page_).encode("utf-8"))


def _plain(o):
    if hasattr(o, "to_plotly_json"):  # Dash components and plotly figures
        return o.to_plotly_json()
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return float(o)
    raise TypeError(f"cannot send {type(o).__name__} to the page")


def page_json(page_) -> str:
    """Gives what plotly's `to_json_plotly` gives for a page, faster: orjson meets Dash components
    inside the page and plotly then walks the whole tree again in Python (20 ms of a city page's
    33 ms); here orjson asks `_plain` for each component as it meets it."""
    from plotly.io._json import _safe, _swap_orjson  # plotly's own escapes (no "</script>" in a page)

    out = orjson.dumps(page_, default=_plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    return _safe(out.decode("utf-8"), _swap_orjson)


def _page_key(module, view: View, path_vars: dict) -> tuple | None:
    """Gives what a built page depends on: the database, the scope (which names the user: nothing is
    shared between accounts, let alone scopes), the route, the parsed filters, today (the default as-of
    day), the data stamp (any load or recording changes it) and the outline file; None when it cannot
    be known (the database down: the page itself will say so)."""
    db, scope = queries.database(), current_scope()
    try:
        stamp = queries.data_stamp(db, scope)
    except Exception:
        return None
    path = tuple(sorted(path_vars.items()))
    return (db.url, scope, module.__name__, path, view, dt.date.today(), stamp, queries.outline_stamp())


def kept_page(module, view: View, path_vars: dict):
    """Gives (page, retry) for a route, the page serialised and kept per process (queries.kept_page):
    what the router sends. Only pages built without an error are kept."""
    key = _page_key(module, view, path_vars)
    hit = queries.kept_page(key) if key is not None else None
    if hit is not None:
        return hit, False
    built = []

    def build():
        built.append(module.layout(view, **path_vars))
        return built[0]

    page_, retry = errors.render_safely(build, view.lang)
    if key is not None and built:
        page_ = queries.keep_page(key, _serialised(page_))
    return page_, retry


def render(pathname: str, search: str, cookie_lang: str | None = None, kept: bool = False):
    """Gives (root dir, lang, header, page, retry) for a URL; never raises. With `kept`, the page is
    the serialised one kept for the same scope, URL and data when there is one (see kept_page)."""
    view = parse(search, cookie_lang)
    lang = view.lang
    page_ = None
    for pattern, module in ROUTES:
        m = pattern.match(pathname or "/")
        if m:
            if kept:
                page_, retry = kept_page(module, view, m.groupdict())
            else:
                page_, retry = errors.render_safely(
                    lambda module=module, m=m: module.layout(view, **m.groupdict()), lang
                )
            break
    if page_ is None:
        page_, retry = html.Div(t("not_found", lang), className="error-banner"), False
    return ("ltr" if lang == "en" else "rtl"), lang, header(view, pathname or "/"), page_, retry


def register(app) -> None:
    """Adds the router and the shared callbacks to the app, then each page's own."""

    @app.callback(
        Output("root", "dir"),
        Output("root", "lang"),
        Output("header", "children"),
        Output("page", "children"),
        Output("db-retry", "disabled"),
        Output("db-banner", "style"),
        Output("footer", "children"),
        Input("url", "pathname"),
        State("url", "search"),
    )
    def route(pathname, search):
        from flask import request

        direction, lang, head, page, retry = render(
            pathname, search, request.cookies.get(LANG_COOKIE), kept=True
        )
        if "lang=" in (search or ""):
            ctx.response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
        return direction, lang, head, page, not retry, {"display": "none"}, about.footer(lang)

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Output("url", "search", allow_duplicate=True),
        Output(fid("msg", ALL), "children"),
        Input(fid("province", ALL), "value"),
        Input(fid("city", ALL), "value"),
        Input(fid("kind", ALL), "value"),
        Input(fid("asof", ALL), "value"),
        Input(fid("measure", ALL), "value"),
        State("url", "pathname"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def filters_to_url(_provinces, _cities, _kinds, _days, _measures, pathname, search):
        """Keeps the URL in step with the filters, so the view is a link; province and city navigate.
        The query is written from every filter on the page, not from the one that changed: a change
        that comes before the answer to the one before asks this callback again, and Dash applies only
        its last answer (the URL it was asked with does not have the change before)."""
        trigger = ctx.triggered_id
        if not trigger:
            raise PreventUpdate
        what, value = trigger["f"], ctx.triggered[0]["value"]
        view = parse(search)
        n = len(ctx.outputs_list[2])
        on_actions = pathname.startswith("/actions")
        if what in ("asof", "kind", "measure"):
            if what == "asof" and on_actions:  # the actions view filters in place
                return no_update, no_update, [""] * n
            changes = {"measure": _measures[0]} if _measures else {}
            if _kinds:
                changes["kind"] = _kinds[0]
            try:
                if _days and not on_actions:
                    changes["as_of"] = parse_date(_days[0])
            except BadDate:
                if what == "asof":
                    return no_update, no_update, [t("bad_date", view.lang)] * n
            return no_update, view.query(**changes), [""] * n
        if on_actions:  # the actions view filters in place and keeps its own URL in step
            return no_update, no_update, [""] * n
        plain = view.query(province=None, city=None)
        if what == "province":
            return (f"/province/{value}" if value else "/"), plain, [""] * n
        if value:
            return f"/city/{value}", plain, [""] * n
        province_code = next((p for p in _provinces if p), None)  # city cleared: back to its province
        return (f"/province/{province_code}" if province_code else "/"), plain, [""] * n

    @app.callback(
        Output(fid("city", MATCH), "options"),
        Input(fid("province", MATCH), "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def city_choices(province_code, search):
        lang = parse(search).lang
        rows = queries.city_options(queries.database(), current_scope(), province_code)
        return [
            {"label": r["name_en"] if lang == "en" and r["name_en"] else r["name_fa"], "value": r["code"]}
            for r in rows
        ]

    @app.callback(
        Output("download", "data"),
        Output("dl-msg", "children"),
        Input("dl-csv", "n_clicks"),
        Input("dl-xlsx", "n_clicks"),
        Input("dl-geojson", "n_clicks"),
        State("url", "pathname"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def download(_csv, _xlsx, _geojson, pathname, search):
        fmt = {"dl-csv": "csv", "dl-xlsx": "xlsx", "dl-geojson": "geojson"}[ctx.triggered_id]
        view = parse(search)
        result = downloads.for_view(queries.database(), current_scope(), pathname, view, fmt)
        if result is None:
            return no_update, t("export_unavailable", view.lang)
        content, filename = result
        return dcc.send_bytes(content, filename), ""

    @app.callback(
        Output("db-back", "data"),
        Output("db-retry", "disabled", allow_duplicate=True),
        Input("db-retry", "n_intervals"),
        prevent_initial_call=True,
    )
    def retry(_n):
        try:
            queries.ping(queries.database(), current_scope())
        except Exception:  # still down: keep waiting, quietly
            return no_update, no_update
        return True, True

    # Filters rewrite the query in place: the language switch follows, so it keeps the date and kind.
    app.clientside_callback(
        """function(search, pathname) {
            var q = new URLSearchParams(search || "");
            var now = q.get("lang") || document.getElementById("root").lang;
            q.set("lang", now === "en" ? "fa" : "en");
            return pathname + "?" + q.toString();
        }""",
        Output("lang-switch", "href"),
        Input("url", "search"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )

    # The database is back: load the page again (the server rebuilds it from the URL).
    app.clientside_callback(
        "function(back) { if (back) { window.location.reload(); } return null; }",
        Output("db-back", "clear_data"),
        Input("db-back", "data"),
        prevent_initial_call=True,
    )

    for module in (national, province, city, actions, agencies, data, about):
        module.register(app)
