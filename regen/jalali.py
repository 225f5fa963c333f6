"""Solar Hijri (Jalali) dates: parse what users and agencies type, format what they read."""

from __future__ import annotations

import datetime as dt
import functools
import re

import jdatetime

from regen.errors import RegenError
from regen.text import fa_digits, to_ascii_digits

_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")
# Years below this are Solar Hijri (1300s–1400s); above it, Gregorian.
_JALALI_MAX_YEAR = 1700


class BadDate(RegenError):
    """A date that is neither a Jalali nor an ISO Gregorian date, or does not exist."""


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """Gives the Gregorian date for a Jalali (1397/07/10, ۱۳۹۷/۰۷/۱۰, 1397-7-10) or ISO (2018-10-02) text."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = to_ascii_digits(str(value)).strip()
    if not text:
        return None
    m = _DATE.match(text)
    if not m:
        raise BadDate(f"«{value}» is not a date: write it as 1397/07/10 (Jalali) or 2018-10-02 (Gregorian)")
    y, mo, d = (int(g) for g in m.groups())
    try:
        if y < _JALALI_MAX_YEAR:
            return _from_jalali(y, mo, d)
        return dt.date(y, mo, d)
    except ValueError:
        cal = "Jalali" if y < _JALALI_MAX_YEAR else "Gregorian"
        raise BadDate(f"«{value}» does not exist in the {cal} calendar") from None


# A table file repeats a few hundred days over thousands of rows; jdatetime's conversion costs ~50 µs
# each (it asks the locale every time): most of a 30,000-row load's parsing. Kept per process, bounded.
@functools.lru_cache(maxsize=8192)
def _from_jalali(y: int, mo: int, d: int) -> dt.date:
    return jdatetime.date(y, mo, d).togregorian()


def to_jalali(day: dt.date | None, persian_digits: bool = True, sep: str = "/") -> str:
    """Gives '1403/12/30' (with Persian digits by default) for a Gregorian date; '' for None."""
    if day is None:
        return ""
    return _to_jalali(day, persian_digits, sep)


# A city's page writes thousands of dates, most of them the same few hundred days; jdatetime's
# conversion costs ~20 µs each (a tenth of building the page). Kept per process, bounded.
@functools.lru_cache(maxsize=8192)
def _to_jalali(day: dt.date, persian_digits: bool, sep: str) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    text = f"{j.year:04d}{sep}{j.month:02d}{sep}{j.day:02d}"
    return fa_digits(text) if persian_digits else text
