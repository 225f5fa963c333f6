"""`/about`: what the atlas is, its sources and their attributions (shown as the data requires)."""

from __future__ import annotations

import re

from dash import html

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.urls import View
from regen.errors import RegenError

ROUTE = re.compile(r"^/about/?$")
MENU = "about"
MENU_HREF = "/about"
FILTERS_IN_PLACE = False

_ABOUT = (
    "اطلس بازآفرینی پوشش محلات هدف بازآفرینی شهری با دفاتر تسهیلگری فعال، و واگذاری دفاتر به شهرداری‌ها را "
    "به تفکیک استان و شهر و در هر تاریخ نشان می‌دهد.",
    "Regen Atlas shows how target neighborhoods of the urban regeneration program are covered by active "
    "facilitation offices, and how offices are handed over to municipalities, per province and city, "
    "on any day.",
)


# What the figures mean, as the SQL computes them: coverage_by_city, handover_by_city and
# coverage_by_province (migrations 0006 and 0100), overdue actions (0103).
DEFINITIONS = (
    "def_as_of",
    "def_covered",
    "def_cov_count",
    "def_cov_area",
    "def_cov_pop",
    "def_handover",
    "def_overdue",
)


def _demo_line(lang: str) -> str:
    """Gives the demo warning, in the page's language only."""
    return t("demo_line", lang)


def _attributions(facts: dict, lang: str) -> list[tuple[str, str]]:
    """Gives (id, text) of each source the data in the database requires crediting: the sources' and
    licences' own names, in the page's words."""
    found = []
    if facts["osm"]:
        found.append(("attr-osm", f"{t('attr_boundaries', lang)}: {t('osm_contributors', lang)} (ODbL 1.0)"))
    if facts["geonames"]:
        found.append(("attr-geonames", f"{t('attr_cities', lang)}: GeoNames (CC BY 4.0)"))
    if facts["outline"]:
        found.append(
            ("attr-natural-earth", f"{t('attr_outline', lang)}: Natural Earth ({t('public_domain', lang)})")
        )
    return found


def footer(lang: str):
    """Gives the line under every view: the demo warning when synthetic data is loaded, and the
    attributions the data requires (None when the database cannot say)."""
    try:
        facts = queries.sources(queries.database(), current_scope())
    except RegenError:
        return None
    parts = [_demo_line(lang)] if facts["demo"] else []
    parts += [text for _id, text in _attributions(facts, lang)]
    return html.Small(" · ".join(parts), id="footer-line") if parts else None


def layout(view: View, **_):
    lang = view.lang
    db, scope = queries.database(), current_scope()
    facts, held = queries.sources(db, scope), queries.counts(db, scope)
    en = lang == "en"
    sources = [html.Li(t("source_minutes", lang))]
    sources += [html.Li(text, id=id_) for id_, text in _attributions(facts, lang)]
    sources.append(html.Li(t("font_credit", lang)))
    counts = [(k, held[k]) for k in ("neighborhoods", "offices", "cities")]
    return html.Div(
        [
            html.H1(t("about", lang)),
            html.P(_ABOUT[1] if en else _ABOUT[0]),
            html.P(_demo_line(lang), id="demo-line", className="overdue") if facts["demo"] else None,
            html.H3(t("def_title", lang)),
            html.Ul([html.Li(t(k, lang), id=f"about-{k}") for k in DEFINITIONS], className="definitions"),
            html.H3(t("sources", lang)),
            html.Ul(sources),
            html.H3(t("db_counts", lang)),
            html.Ul([html.Li(f"{t(k, lang)}: {i18n.num(v, lang)}") for k, v in counts]),
        ],
        className="panel",
    )
