"""The Dash app factory. Until the dashboard lands: a page saying the database is up, with row counts."""

from __future__ import annotations

from dash import Dash, html

from dashboard.auth import install as install_auth
from regen import queries
from regen.db import get_db
from regen.errors import RegenError


def _status_page():
    try:
        database = get_db(start_embedded=False)
        info = queries.run("server_status", database)[0]
        counts = queries.run("row_counts", database)
    except RegenError as e:
        return html.Div([html.H1("اطلس بازآفرینی"), html.P(str(e), className="error")], dir="rtl")
    return html.Div(
        [
            html.H1("اطلس بازآفرینی — Regen Atlas"),
            html.P(f"پایگاه داده برقرار است: PostgreSQL {info['server_version']}, PostGIS {info['postgis_version']}"),
            html.Table([html.Tr([html.Td(r["table_name"]), html.Td(str(r["n"]))]) for r in counts]),
        ],
        dir="rtl",
    )


def create_app() -> Dash:
    app = Dash(__name__, title="اطلس بازآفرینی")
    app.layout = _status_page  # a function: evaluated per page load, so counts are current
    install_auth(app)
    return app
