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

from dashboard import guard, i18n
from dashboard.i18n import t
from dashboard.urls import remember_lang
from regen import accounts, sessions
from regen import settings as settings_mod
from regen.db import get_db, request_scope
from regen.errors import RegenError
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


def province_name(scope: Scope, lang: str) -> str:
    """Gives a provincial account's province by its name in `lang` (its code when the database cannot
    say): the header's badge and a refusal's way back name it so."""
    from dashboard import queries

    try:
        options = queries.province_options(queries.database(), scope)
    except RegenError:
        return scope.province
    return next((i18n.name(o, lang) for o in options if o["code"] == scope.province), scope.province)


def account_links(lang: str = "fa") -> list:
    """Gives the header's account links: the changes log (a view of the app), sign-out with the user's
    name, and sign-out everywhere (full page loads: those are Flask pages, not Dash views)."""
    from dash import dcc, html

    scope = current_user_scope()
    if scope.role == "anonymous":
        return []
    where = [" · ", province_name(scope, lang)] if scope.province else []
    return [
        dcc.Link(t("audit_link", lang), href="/audit", className="audit-link"),
        # the name isolated: a Latin name at the end of a Persian line would carry the brackets off;
        # the province after it, in the page's direction
        html.A(
            [t("sign_out", lang), " (", html.Bdi(scope.user), *where, ")"],
            href="/logout",
            className="logout-link",
        ),
        html.A(t("sign_out_all", lang), href="/logout?everywhere=1", className="logout-all-link"),
    ]


def _client_address() -> str:
    return request.remote_addr or "unknown"


def install(app: Dash) -> None:
    """Puts the sign-in gate and the login/logout pages on the Dash app's server (the audit log is a
    view of the app: dashboard/pages/audit.py)."""
    from dashboard.record import register_callbacks

    register_callbacks(app)
    server: Flask = app.server
    s = settings_mod.get()
    prefix = app.config.routes_pathname_prefix or "/"
    server.secret_key = secret_key(s.data_dir)
    idle_seconds = s.session_idle_minutes * 60
    idle = s.session_idle_minutes
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
        lang = guard.lang()
        error = None
        status = 200
        name = ""
        login_value = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
        asked = request.args.get("next") or request.form.get("next")
        if request.method == "GET":
            # already signed in: on to where the link pointed, else the account's home view
            found = sessions.current(get_db(start_embedded=False), request.cookies.get(SESSION_COOKIE), idle)
            if found is not None:
                return redirect(_safe_next(asked) if asked else prefix.rstrip("/") + home_path(found[0]))
        if request.method == "POST":
            name = request.form.get("name", "").strip()
            if not _csrf_ok("login", request.cookies.get(LOGIN_COOKIE)):
                error, status = t("si_expired", lang), 400
            else:
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
                    limits = {"failures": s.login_max_failures, "minutes": s.login_lock_minutes}
                    error = t("si_refused", lang).format(**{k: i18n.num(v, lang) for k, v in limits.items()})
                except RegenError as e:
                    error, status = str(e), 503
                else:
                    token = sessions.start(get_db(start_embedded=False), scope.user)
                    old = request.cookies.get(SESSION_COOKIE)
                    if old:  # a new session at sign-in; the one this browser held before ends
                        sessions.end(get_db(start_embedded=False), old)
                    log.info("signed in: %s (%s %s)", scope.user, scope.role, scope.province or "-")
                    target = _safe_next(asked) if asked else prefix.rstrip("/") + home_path(scope)
                    response = redirect(target)
                    response.set_cookie(SESSION_COOKIE, token, max_age=idle_seconds, **cookie_args)
                    response.delete_cookie(LOGIN_COOKIE, path=prefix)
                    return response
        other = "fa" if lang == "en" else "en"
        page = render_template_string(
            _LOGIN_HTML,
            w=_words(lang, "app", "si_title", "si_name", "si_password", "si_submit", "switch_lang"),
            lang=lang,
            dir=_dir(lang),
            other=other,
            switch=prefix + "login?" + urlencode({"lang": other, **({"next": asked} if asked else {})}),
            error=error,
            name=name,
            csrf=_csrf_for("login", login_value),
            next=_safe_next(asked) if asked else "",
            action=prefix + "login",
        )
        response = server.make_response((page, status))
        response.set_cookie(LOGIN_COOKIE, login_value, max_age=3600, **cookie_args)
        if request.args.get("lang") in ("fa", "en"):  # the choice holds for the views after signing in
            remember_lang(response, lang)
        return response

    def logout():
        lang = guard.lang()
        token = g.get("regen_session")
        everywhere = (request.form.get("everywhere") or request.args.get("everywhere")) == "1"
        if request.method == "POST" and _csrf_ok("session", token):
            sessions.end(get_db(start_embedded=False), token, everywhere=everywhere)
            response = redirect(prefix + "login")
            response.delete_cookie(SESSION_COOKIE, path=prefix)
            return response
        return render_template_string(
            _LOGOUT_HTML,
            w=_words(lang, "app", "so_title", "so_everywhere", "so_submit", "so_submit_all", "so_back"),
            lang=lang,
            dir=_dir(lang),
            csrf=_csrf_for("session", token),
            user=current_user_scope().user,
            everywhere=everywhere,
            action=prefix + "logout",
            home=prefix,
        )

    server.add_url_rule(prefix + "login", "regen_login", login, methods=["GET", "POST"])
    server.add_url_rule(prefix + "logout", "regen_logout", logout, methods=["GET", "POST"])


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin).netloc == request.host


