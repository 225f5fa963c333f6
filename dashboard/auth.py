"""Sign-in for the Dash server: the login page, sessions, and the gate in front of every route.

Deny by default: every path needs a signed-in session except the login page and static files
(`/assets/`, Dash's own JavaScript bundles under `/_dash-component-suites/`, the favicon). Dash's
`/_dash-layout`, `/_dash-dependencies` and `/_dash-update-component` are plain HTTP endpoints and need
a session like any page. Sessions live in PostgreSQL (regen/sessions.py): the cookie carries a random
token only. The user's scope comes from the session's account as it is now (read on every request)
and is put into `regen.db.request_scope`, so every transaction of the request runs as `regen_app`
with that scope, even one whose code forgot `scope=`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from dash import Dash
from flask import Flask, g, redirect, render_template_string, request

from dashboard import guard
from dashboard.i18n import t
from regen import accounts, progress, sessions
from regen import settings as settings_mod
from regen.db import get_db, request_scope
from regen.errors import RegenError
from regen.jalali import to_jalali
from regen.scope import ANONYMOUS, Scope

log = logging.getLogger(__name__)

_PUBLIC_PREFIXES = ("assets/", "_dash-component-suites/")
_PUBLIC_EXACT = ("login", "_favicon.ico", "favicon.ico")
SESSION_COOKIE = "regen_session"  # the session's random token, nothing else
LOGIN_COOKIE = "regen_login"  # a random value the sign-in form's CSRF token is bound to
_CONTROL = guard.CONTROL


def secret_key(data_dir: Path) -> str:
    """Gives REGEN_SECRET_KEY, else the key kept in data_dir/secret_key (created 0600 on first use).

    Created through a hard link, so that two workers starting together end up with the same key."""
    configured = settings_mod.get().secret_key
    if configured:
        return configured
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _safe_next(target: str | None) -> str:
    """Gives a local path to go to after signing in (never another site, never a control character)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if _CONTROL.search(target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _here() -> str:
    """Gives this request's path and query, percent-encoded, to come back to after signing in."""
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


@functools.cache
def _key(s: settings_mod.Settings) -> bytes:
    return secret_key(s.data_dir).encode()  # read once per process (per settings read)


def _csrf_for(purpose: str, value: str) -> str:
    """Gives the CSRF token of a form: an HMAC of a cookie's random value, so it needs no storage."""
    return hmac.new(_key(settings_mod.get()), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _csrf_ok(purpose: str, value: str | None) -> bool:
    sent = request.form.get("csrf", "")
    return bool(sent) and bool(value) and hmac.compare_digest(sent, _csrf_for(purpose, value))


def current_user_scope() -> Scope:
    """Gives the scope of this request's signed-in user (ANONYMOUS outside a signed-in request)."""
    return request_scope.get() or ANONYMOUS


def account_links(lang: str = "fa") -> list:
    """Gives the header's account links: the changes log, sign-out with the user's name, and sign-out
    everywhere (full page loads: they are Flask pages, not Dash views)."""
    from dash import html

    scope = current_user_scope()
    if scope.role == "anonymous":
        return []
    where = f" · {scope.province}" if scope.province else ""
    return [
        html.A(t("audit_link", lang), href="/audit", className="audit-link"),
        # the name isolated: a Latin name at the end of a Persian line would carry the brackets off
        html.A(
            [t("sign_out", lang), " (", html.Bdi(f"{scope.user}{where}"), ")"],
            href="/logout",
            className="logout-link",
        ),
        html.A(t("sign_out_all", lang), href="/logout?everywhere=1", className="logout-all-link"),
    ]


def _client_address() -> str:
    return request.remote_addr or "unknown"


def install(app: Dash) -> None:
    """Puts the sign-in gate, the login/logout pages and the audit page on the Dash app's server."""
    from dashboard.record import register_callbacks

    register_callbacks(app)
    server: Flask = app.server
    s = settings_mod.get()
    prefix = app.config.routes_pathname_prefix or "/"
    server.secret_key = secret_key(s.data_dir)
    idle_seconds = s.session_idle_minutes * 60
    cookie_args = {"httponly": True, "samesite": "Lax", "secure": s.cookie_secure, "path": prefix}

    def public(path: str) -> bool:
        if not path.startswith(prefix):
            return False
        rest = path[len(prefix) :]
        return rest in _PUBLIC_EXACT or rest.startswith(_PUBLIC_PREFIXES)

    @server.before_request
    def gate():
        g.regen_scope_token = request_scope.set(ANONYMOUS)
        if public(request.path):
            return None
        token = request.cookies.get(SESSION_COOKIE)
        found = sessions.current(get_db(start_embedded=False), token, settings_mod.get().session_idle_minutes)
        if found is None:
            g.regen_forget_cookie = bool(token)
            if request.method != "GET" or request.path.startswith(prefix + "_"):
                return guard.refuse(401, "no open session")
            return redirect(f"{prefix}login?{urlencode({'next': _here()})}")
        scope, touched = found
        g.regen_session, g.regen_touched = token, touched
        if request.method != "GET" and request.path.startswith(prefix + "_dash-"):
            # Dash posts JSON with an Origin header (every browser sends one on a POST); a cross-site
            # form can do neither, and SameSite=Lax keeps the cookie off it besides.
            if not request.is_json or not _same_origin():
                return guard.refuse(403, f"not a same-origin JSON request (user {scope.user})")
            if request.path == prefix + "_dash-update-component":
                problem = guard.callback_problem(app)
                if problem:
                    return guard.refuse(400, f"{problem} (user {scope.user})")
        request_scope.reset(g.pop("regen_scope_token"))
        g.regen_scope_token = request_scope.set(scope)
        return None

    @server.after_request
    def cookies(response):
        if g.get("regen_forget_cookie"):
            response.delete_cookie(SESSION_COOKIE, path=prefix)
        elif g.get("regen_touched"):  # once a minute: the browser keeps the cookie as long as the server
            response.set_cookie(SESSION_COOKIE, g.regen_session, max_age=idle_seconds, **cookie_args)
        return response

    @server.teardown_request
    def _end(_exc):
        token = g.pop("regen_scope_token", None)
        if token is not None:
            try:
                request_scope.reset(token)
            except ValueError:  # set in another context: nothing of ours to undo here
                request_scope.set(None)

    def login():
        error = None
        status = 200
        login_value = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
        if request.method == "POST":
            if not _csrf_ok("login", request.cookies.get(LOGIN_COOKIE)):
                error, status = "برگه منقضی شده است؛ دوباره تلاش کنید — the form expired, try again", 400
            else:
                name = request.form.get("name", "").strip()
                password = request.form.get("password", "")
                try:
                    db = get_db(start_embedded=False)
                    scope = accounts.authenticate(db, name, password, _client_address())
                except accounts.SignInThrottled as e:
                    response = guard.refuse(429, str(e))
                    response.headers["Retry-After"] = "60"
                    return response
                except accounts.SignInRefused:
                    status = 401
                    error = _REFUSED.format(failures=s.login_max_failures, minutes=s.login_lock_minutes)
                except RegenError as e:
                    error, status = str(e), 503
                else:
                    token = sessions.start(get_db(start_embedded=False), scope.user)
                    old = request.cookies.get(SESSION_COOKIE)
                    if old:  # a new session at sign-in; the one this browser held before ends
                        sessions.end(get_db(start_embedded=False), old)
                    log.info("signed in: %s (%s %s)", scope.user, scope.role, scope.province or "-")
                    response = redirect(_safe_next(request.form.get("next")))
                    response.set_cookie(SESSION_COOKIE, token, max_age=idle_seconds, **cookie_args)
                    response.delete_cookie(LOGIN_COOKIE, path=prefix)
                    return response
        page = render_template_string(
            _LOGIN_HTML,
            error=error,
            csrf=_csrf_for("login", login_value),
            next=_safe_next(request.args.get("next") or request.form.get("next")),
            action=prefix + "login",
        )
        response = server.make_response((page, status))
        response.set_cookie(LOGIN_COOKIE, login_value, max_age=3600, **cookie_args)
        return response

    def logout():
        token = g.get("regen_session")
        everywhere = (request.form.get("everywhere") or request.args.get("everywhere")) == "1"
        if request.method == "POST" and _csrf_ok("session", token):
            sessions.end(get_db(start_embedded=False), token, everywhere=everywhere)
            response = redirect(prefix + "login")
            response.delete_cookie(SESSION_COOKIE, path=prefix)
            return response
        return render_template_string(
            _LOGOUT_HTML,
            csrf=_csrf_for("session", token),
            user=current_user_scope().user,
            everywhere=everywhere,
            action=prefix + "logout",
        )

    def audit():
        scope = current_user_scope()
        entity = request.args.get("entity") or None
        code = request.args.get("code") or None
        rows = progress.audit_rows(get_db(start_embedded=False), scope, entity=entity, code=code)
        for r in rows:
            r["at_fa"] = to_jalali(r["at"].date()) + " " + r["at"].strftime("%H:%M")
            r["before_text"] = _change_text(r["before"])
            r["after_text"] = _change_text(r["after"])
        return render_template_string(
            _AUDIT_HTML, rows=rows, scope=scope, entity=entity or "", code=code or "", home=prefix
        )

    server.add_url_rule(prefix + "login", "regen_login", login, methods=["GET", "POST"])
    server.add_url_rule(prefix + "logout", "regen_logout", logout, methods=["GET", "POST"])
    server.add_url_rule(prefix + "audit", "regen_audit", audit, methods=["GET"])


def _change_text(change: dict | None) -> str:
    """Gives a before/after as «state: active · began_on: ۱۴۰۰/۰۱/۰۱ · …» (escaped by the template)."""
    if not change:
        return "—"
    parts = []
    for key, value in change.items():
        if value in (None, ""):
            continue
        if key == "began_on":
            value = to_jalali(dt.date.fromisoformat(value))
        parts.append(f"{key}: {value}")
    return " · ".join(parts)


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin).netloc == request.host


# One answer for an unknown name, a disabled account, a lock and a wrong password (the same status too).
_REFUSED = (
    "نام کاربری یا گذرواژه نادرست است، یا پس از {failures} ورود ناموفق از این نشانی تا {minutes} دقیقه"
    " ورودی پذیرفته نمی‌شود — wrong name or password, or locked for {minutes} minutes after {failures}"
    " failed sign-ins from this address"
)

_STYLE = """
<style>
 body { font-family: Vazirmatn, Tahoma, sans-serif; background: #f5f6f8; margin: 0; }
 main { max-width: 26rem; margin: 6rem auto; background: #fff; padding: 2rem; border-radius: .5rem;
        box-shadow: 0 1px 4px rgba(0,0,0,.15); }
 main.wide { max-width: 70rem; margin: 2rem auto; }
 h1 { font-size: 1.3rem; margin-top: 0; } label { display: block; margin: .8rem 0 .2rem; }
 input[type=text], input[type=password] { width: 100%; padding: .5rem; box-sizing: border-box; }
 button { margin-top: 1.2rem; padding: .5rem 1.5rem; } .en { color: #666; font-size: .85em; }
 .error { color: #a40000; background: #fde8e8; padding: .6rem; border-radius: .3rem; }
 table { border-collapse: collapse; width: 100%; font-size: .9rem; }
 td, th { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: right; vertical-align: top; }
 code { direction: ltr; unicode-bidi: embed; font-size: .85em; white-space: pre-wrap; }
</style>"""

_LOGIN_HTML = (
    """<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>ورود — اطلس بازآفرینی</title>
<link rel="stylesheet" href="/assets/style.css">"""
    + _STYLE
    + """</head>
<body><main>
 <h1>ورود به اطلس بازآفرینی <div class="en" lang="en" dir="ltr">Sign in to Regen Atlas</div></h1>
 {% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
 <form method="post" action="{{ action }}" autocomplete="on">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label for="name">نام کاربری <span class="en">name</span></label>
  <input id="name" name="name" type="text" dir="ltr" autocomplete="username" required autofocus>
  <label for="password">گذرواژه <span class="en">password</span></label>
  <input id="password" name="password" type="password" dir="ltr" autocomplete="current-password" required>
  <button type="submit">ورود <span class="en">Sign in</span></button>
 </form>
</main></body></html>"""
)

_LOGOUT_HTML = (
    """<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>خروج — اطلس بازآفرینی</title>"""
    + _STYLE
    + """
</head><body><main>
 <h1>خروج {% if user %}({{ user }}){% endif %} <div class="en" dir="ltr">Sign out</div></h1>
 <form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}">
  {% if everywhere %}<input type="hidden" name="everywhere" value="1">
  <p>همه نشست‌های این حساب، در هر دستگاه، پایان می‌یابد.
   <span class="en" dir="ltr">Every session of this account, on every device, ends.</span></p>
  <button type="submit">خروج از همه دستگاه‌ها <span class="en">Sign out everywhere</span></button>
  {% else %}<button type="submit">خروج <span class="en">Sign out</span></button>{% endif %}</form>
</main></body></html>"""
)

_AUDIT_HTML = (
    """<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>تغییرات ثبت‌شده — اطلس بازآفرینی</title>
"""
    + _STYLE
    + """</head><body><main class="wide">
 <h1>تغییرات ثبت‌شده <span class="en" dir="ltr">Recorded changes (audit log)</span></h1>
 <p>{{ scope.user }} ({{ scope.role }}{% if scope.province %} {{ scope.province }}{% endif %}) ·
    <a href="{{ home }}">داشبورد</a> · <a href="{{ home }}logout">خروج</a></p>
 <form method="get">
  <select name="entity">
   <option value="">همه (all)</option>
   <option value="office_state" {% if entity == 'office_state' %}selected{% endif %}>
    وضعیت دفتر (office state)</option>
   <option value="action_status" {% if entity == 'action_status' %}selected{% endif %}>
    وضعیت اقدام (action status)</option>
  </select>
  <input type="text" name="code" value="{{ code }}" placeholder="کد دفتر یا اقدام — code" dir="ltr">
  <button type="submit">نمایش</button>
 </form>
 <table><thead><tr><th>زمان</th><th>کاربر</th><th>موضوع</th><th>کد</th><th>استان</th>
  <th>پیش از</th><th>پس از</th></tr></thead>
 <tbody>
 {% for r in rows %}<tr>
  <td>{{ r.at_fa }}</td><td>{{ r.who }} <span class="en">{{ r.who_role }}</span></td>
  <td>{{ 'دفتر' if r.entity == 'office_state' else 'اقدام' }}</td><td dir="ltr">{{ r.entity_code }}</td>
  <td>{{ r.province_fa or '—' }}</td>
  <td>{{ r.before_text }}</td><td>{{ r.after_text }}</td>
 </tr>{% else %}<tr><td colspan="7">تغییری ثبت نشده است — nothing recorded yet</td></tr>{% endfor %}
 </tbody></table>
</main></body></html>"""
)
