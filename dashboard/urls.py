"""A view's filters live in the URL query (so a filtered view is a link): parsing and composing them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.queries import KINDS, MEASURES
from regen.jalali import BadDate, parse_date

LANG_COOKIE = "regen_lang"


def remember_lang(response, lang: str) -> None:
    """Keeps the language chosen by a link's `lang=` for the links without one (a year's cookie)."""
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")


@dataclass(frozen=True)
class View:
    """The filters of a view: language, as-of day, province, city, neighborhood kind, measure, agency;
    and the neighborhood or office selected on a city's map (what the search box opens)."""

    lang: str = "fa"
    as_of: dt.date | None = None  # None = today
    province: str | None = None
    city: str | None = None
    kind: str | None = None
    measure: str = "count"
    agency: str | None = None
    neighborhood: str | None = None
    office: str | None = None
    bad_date: str | None = None  # what the URL said, when it was not a date or was after today

    @property
    def day(self) -> dt.date:
        return self.as_of or dt.date.today()

    def query(self, explicit_lang: bool = False, **changes) -> str:
        """Gives '?lang=en&as_of=2025-03-20…' for this view with `changes` applied (defaults left out;
        `explicit_lang` writes lang=fa too, which overrides an English cookie)."""
        v = replace(self, **changes)
        pairs = {
            "lang": v.lang if v.lang != "fa" or explicit_lang else None,
            "as_of": v.as_of.isoformat() if v.as_of else None,  # ISO: Jalali is for people
            "province": v.province,
            "city": v.city,
            "kind": v.kind,
            "measure": v.measure if v.measure != "count" else None,
            "agency": v.agency,
            "neighborhood": v.neighborhood,
            "office": v.office,
        }
        text = urlencode({k: x for k, x in pairs.items() if x})
        return f"?{text}" if text else ""


def request_lang() -> str | None:
    """Gives the language the request's cookie chose (None outside a request or without one)."""
    from flask import has_request_context, request

    return request.cookies.get(LANG_COOKIE) if has_request_context() else None


def parse(search: str | None, cookie_lang: str | None = None) -> View:
    """Gives the View a URL query describes; unknown or malformed values fall back to defaults (a
    date that is not one, or is after today, is kept in `bad_date` for the notice that says so). The
    language is the query's, else the cookie's (`cookie_lang`, by default the request's), else Persian:
    a callback asked with the page's query answers in the page's language."""
    q = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    lang = q.get("lang") or cookie_lang or request_lang() or "fa"
    as_of, bad = None, None
    if q.get("as_of"):
        try:
            as_of = parse_date(q["as_of"])
        except BadDate:
            bad = q["as_of"]
        if as_of and as_of > dt.date.today():  # the future is refused: today is shown, and why
            as_of, bad = None, q["as_of"]
    return View(
        lang=lang if lang in ("fa", "en") else "fa",
        as_of=as_of,
        province=q.get("province") or None,
        city=q.get("city") or None,
        kind=q.get("kind") if q.get("kind") in KINDS else None,
        measure=q.get("measure") if q.get("measure") in MEASURES else "count",
        agency=q.get("agency") or None,
        neighborhood=q.get("neighborhood") or None,
        office=q.get("office") or None,
        bad_date=bad,
    )
