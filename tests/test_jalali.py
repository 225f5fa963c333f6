"""Jalali dates: what users type is read, what they read is written in their calendar."""

import datetime as dt

import pytest

from regen.jalali import BadDate, parse_date, to_jalali


@pytest.mark.parametrize("text", ["1397/07/10", "۱۳۹۷/۰۷/۱۰", "1397-7-10", "2018-10-02", " ١٣٩٧/٠٧/١٠ "])
def test_the_fiftieth_meeting(text):
    assert parse_date(text) == dt.date(2018, 10, 2)


def test_leap_day_exists_and_the_next_does_not():
    assert parse_date("1403/12/30") == dt.date(2025, 3, 20)
    with pytest.raises(BadDate, match="does not exist"):
        parse_date("1403/12/31")
    with pytest.raises(BadDate, match="does not exist"):
        parse_date("1404/12/30")  # 1404 is not a leap year


def test_not_a_date():
    with pytest.raises(BadDate, match="1397/07/10"):
        parse_date("tomorrow")
    assert parse_date("") is None


def test_format():
    assert to_jalali(dt.date(2025, 3, 20)) == "۱۴۰۳/۱۲/۳۰"
    assert to_jalali(dt.date(2018, 10, 2), persian_digits=False) == "1397/07/10"
    assert to_jalali(None) == ""
