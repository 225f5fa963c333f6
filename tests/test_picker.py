"""The as-of calendar's Python (dashboard/picker.py): Jalali month grids, season and year ends, presets.
Days are checked against regen.jalali.parse_date, the one parser every typed day goes through."""

from __future__ import annotations

import datetime as dt

from dashboard import picker
from dashboard.i18n import t
from regen.jalali import parse_date


def j(text: str) -> dt.date:
    return parse_date(text)


def test_month_end_knows_leap_years():
    assert picker.month_end(1403, 12) == j("1403/12/30")  # 1403 is leap (the official table)
    assert picker.month_end(1404, 12) == j("1404/12/29")
    assert picker.month_end(1403, 12) + dt.timedelta(days=1) == j("1404/01/01")
    assert picker.month_end(1402, 6) == j("1402/06/31")
    assert picker.month_end(1402, 7) == j("1402/07/30")


def test_period_ends_within_the_data_span_newest_first():
    ends = picker.period_ends(j("1396/10/11"), j("1398/01/12"))
    assert [(d, kind, y, q) for d, kind, y, q in ends] == [
        (j("1397/12/29"), "year", 1397, 4),
        (j("1397/09/30"), "quarter", 1397, 3),
        (j("1397/06/31"), "quarter", 1397, 2),
        (j("1397/03/31"), "quarter", 1397, 1),
        (j("1396/12/29"), "year", 1396, 4),
    ]
    assert picker.period_ends(None, j("1398/01/12")) == []
    assert picker.period_ends(j("1398/01/13"), j("1398/01/12")) == []


def test_presets_today_meetings_then_period_ends_one_per_day():
    today = j("1397/07/20")
    meetings = [{"number": 50, "held_on": j("1397/07/10")}, {"number": 51, "held_on": j("1397/08/01")}]
    fa = picker.presets(today, j("1397/05/01"), meetings, "fa")
    assert [o["value"] for o in fa] == [today.isoformat(), "2018-10-02", j("1397/06/31").isoformat()]
    assert fa[0]["label"] == f"{t('pk_today', 'fa')} — ۱۳۹۷/۰۷/۲۰"
    assert fa[1]["label"] == "جلسهٔ ۵۰ ستاد — ۱۳۹۷/۰۷/۱۰"  # the meeting still to come is left out
    assert fa[2]["label"] == "پایان فصل ۲ سال ۱۳۹۷ — ۱۳۹۷/۰۶/۳۱"
    en = picker.presets(today, j("1397/05/01"), meetings, "en")
    assert [o["label"] for o in en] == [
        "Today — 1397/07/20",
        "HQ meeting 50 — 1397/07/10",
        "End of season 2 of 1397 — 1397/06/31",
    ]
    # a meeting on a season's end is one option, named for the meeting
    same = picker.presets(today, j("1397/05/01"), [{"number": 49, "held_on": j("1397/06/31")}], "en")
    assert [o["label"] for o in same][1:] == ["HQ meeting 49 — 1397/06/31"]


def test_month_grid_saturday_first_persian_digits_no_future_days():
    today = j("1405/09/10")
    cells = picker.month_days(1405, 9, today, today, "fa", "nat")
    heads, rest = cells[:7], cells[7:]
    assert [h.children for h in heads] == t("pk_weekdays", "fa").split()
    blanks = [c for c in rest if c.className == "pk-blank"]
    days = [c for c in rest if c.className != "pk-blank"]
    assert len(blanks) == 1  # 1 Azar 1405 is a Sunday: Saturday's cell is empty
    assert len(days) == 30 and days[0].children == "۱" and days[-1].children == "۳۰"
    assert days[9].id["d"] == today.isoformat() and "chosen" in days[9].className
    assert days[9].disabled is False and all(d.disabled for d in days[10:])
    assert days[0].title == "۱۴۰۵/۰۹/۰۱"
    en = picker.month_days(1403, 12, today, today, "en", "nat")
    assert [c.children for c in en if getattr(c, "className", "").startswith("pk-day")][-1] == "30"
    assert picker.month_title(1403, 12, "en") == "Esfand 1403"
    assert picker.month_title(1403, 12, "fa") == "اسفند ۱۴۰۳"
