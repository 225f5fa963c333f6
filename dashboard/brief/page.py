# ruff: noqa: E501  (the print style sheet and the HTML rows read best one per line)
"""The brief as one print-styled HTML page (A4, right to left in Persian): fonts and the map inlined, so
that Chromium prints it with nothing fetched. Python formats every number and date (dashboard/i18n.py)."""

from __future__ import annotations

import base64
from html import escape

from dashboard import i18n
from dashboard.brief.content import Brief
from dashboard.brief.words import w
from dashboard.components import COVERAGE_SCALE
from regen import ROOT

ASSETS = ROOT / "dashboard" / "assets"
FONTS = (("Vazirmatn-Regular.woff2", 400), ("Vazirmatn-Bold.woff2", 700))
STATE_COLOURS = {
    "met": "#14532d",
    "on_track": "#66bb6a",
    "behind": "#f79009",
    "missed": "#b42318",
    "upcoming": "#98a2b3",
}

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-center { content: counter(page, %(counter)s); font: 9pt Vazirmatn; color: #667085; } }
html { font-family: Vazirmatn, sans-serif; font-size: 10pt; color: #1d2939; }
body { margin: 0; }
h1 { font-size: 20pt; margin: 0 0 6mm; }
h2 { font-size: 13pt; margin: 7mm 0 3mm; padding-bottom: 1mm; border-bottom: 0.4mm solid #14532d; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
.cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover dl { display: grid; grid-template-columns: 45mm auto; gap: 2mm 4mm; font-size: 12pt; }
.cover dt { color: #667085; } .cover dd { margin: 0; font-weight: 700; }
.org { color: #14532d; font-size: 12pt; margin-bottom: 8mm; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 3mm; }
.card { border: 0.3mm solid #d0d5dd; border-radius: 2mm; padding: 2mm 3mm; }
.card b { display: block; font-size: 15pt; } .card span { color: #475467; font-size: 8.5pt; }
table { width: 100%%; border-collapse: collapse; font-size: 8.5pt; margin-bottom: 3mm; }
th, td { border-bottom: 0.2mm solid #e4e7ec; padding: 1mm 1.5mm; text-align: start; vertical-align: top; }
th { background: #f2f4f7; font-weight: 700; } thead { display: table-header-group; } tr { break-inside: avoid; }
td.n, th.n { text-align: end; white-space: nowrap; }
.map { text-align: center; break-inside: avoid; } .map img { width: 165mm; border: 0.2mm solid #d0d5dd; }
.legend { display: flex; gap: 0; justify-content: center; margin: 1mm 0 3mm; font-size: 8pt; }
.legend i { display: inline-block; width: 12mm; height: 3mm; }
.note { color: #667085; font-size: 8.5pt; }
.bar { position: relative; height: 3mm; background: #eef2f5; min-width: 30mm; }
.bar i { position: absolute; inset-block: 0; inset-inline-start: 0; }
.bar u { position: absolute; inset-block: -0.8mm; width: 0.5mm; background: #1d2939; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
.agency { break-inside: avoid-page; }
"""


def _font_faces() -> str:
    faces = []
    for name, weight in FONTS:
        data = base64.b64encode((ASSETS / name).read_bytes()).decode("ascii")
        faces.append(
            f"@font-face {{ font-family: Vazirmatn; font-weight: {weight}; "
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
        )
    return "\n".join(faces)


def _e(text: object) -> str:
    return escape(str(text))


class _Words:
    """Formatting in the brief's language."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, key: str) -> str:
        return w(key, self.lang)

    def n(self, value) -> str:
        return i18n.num(value, self.lang)

    def p(self, value) -> str:
        return i18n.pct(value, self.lang)

    def d(self, day) -> str:
        return i18n.date(day, self.lang) if day else "—"

    def name(self, row: dict, prefix: str = "") -> str:
        return i18n.name(row, self.lang, prefix)

    def period(self, r: dict) -> str:
        years = self.n(r["from_year"]).replace("٬", "").replace(",", "")
        if r["to_year"] == r["from_year"]:
            return years
        return years + "–" + self.n(r["to_year"]).replace("٬", "").replace(",", "")


def _table(head: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    """Gives a table; `head` is (label, numeric) per column; cells are HTML already."""
    ths = "".join(f'<th class="n">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if num else f"<td>{c}</td>" for c, (_, num) in zip(r, head, strict=True)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>"


def _cover(b: Brief, t: _Words, made_on) -> str:
    scope = t("nation") if b.national else f"{t('province')} {_e(t.name(b.province))}"
    return f"""<section class="cover"><div class="org">{_e(t("secretariat"))}</div>
<h1>{_e(t("title"))}</h1><dl>
<dt>{_e(t("meeting_no"))}</dt><dd>{_e(t.n(b.meeting))}</dd>
<dt>{_e(t("meeting_on"))}</dt><dd>{_e(t.d(b.meeting_on)) if b.meeting_on else _e(t("not_set"))}</dd>
<dt>{_e(t("as_of"))}</dt><dd>{_e(t.d(b.as_of))}</dd>
<dt>{_e(t("scope"))}</dt><dd>{scope}</dd>
<dt>{_e(t("made_on"))}</dt><dd>{_e(t.d(made_on))}</dd></dl></section>"""


def _cards(b: Brief, t: _Words) -> str:
    h = b.headline
    cards = [
        (t.n(h["neighborhoods"]), t("target_nbhds")),
        (t.p(h["coverage_count_pct"]), f"{t('coverage')} ({t.n(h['covered'])} {t('covered')})"),
        (t.n(h["active"]), t("offices_active")),
        (t.p(h["handover_pct"]), f"{t('handover_rate')} ({t.n(h['handed_over'])} {t('handed_over')})"),
        (t.n(h["overdue_actions"]), t("overdue_actions")),
    ]
    inner = "".join(f"<div class='card'><b>{_e(v)}</b><span>{_e(k)}</span></div>" for v, k in cards)
    return f"<h2>{_e(t('headline'))}</h2><div class='cards'>{inner}</div>"


def _legend(t: _Words) -> str:
    stops = [(0.0477, "0"), (0.3, "25"), (0.6, "60"), (0.8, "80"), (1.0, "100")]
    colours = {s: c for s, c in COVERAGE_SCALE}
    parts = [f"<span><i style='background:{COVERAGE_SCALE[0][1]}'></i></span>"]
    parts += [f"<span><i style='background:{colours[s]}'></i><br>{_e(t.n(int(v)))}٪</span>" if t.lang == "fa"
              else f"<span><i style='background:{colours[s]}'></i><br>{v}%</span>" for s, v in stops]  # fmt: skip
    return f"<div class='legend'>{''.join(parts)}</div><p class='note'>{_e(t('legend'))}</p>"


def _map(b: Brief, t: _Words, png: bytes | None) -> str:
    title = t("map_nation") if b.national else t("map_province")
    if png is None:
        return f"<h2>{_e(title)}</h2><p class='note'>{_e(t('no_map'))}</p>"
    data = base64.b64encode(png).decode("ascii")
    return f"<h2>{_e(title)}</h2><div class='map'><img src='data:image/png;base64,{data}'>{_legend(t)}</div>"


def _places(b: Brief, t: _Words) -> str:
    head = [
        (t("province") if b.national else t("city"), False),
        (t("neighborhoods"), True),
        (t("n_covered"), True),
        (t("cov_pct"), True),
        (t("active"), True),
        (t("handed_over"), True),
        (t("handover_pct"), True),
        (t("overdue"), True),
    ]
    rows = [
        [_e(t.name(r)), t.n(r["neighborhoods"]), t.n(r["covered"]), t.p(r["coverage_count_pct"]), t.n(r["active"]),
         t.n(r["handed_over"]), t.p(r["handover_pct"]), t.n(b.overdue_by_place.get(r["code"], 0))]
        for r in b.places if b.national or r["neighborhoods"]
    ]  # fmt: skip
    title = t("table_provinces") if b.national else t("table_cities")
    return f"<h3>{_e(title)}</h3>" + _table(head, rows)


def _lagging(b: Brief, t: _Words) -> str:
    first = t("province") if b.national else t("city")
    cov = _table(
        [(first, False), (t("cov_pct"), True), (t("neighborhoods"), True)],
        [[_e(t.name(r)), t.p(r["coverage_count_pct"]), t.n(r["neighborhoods"])] for r in b.lag_coverage],
    )
    ho = _table(
        [(first, False), (t("handover_pct"), True), (t("active"), True)],
        [[_e(t.name(r)), t.p(r["handover_pct"]), t.n(r["active"])] for r in b.lag_handover],
    )
    title = t("lagging_provinces") if b.national else t("lagging_cities")
    return (
        f"<h2>{_e(title)}</h2><div class='grid2'><div><h3>{_e(t('lag_coverage'))}</h3>{cov}</div>"
        f"<div><h3>{_e(t('lag_handover'))}</h3>{ho}</div></div>"
    )


def _bar(r: dict) -> str:
    share = max(0.0, min(100.0, r["achieved_pct"]))
    return (
        f"<div class='bar'><i style='width:{share:.1f}%;background:{STATE_COLOURS[r['state']]}'></i>"
        f"<u style='inset-inline-start:{r['elapsed_pct']:.1f}%'></u></div>"
    )


def _performance(b: Brief, t: _Words) -> str:
    out = [f"<h2>{_e(t('performance'))}</h2>"]
    if not b.targets and not b.provincial_targets:
        return out[0] + f"<p class='note'>{_e(t('no_targets'))}</p>"
    head = [(t("measure"), False), (t("place"), False), (t("period"), True), (t("target"), True),
            (t("achieved"), True), (t("achieved_pct"), True), ("", False), (t("state"), False)]  # fmt: skip
    by_agency: dict[str, list[dict]] = {}
    for r in b.targets:
        by_agency.setdefault(r["agency_code"], []).append(r)
    for rows in by_agency.values():
        out.append(f"<div class='agency'><h3>{_e(t.name(rows[0], 'agency_'))}</h3>")
        out.append(_table(head, [
            [_e(t("m_" + r["measure"])), _e(t.name(r, "province_") if r["province_code"] else t("nation")),
             _e(t.period(r)), t.n(r["target"]), t.n(r["achieved"]), t.p(r["achieved_pct"]), _bar(r),
             _e(t("t_" + r["state"]))]
            for r in rows
        ]))  # fmt: skip
        out.append("</div>")
    if b.provincial_targets:
        out.append(f"<h3>{_e(t('provincial_targets'))}</h3>")
        out.append(_table(
            [(t("measure"), False), (t("period"), True), (t("provinces_n"), True), (t("target"), True),
             (t("achieved"), True), (t("achieved_pct"), True), (t("provinces_behind"), True)],
            [[_e(f"{t('m_' + s['measure'])} — {t.name(s, 'agency_')}"), _e(t.period(s)), t.n(s["provinces"]),
              t.n(s["target"]), t.n(s["achieved"]), t.p(s["achieved_pct"]), t.n(s["behind"])]
             for s in b.provincial_targets],
        ))  # fmt: skip
    out.append(f"<p class='note'>{_e(t('bar_note'))}</p>")
    return "".join(out)


def _place(a: dict, t: _Words) -> str:
    if a["city_code"]:
        return t.name(a, "city_")
    return t.name(a, "province_") if a["province_code"] else t("nation")


def _action_title(a: dict, t: _Words) -> str:
    return a["title_fa"] if t.lang == "fa" else (a["title_en"] or a["code"])


def _actions(b: Brief, t: _Words) -> str:
    out = [f"<h2>{_e(t('actions'))}</h2>"]
    if not b.agencies:
        return out[0] + f"<p class='note'>{_e(t('no_actions'))}</p>"
    for g in b.agencies:
        counts = " · ".join(
            f"{t(k)} {t.n(g[s])}"
            for k, s in (("total", "total"), ("overdue", "overdue"), ("st_open", "open"),
                         ("st_in_progress", "in_progress"), ("st_done", "done"), ("st_cancelled", "cancelled"))
        )  # fmt: skip
        out.append(f"<div class='agency'><h3>{_e(t.name(g))}</h3><p>{_e(counts)}</p>")
        if g["listed"]:
            out.append(_table(
                [(t("resolution"), False), (t("action"), False), (t("place"), False), (t("due"), True),
                 (t("status"), False), (t("since"), True)],
                [[_e(f"{t.n(a['resolution_number'])} / {t.n(a['meeting_number'])}"), _e(_action_title(a, t)),
                  _e(_place(a, t)), _e(t.d(a["due_on"])),
                  _e(t("st_" + a["status"])), _e(t.d(a["status_since"]))] for a in g["listed"]],
            ))  # fmt: skip
            if g["more"]:
                out.append(f"<p class='note'>{_e(t('more').format(n=t.n(g['more'])))}</p>")
        out.append("</div>")
    return "".join(out)


def _province_lists(b: Brief, t: _Words) -> str:
    if b.national:
        return ""
    unc = _table(
        [(t("neighborhood"), False), (t("city"), False), (t("area_ha"), True)],
        [[_e(t.name(r)), _e(t.name(r, "city_")), t.n(r["area_ha"])] for r in b.uncovered],
    )
    due = _table(
        [(t("office"), False), (t("city"), False), (t("since"), True), (t("due"), True)],
        [
            [_e(t.name(r)), _e(t.name(r, "city_")), _e(t.d(r["state_since"])), _e(t.d(r["due_on"]))]
            for r in b.due_handover
        ],
    )

    def more(n: int, shown: int) -> str:
        return f"<p class='note'>{_e(t('more_rows').format(n=t.n(n - shown)))}</p>" if n > shown else ""

    return (
        f"<h2>{_e(t('uncovered'))} ({_e(t.n(b.uncovered_total))})</h2>{unc}{more(b.uncovered_total, len(b.uncovered))}"
        f"<h2>{_e(t('due_handover'))} ({_e(t.n(b.due_handover_total))})</h2>{due}"
        f"{more(b.due_handover_total, len(b.due_handover))}"
    )


def brief_html(b: Brief, map_png: bytes | None, made_on) -> str:
    """Gives the whole brief as one HTML document."""
    t = _Words(b.lang)
    css = _CSS % {"counter": "persian" if b.lang == "fa" else "decimal"}
    body = "".join(
        [_cover(b, t, made_on), _cards(b, t), _map(b, t, map_png), _places(b, t), _lagging(b, t),
         _province_lists(b, t), _performance(b, t), _actions(b, t)]
    )  # fmt: skip
    direction = "rtl" if b.lang == "fa" else "ltr"
    return (
        f"<!doctype html><html lang='{b.lang}' dir='{direction}'><head><meta charset='utf-8'>"
        f"<title>{_e(w('title', b.lang))}</title><style>{_font_faces()}{css}</style></head>"
        f"<body>{body}</body></html>"
    )
