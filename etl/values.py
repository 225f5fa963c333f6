"""Cell values of the agencies' tables: numbers, yes/no, dates, enumerations, codes and the names of
places and agencies, each parsed or looked up with an error that names the column and the value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from etl.columns import AGENCY_ALIASES, BOOLEANS, PLANS, header_key
from etl.iran import EXTENT, inside, swapped_into_iran
from regen.jalali import BadDate, parse_date, to_jalali
from regen.text import fa_normalize, to_ascii_digits


class RowError(Exception):
    """One cell of one row is wrong: `field` names the column, the message says what and how to fix.
    `key` and `values` say the same for the dashboard, which shows it in its reader's language
    (words.toml: rj_<key>, formatted with the values)."""

    def __init__(self, field: str | None, message: str, key: str | None = None, **values):
        super().__init__(message)
        self.field = field
        self.message = message
        self.key = key
        self.values = values


_SEPARATORS = re.compile(r"[;،,؛\n]+")


def code(value: str | None) -> str | None:
    """Gives a code as stored: trimmed, Persian/Arabic digits as ASCII."""
    if not value:
        return None
    return to_ascii_digits(value).strip() or None


def integer(value: str | None, col: str) -> int | None:
    if value is None:
        return None
    text = to_ascii_digits(value).replace(",", "").replace("٬", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        raise RowError(col, f"«{value}» is not a number", "not_number", value=value) from None
    if not number.is_integer() or number < 0:
        raise RowError(col, f"«{value}» is not a whole number of zero or more", "not_count", value=value)
    return int(number)


def decimal(value: str | None, col: str) -> float | None:
    if value is None:
        return None
    try:
        return float(to_ascii_digits(value).replace("٫", ".").replace(" ", ""))
    except ValueError:
        raise RowError(col, f"«{value}» is not a number", "not_number", value=value) from None


def boolean(value: str | None, col: str) -> bool | None:
    if value is None:
        return None
    key = header_key(to_ascii_digits(value))
    if key not in BOOLEANS:
        raise RowError(
            col,
            f"«{value}» is not yes/no: write yes/no, true/false, 1/0 or بله/خیر",
            "not_yes_no",
            value=value,
        )
    return BOOLEANS[key]


def day(value: str | None, col: str) -> dt.date | None:
    """Gives the Gregorian date of a Jalali (1397/07/10) or ISO (2018-10-02) cell."""
    try:
        return parse_date(value)
    except BadDate as e:
        raise RowError(col, str(e), "not_date", value=value) from None


def as_written(day: dt.date | str, written: dict[str, str] | str | None = None) -> str:
    """Gives a date for a message as the file wrote it (`written`: the cell, or ISO date → cell), else
    in Jalali: users read and write Jalali, never the ISO dates it is stored as."""
    iso = day if isinstance(day, str) else day.isoformat()
    cell = written.get(iso) if isinstance(written, dict) else written
    return cell or to_jalali(dt.date.fromisoformat(iso), persian_digits=False)


def dates_as_written(text: str, written: dict[str, str]) -> str:
    """Gives `text` with each ISO date in it (from SQL, e.g. office_history_problem) as_written."""
    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", lambda m: as_written(m[0], written), text)


_PERIOD = re.compile(r"^(\d{4})(?:\s*(?:[-–—/]|تا)\s*(\d{4}))?$")


def period(value: str | None, col: str) -> tuple[int, int] | None:
    """Gives (first, last) Jalali year of a period cell: a year («۱۴۰۲»), a span («1396-1400»,
    «۱۳۹۶ تا ۱۴۰۰») or a plan by name («برنامه ششم», «Sixth Plan»)."""
    if value is None:
        return None
    key = header_key(to_ascii_digits(value))
    if key in PLANS:
        return PLANS[key]
    m = _PERIOD.match(to_ascii_digits(value).strip())
    if m is None:
        raise RowError(
            col,
            f"«{value}» is not a period: write a Jalali year (1402), two years (1396-1400) "
            "or a plan (برنامه ششم)",
            "not_period",
            value=value,
        )
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1300 <= first <= 1500 or not 1300 <= last <= 1500:
        raise RowError(
            col,
            f"«{value}» is not a Jalali year between 1300 and 1500 (write 1402, not 2023)",
            "period_years",
            value=value,
        )
    if last < first or last - first >= 10:
        raise RowError(
            col,
            f"«{value}»: the last year must follow the first by at most nine years",
            "period_span",
            value=value,
        )
    return first, last


def period_days(first: int, last: int) -> tuple[dt.date, dt.date]:
    """Gives the Gregorian first and last day of Jalali years first..last."""
    import jdatetime

    start = jdatetime.date(first, 1, 1).togregorian()
    return start, jdatetime.date(last + 1, 1, 1).togregorian() - dt.timedelta(days=1)


def period_text(first: int, last: int) -> str:
    """Gives a period as a loader reads it back: «1402» or «1396-1400»."""
    return str(first) if first == last else f"{first}-{last}"


def choice(value: str | None, col: str, mapping: dict[str, str]) -> str | None:
    """Gives the stored code of an enumeration cell (English code or a Persian word)."""
    if value is None:
        return None
    found = mapping.get(header_key(value))
    if found is None:
        allowed = ", ".join(sorted(set(mapping.values())))
        raise RowError(
            col,
            f"«{value}» is not one of {allowed} (or their Persian names)",
            "not_one_of",
            value=value,
            allowed=allowed,
        )
    return found


def codes(value: str | None) -> list[str]:
    """Gives the codes of a list cell separated by ; ، , or ؛ (in order, without repeats)."""
    if not value:
        return []
    out: list[str] = []
    for part in _SEPARATORS.split(value):
        c = code(part)
        if c and c not in out:
            out.append(c)
    return out


def point(lat: str | None, lon: str | None) -> tuple[float, float] | None:
    """Gives (lon, lat) inside Iran, or None when both cells are empty."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise RowError("lat" if lat is None else "lon", "give both lat and lon, or neither", "lat_lon_pair")
    y, x = decimal(lat, "lat"), decimal(lon, "lon")
    if swapped_into_iran(x, y):
        raise RowError(
            "lat",
            f"lat {lat} / lon {lon} look swapped (Iran is at {EXTENT})",
            "lat_lon_swapped",
            lat=lat,
            lon=lon,
        )
    if not inside(x, y):
        raise RowError(
            "lat",
            f"lat {lat} / lon {lon} is outside Iran ({EXTENT}, WGS 84 degrees)",
            "outside_iran",
            lat=lat,
            lon=lon,
        )
    return x, y