def home_path(scope: Scope) -> str:
    """Gives the path of an account's home view: its province for a provincial account, else the nation."""
    return f"/province/{scope.province}" if scope.role == "provincial" and scope.province else "/"


def _words(lang: str, *keys: str) -> dict[str, str]:
    return {k: t(k, lang) for k in keys}


def _dir(lang: str) -> str:
    return "ltr" if lang == "en" else "rtl"


# The pages before the app (sign-in) and outside it (sign-out): the app's header bar and stylesheet, one
# language (guard.lang: ?lang=, else the cookie, else Persian).
_HEAD = """<!doctype html>
<html lang="{{ lang }}" dir="{{ dir }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — {{ w.app }}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body class="form-page"><header class="bar"><span class="brand">{{ w.app }}</span>"""

_LOGIN_HTML = (
    _HEAD.replace("{{ title }}", "{{ w.si_title }}")
    + """<a class="lang" href="{{ switch }}" lang="{{ other }}">{{ w.switch_lang }}</a></header>
<main class="form-card">
 <h1>{{ w.si_title }}</h1>
 {% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
 <form method="post" action="{{ action }}" autocomplete="on">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <input type="hidden" name="next" value="{{ next }}">
  <label for="name">{{ w.si_name }}</label>
  <input id="name" name="name" type="text" dir="ltr" autocomplete="username" value="{{ name }}" required
   {% if not name %}autofocus{% endif %}>
  <label for="password">{{ w.si_password }}</label>
  <input id="password" name="password" type="password" dir="ltr" autocomplete="current-password" required
   {% if name %}autofocus{% endif %}>
  <button type="submit">{{ w.si_submit }}</button>
 </form>
</main></body></html>"""
)

_LOGOUT_HTML = (
    _HEAD.replace("{{ title }}", "{{ w.so_title }}")
    + """</header>
<main class="form-card">
 <h1>{{ w.so_title }}{% if user %} <bdi>({{ user }})</bdi>{% endif %}</h1>
 <form method="post" action="{{ action }}"><input type="hidden" name="csrf" value="{{ csrf }}">
  {% if everywhere %}<input type="hidden" name="everywhere" value="1"><p>{{ w.so_everywhere }}</p>
  <button type="submit">{{ w.so_submit_all }}</button>
  {% else %}<button type="submit">{{ w.so_submit }}</button>{% endif %}</form>
 <p><a href="{{ home }}">{{ w.so_back }}</a></p>
</main></body></html>"""
)
