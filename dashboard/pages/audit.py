"""`/audit`: the changes recorded through the dashboard, newest first, within the user's scope (the
query runs under the user's row-level policies: a provincial account sees its province's only)."""

from __future__ import annotations

import datetime as dt
import re

from dash import Input, Output, State, dcc, html

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.i18n import t
from dashboard.urls import LANG_COOKIE, View, parse
from regen import progress

ROUTE = re.compile(r"^/audit/?$")
MENU = "audit_link"  # lit by the account links' «changes» (dashboard/auth.py), not a menu item
FILTERS_IN_PLACE = True
ENTITIES = ("office_state", "action_status")
_ROLES = ("national", "provincial", "viewer")


def change_text(change: dict | None, lang: str) -> str:
    """Gives a before/after as «وضعیت: دفتر فعال · از تاریخ: ۱۴۰۰/۰۱/۰۱ · …» (Dash escapes it)."""
    if not change:
        return "—"
    parts = []
    for key, value in change.items():
        if value in (None, ""):
            continue
        if key == "began_on":
            value = i18n.date(dt.date.fromisoformat(value), lang)
        elif key == "state" and i18n.known(f"s_{value}"):
            value = t(f"s_{value}", lang)
        elif key == "status" and i18n.known(f"st_{value}"):
            value = t(f"st_{value}", lang)
        parts.append(f"{t('au_k_' + key, lang) if i18n.known('au_k_' + key) else key}: {value}")
    return " · ".join(parts)


def _row(r: dict, lang: str) -> html.Tr:
    role = t(f"r_{r['who_role']}", lang) if r["who_role"] in _ROLES else r["who_role"]
    province = i18n.name({"name_fa": r["province_fa"], "name_en": r["province_en"]}, lang)
    return html.Tr(
        [
            html.Td(i18n.moment(r["at"], lang)),
            html.Td(f"{r['who']} ({role})"),
            html.Td(t(f"au_{r['entity']}", lang) if r["entity"] in ENTITIES else r["entity"]),
            html.Td(i18n.name({"name_fa": r["subject_fa"], "name_en": r["subject_en"]}, lang) or "—"),
            html.Td(province or "—"),
            html.Td(change_text(r["before"], lang)),
            html.Td(change_text(r["after"], lang)),
            html.Td(r["entity_code"], dir="ltr"),
        ]
    )


def table(lang: str, entity: str | None = None, text: str | None = None) -> html.Table:
    """Gives the table of the latest changes the user may see, filtered by subject and by the office's
    or action's name (or code); the code in the last column."""
    rows = progress.audit_rows(queries.database(), current_scope(), entity=entity, text=text)
    heads = ("au_at", "au_who", "au_entity", "au_name", "au_province", "au_before", "au_after", "code")
    body = [_row(r, lang) for r in rows] or [html.Tr(html.Td(t("au_none", lang), colSpan=len(heads)))]
    return html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in heads])), html.Tbody(body)],
        id="audit-table",
        className="plain-table",
    )


def layout(view: View, **_):
    lang = view.lang
    return html.Div(
        [
            html.H1(t("au_title", lang)),
            html.P(t("au_intro", lang), className="notice"),
            html.Div(
                [
                    html.Label(
                        [
                            t("au_entity", lang),
                            dcc.Dropdown(
                                id="audit-entity",
                                options=[{"label": t(f"au_{e}", lang), "value": e} for e in ENTITIES],
                                placeholder=t("au_all", lang),
                                clearable=True,
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("au_code", lang),
                            dcc.Input(id="audit-code", type="search", debounce=True),
                        ]
                    ),
                ],
                className="filters",
            ),
            html.Div(table(lang), id="audit-rows", className="agency-panel"),
        ],
        className="panel",
    )


@callback(
    Output("audit-rows", "children"),
    *(Input(f"audit-{what}", "value") for what in ("entity", "code")),  # the two filters above
    State("url", "search"),
    prevent_initial_call=True,
)
def filter_audit(entity, code, search):
    """Shows the changes of one subject and name or code (an unknown subject: all; a name or code
    nothing matches: none)."""
    from flask import request

    lang = parse(search, request.cookies.get(LANG_COOKIE)).lang
    return table(lang, entity if entity in ENTITIES else None, (code or "").strip() or None)
