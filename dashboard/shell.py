"""The frame around every view: root element (dir/lang), header, error banner, routing, and the callbacks
the views share (filters ↔ URL, dependent city list, downloads, retry when the database is back)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import downloads, errors, i18n, kept, queries, search
from dashboard.auth import account_links
from dashboard.auth_seam import current_scope
from dashboard.brief.web import brief_link
from dashboard.callbacks import callback, clientside
from dashboard.controls import date_notice, filter_inputs
from dashboard.i18n import t
from dashboard.pages import PAGES, footer
from dashboard.picker import fid
from dashboard.urls import LANG_COOKIE, View, parse, remember_lang
from regen.errors import RegenError
from regen.jalali import BadDate, parse_date

# Dash's page with the language and direction on <html> (screen readers and the browser's own text
# handling read them there) and no <footer> around Dash's scripts (one footer, the app's, per page).
INDEX = """<!DOCTYPE html>
<html lang="{%lang%}" dir="{%dir%}">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}{%config%}{%scripts%}{%renderer%}</body>
</html>"""


def index_in_language(interpolate):
    """Gives Dash's interpolate_index writing the request's language (?lang=, else the cookie, else
    Persian: as the router reads it) and the app's name in it as the title."""

    def interpolate_index(**parts):
        from dashboard.guard import lang

        language = lang()
        parts["title"] = t("app", language)
        page = interpolate(**parts)
        return page.replace("{%lang%}", language, 1).replace("{%dir%}", _direction(language), 1)

    return interpolate_index


def _direction(lang: str) -> str:
    return "ltr" if lang == "en" else "rtl"


def first_view_url() -> tuple[str, str, str] | None:
    """Gives (pathname, search, href) of the page that sent the request, from its Referer when it is of
    this origin (the page's own requests: Referrer-Policy same-origin), else None."""
    from flask import has_request_context, request

    if not has_request_context() or not request.headers.get("Referer"):
        return None
    ref, here = urlsplit(request.headers["Referer"]), urlsplit(request.host_url)
    if (ref.scheme, ref.netloc) != (here.scheme, here.netloc):
        return None
    return ref.path or "/", f"?{ref.query}" if ref.query else "", urlunsplit(ref._replace(fragment=""))


def layout() -> html.Div:
    """Gives the app's frame, with the view of the URL the browser asked for in it when the layout's
    request names that URL in its Referer (issue 17: the first view comes with the layout, a round
    trip less; the router's first call then leaves it, see `route`), else empty for the router to
    fill. Persian and right to left by default."""
    from flask import after_this_request, has_request_context, request

    first = None
    if has_request_context() and request.path.endswith("/_dash-layout"):
        first = first_view_url()
    if first is None:
        return frame()
    pathname, search, href = first
    direction, lang, head, page_, retry = render(
        pathname, search, request.cookies.get(LANG_COOKIE), kept=True
    )
    if "lang=" in search:

        @after_this_request
        def _remember(response):
            remember_lang(response, lang)
            return response

    # the URL as the browser has it: dcc.Location then leaves it (it sets what it lacks: a change)
    location = {"pathname": pathname, "search": search, "href": href, "hash": ""}
    return frame(direction, lang, location, head, page_, not retry, footer(lang))


def frame(direction="rtl", lang="fa", location=None, head=None, page_=None, retry_off=True, foot=None):
    """Gives the frame around every view, filled with the given parts (the router's outputs)."""
    return html.Div(
        id="root",
        dir=direction,
        lang=lang,
        children=[
            dcc.Location(id="url", refresh=False, **(location or {})),
            html.Header(head, id="header", className="bar"),
            html.Div(id="db-banner", className="error-banner", role="alert", style={"display": "none"}),
            dcc.Interval(id="db-retry", interval=4000, disabled=retry_off),
            dcc.Store(id="db-back"),
            html.Main(page_, id="page"),
            html.Footer(foot, id="footer"),
        ],
    )


def header(view: View, pathname: str) -> list:
    carry = {"province": None, "city": None, "kind": None, "agency": None, "measure": "count"}
    carry |= {"neighborhood": None, "office": None}
    links = [html.Span(t("app", view.lang), className="brand"), search.box(view.lang)]
    page = next(((m, r) for m in PAGES if (r := m.ROUTE.match(pathname))), None)
    here = page[0].MENU if page else None
    for key, path in ((m.MENU, m.MENU_HREF) for m in PAGES if getattr(m, "MENU_HREF", None)):
        active = key == here
        links.append(
            dcc.Link(t(key, view.lang), href=path + view.query(**carry), className="active" if active else "")
        )
    if page and hasattr(page[0], "brief_of"):  # the meeting brief of what the view shows
        links.append(brief_link(view, page[0].brief_of(**page[1].groupdict())))
    links.append(changed_at(view.lang))
    links += account_links(view.lang)  # the signed-in user, the audit log, sign out (dashboard/auth.py)
    other = "fa" if view.lang == "en" else "en"
    # a phone folds the menu behind a button (style.css shows the button only on narrow screens)
    toggle = html.Button(
        [html.Span("☰", **{"aria-hidden": "true"}), " ", t("pk_menu", view.lang)],
        id="menu-toggle",
        className="menu-toggle",
        type="button",
        **{"aria-expanded": "false", "aria-controls": "menu"},
    )
    links = [links[0], toggle, html.Nav(links[1:], id="menu", className="menu")]
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


