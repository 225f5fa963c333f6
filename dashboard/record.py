"""Recording progress in a city: an office's new state, an action's new status (Jalali dates).

`record_panel(city_code)` is the component a city page includes. Its callbacks take the user's scope
from the session (auth_seam.current_scope) and the city from the page only as a filter: what they
read runs under row-level security, and what they write goes through regen.progress and the
database's recording functions, which check role, province and sequence again.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html

from dashboard.auth_seam import current_scope
from regen import progress
from regen.db import get_db
from regen.errors import RegenError
from regen.jalali import to_jalali

_STATE_FA = {"planned": "برنامه‌ریزی", "none": "—", **progress.OFFICE_STATES}


def _options(mapping: dict[str, str]) -> list[dict]:
    return [{"label": f"{fa} ({en})", "value": en} for en, fa in mapping.items()]


def record_panel(city_code: str) -> html.Div:
    """Gives the recording form for one city (a read-only note for a viewer)."""
    scope = current_scope()
    if not scope.can_write:
        return html.Div(
            "این حساب فقط خواندنی است — this account is read-only", className="record-panel read-only"
        )
    return html.Div(
        [
            dcc.Store(id="record-city", data=city_code),
            html.H3("ثبت پیشرفت — record progress"),
            html.Fieldset(
                [
                    html.Legend("وضعیت دفتر — office state"),
                    dcc.Dropdown(id="record-office", placeholder="دفتر"),
                    dcc.Dropdown(
                        id="record-office-state",
                        options=_options(progress.OFFICE_STATES),
                        placeholder="وضعیت تازه",
                    ),
                    dcc.Input(
                        id="record-office-date", type="text", placeholder="تاریخ: ۱۴۰۳/۰۱/۱۵", debounce=True
                    ),
                    dcc.Input(
                        id="record-office-letter",
                        type="text",
                        placeholder="شماره نامه شهرداری (برای واگذاری)",
                        maxLength=progress.MAX_LETTER,
                    ),
                    dcc.Textarea(id="record-office-note", placeholder="یادداشت", maxLength=progress.MAX_NOTE),
                    html.Button("ثبت — record", id="record-office-submit", n_clicks=0),
                    html.Div(id="record-office-msg", role="status"),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend("وضعیت اقدام — action status"),
                    dcc.Dropdown(id="record-action", placeholder="اقدام"),
                    dcc.Dropdown(
                        id="record-action-status",
                        options=_options(progress.ACTION_STATUSES),
                        placeholder="وضعیت تازه",
                    ),
                    dcc.Input(
                        id="record-action-date", type="text", placeholder="تاریخ: ۱۴۰۳/۰۱/۱۵", debounce=True
                    ),
                    dcc.Textarea(
                        id="record-action-evidence",
                        placeholder="شرح مستندات (لازم)",
                        maxLength=progress.MAX_NOTE,
                    ),
                    html.Button("ثبت — record", id="record-action-submit", n_clicks=0),
                    html.Div(id="record-action-msg", role="status"),
                ]
            ),
        ],
        className="record-panel",
        dir="rtl",
    )


def _office_label(r: dict) -> str:
    since = f" از {to_jalali(r['began_on'])}" if r["began_on"] else ""
    return f"{r['name_fa']} — {_STATE_FA.get(r['state'] or 'none', r['state'])}{since}"


def register_callbacks(app: Dash) -> None:
    """Registers the panel's callbacks on `app` (per app, not Dash's global list, which only the first
    app of a process receives)."""
    callback = app.callback

    @callback(
        Output("record-office", "options"),
        Input("record-city", "data"),
        Input("record-office-msg", "children"),
    )
    def office_options(city, _msg):
        rows = progress.offices_in_city(get_db(start_embedded=False), current_scope(), city)
        return [{"label": _office_label(r), "value": r["code"]} for r in rows]

    @callback(
        Output("record-action", "options"),
        Input("record-city", "data"),
        Input("record-action-msg", "children"),
    )
    def action_options(city, _msg):
        rows = progress.actions_in_city(get_db(start_embedded=False), current_scope(), city)
        return [
            {
                "label": f"{r['title_fa']} — {progress.ACTION_STATUSES.get(r['status'], r['status'] or '—')}",
                "value": r["code"],
            }
            for r in rows
        ]

    def _outcome(fn, *args) -> html.Div:
        try:
            audit_id = fn(get_db(start_embedded=False), current_scope(), *args)
        except RegenError as e:
            return html.Div(str(e), className="error")
        return html.Div(f"ثبت شد (شماره {audit_id} در فهرست تغییرات) — recorded", className="ok")

    @callback(
        Output("record-office-msg", "children"),
        Input("record-office-submit", "n_clicks"),
        State("record-office", "value"),
        State("record-office-state", "value"),
        State("record-office-date", "value"),
        State("record-office-letter", "value"),
        State("record-office-note", "value"),
        prevent_initial_call=True,
    )
    def submit_office(_n, office, state, on, letter, note):
        return _outcome(progress.record_office_state, office, state, on, letter, note)

    @callback(
        Output("record-action-msg", "children"),
        Input("record-action-submit", "n_clicks"),
        State("record-action", "value"),
        State("record-action-status", "value"),
        State("record-action-date", "value"),
        State("record-action-evidence", "value"),
        prevent_initial_call=True,
    )
    def submit_action(_n, action, status, on, evidence):
        return _outcome(progress.record_action_status, action, status, on, evidence)
