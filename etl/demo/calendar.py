"""Dates of the demo's story, in the Solar Hijri calendar people read them in."""

from __future__ import annotations

import datetime as dt

import jdatetime
import numpy as np

from regen.text import fa_digits

MEETING_50 = jdatetime.date(1397, 7, 10).togregorian()  # 2018-10-02, the 50th meeting of the HQ
# The story is told as of this day (1405/09/05): no date in the data lies after it, so two builds on
# any later day give the same data. On a machine whose clock is earlier, its today is used instead.
STORY_DAY = dt.date(2026, 11, 26)


def as_of() -> dt.date:
    """Gives the last day any demo date may fall on."""
    return min(STORY_DAY, dt.date.today())


def jalali(y: int, m: int, d: int) -> dt.date:
    """Gives the Gregorian date of Jalali y/m/d."""
    return jdatetime.date(y, m, d).togregorian()


def jalali_text(day: dt.date | None, persian_digits: bool = False) -> str:
    """Gives `day` written as Jalali YYYY/MM/DD (ASCII or Persian digits), or '' for None."""
    if day is None:
        return ""
    text = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    return fa_digits(text) if persian_digits else text


def jalali_year(day: dt.date) -> int:
    """Gives the Jalali year of `day`."""
    return jdatetime.date.fromgregorian(date=day).year


def add_years(day: dt.date, years: int) -> dt.date:
    """Gives the same Jalali day `years` later (the 30th of Esfand falls back to the 29th)."""
    j = jdatetime.date.fromgregorian(date=day)
    try:
        return jdatetime.date(j.year + years, j.month, j.day).togregorian()
    except ValueError:
        return jdatetime.date(j.year + years, j.month, j.day - 1).togregorian()


def between(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    """Gives a day drawn uniformly from first..last (inclusive)."""
    span = (last - first).days
    return first + dt.timedelta(days=int(rng.integers(0, span + 1))) if span > 0 else first


def after(rng: np.random.Generator, day: dt.date, low: int, high: int) -> dt.date:
    """Gives a day `low`..`high` days after `day`."""
    return day + dt.timedelta(days=int(rng.integers(low, high + 1)))