@dataclass
class Lookups:
    """Codes and names already in the database, read once per run (the run's transaction sees them)."""

    provinces: dict[str, str] = field(default_factory=dict)  # key (code/name) → code
    agencies: dict[str, str] = field(default_factory=dict)  # key (code/name) → code
    cities: dict[str, str] = field(default_factory=dict)  # code → province code
    neighborhoods: dict[str, str] = field(default_factory=dict)  # code → city code (current only)
    offices: dict[str, str] = field(default_factory=dict)  # code → city code
    resolutions: dict[tuple[int, int], dt.date] = field(default_factory=dict)  # → meeting date

    @classmethod
    def read(cls, cur) -> Lookups:
        found = cls()
        cur.execute("SELECT code, name_key, name_en_key FROM provinces")
        for r in cur.fetchall():
            for k in (r["code"].lower(), r["name_key"], r["name_en_key"], "استان " + r["name_key"]):
                found.provinces[k] = r["code"]
        cur.execute("SELECT code, name_key, name_en FROM agencies")
        for r in cur.fetchall():
            for k in (r["code"].lower(), r["name_key"], fa_normalize(r["name_en"])):
                found.agencies[header_key(k)] = r["code"]
        for alias, agency in AGENCY_ALIASES.items():
            if agency in found.agencies.values():
                found.agencies.setdefault(header_key(alias), agency)
        cur.execute("SELECT code, province_code FROM cities WHERE retired_at IS NULL")
        found.cities = {r["code"]: r["province_code"] for r in cur.fetchall()}
        cur.execute("SELECT code, city_code FROM neighborhoods WHERE retired_at IS NULL")
        found.neighborhoods = {r["code"]: r["city_code"] for r in cur.fetchall()}
        cur.execute("SELECT code, city_code FROM offices")
        found.offices = {r["code"]: r["city_code"] for r in cur.fetchall()}
        cur.execute(
            "SELECT r.meeting_number, r.number, m.held_on FROM resolutions r "
            "JOIN meetings m ON m.number = r.meeting_number"
        )
        found.resolutions = {(r["meeting_number"], r["number"]): r["held_on"] for r in cur.fetchall()}
        return found

    def province(self, value: str | None, col: str) -> str | None:
        if value is None:
            return None
        key = fa_normalize(to_ascii_digits(value))
        if key not in self.provinces:
            raise RowError(
                col,
                f"unknown province «{value}»: give its code (IR-00 … IR-30) or its name",
                "unknown_province",
                value=value,
            )
        return self.provinces[key]

    def agency(self, value: str | None, col: str) -> str | None:
        if value is None:
            return None
        found = self.agencies.get(header_key(value))
        if found is None:
            known = ", ".join(sorted(set(self.agencies.values())))
            raise RowError(
                col,
                f"unknown agency «{value}»: give its code ({known}) or its Persian name",
                "unknown_agency",
                value=value,
                known=known,
            )
        return found

    def city(self, value: str | None, col: str) -> str | None:
        c = code(value)
        if c is not None and c not in self.cities:
            raise RowError(
                col,
                f"unknown city code «{value}»: load the city first (`regen load cities`)",
                "unknown_city",
                value=value,
            )
        return c

    def neighborhood(self, value: str | None, col: str) -> str | None:
        c = code(value)
        if c is not None and c not in self.neighborhoods:
            raise RowError(
                col,
                f"unknown neighborhood code «{value}»: load its boundary first "
                "(`regen load boundaries --level neighborhood`)",
                "unknown_neighborhood",
                value=value,
            )
        return c

    def office(self, value: str | None, col: str) -> str | None:
        c = code(value)
        if c is not None and c not in self.offices:
            raise RowError(
                col,
                f"unknown office code «{value}»: load the office first (`regen load offices`)",
                "unknown_office",
                value=value,
            )
        return c
