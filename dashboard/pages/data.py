"""`/data`: the ETL runs with their counts, and the rows a run rejected."""

from __future__ import annotations

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.urls import View, parse

RUN_COLS = [
    ("id", "code", "numeric"),
    ("kind", "kinds", "text"),
    ("file", "file", "text"),
    ("read", "read", "numeric"),
    ("inserted", "inserted", "numeric"),
    ("updated", "updated", "numeric"),
    ("rejected", "rejected", "numeric"),
    ("started", "started", "text"),
]
REJECT_COLS = [
    ("row_no", "row", "numeric"),
    ("name", "name", "text"),
    ("field", "field", "text"),
    ("reason", "reason", "text"),
]


def _cols(spec, lang):
    return [C.column(k, t(label, lang), kind) for k, label, kind in spec]


def layout(view: View, **_):
    lang = view.lang
    runs = queries.etl_runs(queries.database(), current_scope())
    rows = [
        {
            **{k: r[k] for k in ("id", "kind", "file", "read", "inserted", "updated", "rejected")},
            "kind": " / ".join(x for x in (r["kind"], r["level"]) if x),
            "started": f"{i18n.date(r['started_at'], lang)} {r['started_at']:%H:%M}",
        }
        for r in runs
    ]
    return html.Div(
        [
            html.H2(t("data", lang)),
            C.panel(
                t("etl_runs", lang), C.table("data-runs", _cols(RUN_COLS, lang), rows, lang, page_size=20)
            ),
            C.panel(
                t("rejects", lang),
                html.Div(html.P(t("pick_run", lang), className="notice"), id="data-rejects"),
            ),
        ]
    )


def register(app) -> None:
    @app.callback(
        Output("data-rejects", "children"),
        Input("data-runs", "active_cell"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def show_rejects(cell, search):
        if not cell:
            raise PreventUpdate
        lang = parse(search).lang
        rows = queries.etl_rejects(queries.database(), current_scope(), int(cell["row_id"]))
        return C.table("data-reject-table", _cols(REJECT_COLS, lang), rows, lang, page_size=20)
