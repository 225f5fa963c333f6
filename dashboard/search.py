"""The search box in the header of every view: the places of the user's scope whose name holds what is
typed (Persian or English, compared in the database by fa_search_key: queries.search), each a link to
the view that shows it. The view of a kind of place is the page that lists it in `PLACES` (the page
protocol, dashboard/pages/__init__.py): this module knows no page by name."""

from __future__ import annotations

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.i18n import t
from dashboard.pages import PAGES
from dashboard.urls import View, parse
from regen.text import search_key


def box(lang: str) -> html.Div:
    """Gives the search box and the list its answers go in (empty until two letters are typed)."""
    return html.Div(
        [
            html.Label(
                [
                    html.Span(t("search_label", lang), className="sr-only"),
                    dcc.Input(
                        id="search-box",
                        type="search",
                        placeholder=t("search_placeholder", lang),
                        debounce=0.2,  # one request per pause in typing, not per key
                        autoComplete="off",
                        spellCheck=False,
                        maxLength=100,
                    ),
                ]
            ),
            html.Div(id="search-results", className="search-results"),
        ],
        className="search",
        role="search",
    )


def href(row: dict, view: View) -> str | None:
    """Gives the link that opens a search result, keeping the language and the as-of day."""
    page = next((m for m in PAGES if row["kind"] in getattr(m, "PLACES", ())), None)
    return page.place_href(row, View(lang=view.lang, as_of=view.as_of)) if page else None


def result(row: dict, view: View) -> dcc.Link:
    """Gives one result: the place's name, then its kind and its parent (a city's province, a
    neighborhood's or office's city) in the view's language."""
    lang = view.lang
    parent = {"name_fa": row["parent_fa"], "name_en": row["parent_en"], "code": ""}
    where = t(f"search_{row['kind']}", lang)
    if row["parent_fa"]:
        where += f"{t('search_in', lang)}{i18n.name(parent, lang)}"
    return dcc.Link(
        [html.Span(i18n.name(row, lang), className="s-name"), html.Span(where, className="s-where")],
        href=href(row, view),
        className="s-hit",
    )


def answer(text: str | None, view: View) -> list:
    """Gives what the list under the box shows for `text`: the results, a line saying there are
    none, or nothing (fewer than two letters)."""
    rows = queries.search(queries.database(), current_scope(), text)
    if rows:
        return [result(r, view) for r in rows]
    if len(search_key(text) or "") >= 2:
        return [html.P(t("search_none", view.lang), className="s-none")]
    return []


# what the box's callbacks read of the view: its URL's query (the as-of day) and the page's language
VIEW = (State("url", "search"), State("root", "lang"))


def _view(search: str | None, lang: str | None) -> View:
    return View(lang=lang if lang in ("fa", "en") else "fa", as_of=parse(search).as_of)


@callback(
    Output("search-results", "children"),
    Input("search-box", "value"),
    *VIEW,
    prevent_initial_call=True,
)
def show_results(text, search, lang):
    """Answers typing from the database (the user's scope: the session's, never the request's)."""
    return answer(text, _view(search, lang))


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Output("url", "search", allow_duplicate=True),
    Input("search-box", "n_submit"),
    State("search-box", "value"),
    *VIEW,
    prevent_initial_call=True,
)
def open_first(_n, text, search, lang):
    """Enter in the box opens the first result."""
    view = _view(search, lang)
    rows = queries.search(queries.database(), current_scope(), text, limit=1)
    link = href(rows[0], view) if rows else None
    if not link:
        raise PreventUpdate
    path, _, query = link.partition("?")
    return path, f"?{query}" if query else ""
