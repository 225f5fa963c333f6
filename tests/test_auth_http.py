"""Sign-in and scope over HTTP: the gate in front of every route, sessions, lock-out, and Dash
callbacks crafted by hand (read and write, in and out of scope). Most tests use Flask's test client
against the real app and a real database; `test_real_http_server` runs a real server on a port."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from dashboard.app import create_app
from regen.jalali import to_jalali
from tests.auth_seed import PASSWORD, counts, seed

INJECTIONS = ["'; DROP TABLE offices; --", "%' OR '1'='1", "<script>alert(1)</script>"]


@pytest.fixture
def app(db, monkeypatch, tmp_path):
    seed(db)
    monkeypatch.setenv("REGEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGEN_LOGIN_MAX_FAILURES", "3")
    return create_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login_token(client, **kwargs) -> str:
    """Gives the sign-in form's CSRF token as a fresh tab gets it: a signed-in browser asking for /login
    is sent on to its home view, so the session cookie is set aside for that request."""
    held = client.get_cookie("regen_session")
    if held:
        client.delete_cookie("regen_session")
    token = csrf_of(client.get("/login", **kwargs).get_data(as_text=True))
    if held:
        client.set_cookie("regen_session", held.value)
    return token


def sign_in(client, name, password=PASSWORD):
    token = login_token(client)
    return client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})


def callback_body(
    output: str, inputs: list[tuple[str, str, object]], state: list[tuple[str, str, object]] = ()
):
    out_id, prop = output.split(".")
    return {
        "output": output,
        "outputs": {"id": out_id, "property": prop},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }


def offices_read(city):
    return callback_body(
        "record-office.options", [("record-city", "data", city), ("record-office-msg", "children", None)]
    )


def office_write(office, state="active", on="1400/01/01", letter=None, note=None):
    return callback_body(
        "record-office-msg.children",
        [("record-office-submit", "n_clicks", 1)],
        [
            ("record-office", "value", office),
            ("record-office-state", "value", state),
            ("record-office-date", "value", on),
            ("record-office-letter", "value", letter),
            ("record-office-note", "value", note),
        ],
    )


def action_write(action, status="done", on="1400/01/01", evidence="letter 12"):
    return callback_body(
        "record-action-msg.children",
        [("record-action-submit", "n_clicks", 1)],
        [
            ("record-action", "value", action),
            ("record-action-status", "value", status),
            ("record-action-date", "value", on),
            ("record-action-evidence", "value", evidence),
        ],
    )


def post_callback(client, body, **headers):
    headers.setdefault("Origin", "http://localhost")  # as a browser sends it (the test client's host)
    return client.post("/_dash-update-component", json=body, headers=headers)


def result(resp) -> object:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    response = resp.get_json()["response"]
    (only,) = response.values()
    (value,) = only.values()
    return value


def text_of(component) -> str:
    return json.dumps(component, ensure_ascii=False)


# -- the gate ---------------------------------------------------------------------------------------
def test_everything_but_login_and_static_needs_a_session(client):
    assert client.get("/").status_code == 302
    assert client.get("/").headers["Location"] == "/login?next=%2F"
    assert client.get("/some/page").status_code == 302
    assert client.get("/audit").status_code == 302
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        assert client.get(path).status_code == 401, path
    assert post_callback(client, offices_read("tehran")).status_code == 401
    assert post_callback(client, office_write("of-teh")).status_code == 401
    assert client.get("/login").status_code == 200
    assert client.get("/_favicon.ico").status_code == 200
    suites = [r.rule for r in client.application.url_map.iter_rules() if "component-suites" in r.rule]
    assert suites  # Dash's JS bundles: static, served without a session
    assert (
        client.get(
            "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v1_0_0m1.min.js"
        ).status_code
        != 401
    )


def test_wrong_password_refused_right_password_accepted(client, db):
    resp = sign_in(client, "teh", "wrong password!")
    assert resp.status_code == 401
    assert "نادرست" in resp.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    assert sign_in(client, "nobody", PASSWORD).status_code == 401
    resp = sign_in(client, "teh")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/_dash-layout").status_code == 200
    outcomes = [r["outcome"] for r in db.query("SELECT outcome FROM signin_attempts ORDER BY id")]
    assert outcomes == ["wrong", "wrong", "ok"]


def test_login_form_needs_its_csrf_token(client):
    resp = client.post("/login", data={"name": "teh", "password": PASSWORD, "csrf": "forged"})
    assert resp.status_code == 400
    assert client.get("/_dash-layout").status_code == 401


def test_next_cannot_leave_the_site(client):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    resp = client.post(
        "/login", data={"name": "nat", "password": PASSWORD, "csrf": token, "next": "//evil.example/x"}
    )
    assert resp.headers["Location"] == "/"


def test_lock_out_after_repeated_failures(client, db):
    for _ in range(3):
        assert sign_in(client, "teh", "wrong password!").status_code == 401
    resp = sign_in(client, "teh")  # the right password, too late
    assert resp.status_code == 401 and "نادرست" in resp.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    db.execute("UPDATE signin_attempts SET at = at - interval '16 minutes'")  # the lock's 15 minutes pass
    assert sign_in(client, "teh").status_code == 302


def test_session_expires_when_idle(client, db):
    assert sign_in(client, "teh").status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    db.execute("UPDATE sessions SET last_seen_at = now() - interval '7 hours'")  # used within 8 h
    assert client.get("/_dash-layout").status_code == 200
    db.execute("UPDATE sessions SET last_seen_at = now() - interval '8 hours 1 second'")
    assert client.get("/_dash-layout").status_code == 401
    assert post_callback(client, offices_read("tehran")).status_code == 401
    assert db.query("SELECT ended_why FROM sessions")[0]["ended_why"] == "idle"


def test_disabling_or_a_new_password_ends_sessions(client, db):
    from regen.accounts import disable_user, set_password

    assert sign_in(client, "teh").status_code == 302
    set_password(db, "teh", "another long password")
    assert client.get("/_dash-layout").status_code == 401
    assert sign_in(client, "teh", "another long password").status_code == 302
    disable_user(db, "teh")
    assert client.get("/_dash-layout").status_code == 401
    assert sign_in(client, "teh", "another long password").status_code == 401


def test_logout(client):
    assert sign_in(client, "nat").status_code == 302
    token = csrf_of(client.get("/logout").get_data(as_text=True))
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_cookie_flags(client, monkeypatch, db, tmp_path):
    resp = sign_in(client, "nat")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    monkeypatch.setenv("REGEN_COOKIE_SECURE", "1")
    secure = create_app().server.test_client()
    cookie = sign_in(secure, "nat").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    key = tmp_path / "secret_key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600


def test_cross_origin_callback_refused(client, db):
    sign_in(client, "nat")
    before = counts(db)
    resp = post_callback(client, office_write("of-teh"), Origin="http://evil.example")
    assert resp.status_code == 403
    assert counts(db) == before


# -- scope in callbacks --------------------------------------------------------------------------
def test_provincial_crafted_read_of_another_province_returns_nothing(client):
    sign_in(client, "teh")
    assert result(post_callback(client, offices_read("isfahan"))) == []
    mine = result(post_callback(client, offices_read("tehran")))
    assert [o["value"] for o in mine] == ["of-teh"]
    actions = callback_body(
        "record-action.options", [("record-city", "data", "isfahan"), ("record-action-msg", "children", None)]
    )
    assert result(post_callback(client, actions)) == []


def test_national_and_viewer_read_everywhere(client):
    for name in ("nat", "view"):
        sign_in(client, name)
        assert [o["value"] for o in result(post_callback(client, offices_read("isfahan")))] == ["of-isf"]


def test_provincial_crafted_write_in_another_province_refused(client, db):
    sign_in(client, "teh")
    before = counts(db)
    for body in (
        office_write("of-isf"),
        office_write("of-isf", "handed_over", letter="1/2"),
        action_write("ac-isf"),
        action_write("ac-nat"),
    ):
        message = text_of(result(post_callback(client, body)))
        assert "ثبت نشد" in message and "در محدوده حساب شما نیست" in message  # Persian only
        assert "not" not in message
    client.set_cookie("regen_lang", "en")  # the page's language, as the browser sends it
    for body in (office_write("of-isf"), action_write("ac-nat")):
        message = text_of(result(post_callback(client, body)))
        assert "Not recorded" in message and "not in your scope" in message and "ثبت" not in message
    assert counts(db) == before


def test_provincial_write_in_its_province_gives_one_audit_row(client, db):
    sign_in(client, "teh")
    before = counts(db)
    message = text_of(
        result(post_callback(client, office_write("of-teh", "active", "۱۴۰۰/۰۱/۰۱", note="باز شد")))
    )
    assert "ثبت شد" in message
    after = counts(db)
    assert (
        after["audit_log"] == before["audit_log"] + 1
        and after["office_states"] == before["office_states"] + 1
    )
    row = db.query("SELECT who, entity_code, after FROM audit_log")[0]
    assert row["who"] == "teh" and row["entity_code"] == "of-teh"
    assert row["after"]["began_on"] == "2021-03-21" and row["after"]["note"] == "باز شد"
    assert "ثبت شد" in text_of(result(post_callback(client, action_write("ac-teh"))))
    assert counts(db)["audit_log"] == before["audit_log"] + 2


def test_viewer_cannot_write(client, db):
    sign_in(client, "view")
    client.set_cookie("regen_lang", "en")
    before = counts(db)
    for body in (office_write("of-teh"), action_write("ac-teh"), action_write("ac-nat")):
        message = text_of(result(post_callback(client, body)))
        assert "role viewer may not record" in message
    assert counts(db) == before


@pytest.mark.parametrize(
    "body, refusal",
    [
        (office_write("of-teh", "active", "1300/01/01"), "before the office's previous state"),
        (
            office_write("of-teh", "active", to_jalali(dt.date.today() + dt.timedelta(days=2), False)),
            "future",
        ),
        (office_write("of-teh", "handed_over"), "letter number"),
        (office_write("of-teh", "active", "tomorrow"), "is not a date"),
        (office_write("of-teh", "active", "1400/13/40"), "does not exist"),
        (office_write("of-teh", "bogus"), "state must be one of"),
        (office_write("of-teh", "established"), "already established"),
        (office_write(["of-teh"]), "choose an office"),
        (office_write("of-teh", note="x" * 2001), "longer than 2,000"),
        (action_write("ac-teh", evidence=""), "evidence note is required"),
        (action_write("ac-teh", status="open"), "already open"),
    ],
)
def test_bad_values_refused_on_the_server(client, db, body, refusal):
    sign_in(client, "nat")
    client.set_cookie("regen_lang", "en")  # the refusals' English words name the detail
    before = counts(db)
    assert refusal in text_of(result(post_callback(client, body)))
    assert counts(db) == before


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_in_every_input_are_harmless(client, db, text):
    sign_in(client, text)  # as a user name
    sign_in(client, "teh")
    assert result(post_callback(client, offices_read(text))) == []
    before = counts(db)
    for body in (
        office_write(text),
        office_write("of-teh", text),
        office_write("of-teh", "active", text),
        action_write(text),
        action_write("ac-teh", text),
    ):
        assert "ثبت نشد" in text_of(result(post_callback(client, body)))
    assert counts(db) == before
    # as free text, stored verbatim
    assert "ثبت شد" in text_of(
        result(post_callback(client, office_write("of-teh", "handed_over", letter=text, note=text)))
    )
    assert "ثبت شد" in text_of(result(post_callback(client, action_write("ac-teh", evidence=text))))
    assert "audit-table" in audit_filtered(client, text, text)  # a subject or code of any text: no rows
    page = page_of(client, "/audit")
    # the letter and the note as they were typed, as strings of the page's JSON: React shows them as
    # text, never as markup
    assert page.count(json.dumps(text, ensure_ascii=False)[1:-1]) >= 2
    assert db.query("SELECT count(*) AS n FROM offices")[0]["n"] == 2
    assert counts(db)["audit_log"] == before["audit_log"] + 2


def audit_filtered(client, entity, code) -> str:
    """Gives the audit view's table as its filters' callback answers for a subject and a code."""
    body = callback_body(
        "audit-rows.children",
        [("audit-entity", "value", entity), ("audit-code", "value", code)],
        [("url", "search", "")],
    )
    return text_of(result(post_callback(client, body)))


def test_audit_page_follows_scope(client, db):
    sign_in(client, "nat")
    post_callback(client, office_write("of-isf", "active"))
    sign_in(client, "teh")
    post_callback(client, office_write("of-teh", "active"))
    page = page_of(client, "/audit")
    assert "of-teh" in page and "of-isf" not in page
    assert "of-isf" not in audit_filtered(client, "office_state", "of-isf")  # asking by code: the same
    sign_in(client, "isf")
    page = page_of(client, "/audit")
    assert "of-isf" in page and "of-teh" not in page
    for name in ("nat", "view"):
        sign_in(client, name)
        page = page_of(client, "/audit")
        assert "of-isf" in page and "of-teh" in page
        only = audit_filtered(client, "office_state", "of-teh")
        assert "of-teh" in only and "of-isf" not in only
        # by a part of the office's name, typed with an Arabic kaf: the same row, the name shown
        by_name = audit_filtered(client, None, "نارمك")
        assert "of-teh" in by_name and "دفتر نارمک" in by_name and "of-isf" not in by_name
    assert "of-teh" not in audit_filtered(client, "action_status", None)  # another subject


# -- real HTTP -----------------------------------------------------------------------------------
def test_real_http_server(app, db):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def post_json(body):
            req = urllib.request.Request(
                base + "/_dash-update-component",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Origin": base},
                method="POST",
            )
            try:
                with opener.open(req) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as e:
                return e.code, None

        assert post_json(offices_read("tehran"))[0] == 401
        with opener.open(base + "/login") as resp:
            token = csrf_of(resp.read().decode())
        form = urllib.parse.urlencode(
            {"name": "teh", "password": PASSWORD, "csrf": token, "next": "/"}
        ).encode()
        with opener.open(base + "/login", data=form) as resp:
            assert resp.status == 200 and resp.url == base + "/"
        assert any(c.name == "regen_session" and c.has_nonstandard_attr("HttpOnly") for c in jar)
        status, data = post_json(offices_read("isfahan"))
        assert status == 200 and data["response"]["record-office"]["options"] == []
        before = counts(db)
        status, data = post_json(office_write("of-isf"))
        assert status == 200 and "در محدوده حساب شما نیست" in text_of(data)  # the page's language
        assert counts(db) == before
        status, data = post_json(office_write("of-teh"))
        assert "ثبت شد" in text_of(data)
        assert counts(db)["audit_log"] == before["audit_log"] + 1
    finally:
        server.shutdown()
        thread.join(5)


# -- each role's views and exports through the dashboard's own callbacks -------------------------
def multi_body(outputs: list[str], inputs, state=()):
    body = callback_body(outputs[0], inputs, state)
    body["output"] = ".." + "...".join(outputs) + ".."
    body["outputs"] = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in outputs]
    return body


def page_of(client, path: str, search: str = "") -> str:
    body = multi_body(
        [
            "root.dir",
            "root.lang",
            "header.children",
            "page.children",
            "db-retry.disabled",
            "db-banner.style",
            "footer.children",
        ],
        [("url", "pathname", path)],
        [("url", "search", search)],
    )
    resp = post_callback(client, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return json.dumps(resp.get_json(), ensure_ascii=False)


def download_of(client, path: str, fmt: str = "csv") -> str:
    body = multi_body(
        ["download.data", "dl-msg.children"],
        [(f"dl-{fmt}", "n_clicks", 1), ("dl-xlsx", "n_clicks", None), ("dl-geojson", "n_clicks", None)],
        [("url", "pathname", path), ("url", "search", "")],
    )
    resp = post_callback(client, body)
    if resp.status_code != 200:
        return ""
    import base64

    data = (resp.get_json().get("response") or {}).get("download", {}).get("data")
    if not data:
        return json.dumps(resp.get_json(), ensure_ascii=False)
    content = data["content"]
    return base64.b64decode(content).decode("utf-8-sig") if data.get("base64") else content
