"""`/data`: the ETL runs with their counts, and the rows a run rejected."""

from __future__ import annotations

import re

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import grids, i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col
from dashboard.i18n import t
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/data/?$")
MENU = "data"
MENU_HREF = "/data"
FILTERS_IN_PLACE = False

RUN_COLS = (
    Col("file", "file", css="ltr"),
    Col("id", "code", 0),
    Col("kind", "kinds"),
    Col("read", "read", 0),
    Col("inserted", "inserted", 0),
    Col("updated", "updated", 0),
    Col("rejected", "rejected", 0),
    Col("started", "started_tehran"),
)
REJECT_COLS = (Col("row_no", "row", 0), Col("name", "name"), Col("field", "field"), Col("reason", "reason"))


def layout(view: View, **_):
    lang = view.lang
    runs = queries.etl_runs(queries.database(), current_scope())
    rows = [
        {
            **{k: r[k] for k in ("id", "kind", "file", "read", "inserted", "updated", "rejected")},
            "kind": " / ".join(t(f"etl_{x.replace('-', '_')}", lang) for x in (r["kind"], r["level"]) if x),
            "started": i18n.moment(r["started_at"], lang),
        }
        for r in runs
    ]
    return html.Div(
        [
            html.H2(t("data", lang)),
            C.panel(t("etl_runs", lang), grids.grid("data-runs", RUN_COLS, rows, lang, page_size=20)),
            C.panel(
                t("rejects", lang),
                html.Div(html.P(t("pick_run", lang), className="notice"), id="data-rejects"),
            ),
        ]
    )


@callback(
    Output("data-rejects", "children"),
    Input("data-runs", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_rejects(cell, search):
    if not cell:
        raise PreventUpdate
    lang = parse(search).lang
    rows = queries.etl_rejects(queries.database(), current_scope(), int(cell["rowId"]))
    records = [{**r, "id": f"{r['row_no']}-{i}"} for i, r in enumerate(rows)]
    return grids.grid("data-reject-table", REJECT_COLS, records, lang, page_size=20)
