"""fa_normalize: the Persian search key, in SQL and in Python, on the cases real data brings."""

import pytest

from regen.text import fa_digits, fa_normalize, to_ascii_digits

CASES = [
    ("كرج", "کرج"),  # Arabic kaf
    ("علي آباد", "علی آباد"),  # Arabic yeh
    ("موسى", "موسی"),  # alef maksura
    ("۱۲۳", "123"),  # Persian digits
    ("١٢٣", "123"),  # Arabic-Indic digits
    ("می\u200cرود", "می رود"),  # ZWNJ = a space
    ("  می \u200c  رود ", "می رود"),  # runs of ZWNJ and spaces collapse
    ("تهـــران", "تهران"),  # tatweel
    ("خانۀ", "خانه"),  # heh with yeh above
    ("Tehran  County", "tehran county"),
    ("\u200f\u200e", None),  # nothing left: NULL
]


@pytest.mark.parametrize(("raw", "key"), CASES)
def test_python(raw, key):
    assert fa_normalize(raw) == key


def test_sql_matches_python(db):
    for raw, key in CASES:
        assert db.scalar("SELECT fa_normalize(%s)", (raw,)) == key, raw


def test_equal_keys_for_variants(db):
    assert db.scalar("SELECT fa_normalize('كرج') = fa_normalize('کرج')")
    assert db.scalar("SELECT fa_normalize('۱۲۳') = fa_normalize('123')")
    assert db.scalar("SELECT fa_normalize('نارمك\u200cشرقي') = fa_normalize('نارمک شرقی')")
    assert not db.scalar("SELECT fa_normalize('کرج') = fa_normalize('کرمان')")


def test_search_finds_either_spelling(db):
    db.execute(
        "INSERT INTO cities (code, province_code, name_fa, location) "
        "VALUES ('karaj', 'IR-30', 'کرج', ST_SetSRID(ST_MakePoint(50.99, 35.83), 4326))"
    )
    found = db.query("SELECT code FROM cities WHERE name_key = fa_normalize(%s)", ("كرج",))
    assert [r["code"] for r in found] == ["karaj"]


def test_digit_helpers():
    assert fa_digits("1403/12/30") == "۱۴۰۳/۱۲/۳۰"
    assert to_ascii_digits("۱۴۰۳/١٢/30") == "1403/12/30"
