"""`/data`: the ETL runs with their counts, and the rows a run rejected."""

from __future__ import annotations

import re

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import controls, grids, i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col
from dashboard.i18n import t
from dashboard.urls import View, parse
from etl.columns import SPECS

ROUTE = re.compile(r"^/data/?$")
LATIN, PERSIAN = re.compile(r"[A-Za-z]"), re.compile(r"[\u0600-\u06ff]")
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
# The reason right after the row (pinned), so that a phone shows it without scrolling; names are as
# the file wrote them; a field is a table column's Persian header in Persian, else the file's name.
REJECT_COLS = (
    Col("row_no", "row", 0),
    Col("reason", "reason"),
    Col("field", "field", css="free-text"),
    Col("name", "name", css="free-text"),
)


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
            html.H1(t("data", lang)),
            controls.panel(t("etl_runs", lang), grids.grid("data-runs", RUN_COLS, rows, lang, page_size=20)),
            controls.panel(
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
    db, scope, run = queries.database(), current_scope(), int(cell["rowId"])
    kind = next((r["kind"] for r in queries.etl_runs(db, scope) if r["id"] == run), None)
    records = [
        {**r, "field": field(kind, r["field"], lang), "reason": reason(r, lang), "id": f"{r['row_no']}-{i}"}
        for i, r in enumerate(queries.etl_rejects(db, scope, run))
    ]
    return grids.grid("data-reject-table", REJECT_COLS, records, lang, page_size=20)


class _Blank(dict):
    def __missing__(self, key):  # a value the words name but the row lacks: a dash, never a crash
        return "—"


def reason(row: dict, lang: str) -> str:
    """Gives why a row was rejected in `lang`: the words of its reason key (words.toml rj_<key>) filled
    with its values; a reason with no key (an older one not recognised) in English as the loader wrote
    it, in Persian a general sentence (the row and field beside it still say where)."""
    key = row.get("reason_key")
    if not key or not i18n.known(f"rj_{key}"):
        return row["reason"] if lang == "en" else t("rj_other", lang)
    values = _Blank({k: _value(k, v, lang) for k, v in (row.get("reason_values") or {}).items()})
    return t(f"rj_{key}", lang).format_map(values)


def _value(name: str, value, lang: str) -> str:
    """Gives a reason's value as the page writes it: a level or a status in words, what the file held
    as written (in Persian with Persian digits, a date or letter number kept in order)."""
    if name == "level" and i18n.known(f"lv_{value}"):
        return t(f"lv_{value}", lang)
    if name in ("status", "recorded") and i18n.known(f"st_{value}"):
        return t(f"st_{value}", lang)
    text = str(value)
    if lang == "fa" and LATIN.search(text):  # a code as the file wrote it, kept whole and in order
        return i18n.LRI + text + i18n.PDI
    return i18n.free_text(text, lang)


def field(kind: str | None, name: str | None, lang: str) -> str | None:
    """Gives a rejected row's field as the page names it: in Persian the column's Persian header (the
    loaders accept it, etl/columns.py), else the field's name as the file gives it."""
    spec = SPECS.get(kind or "")
    column = next((c for c in spec.columns if c.name == name), None) if spec and lang == "fa" else None
    persian = next((a for a in column.aliases if PERSIAN.search(a)), None) if column else None
    return persian or name
