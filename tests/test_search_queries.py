"""The search box's query (dash_search through dashboard/queries.py) against real PostGIS: Persian and
English, normalised (Arabic letters, ZWNJ, digits), ranked, limited, and within the caller's scope
(row-level security as regen_app included)."""

from __future__ import annotations

import pytest

from dashboard import queries, results
from dashboard.auth_seam import NotAllowed
from regen import queries as named
from regen.scope import ANONYMOUS, NATIONAL, Scope
from regen.text import search_key

TEHRAN = Scope(user="t", role="provincial", province="IR-23")
ISFAHAN = Scope(user="i", role="provincial", province="IR-10")
VIEWER = Scope(user="v", role="viewer")

KEYS = [
    ("كرج", "کرج"),
    ("کوره\u200cپزخانه", "کورهپزخانه"),
    ("کوره پزخانه", "کورهپزخانه"),
    ("آبادان", "ابادان"),
    ("Kohgiluyeh and Boyer-Ahmad", "kohgiluyehandboyerahmad"),
    ("  ", None),
    ("۱۲ مهر", "12مهر"),
]


@pytest.fixture
def world(world):
    """conftest's world, with names it lacks."""
    db = world
    # names the fixture lacks: a ZWNJ, an Arabic kaf and a Latin name that is a prefix of another
    db.execute(
        "INSERT INTO cities (code, province_code, name_fa, name_en, location, source) VALUES "
        "('KRJ', 'IR-30', 'کرج', 'Karaj', ST_SetSRID(ST_MakePoint(50.99, 35.83), 4326), 'test'),"
        "('KRJN', 'IR-30', 'کرجان', 'Karajan', ST_SetSRID(ST_MakePoint(50.9, 35.8), 4326), 'test'),"
        "('OLD', 'IR-23', 'نارمک کهنه', 'Old Narmak', ST_SetSRID(ST_MakePoint(51.3, 35.6), 4326), 'test')"
    )
    db.execute("UPDATE cities SET retired_at = now() WHERE code = 'OLD'")
    db.execute(
        "INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, source) VALUES "
        "('NZ', 'TEH', 'کوره\u200cپزخانه', 'Kureh Pazkhaneh', "
        " ST_Multi(ST_MakeEnvelope(51.46, 35.67, 51.47, 35.68, 4326)), 'test'),"
        "('NK', 'KRJ', 'مرکز كرج', 'Karaj centre', "
        " ST_Multi(ST_MakeEnvelope(50.98, 35.82, 50.99, 35.83, 4326)), 'test')"
    )
    results.clear_cache()
    return db


def found(db, scope, text, **kw):
    return [(r["kind"], r["code"]) for r in queries.search(db, scope, text, **kw)]


@pytest.mark.parametrize(("raw", "key"), KEYS)
def test_search_key_python_and_sql_agree(db, raw, key):
    assert search_key(raw) == key
    assert db.scalar("SELECT fa_search_key(%s)", (raw,)) == key


def test_stored_keys_are_the_function(world):
    assert world.scalar("SELECT search_key FROM cities WHERE code = 'KRJ'") == "کرج karaj"
    assert (
        world.scalar("SELECT search_key FROM neighborhoods WHERE code = 'NZ'") == "کورهپزخانه kurehpazkhaneh"
    )


def test_arabic_letters_find_persian_and_back(world):
    # «كرج» typed with an Arabic kaf finds the city spelled with a Persian one, and the reverse
    assert ("city", "KRJ") in found(world, NATIONAL, "كرج")
    assert ("neighborhood", "NK") in found(world, NATIONAL, "کرج")  # stored «مرکز كرج»
    assert found(world, NATIONAL, "كرج")[0] == ("city", "KRJ")


@pytest.mark.parametrize("typed", ["کوره\u200cپزخانه", "کوره پزخانه", "کورهپزخانه", "كوره پز"])
def test_with_or_without_zwnj(world, typed):
    assert found(world, NATIONAL, typed)[0] == ("neighborhood", "NZ")


def test_english_any_case(world):
    assert found(world, NATIONAL, "NARMAK")[:2] == [("neighborhood", "N2"), ("office", "O2")]
    assert ("neighborhood", "N3") in found(world, NATIONAL, "khak e sefid")  # «Khak-e Sefid»
    assert found(world, NATIONAL, "isfahan")[:2] == [("province", "IR-10"), ("city", "ISF")]


