"""Issue 12's crafted requests, each sent as an attacker would: copied cookies after sign-out, sign-in
floods and lock-outs from elsewhere, the refusals that must not tell names apart, the requests that
used to end in a 500, the sign-in redirect's `next=`, and Dash POSTs without an Origin. Flask's test
client against the real app and a real database (see tests/test_auth_http.py for the helpers)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time

import pytest

from regen import accounts
from tests import test_auth_http as base
from tests.auth_seed import PASSWORD
from tests.test_auth_http import csrf_of, multi_body, office_write, offices_read, post_callback, sign_in

app, client = base.app, base.client  # the same fixtures: a seeded world, REGEN_LOGIN_MAX_FAILURES=3

SIGNED_IN_ONLY = "/_dash-layout"


def sign_in_from(client, address, name, password=PASSWORD, next_="/"):
    env = {"REMOTE_ADDR": address}
    token = base.login_token(client, environ_base=env)
    form = {"name": name, "password": password, "csrf": token, "next": next_}
    return client.post("/login", data=form, environ_base=env)


def error_of(resp) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', resp.get_data(as_text=True), re.S)
    return found.group(1) if found else ""


def copy_of(app, client):
    """Gives a second client holding a copy of `client`'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie("regen_session")
    assert cookie is not None
    thief = app.server.test_client()
    thief.set_cookie("regen_session", cookie.value)
    return thief


# -- 2. sessions on the server ---------------------------------------------------------------------
def test_a_copied_cookie_dies_with_logout(app, client, db):
    assert sign_in(client, "teh").status_code == 302
    thief = copy_of(app, client)
    assert thief.get(SIGNED_IN_ONLY).status_code == 200
    token = csrf_of(client.get("/logout").get_data(as_text=True))
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert thief.get(SIGNED_IN_ONLY).status_code == 401
    assert post_callback(thief, offices_read("tehran")).status_code == 401
    assert post_callback(thief, office_write("of-teh")).status_code == 401
    assert db.query("SELECT ended_why FROM sessions")[0]["ended_why"] == "signed_out"


def test_sign_out_everywhere_ends_every_session_of_the_account_only(app, client, db):
    laptop, phone, other = client, app.server.test_client(), app.server.test_client()
    for c, name in ((laptop, "teh"), (phone, "teh"), (other, "nat")):
        assert sign_in(c, name).status_code == 302
    thief = copy_of(app, phone)
    page = laptop.get("/logout?everywhere=1").get_data(as_text=True)
    assert 'name="everywhere" value="1"' in page and "خروج از همه دستگاه‌ها" in page
    assert laptop.post("/logout", data={"csrf": csrf_of(page), "everywhere": "1"}).status_code == 302
    for c in (laptop, phone, thief):
        assert c.get(SIGNED_IN_ONLY).status_code == 401
    assert other.get(SIGNED_IN_ONLY).status_code == 200
    ended = db.query("SELECT account, ended_why FROM sessions ORDER BY id")
    assert [r["ended_why"] for r in ended if r["account"] == "teh"] == ["signed_out_everywhere"] * 2
    assert [r["ended_why"] for r in ended if r["account"] == "nat"] == [None]


def test_logout_needs_the_sessions_csrf_token(app, client):
    assert sign_in(client, "teh").status_code == 302
    assert client.post("/logout", data={"csrf": "forged", "everywhere": "1"}).status_code == 200  # the form
    assert client.get(SIGNED_IN_ONLY).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE users SET disabled = true WHERE name = 'teh'",
        "UPDATE users SET password_hash = '$argon2id$v=19$m=65536,t=3,p=4$x$y' WHERE name = 'teh'",
    ],
)
def test_a_password_change_or_disabling_ends_copied_cookies_even_by_hand(app, client, db, change):
    assert sign_in(client, "teh").status_code == 302
    thief = copy_of(app, client)
    db.execute(change)
    assert thief.get(SIGNED_IN_ONLY).status_code == 401
    db.execute("UPDATE users SET disabled = false WHERE name = 'teh'")  # the account comes back …
    assert thief.get(SIGNED_IN_ONLY).status_code == 401  # … its old sessions do not
    why = db.query("SELECT ended_why FROM sessions")[0]["ended_why"]
    assert why == ("disabled" if "disabled" in change else "password")


