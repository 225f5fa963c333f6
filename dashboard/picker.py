"""The as-of day: typed (Jalali or ISO), picked on a Jalali month calendar, or chosen from presets.

A small calendar built in Dash rather than a React picker from npm: Python already owns Jalali
(regen/jalali.py, jdatetime) and Persian digits, so the month grid, its labels and the presets are
formatted here and the browser only shows them; no build step, nothing to keep in step in JavaScript.
Every way of choosing a day ends by writing the typed box, so one parser (regen.jalali.parse_date)
reads every day and the URL keeps it as ISO (dashboard/urls.py).
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback, clientside
from dashboard.i18n import t
from dashboard.urls import parse
from regen.jalali import BadDate, parse_date
from regen.text import fa_digits

QUARTER_ENDS = (3, 6, 9, 12)  # the Jalali months that close a season; the twelfth closes the year


def fid(what: str, page: str) -> dict:
    """Gives the id of a filter control on one view (ids differ per view so that a view's callbacks
    never fire for another view's controls; the shared URL callback matches them all)."""
    return {"f": what, "page": page}


def digits(value: int | str, lang: str) -> str:
    return fa_digits(str(value)) if lang == "fa" else str(value)


def month_end(y: int, m: int) -> dt.date:
    """Gives the last day of Jalali month `m` of year `y`, as a Gregorian date."""
    first_next = jdatetime.date(y + (m == 12), m % 12 + 1, 1)
    return first_next.togregorian() - dt.timedelta(days=1)


def period_ends(first: dt.date | None, today: dt.date) -> list[tuple[dt.date, str, int, int]]:
    """Gives the ends of Jalali seasons from `first`'s season to the last one closed by `today`,
    newest first, each as (day, "year" or "quarter", Jalali year, season number)."""
    if first is None or first > today:
        return []
    y, out = jdatetime.date.fromgregorian(date=first).year, []
    last = jdatetime.date.fromgregorian(date=today).year
    for year in range(y, last + 1):
        for q, m in enumerate(QUARTER_ENDS, start=1):
            day = month_end(year, m)
            if first <= day <= today:
                out.append((day, "year" if m == 12 else "quarter", year, q))
    return out[::-1]


def presets(today: dt.date, first: dt.date | None, meetings: list[dict], lang: str) -> list[dict]:
    """Gives the preset days as dropdown options (value: ISO): today, the HQ meetings' days (newest
    first), the ends of Jalali years and seasons within the data's span; one option per day."""
    found: list[tuple[dt.date, str]] = [(today, t("pk_today", lang))]
    for m in sorted(meetings, key=lambda r: r["held_on"], reverse=True):
        if m["held_on"] <= today:
            found.append((m["held_on"], t("pk_meeting", lang).format(n=digits(m["number"], lang))))
    for day, kind, year, q in period_ends(first, today):
        word = t("pk_year_end", lang) if kind == "year" else t("pk_quarter_end", lang)
        found.append((day, word.format(y=digits(year, lang), q=digits(q, lang))))
    options, seen = [], set()
    for day, label in found:
        if day not in seen:
            seen.add(day)
            options.append({"label": f"{label} — {i18n.date(day, lang)}", "value": day.isoformat()})
    return options


def month_title(y: int, m: int, lang: str) -> str:
    return f"{t('pk_months', lang).split()[m - 1]} {digits(y, lang)}"


def month_days(y: int, m: int, chosen: dt.date, today: dt.date, lang: str, page: str) -> list:
    """Gives the cells of Jalali month `m` of `y`, Saturday first: blanks before the first day, then a
    button per day (days after today cannot be chosen: there are no figures for them yet)."""
    hidden = {"aria-hidden": "true"}  # the buttons' names say the whole day
    heads = [html.Span(w, className="pk-wd", **hidden) for w in t("pk_weekdays", lang).split()]
    first = jdatetime.date(y, m, 1)
    cells: list = [html.Span(className="pk-blank") for _ in range(first.weekday())]
    last = jdatetime.date.fromgregorian(date=month_end(y, m)).day
    for d in range(1, last + 1):
        day = jdatetime.date(y, m, d).togregorian()
        classes = "pk-day" + (" chosen" if day == chosen else "") + (" today" if day == today else "")
        cells.append(
            html.Button(
                digits(d, lang),
                id={"f": "pk-day", "page": page, "d": day.isoformat()},
                className=classes,
                disabled=day > today,
                title=i18n.date(day, lang),
                **{"aria-label": i18n.date(day, lang), "aria-pressed": "true" if day == chosen else "false"},
            )
        )
    return heads + cells


def calendar_facts() -> tuple[dt.date | None, list[dict]]:
    """Gives the first day the data knows and the HQ meetings, in the signed-in user's scope."""
    db, scope = queries.database(), current_scope()
    return queries.first_office_day(db, scope), queries.meetings(db, scope)


def calendar(y: int, m: int, day: dt.date, today: dt.date, lang: str, page: str) -> html.Div:
    """Gives the calendar's panel (hidden until its button opens it) on Jalali month `m` of `y`."""
    nav = {"className": "pk-nav", "type": "button"}
    head = [
        html.Button(
            "‹" if lang == "en" else "›", id=fid("pk-prev", page), **nav, **{"aria-label": t("pk_prev", lang)}
        ),
        html.Span(
            month_title(y, m, lang), id=fid("pk-title", page), className="pk-title", **{"aria-live": "polite"}
        ),
        html.Button(
            "›" if lang == "en" else "‹", id=fid("pk-next", page), **nav, **{"aria-label": t("pk_next", lang)}
        ),
    ]
    return html.Div(
        [
            html.Div(head, className="pk-head"),
            html.Div(month_days(y, m, day, today, lang, page), id=fid("pk-days", page), className="pk-grid"),
            dcc.Store(id=fid("pk-month", page), data=[y, m, 0, 0]),  # the month, the clicks then
        ],
        id=fid("pk-panel", page),
        className="pk-panel",
        role="dialog",
        hidden=True,
        **{"aria-label": t("pk_open", lang)},
    )


def date_box(day: dt.date, lang: str, page: str) -> html.Div:
    """Gives the as-of box: the typed day, a calendar that opens on the day's month, and the presets."""
    today = dt.date.today()
    first, meetings = calendar_facts()
    j = jdatetime.date.fromgregorian(date=day)
    return html.Div(
        [
            dcc.Input(
                id=fid("asof", page),
                className="f-asof",
                type="text",
                debounce=True,
                value=i18n.date(day, lang),
                inputMode="numeric",
                style={"width": "9rem"},
            ),
            html.Div(
                [
                    html.Button(
                        t("pk_open", lang),
                        id=fid("pk-toggle", page),
                        className="pk-open",
                        type="button",
                        **{"aria-expanded": "false", "aria-haspopup": "dialog"},
                    ),
                    calendar(j.year, j.month, day, today, lang, page),
                ],
                className="picker",
            ),
            dcc.Dropdown(
                id=fid("pk-preset", page),
                className="pk-preset",
                options=presets(today, first, meetings, lang),
                value=None,
                placeholder=t("pk_presets", lang),
                clearable=False,
                searchable=False,  # a short list; its search box would speak English
            ),
        ],
        className="pk-box",
    )


def _shift(y: int, m: int, by: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + by
    return n // 12, n % 12 + 1


@callback(
    Output(fid("pk-days", MATCH), "children"),
    Output(fid("pk-title", MATCH), "children"),
    Output(fid("pk-month", MATCH), "data"),
    Input(fid("pk-prev", MATCH), "n_clicks"),
    Input(fid("pk-next", MATCH), "n_clicks"),
    Input(fid("asof", MATCH), "value"),
    State(fid("pk-month", MATCH), "data"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_month(prev, next_, typed, month, search):
    """Draws the calendar's month: the typed day's, moved by the clicks on ‹ and › since that day was
    typed (counted from the clicks, not from the month shown: a second click before the first one's
    answer still moves one month more)."""
    view = parse(search)
    prev, next_ = prev or 0, next_ or 0
    try:
        chosen = parse_date(typed) or view.day
    except BadDate:
        chosen = view.day
    kept = no_update
    if ctx.triggered_id["f"] == "asof":
        j = jdatetime.date.fromgregorian(date=chosen)
        month = kept = [j.year, j.month, prev, next_]
    y, m = _shift(month[0], month[1], (next_ - month[3]) - (prev - month[2]))
    page = ctx.triggered_id["page"]
    return month_days(y, m, chosen, dt.date.today(), view.lang, page), month_title(y, m, view.lang), kept


@callback(
    Output(fid("asof", MATCH), "value", allow_duplicate=True),
    Output(fid("pk-panel", MATCH), "hidden"),
    Output(fid("pk-toggle", MATCH), "aria-expanded"),
    Output(fid("pk-preset", MATCH), "value"),
    Input({"f": "pk-day", "page": MATCH, "d": ALL}, "n_clicks"),
    Input(fid("pk-preset", MATCH), "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def pick(_clicks, preset, search):
    """Writes the day clicked or the preset chosen into the typed box (which the view and the URL
    follow), closes the calendar and clears the presets for the next choice."""
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0]["value"]:  # a month just drawn, or the presets cleared
        raise PreventUpdate
    iso = trigger["d"] if trigger["f"] == "pk-day" else preset
    day = parse_date(iso)
    if day is None:
        return no_update, no_update, no_update, None
    return i18n.date(day, parse(search).lang), True, "false", None


# The calendar opens and closes in the browser: nothing for the server to know.
clientside(
    """function(n, hidden) { return [!hidden, hidden ? "true" : "false"]; }""",
    Output(fid("pk-panel", MATCH), "hidden", allow_duplicate=True),
    Output(fid("pk-toggle", MATCH), "aria-expanded", allow_duplicate=True),
    Input(fid("pk-toggle", MATCH), "n_clicks"),
    State(fid("pk-panel", MATCH), "hidden"),
    prevent_initial_call=True,
)
