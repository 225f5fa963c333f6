"""One frame for everything (issue 16, items 11 and 12), through the app's own HTTP answers and
callbacks over a real database: the sign-in and sign-out pages in one language, the name kept after a
wrong password, a signed-in user at /login sent home, a refusal with the way back to the user's own
province, the header's «data last changed» in Tehran time, and the about page's definitions — each
checked against what the SQL computes."""

# ruff: noqa: F811  (the fixtures imported from test_auth_http)
from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from dashboard.i18n import t
from regen.jalali import to_jalali
from regen.scope import NATIONAL
from regen.text import fa_digits
from tests.test_auth_http import (  # noqa: F401  (fixtures)
    PASSWORD,
    app,
    client,
    csrf_of,
    login_token,
    office_write,
    page_of,
    post_callback,
    sign_in,
)

PERSIAN = re.compile(r"[\u0600-\u06ff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def visible(html: str) -> str:
    """Gives the words a person reads on a small page: its text and its title, without tags and
    attribute values (the form's hidden token, class names)."""
    body = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", body)


def test_sign_in_page_in_one_language(client):
    fa = client.get("/login").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in fa
    assert t("si_title", "fa") in fa and not LATIN_WORD.search(visible(fa).replace("English", "")), visible(
        fa
    )
    en_resp = client.get("/login?lang=en")
    en = en_resp.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in en
    assert t("si_title", "en") in en and not PERSIAN.search(visible(en).replace("فارسی", "")), visible(en)
    assert client.get_cookie("regen_lang").value == "en"
    # the choice holds (the cookie): the wrong password's answer comes in English too
    form = {"name": "teh", "password": "wrong password!", "csrf": login_token(client), "next": ""}
    refused = client.post("/login", data=form).get_data(as_text=True)
    assert "Wrong name or password" in refused and not PERSIAN.search(visible(refused).replace("فارسی", ""))


def test_wrong_password_keeps_the_name(client):
    form = {"name": "teh", "password": "wrong password!", "csrf": login_token(client), "next": ""}
    resp = client.post("/login", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 401
    assert re.search(r'id="name"[^>]*value="teh"', page), page
    assert re.search(r'id="password"[^>]*autofocus', page)  # the cursor waits in the password box
    assert t("si_refused", "fa").split("،")[0] in page


def test_signed_in_user_at_login_goes_home(client):
    assert client.get("/login").status_code == 200
    sign_in(client, "teh")
    resp = client.get("/login")
    assert resp.status_code == 302 and resp.headers["Location"] == "/province/IR-23"
    resp = client.get("/login?next=/about")  # where a link pointed, when it says
    assert resp.status_code == 302 and resp.headers["Location"] == "/about"
    sign_in(client, "nat")
    assert client.get("/login").headers["Location"] == "/"


def test_sign_in_without_next_opens_the_home_view(client):
    form = {"name": "teh", "password": PASSWORD, "csrf": login_token(client), "next": ""}
    resp = client.post("/login", data=form)
    assert resp.status_code == 302 and resp.headers["Location"] == "/province/IR-23"


def test_sign_out_page_in_one_language(client):
    sign_in(client, "teh")
    fa = client.get("/logout").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in fa and t("so_submit", "fa") in fa
    assert not LATIN_WORD.search(visible(fa).replace("teh", ""))
    en = client.get("/logout?lang=en&everywhere=1").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in en and t("so_everywhere", "en") in en
    assert not PERSIAN.search(visible(en))
    token = csrf_of(en)
    assert client.post("/logout", data={"csrf": token, "everywhere": "1"}).status_code == 302


def test_every_view_declares_its_language_on_html(client):
    sign_in(client, "nat")
    for path in ("/", "/about", "/audit", "/province/IR-23"):
        assert '<html lang="fa" dir="rtl">' in client.get(path).get_data(as_text=True), path
        assert '<html lang="en" dir="ltr">' in client.get(path + "?lang=en").get_data(as_text=True), path
    # the cookie an English choice leaves (the router sets it): English without ?lang=
    client.set_cookie("regen_lang", "en")
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in client.get("/?lang=fa").get_data(as_text=True)


def test_refusal_offers_the_way_back_to_the_own_province(client):
    sign_in(client, "teh")
    page = page_of(client, "/province/IR-10")
    assert t("not_your_province", "fa") in page
    assert '"id": "way-back"' in page and '"href": "/province/IR-23"' in page
    assert t("back_to_own", "fa").format(name="تهران") in page
    assert "جلفا" not in page  # nothing of the refused province's detail


def test_the_badge_names_the_provincial_account_s_province_in_the_page_s_language(client):
    """The header's account badge, «خروج (teh · تهران)»: the province by its name, never its code."""

    def badge(search: str = "") -> str:
        found, todo = [], [json.loads(page_of(client, "/", search))["response"]["header"]["children"]]
        while todo:
            c = todo.pop()
            if isinstance(c, list):
                todo += c
            elif isinstance(c, dict):
                props = c.get("props", {})
                found += [props] if props.get("className") == "logout-link" else []
                todo.append(props.get("children"))
        (props,) = found  # its words as they read: «خروج (teh · تهران)»
        return "".join(c if isinstance(c, str) else c["props"]["children"] for c in props["children"])

    sign_in(client, "teh")
    for search, name in (("", "تهران"), ("?lang=en", "Tehran")):
        text = badge(search)
        assert f"teh · {name}" in text and "IR-23" not in text, text
    sign_in(client, "nat")  # a national account has no province to name
    assert badge("?lang=fa") == f"{t('sign_out', 'fa')} (nat)"


def test_provincial_national_view_links_only_its_own_province(client):
    sign_in(client, "teh")
    page = page_of(client, "/")
    assert "(/province/IR-23" in page and "(/province/IR-10" not in page
    sign_in(client, "nat")
    page = page_of(client, "/")
    assert "(/province/IR-23" in page and "(/province/IR-10" in page


def test_header_says_when_the_data_last_changed_in_tehran_time(client, db):
    sign_in(client, "teh")
    post_callback(client, office_write("of-teh", "active"))
    at = db.query("SELECT max(at) AS at FROM data_changes")[0]["at"]
    local = at.astimezone(ZoneInfo("Asia/Tehran"))
    assert local.utcoffset() == dt.timedelta(hours=3, minutes=30)  # Iran keeps no summer time since 2022
    day = to_jalali(local.date())  # Persian digits
    clock = fa_digits(local.strftime("%H:%M"))
    page = page_of(client, "/")
    assert f"{day} {clock} به وقت تهران" in page, page[:600]
    assert '"id": "data-changed"' in page


def test_about_defines_the_numbers(client):
    sign_in(client, "nat")
    page = page_of(client, "/about")
    for key in ("def_covered", "def_cov_count", "def_cov_area", "def_cov_pop", "def_handover", "def_overdue"):
        assert t(key, "fa") in page, key


def _city(db, day: str, code: str = "tehran") -> dict:
    row = db.query(
        "SELECT * FROM coverage_by_city(%(d)s) JOIN handover_by_city(%(d)s) USING (city_code, province_code)"
        " WHERE city_code = %(c)s",
        {"d": day, "c": code},
        scope=NATIONAL,
    )
    return row[0]


def test_the_definitions_say_what_the_sql_computes(db):
    """What the about page says, tried on the seeded world: Tehran's one neighborhood (population 1000)
    is served by one facilitation office, established on 2020-01-01."""
    from tests.auth_seed import seed

    seed(db)
    # established: not covered yet; in the handover's denominator
    r = _city(db, "2021-01-01")
    assert (r["neighborhoods"], r["covered"], r["coverage_count_pct"]) == (1, 0, 0)
    assert r["coverage_area_pct"] is None and r["coverage_population_pct"] is None  # a city: blank
    assert r["handover_pct"] == 0
    db.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES"
        " ('of-teh', 'active', '2021-03-01'), ('of-teh', 'handed_over', '2022-03-01'),"
        " ('of-teh', 'closed', '2023-03-01')"
    )
    r = _city(db, "2021-06-01")  # active: covered, by count, area and known population
    assert (r["covered"], r["coverage_count_pct"], r["coverage_area_pct"]) == (1, 100, 100)
    assert r["coverage_population_pct"] == 100 and r["handover_pct"] == 0
    r = _city(db, "2022-06-01")  # handed over: still covered; handed over of established+active+handed over
    assert r["covered"] == 1 and r["handover_pct"] == 100
    r = _city(db, "2023-06-01")  # closed: covers no one, out of the handover's denominator
    assert r["covered"] == 0 and r["handover_pct"] is None
    # population: only neighborhoods whose population is recorded count, on both sides
    db.execute("UPDATE neighborhoods SET population = NULL WHERE code = 'nb-teh'")
    r = _city(db, "2021-06-01")
    assert r["covered"] == 1 and r["coverage_population_pct"] is None
    # a province: sums of its cities; no covered neighborhood is 0, not blank
    p = db.query(
        "SELECT * FROM coverage_by_province(%(d)s) WHERE province_code = 'IR-10'", {"d": "2021-06-01"}
    )
    assert p[0]["coverage_area_pct"] == 0


def test_overdue_is_past_due_and_neither_done_nor_cancelled(db):
    from tests.auth_seed import seed

    seed(db)
    db.execute("UPDATE actions SET due_on = '2021-01-10' WHERE code = 'ac-teh'")

    def overdue(day: str) -> int:
        rows = db.query(
            "SELECT coalesce(sum(overdue), 0)::int AS n FROM action_overdue_days"
            " WHERE province_code = 'IR-23' AND valid @> %(d)s::date",
            {"d": day},
        )
        return rows[0]["n"]

    assert overdue("2021-01-10") == 0  # due that day: not yet
    assert overdue("2021-01-11") == 1  # the day after, still open
    db.execute(
        "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('ac-teh', 'done', '2021-02-01')"
    )
    assert overdue("2021-01-31") == 1 and overdue("2021-02-01") == 0  # done: no longer
