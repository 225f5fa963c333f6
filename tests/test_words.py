"""Words in one language at a time, without a browser: every refusal's key has words in both
languages, regen.progress carries no words of its own, times are Tehran's, and Persian text gets
Persian digits with letter numbers kept in their order (issue 16, items 2 and 3)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.auth_seam import NotAllowed, NotFound
from dashboard.pages.common import place_template
from dashboard.record import refusal
from regen.progress import RecordRefused

ROOT = Path(__file__).parent.parent
PERSIAN = re.compile(r"[\u0600-\u06ff]")


def test_progress_has_no_words_of_its_own_and_every_reason_has_words():
    source = (ROOT / "regen/progress.py").read_text(encoding="utf-8")
    assert not PERSIAN.search(source)  # no bilingual messages: the dashboard says them
    keys = set(re.findall(r'"(rf_\w+)"', source)) | {
        f"rf_choose_{x}"
        for x in ("office", "action", "state", "status")  # progress._change's
    }
    assert len(keys) >= 15
    missing = [k for k in keys if not i18n.known(k)]
    assert missing == []


@pytest.mark.parametrize(
    "err, fa, en",
    [
        (
            RecordRefused("rf_choose_office"),
            "ثبت نشد: دفتر را انتخاب کنید.",
            "Not recorded: choose an office.",
        ),
        (
            RecordRefused("rf_too_long", field="note", limit=2000),
            "ثبت نشد: «یادداشت» بیش از ۲٬۰۰۰ نویسه است.",
            "Not recorded: Note is longer than 2,000 characters.",
        ),
        (
            RecordRefused("rf_future", day=dt.date(2025, 3, 21)),
            "ثبت نشد: تاریخ ۱۴۰۴/۰۱/۰۱ در آینده است.",
            "Not recorded: the date 1404/01/01 is in the future.",
        ),
        (
            RecordRefused("rf_db_scope", detail="office X is not in your scope"),
            "ثبت نشد: این مورد در محدوده حساب شما نیست.",
            "Not recorded: office X is not in your scope.",
        ),
    ],
)
def test_a_refusal_is_said_in_one_language(err, fa, en):
    assert (refusal(err, "fa"), refusal(err, "en")) == (fa, en)
    assert not re.search(r"[A-Za-z]{2,}", refusal(err, "fa").replace("X", ""))
    assert not PERSIAN.search(refusal(err, "en"))


def test_refusals_and_not_found_in_the_page_language():
    err = NotAllowed("not_your_province")
    assert str(err) == err.words("en") and PERSIAN.search(err.words("fa"))
    gone = NotFound("city", "gn-1")
    assert gone.words("fa") == "شهری با کد «gn-1» وجود ندارد."
    assert gone.words("en") == "There is no city with the code «gn-1»."


def test_times_are_tehrans_with_persian_digits():
    at = dt.datetime(2026, 12, 1, 23, 49, tzinfo=dt.UTC)  # 03:19 the next day in Tehran (UTC+3:30)
    assert i18n.moment(at, "fa") == "۱۴۰۵/۰۹/۱۱ ۰۳:۱۹"
    assert i18n.moment(at, "en") == "1405/09/11 03:19"


def test_letter_numbers_keep_their_order_and_get_persian_digits():
    assert i18n.letter_no("2940/ش/1403", "fa") == "\u2066۲۹۴۰/\u200eش/\u200e۱۴۰۳\u2069"
    assert i18n.letter_no("2940/ش/1403", "en") == "2940/ش/1403"  # a code, as written
    assert i18n.free_text("نامه شماره 1105/د/1397 و 3 پیوست", "fa") == (
        "نامه شماره \u2066۱۱۰۵/\u200eد/\u200e۱۳۹۷\u2069 و ۳ پیوست"
    )


def test_a_hover_says_covered_of_all_not_a_fraction():
    assert "%{customdata[0]} از %{customdata[1]}" in place_template("fa")
    assert "%{customdata[0]} of %{customdata[1]}" in place_template("en")
    assert "}/%{" not in place_template("fa")