def test_the_cookie_carries_a_random_token_only(client, db):
    resp = sign_in(client, "teh")
    cookie = client.get_cookie("regen_session").value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie), cookie  # 32 random bytes, nothing else
    password_hash = db.query("SELECT password_hash FROM users WHERE name = 'teh'")[0]["password_hash"]
    old_fingerprint = hashlib.sha256(password_hash.encode()).hexdigest()[:16]
    for header in resp.headers.getlist("Set-Cookie"):
        assert "teh" not in header and old_fingerprint not in header and "IR-23" not in header
    stored = db.query("SELECT token_hash FROM sessions")[0]["token_hash"]
    assert bytes(stored) == hashlib.sha256(cookie.encode()).digest()  # the table keeps a digest only


def test_last_seen_moves_at_most_once_a_minute(client, db):
    assert sign_in(client, "teh").status_code == 302
    first = db.query("SELECT last_seen_at FROM sessions")[0]["last_seen_at"]
    for _ in range(3):
        assert client.get(SIGNED_IN_ONLY).status_code == 200
    assert db.query("SELECT last_seen_at FROM sessions")[0]["last_seen_at"] == first  # no write
    db.execute("UPDATE sessions SET last_seen_at = now() - interval '2 minutes'")
    aged = db.query("SELECT last_seen_at FROM sessions")[0]["last_seen_at"]
    resp = client.get(SIGNED_IN_ONLY)
    assert db.query("SELECT last_seen_at FROM sessions")[0]["last_seen_at"] > aged
    assert "regen_session=" in resp.headers.get("Set-Cookie", "")  # the browser's copy lives on too


@pytest.mark.parametrize("lang, words", [("fa", "خروج از همه دستگاه‌ها"), ("en", "Sign out everywhere")])
def test_the_header_offers_sign_out_everywhere(client, lang, words):
    sign_in(client, "nat")
    body = multi_body(
        ["root.dir", "root.lang", "header.children", "page.children", "db-retry.disabled"]
        + ["db-banner.style", "footer.children"],
        [("url", "pathname", "/about")],
        [("url", "search", f"?lang={lang}")],
    )
    header = json.dumps(post_callback(client, body).get_json()["response"]["header"], ensure_ascii=False)
    assert words in header and "/logout?everywhere=1" in header
    other = "Sign out everywhere" if lang == "fa" else "خروج از همه"
    assert other not in header


# -- 3. sign-in floods are throttled at once -----------------------------------------------------
def test_a_sign_in_flood_gets_429_at_once_and_signed_in_users_go_on(app, client, db, monkeypatch):
    monkeypatch.setenv("REGEN_LOGIN_MAX_FAILURES", "100")  # the address limit alone, here
    user = app.server.test_client()
    assert sign_in(user, "nat").status_code == 302
    flood = app.server.test_client()
    pauses = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    answers = [sign_in_from(flood, "10.0.0.9", f"guess{i}", "wrong password!").status_code for i in range(10)]
    assert answers == [401] * 10
    assert pauses == []  # no failure holds the worker (it slept 1 s each)
    resp = sign_in_from(flood, "10.0.0.9", "nat")  # even the right password: the address is throttled
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "60"
    assert "تلاش‌های ورود بسیار" in resp.get_data(as_text=True)
    flood.set_cookie("regen_lang", "en")
    english = sign_in_from(flood, "10.0.0.9", "nat").get_data(as_text=True)
    assert "Too many sign-in attempts" in english and "تلاش" not in english
    assert db.query("SELECT count(*) AS n FROM signin_attempts")[0]["n"] == 11  # a 429 writes nothing
    assert user.get(SIGNED_IN_ONLY).status_code == 200
    assert sign_in_from(app.server.test_client(), "10.0.0.10", "teh").status_code == 302  # elsewhere