def test_results_carry_kind_parent_and_city(world):
    rows = {(r["kind"], r["code"]): r for r in queries.search(world, NATIONAL, "نارمک")}
    hood, office = rows["neighborhood", "N2"], rows["office", "O2"]
    assert (hood["parent_fa"], hood["parent_en"], hood["city_code"]) == ("تهران", "Tehran", "TEH")
    assert (office["parent_en"], office["city_code"], office["province_code"]) == ("Tehran", "TEH", "IR-23")
    city = next(r for r in queries.search(world, NATIONAL, "karaj") if r["code"] == "KRJ")
    assert (city["parent_fa"], city["parent_en"]) == ("البرز", "Alborz")
    province = queries.search(world, NATIONAL, "تهران")[0]
    assert (province["kind"], province["parent_fa"]) == ("province", None)


def test_whole_name_then_prefix_then_anywhere(world):
    # «کرج» is the whole name of KRJ, the start of KRJN («کرجان»), inside NK («مرکز كرج»)
    assert found(world, NATIONAL, "کرج") == [("city", "KRJ"), ("city", "KRJN"), ("neighborhood", "NK")]
    ranks = [r["rank"] for r in queries.search(world, NATIONAL, "کرج")]
    assert ranks == [0, 1, 2]
    # a whole name beats an earlier kind: the office «دفتر ری» holds «ری», the city is named «ری»
    assert found(world, NATIONAL, "ری")[0] == ("city", "RAY")


def test_limit(world):
    assert len(found(world, NATIONAL, "دفتر")) == 6  # the six offices
    assert found(world, NATIONAL, "دفتر", limit=2) == found(world, NATIONAL, "دفتر")[:2]
    assert len(found(world, NATIONAL, "دفتر", limit=500)) == 6  # at most 20 asked for, whatever comes


def test_short_retired_and_strange_input(world):
    assert found(world, NATIONAL, "ک") == []  # one letter: nothing asked
    assert found(world, NATIONAL, "\u200c\u200c") == [] and found(world, NATIONAL, None) == []
    assert ("city", "OLD") not in found(world, NATIONAL, "نارمک")  # retired
    assert found(world, NATIONAL, "%%") == [] and found(world, NATIONAL, "N_") == []  # taken literally
    assert found(world, NATIONAL, "'; DROP TABLE cities; --") == []
    assert world.scalar("SELECT count(*) FROM cities") > 0


def test_provincial_user_finds_only_its_province(world):
    assert found(world, TEHRAN, "جلفا") == []  # an Isfahan neighborhood and office
    assert found(world, TEHRAN, "isfahan") == []  # nor the province or the city
    assert found(world, TEHRAN, "karaj") == []  # Alborz
    assert ("office", "O2") in found(world, TEHRAN, "نارمک")
    assert {k for k, _ in found(world, ISFAHAN, "دفتر")} == {"office"}
    assert {c for _, c in found(world, ISFAHAN, "دفتر")} == {"O4", "O5"}
    assert ("office", "O4") in found(world, VIEWER, "جلفا")  # a viewer sees every province


def test_the_database_refuses_too(world):
    """The statement itself, with no province filter from the query layer, run as regen_app in a
    Tehran scope: row-level security and regen_app_sees_province keep Isfahan out."""
    rows = named.run("dash_search", world, scope=TEHRAN, text="دفتر", province=None, limit=20)
    assert rows and all(r["province_code"] == "IR-23" for r in rows)
    rows = named.run("dash_search", world, scope=TEHRAN, text="isfahan", province=None, limit=20)
    assert rows == []
    assert named.run("dash_search", world, scope=ANONYMOUS, text="دفتر", province=None, limit=20) == []


def test_signed_out_is_refused(world):
    with pytest.raises(NotAllowed):
        queries.search(world, ANONYMOUS, "تهران")


def test_trigram_index_answers(world):
    """The LIKE on a search key can be answered by the trigram index (the pattern is folded to a
    constant); with sequential scans priced out, the plan names the index."""
    with world.transaction() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(
            "EXPLAIN SELECT code FROM neighborhoods WHERE search_key LIKE search_contains(%s)", ("کوره",)
        )
        plan = "\n".join(r[0] if isinstance(r, tuple) else next(iter(r.values())) for r in cur.fetchall())
    assert "neighborhoods_search_trgm" in plan, plan
