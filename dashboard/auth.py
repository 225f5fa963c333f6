"""Sign-in for the Dash server: the login page, sessions, and the gate in front of every route.

Deny by default: every path needs a signed-in session except the login page and static files
(`/assets/`, Dash's own JavaScript bundles under `/_dash-component-suites/`, the favicon). Dash's
`/_dash-layout`, `/_dash-dependencies` and `/_dash-update-component` are plain HTTP endpoints and need
a session like any page. The user's scope comes from the session only (re-checked against the
account on every request) and is put into `regen.db.request_scope`, so every transaction of the
request runs as `regen_app` with that scope, even one whose code forgot `scope=`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, g, jsonify, redirect, render_template_string, request, session

from regen import accounts, progress
from regen import settings as settings_mod
from regen.db import get_db, request_scope
from regen.errors import RegenError
from regen.jalali import to_jalali
from regen.scope import ANONYMOUS, Scope

log = logging.getLogger(__name__)

_PUBLIC_PREFIXES = ("assets/", "_dash-component-suites/")
_PUBLIC_EXACT = ("login", "_favicon.ico", "favicon.ico")


def _now() -> float:
    return time.time()  # one place to read the clock, so the expiry test can move it


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
    """Gives a local path to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    kept = session.get("csrf", "")
    return bool(sent) and bool(kept) and hmac.compare_digest(sent, kept)


def current_user_scope() -> Scope:
    """Gives the scope of this request's signed-in user (ANONYMOUS outside a signed-in request)."""
    return request_scope.get() or ANONYMOUS


def account_links(lang: str = "fa") -> list:
    """Gives the header's account links: the changes log and sign-out with the user's name (full page
    loads: both are Flask pages, not Dash views)."""
    from dash import html

    scope = current_user_scope()
    if scope.role == "anonymous":
        return []
    audit, out = ("تغییرات", "خروج") if lang == "fa" else ("Changes", "Sign out")
    where = f" · {scope.province}" if scope.province else ""
    return [
        html.A(audit, href="/audit", className="audit-link"),
        html.A(f"{out} ({scope.user}{where})", href="/logout", className="logout-link"),
    ]


def _session_scope() -> Scope | None:
    name, fp, seen = session.get("user"), session.get("fp"), session.get("seen")
    if not name or not fp or not isinstance(seen, (int, float)):
        return None
    idle = settings_mod.get().session_idle_minutes * 60
    if _now() - seen > idle:
        log.info("session of %r expired after %s minutes idle", name, idle // 60)
        return None
    scope = accounts.session_scope(get_db(start_embedded=False), name, fp)
    if scope is None:
        log.info("session of %r ended: account disabled, removed or password changed", name)
    return scope


def install(app: Dash) -> None:
    """Puts the sign-in gate, the login/logout pages and the audit page on the Dash app's server."""
    from dashboard.record import register_callbacks

    register_callbacks(app)
    server: Flask = app.server
    s = settings_mod.get()
    prefix = app.config.routes_pathname_prefix or "/"
    server.secret_key = secret_key(s.data_dir)
    server.config.update(
        SESSION_COOKIE_NAME="regen_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=s.cookie_secure,
        # The signed cookie is refused by the server once older than this (itsdangerous max_age),
        # and it is re-issued on every request: an idle timeout, also checked below from "seen".
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=s.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
    )

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
        scope = _session_scope()
        if scope is None:
            session.pop("user", None)
            if request.method != "GET" or request.path.startswith(prefix + "_"):
                return jsonify(error="sign in first / ابتدا وارد شوید"), 401
            return redirect(f"{prefix}login?next={request.full_path.rstrip('?')}")
        if request.method != "GET" and request.path.startswith(prefix + "_dash-"):
            # Dash posts JSON; a cross-site form cannot (and SameSite=Lax keeps the cookie off it).
            if not request.is_json or not _same_origin():
                log.warning(
                    "refused %s %s for %s: not a same-origin JSON request",
                    request.method,
                    request.path,
                    scope.user,
                )
                return jsonify(error="bad request origin"), 403
        session["seen"] = int(_now())
        session.permanent = True
        request_scope.reset(g.pop("regen_scope_token"))
        g.regen_scope_token = request_scope.set(scope)
        return None

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
        if request.method == "POST":
            if not _csrf_ok():
                error, status = "برگه منقضی شده است؛ دوباره تلاش کنید — the form expired, try again", 400
            else:
                name = request.form.get("name", "").strip()
                password = request.form.get("password", "")
                try:
                    scope, fp = accounts.authenticate(get_db(start_embedded=False), name, password)
                except accounts.SignInRefused as e:
                    status = 401
                    if e.locked_minutes:
                        error = (
                            f"این حساب پس از ورودهای ناموفق تا {e.locked_minutes} دقیقه قفل است — "
                            f"account locked for {e.locked_minutes} minutes after failed sign-ins"
                        )
                    else:
                        error = "نام کاربری یا گذرواژه نادرست است — wrong name or password"
                except RegenError as e:
                    error, status = str(e), 503
                else:
                    session.clear()  # a new session at sign-in (no fixation of a pre-login one)
                    session.update(user=scope.user, fp=fp, seen=int(_now()), csrf=secrets.token_urlsafe(32))
                    session.permanent = True
                    log.info("signed in: %s (%s %s)", scope.user, scope.role, scope.province or "-")
                    return redirect(_safe_next(request.form.get("next")))
        page = render_template_string(
            _LOGIN_HTML,
            error=error,
            csrf=_csrf_token(),
            next=_safe_next(request.args.get("next") or request.form.get("next")),
            action=prefix + "login",
        )
        return page, status

    def logout():
        if request.method == "POST" and _csrf_ok():
            log.info("signed out: %s", session.get("user"))
            session.clear()
            return redirect(prefix + "login")
        return render_template_string(
            _LOGOUT_HTML, csrf=_csrf_token(), user=session.get("user"), action=prefix + "logout"
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
    if not origin:
        return True  # same-origin fetches from old browsers and scripts; the cookie is still SameSite
    return urlsplit(origin).netloc == request.host


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
  <button type="submit">خروج <span class="en">Sign out</span></button></form>
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