def changed_at(lang: str) -> html.Span | None:
    """Gives the header's «data last changed: …» (Jalali date, Tehran time); None when it cannot say."""
    try:
        at = queries.data_changed_at(queries.database(), current_scope())
    except RegenError:
        return None
    if at is None:
        return None
    text = t("changed_at", lang).format(when=f"{i18n.moment(at, lang)} {t('tehran_time', lang)}")
    return html.Span(text, id="data-changed", className="changed")


def kept_page(module, view: View, path_vars: dict):
    """Gives (page, retry) for a route, the page serialised and kept per process (dashboard/kept.py):
    what the router sends. Only pages built without an error are kept."""
    key = kept.key(module, view, path_vars)
    hit = kept.get(key) if key is not None else None
    if hit is not None:
        return hit, False
    built = []

    def build():
        built.append(module.layout(view, **path_vars))
        return built[0]

    page_, retry = errors.render_safely(build, view.lang)
    if key is not None and built:
        page_ = kept.keep(key, page_)
    return page_, retry


def render(pathname: str, search: str, cookie_lang: str | None = None, kept: bool = False):
    """Gives (root dir, lang, header, page, retry) for a URL; never raises. With `kept`, the page is
    the serialised one kept for the same scope, URL and data when there is one (see kept_page)."""
    view = parse(search, cookie_lang)
    lang = view.lang
    page_ = None
    for module in PAGES:
        m = module.ROUTE.match(pathname or "/")
        if m:
            if kept:
                page_, retry = kept_page(module, view, m.groupdict())
            else:
                page_, retry = errors.render_safely(
                    lambda module=module, m=m: module.layout(view, **m.groupdict()), lang
                )
            break
    if page_ is None:
        page_, retry = errors.page_panel(t("h_not_found", lang), t("not_found", lang)), False
    return _direction(lang), lang, header(view, pathname or "/"), page_, retry


@callback(
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
    """Builds the view of the URL. Its first call for a page whose layout came with that view (the
    layout's Referer named it: `layout`) leaves the page as it is."""
    from flask import request

    first = first_view_url()
    if ctx.triggered_id is None and first is not None and first[:2] == (pathname or "/", search or ""):
        raise PreventUpdate
    direction, lang, head, page, retry = render(pathname, search, request.cookies.get(LANG_COOKIE), kept=True)
    if "lang=" in (search or ""):
        remember_lang(ctx.response, lang)
    return direction, lang, head, page, not retry, {"display": "none"}, footer(lang)


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Output("url", "search", allow_duplicate=True),
    Output(fid("msg", ALL), "children"),
    *filter_inputs(ALL, "province", "city", "kind", "asof", "measure"),
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
    # every filter at once: the renderer's first call for a view just put in the page (its async
    # grid component loading late can bring it), not a change the user made
    if not trigger or len(ctx.triggered) > 1:
        raise PreventUpdate
    what, value = trigger["f"], ctx.triggered[0]["value"]
    view = parse(search)
    n = len(ctx.outputs_list[2])
    on_actions = any(m.FILTERS_IN_PLACE and m.ROUTE.match(pathname) for m in PAGES)
    if what in ("asof", "kind", "measure"):
        if what == "asof" and on_actions:  # a view that filters in place
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
        if changes.get("as_of") and changes["as_of"] > dt.date.today():  # nothing is shown for the future
            return no_update, no_update, [date_notice(_days[0], view.lang)] * n
        return no_update, view.query(**changes), [""] * n
    if on_actions:  # a view that filters in place keeps its own URL in step
        return no_update, no_update, [""] * n
    plain = view.query(province=None, city=None, neighborhood=None, office=None)
    if what == "province":
        return (f"/province/{value}" if value else "/"), plain, [""] * n
    if value:
        return f"/city/{value}", plain, [""] * n
    province_code = next((p for p in _provinces if p), None)  # city cleared: back to its province
    return (f"/province/{province_code}" if province_code else "/"), plain, [""] * n


@callback(
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


@callback(
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


@callback(
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
clientside(
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

# The phone's menu opens and folds in the browser: nothing for the server to know.
clientside(
    """function(n) {
        var open = (n || 0) % 2 === 1;
        return [open ? "menu open" : "menu", open ? "true" : "false"];
    }""",
    Output("menu", "className"),
    Output("menu-toggle", "aria-expanded"),
    Input("menu-toggle", "n_clicks"),
    prevent_initial_call=True,
)

# The database is back: load the page again (the server rebuilds it from the URL).
clientside(
    "function(back) { if (back) { window.location.reload(); } return null; }",
    Output("db-back", "clear_data"),
    Input("db-back", "data"),
    prevent_initial_call=True,
)
