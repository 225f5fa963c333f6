"""The meeting brief on the web: `/brief.pdf` (the same PDF as `regen brief`, in the signed-in user's
scope) and the link to it that the national, province and agencies views show."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

from dash import html
from flask import Response, request

from dashboard import i18n, queries
from dashboard.auth_seam import NotAllowed, allowed_province, current_scope
from dashboard.brief.words import w
from dashboard.downloads import attachment
from dashboard.i18n import t
from dashboard.urls import View, parse
from regen.errors import RegenError

PATH = "/brief.pdf"


def brief_link(view: View, province: str | None) -> html.A:
    """Gives the link that downloads the brief of what a view shows (the nation, or a province)."""
    query = View(lang=view.lang, as_of=view.as_of, province=province).query(explicit_lang=True)
    return html.A(w("download_brief", view.lang), href=PATH + query, className="brief-link", download="")


def brief_response() -> Response:
    """Gives the brief PDF of the query's province (none: the nation) and day, in the signed-in scope."""
    from dashboard.brief.render import brief_pdf

    q = {k: v[-1] for k, v in parse_qs(request.query_string.decode()).items()}
    view = parse("?" + request.query_string.decode())
    scope = current_scope()
    try:
        province = allowed_province(scope, q.get("province") or None)
        pdf = brief_pdf(queries.database(), scope, as_of=view.day, lang=view.lang, province=province)
    except NotAllowed as e:
        return Response(e.words(view.lang), status=403, mimetype="text/plain; charset=utf-8")
    except RegenError as e:
        return Response(str(e), status=503, mimetype="text/plain")
    names = (brief_name(province, view.day, view.lang), brief_name(province, view.day, "en"))
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": attachment(*names)})


def brief_name(province: str | None, day: dt.date, lang: str) -> str:
    """Gives the brief's file name in `lang`: «اطلس-بازآفرینی-گزارش-جلسه-ایران-۱۴۰۵-۰۹-۱۱.pdf»,
    'regen-brief-IR-23-2026-12-02.pdf'."""
    return i18n.file_name(
        (t("dl_app", lang), t("dl_brief", lang), province or t("dl_iran", lang)), day, lang, "pdf"
    )