def test_the_client_address_comes_from_trusted_proxies_only(db, monkeypatch, tmp_path):
    from dashboard.app import create_app
    from tests.auth_seed import seed

    seed(db)
    monkeypatch.setenv("REGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGEN_LOGIN_PER_MINUTE", "1")
    for hops, forwarded_counts in ((0, False), (1, True)):
        monkeypatch.setenv("REGEN_PROXY_HOPS", str(hops))
        c = create_app().server.test_client()
        db.execute("DELETE FROM signin_attempts")
        first = sign_in_from(c, "10.1.1.1", "nat", "wrong password!")
        assert first.status_code == 401
        token = csrf_of(c.get("/login").get_data(as_text=True))
        resp = c.post(
            "/login",
            data={"name": "nat", "password": PASSWORD, "csrf": token},
            environ_base={"REMOTE_ADDR": "10.1.1.1"},
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
        assert resp.status_code == (302 if forwarded_counts else 429), hops


# -- 4. no lock-out from elsewhere, one answer for every refusal -----------------------------------
def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, app):
    for _ in range(3):  # REGEN_LOGIN_MAX_FAILURES=3 in the fixture
        assert sign_in_from(client, "10.0.0.66", "teh", "wrong password!").status_code == 401
    assert sign_in_from(client, "10.0.0.66", "teh").status_code == 401  # locked for that address
    assert sign_in_from(app.server.test_client(), "10.0.0.7", "teh").status_code == 302  # not for hers


def test_every_refusal_reads_the_same_and_costs_one_hash_check(client, app, db, monkeypatch):
    checks = []

    class Counting:  # the real hasher, counting its checks
        def __init__(self, real):
            self.real = real

        def verify(self, password_hash, password):
            checks.append(password_hash)
            return self.real.verify(password_hash, password)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(accounts, "_hasher", Counting(accounts._hasher))
    for _ in range(3):
        sign_in_from(client, "10.0.0.66", "teh", "wrong password!")
    db.execute("UPDATE users SET disabled = true WHERE name = 'view'")
    cases = {
        "unknown name": ("nobody", "wrong password!"),
        "wrong password": ("nat", "wrong password!"),
        "locked for this address": ("teh", PASSWORD),
        "disabled account": ("view", PASSWORD),
    }
    answers = {}
    for case, (name, password) in cases.items():
        checks.clear()
        resp = sign_in_from(app.server.test_client(), "10.0.0.66", name, password)
        answers[case] = (resp.status_code, error_of(resp))
        assert len(checks) == 1, case  # one Argon2 check each: comparable time
    assert len(set(answers.values())) == 1, answers
    status, words = answers["unknown name"]
    assert status == 401 and "نادرست" in words and "قفل" not in words


def test_many_failures_on_one_account_leave_it_to_addresses_it_used(app, db, monkeypatch):
    monkeypatch.setenv("REGEN_LOGIN_ACCOUNT_PER_HOUR", "4")
    assert sign_in_from(app.server.test_client(), "10.0.0.7", "teh").status_code == 302  # her office
    for name in ("teh", "nobody"):  # an unknown name is throttled alike: no oracle either
        for i in range(4):
            resp = sign_in_from(app.server.test_client(), f"10.2.0.{i}", name, "wrong password!")
            assert resp.status_code == 401
        assert sign_in_from(app.server.test_client(), "10.2.0.99", name).status_code == 429
    assert sign_in_from(app.server.test_client(), "10.0.0.7", "teh").status_code == 302


# -- 5. no 500 from a crafted request ----------------------------------------------------------------
def callback(client, body=None, raw=None):
    headers = {"Origin": "http://localhost"}
    if raw is not None:
        return client.post(
            "/_dash-update-component", data=raw, content_type="application/json", headers=headers
        )
    return client.post("/_dash-update-component", json=body, headers=headers)


def login_token(client) -> str:
    return base.login_token(client)  # the form as a fresh tab gets it (a signed-in /login goes home)


def _without(key):
    body = offices_read("tehran")
    del body[key]
    return body


def _with(**changes):
    return {**offices_read("tehran"), **changes}


