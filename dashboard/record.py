"""Recording progress in a city: an office's new state, an action's new status (Jalali dates).

`record_panel(city_code, lang)` is the component a city page includes. Its callbacks take the user's
scope from the session (auth_seam.current_scope) and the city from the page only as a filter: what they
read runs under row-level security, and what they write goes through regen.progress and the
database's recording functions, which check role, province and sequence again. Every word is the
page's language (the query's, else the cookie's: urls.parse), from dashboard/words.toml.
"""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, State, dcc, html

from dashboard import i18n
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.urls import parse
from regen import progress
from regen.db import get_db

# The two forms: (what, the new value's id and choices with the prefix of their words, the text
# fields as (id, kind, longest)). Ids are "record-<what>-<field>".
_FORMS = (
    (
        "office",
        ("state", progress.OFFICE_STATES, "s_"),
        (
            ("date", "date", None),
            ("letter", "input", progress.MAX_LETTER),
            ("note", "area", progress.MAX_NOTE),
        ),
    ),
    (
        "action",
        ("status", progress.ACTION_STATUSES, "st_"),
        (("date", "date", None), ("evidence", "area", progress.MAX_NOTE)),
    ),
)


def _field(what: str, name: str, kind: str, longest: int | None, lang: str):
    hint = t(f"r_{name}_hint", lang)
    if kind == "area":
        return dcc.Textarea(id=f"record-{what}-{name}", placeholder=hint, maxLength=longest)
    extra = {"debounce": True} if kind == "date" else {"maxLength": longest}
    return dcc.Input(id=f"record-{what}-{name}", type="text", placeholder=hint, **extra)


def _form(what: str, choice: tuple, fields: tuple, lang: str) -> html.Fieldset:
    name, values, prefix = choice
    return html.Fieldset(
        [
            html.Legend(t(f"r_{what}_{name}", lang)),
            dcc.Dropdown(
                id=f"record-{what}", placeholder=t(f"r_{what}", lang), labels=i18n.dropdown_words(lang)
            ),
            dcc.Dropdown(
                id=f"record-{what}-{name}",
                labels=i18n.dropdown_words(lang),
                options=[{"label": t(prefix + v, lang), "value": v} for v in values],
                placeholder=t(f"r_new_{name}", lang),
            ),
            *(_field(what, *f, lang) for f in fields),
            html.Button(t("r_submit", lang), id=f"record-{what}-submit", n_clicks=0),
            html.Div(id=f"record-{what}-msg", role="status"),
        ]
    )


def record_panel(city_code: str, lang: str = "fa") -> html.Div:
    """Gives the recording form for one city (a read-only note for a viewer)."""
    if not current_scope().can_write:
        return html.Div(t("r_read_only", lang), className="record-panel read-only")
    return html.Div(
        [
            dcc.Store(id="record-city", data=city_code),
            html.H3(t("r_title", lang)),
            *(_form(what, choice, fields, lang) for what, choice, fields in _FORMS),
        ],
        className="record-panel",
    )


def _label(row: dict, title: str, state: str, lang: str) -> str:
    """Gives a choice's label: its name, its present state and since when."""
    since = f" {t('since', lang)} {i18n.date(row['began_on'], lang)}" if row["began_on"] else ""
    return f"{title} — {t(state, lang) if i18n.known(state) else '—'}{since}"


def _value(key: str, value: object, lang: str) -> object:
    """Gives a refusal's value as the language writes it (a field by its word, a date in Jalali)."""
    if key == "field":
        return t(str(value), lang)
    if isinstance(value, dt.date):
        return i18n.date(value, lang)
    if isinstance(value, int):
        return i18n.num(value, lang)
    return value


def refusal(err: progress.RecordRefused, lang: str) -> str:
    """Gives why a change was not recorded, in `lang`."""
    values = {k: _value(k, v, lang) for k, v in err.values.items()}
    return t("rf_not_recorded", lang).format(reason=t(err.key, lang).format(**values))


def _outcome(fn, *args) -> html.Div:
    lang = parse(None).lang
    try:
        audit_id = fn(get_db(start_embedded=False), current_scope(), *args)
    except progress.RecordRefused as e:
        return html.Div(refusal(e, lang), className="error")
    return html.Div(t("r_recorded", lang).format(n=i18n.num(audit_id, lang)), className="ok")


# what the user picks to record a change of: the rows of a city, their name's prefix, their state's word
_CHOICES = {
    "office": (progress.offices_in_city, "", lambda r: f"s_{r['state'] or 'none'}"),
    "action": (progress.actions_in_city, "title_", lambda r: f"st_{r['status']}"),
}


def _choices(what: str, city) -> list[dict]:
    """Gives the options of the office or the action picker: the city's, each with its state."""
    rows_of, prefix, state = _CHOICES[what]
    lang = parse(None).lang
    rows = rows_of(get_db(start_embedded=False), current_scope(), city)
    return [
        {"label": _label(r, i18n.name(r, lang, prefix), state(r), lang), "value": r["code"]} for r in rows
    ]


def register_callbacks(app: Dash) -> None:
    """Registers the panel's callbacks on `app` (per app, not Dash's global list, which only the first
    app of a process receives)."""
    callback = app.callback

    for what in _CHOICES:
        callback(
            Output(f"record-{what}", "options"),
            Input("record-city", "data"),
            Input(f"record-{what}-msg", "children"),  # a change recorded: the choices show it
        )(lambda city, _msg, what=what: _choices(what, city))

    for what, (choice, _values, _prefix), fields in _FORMS:
        record = {"office": progress.record_office_state, "action": progress.record_action_status}[what]
        callback(
            Output(f"record-{what}-msg", "children"),
            Input(f"record-{what}-submit", "n_clicks"),
            State(f"record-{what}", "value"),
            State(f"record-{what}-{choice}", "value"),
            *(State(f"record-{what}-{name}", "value") for name, _kind, _longest in fields),
            prevent_initial_call=True,
        )(lambda _n, *values, record=record: _outcome(record, *values))
