"""ETL rejection reasons in the data view's language (issue 16, item 2): the loaders record a reason
key and its values beside the English reason, migration 0170 gives the reasons recorded before it
their keys, and every key has words that name what is wrong and what to do in Persian and English,
with no word of the other script."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dashboard.i18n import _WORDS, t
from dashboard.pages.data import field, reason
from etl.load_tables import load_table
from regen.db import Database
from regen.migrate import MIGRATIONS_DIR, migrate
from tests.test_load_tables import write_csv

ROOT = Path(__file__).resolve().parents[1]
CONVERSION = MIGRATIONS_DIR / "0170_reject_reason_keys.sql"
KEYS = sorted(set(re.findall(r"'(\w+)', ARRAY\[", CONVERSION.read_text())))
# What either language may show as it is (as tests/test_words_browser.py): codes in capitals.
CODES = re.compile(r"\b[A-Z][A-Z0-9_.-]*(?![\w.])")
LATIN, PERSIAN, DIGIT = re.compile(r"[A-Za-z]{2,}"), re.compile(r"[\u0600-\u06ff]"), re.compile(r"[0-9]")


def foreign(text: str, lang: str) -> list[str]:
    if lang == "fa":
        rest = CODES.sub("", text)
        return LATIN.findall(rest) + DIGIT.findall(rest)
    return PERSIAN.findall(text)


def test_every_key_the_loaders_write_has_words_in_both_languages():
    source = "\n".join(p.read_text() for p in (ROOT / "etl").glob("*.py"))
    written = set(re.findall(r'"(\w+)"', source))
    missing = [k for k in KEYS if k not in written]
    assert missing == [], f"keys the migration knows but no loader writes: {missing}"
    assert sorted(k[3:] for k in _WORDS if k.startswith("rj_") and k != "rj_other") == KEYS
    for key in [*KEYS, "other"]:
        for lang in ("fa", "en"):
            words = t(f"rj_{key}", lang)
            shown = re.sub(r"\{\w+\}", "", words)
            assert foreign(shown, lang) == [], (key, lang, words)


def test_the_data_view_fills_the_words_with_the_values_in_the_page_language():
    row = {
        "reason_key": "code_again",
        "reason_values": {"code": "THR-12", "first": 3},
        "reason": "code «THR-12» appears again (first on row 3)",
    }
    # a code stays as the file wrote it (isolated left to right), a number gets Persian digits
    assert (
        reason(row, "fa") == "کد «\u2066THR-12\u2069» دوباره آمده است (نخستین بار در ردیف ۳): هر کد یک بار."
    )
    assert reason(row, "en") == "Code «THR-12» appears again (first on row 3): give each code once."
    level = {"reason_key": "outside_parent", "reason_values": {"level": "city", "code": "TEH"}, "reason": ""}
    assert reason(level, "fa") == "این مرز بیرون از شهر خود (\u2066TEH\u2069) است: شهر یا مرز را درست کنید."
    # a value the words name but the row lacks shows a dash; an unknown reason a general sentence
    assert "«—»" in reason({"reason_key": "not_number", "reason_values": None, "reason": "x"}, "fa")
    old = {"reason_key": None, "reason_values": None, "reason": "something the loaders once wrote"}
    assert reason(old, "fa") == t("rj_other", "fa")
    assert reason(old, "en") == "something the loaders once wrote"


BAD_CITIES = [
    ["code", "name_fa", "name_en", "province", "lat", "lon", "population"],
    ["karaj", "کرج", "Karaj", "IR-30", "35.8355", "51.0103", "1592492"],
    ["qom", "قم", "Qom", "ناکجاآباد", "34.6401", "50.8764", "1201158"],
    ["shiraz", "", "Shiraz", "فارس", "29.6100", "52.5311", "1565572"],
    ["yazd", "یزد", "Yazd", "یزد", "سی", "54.3675", "529673"],
    ["karaj", "کرج", "Karaj", "IR-30", "35.8355", "51.0103", "1592492"],
]


def test_loaders_record_the_reason_key_and_values(db, tmp_path):
    report = load_table(db, "cities", write_csv(tmp_path / "cities.csv", BAD_CITIES), max_rejects=10)
    assert report.rejected == 4
    rows = db.query(
        "SELECT row_no, field, reason, reason_key, reason_values FROM etl_rejects"
        " WHERE run_id = %s ORDER BY row_no",
        (report.run_id,),
    )
    got = [(r["row_no"], r["field"], r["reason_key"], r["reason_values"]) for r in rows]
    assert got == [
        (2, "province", "unknown_province", {"value": "ناکجاآباد"}),
        (3, "name_fa", "no_name_fa", None),
        (4, "lat", "not_number", {"value": "سی"}),
        (5, "code", "code_again", {"code": "karaj", "first": 1}),
    ]
    assert rows[0]["reason"].startswith("unknown province «ناکجاآباد»")  # the CLI's English stays
    assert reason(rows[2], "fa") == "«سی» عدد نیست: عدد بنویسید."
    assert [field("cities", r["field"], "fa") for r in rows] == ["استان", "نام", "عرض جغرافیایی", "کد"]
    assert field("cities", "lat", "en") == "lat" and field("boundaries", "NAME_1", "fa") == "NAME_1"
    assert reason(rows[2], "en") == "«سی» is not a number: write a number."


# Reasons as the loaders wrote them before 0170, each with the key and values it must get.
OLD = [
    ("«abc» is not a number", "not_number", {"value": "abc"}),
    ("unknown province «ناکجا»: give its code (IR-00 … IR-30) or its name", "unknown_province",
     {"value": "ناکجا"}),
    ("code «N-1» appears again (first on row 4)", "code_again", {"code": "N-1", "first": "4"}),
    ("lat 51.3 / lon 35.7 look swapped (Iran is at 44–64° E, 25–40° N)", "lat_lon_swapped",
     {"lat": "51.3", "lon": "35.7"}),
    ("status done of 1403/05/01 is older than the recorded status open of 1403/06/01; the file is out of "
     "date for this action", "status_older",
     {"status": "done", "day": "1403/05/01", "recorded": "open", "recorded_day": "1403/06/01"}),
    ("1405/01/01 is in the future", "in_future", {"day": "1405/01/01"}),
    ("it lies outside every city", "outside_every", {"level": "city"}),
    ("it lies outside every province (no province has a boundary yet: load them first, or give "
     "--province / --parent-field)", "outside_every_unloaded", {"level": "province"}),
    ("no geometry", "no_geometry", None),
    ("the database refused the row: value too long", "db_refused", {"detail": "value too long"}),
    ("a reason nobody wrote", None, None),
]  # fmt: skip


@pytest.fixture
def before_0170(empty_db_url, tmp_path):
    """Gives a database migrated up to the migration before 0170, and the folder with 0170 back in."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    later = [p for p in folder.glob("*.sql") if p.name >= CONVERSION.name]
    kept = {p: p.read_text() for p in later}
    for p in later:
        p.unlink()
    db = Database(empty_db_url)
    migrate(db, folder)
    for p, text in kept.items():
        p.write_text(text)
    yield db, folder
    db.close()


def test_migration_gives_the_recorded_reasons_their_keys(before_0170):
    db, folder = before_0170
    run = db.scalar(
        "INSERT INTO etl_runs (kind, file, checksum) VALUES ('cities', '/data/cities.csv', 'x') RETURNING id"
    )
    for i, (text, _, _) in enumerate(OLD, start=1):
        db.execute("INSERT INTO etl_rejects (run_id, row_no, reason) VALUES (%s, %s, %s)", (run, i, text))
    assert CONVERSION.name in migrate(db, folder)
    rows = db.query("SELECT reason, reason_key, reason_values FROM etl_rejects ORDER BY row_no")
    assert [(r["reason"], r["reason_key"], r["reason_values"]) for r in rows] == OLD