CRAFTED = {
    "NUL in /audit?code=": lambda c: c.get("/audit?code=a%00b"),
    "NUL in the sign-in name": lambda c: c.post(
        "/login", data={"name": "te\x00h", "password": "x" * 12, "csrf": login_token(c)}
    ),
    "CR/LF in a path before the redirect": lambda c: c.get("/x%0d%0aSet-Cookie:%20a=b"),
    "CR/LF in next= (GET)": lambda c: c.get("/login?next=/a%0d%0aX:%20y"),
    "CR/LF in next= (POST)": lambda c: c.post(
        "/login", data={"name": "nat", "password": PASSWORD, "next": "/a\r\nX: y", "csrf": login_token(c)}
    ),
    "Dash's own module": lambda c: c.get("/_dash-component-suites/dash/dash.py"),
    "a package's __init__": lambda c: c.get("/_dash-component-suites/dash/__init__.py"),
    "an unknown package": lambda c: c.get("/_dash-component-suites/nope/x.js"),
    "an unknown output id": lambda c: callback(
        c, _with(output="nope.children", outputs={"id": "nope", "property": "children"})
    ),
    "inputs missing": lambda c: callback(c, _without("inputs")),
    "inputs not a list": lambda c: callback(c, _with(inputs="x")),
    "inputs of numbers": lambda c: callback(c, _with(inputs=[1, 2])),
    "too few inputs": lambda c: callback(c, _with(inputs=offices_read("tehran")["inputs"][:1])),
    "state not a list": lambda c: callback(c, _with(state={"id": "x"})),
    "outputs of strings": lambda c: callback(c, _with(outputs=["x"])),
    "changedPropIds not a list": lambda c: callback(c, _with(changedPropIds=5)),
    "a list for a body": lambda c: callback(c, [1]),
    "not JSON": lambda c: callback(c, raw="{"),
    "a 5 MB body": lambda c: callback(c, raw=json.dumps(_with(pad="a" * 5_000_000))),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_requests_get_a_short_4xx_and_a_logged_reason(client, caplog, case):
    sign_in(client, "nat")
    with caplog.at_level(logging.WARNING, logger="dashboard.guard"):
        resp = CRAFTED[case](client)
    assert 400 <= resp.status_code < 500, (case, resp.status_code, resp.get_data(as_text=True)[:300])
    assert len(resp.get_data()) < 2000 and "Traceback" not in resp.get_data(as_text=True)
    assert any("refused" in r.getMessage() for r in caplog.records), case
    assert client.get(SIGNED_IN_ONLY).status_code == 200  # the session is untouched


def test_the_body_limit_is_a_setting(db, monkeypatch, tmp_path):
    from dashboard.app import create_app
    from tests.auth_seed import seed

    seed(db)
    monkeypatch.setenv("REGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGEN_MAX_BODY_KB", "2")
    c = create_app().server.test_client()
    sign_in(c, "nat")
    assert callback(c, offices_read("tehran")).status_code == 200
    assert callback(c, raw=json.dumps(_with(pad="a" * 3000))).status_code == 413


# -- the sign-in redirect and the Origin of Dash POSTs ----------------------------------------------
def test_next_keeps_every_parameter_through_sign_in(client):
    resp = client.get("/actions?lang=en&as_of=1402-01-01&agency=mrud")
    assert resp.status_code == 302
    login = client.get(resp.headers["Location"]).get_data(as_text=True)
    next_ = re.search(r'name="next" value="([^"]*)"', login).group(1).replace("&amp;", "&")
    assert next_ == "/actions?lang=en&as_of=1402-01-01&agency=mrud"
    token = csrf_of(login)
    resp = client.post("/login", data={"name": "nat", "password": PASSWORD, "csrf": token, "next": next_})
    assert resp.headers["Location"] == "/actions?lang=en&as_of=1402-01-01&agency=mrud"


def test_a_dash_post_without_origin_is_refused(client, db):
    sign_in(client, "teh")
    resp = client.post("/_dash-update-component", json=offices_read("tehran"))
    assert resp.status_code == 403
    assert post_callback(client, offices_read("tehran")).status_code == 200  # with the Origin it works


# -- 8. security headers -------------------------------------------------------------------------------
def test_security_headers_on_every_page_and_no_store_when_signed_in(client):
    sign_in(client, "nat")
    for resp in (client.get("/login"), client.get("/"), client.get(SIGNED_IN_ONLY), client.get("/audit")):
        h = resp.headers
        csp = dict(d.strip().split(" ", 1) for d in h["Content-Security-Policy"].split(";") if d.strip())
        assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
        assert csp["object-src"] == "'none'" and csp["form-action"] == "'self'"
        assert "unsafe-eval" not in h["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp["script-src"]  # Dash's inline scripts go by their hashes
        assert all(src in ("'self'", "'none'", "blob:", "'unsafe-inline'") or src.startswith("'sha256-")
                   for d, srcs in csp.items() if d != "img-src" for src in srcs.split())  # fmt: skip
        assert csp["img-src"] == "'self' data:"  # AG Grid's icons: images only, never scripts
        assert h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin" and "camera=()" in h["Permissions-Policy"]
        assert h["Cache-Control"] == "no-store"
    with client.get("/assets/style.css") as static:  # a file answer holds the file open until closed
        assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
        assert static.headers["X-Content-Type-Options"] == "nosniff"
