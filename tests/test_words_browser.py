"""Every word in the chosen language (issue 16, items 2 and 3), in a real headless Chromium: every Dash
view, a record form and its refusal, the refusal and not-found pages, as the national and a provincial
account, in Persian and English chosen by the cookie and by `?lang=`. The page's text, its titles,
placeholders and accessible names, and its figures' hovers and titles may hold no word of the other
script (outside a short allow-list of codes and the sources' own names), and Persian text no ASCII
digit unless the Farsi-Digits face draws it as a Persian one."""

from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.i18n import t
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    BROWSER_PASSWORD,
    BROWSER_USER,
    PROVINCIAL,
    PROVINCIAL_PASSWORD,
    browser,
    served_dashboard,
    sign_in,
)

pytestmark = pytest.mark.browser
# a letter number with ASCII digits in an evidence text, a state loaded from a table file, a
# boundaries run with its level: words and digits the views must write in the page's language
EXTRA = """
UPDATE action_statuses SET evidence = 'نامه شماره 2940/ش/1403' WHERE action_code = 'A3';
UPDATE office_states SET run_id = (SELECT min(id) FROM etl_runs)
 WHERE office_code = 'O1' AND state = 'active';
INSERT INTO etl_runs (kind, level, file, checksum, read, inserted, rejected)
VALUES ('boundaries', 'neighborhood', '/data/tehran/neighborhoods.geojson', 'def', 3, 3, 0);
"""
VIEWS = ("/", "/province/IR-23", "/city/TEH", "/actions", "/agencies", "/data", "/about")
MISSING = ("/city/NOPE", "/no/such/page")  # not found: an unknown code, an unknown path
REFUSED = "/province/IR-10"  # another province's view, for the provincial account
# What either language may show as it is: codes (upper-case, digits, hyphens), file formats, and the
# sources' and licences' own names. Nothing else of the other script.
ALLOWED = re.compile(
    r"\b(?:GeoJSON|GeoNames|OpenStreetMap(?: contributors)?|Natural Earth|SIL Open Font License 1\.1"
    r"|CC BY 4\.0|ODbL 1\.0|[A-Z][A-Z0-9_.-]*)(?![\w.])"
)
LATIN = re.compile(r"[A-Za-z]{2,}")
PERSIAN = re.compile(r"[\u0600-\u06ff]")
DIGIT = re.compile(r"[0-9]")

# The page's words: text nodes, titles, placeholders, accessible names, and the figures' strings.
# Skipped: what is marked as another language (the switch, lang="en"), words people wrote
# (.free-text: a note, an evidence text, a letter number), file names (.ltr), isolated names (<bdi>:
# the user's name), AG Grid's spoken announcements (digits are read out, not drawn), and the map's
# canvas. The mode bar's tool tips (data-title) and MapLibre's control are read: they speak the page's
# language (config.locales), all but the licence line «© OpenStreetMap contributors».
COLLECT = """
const lang = document.getElementById('root').lang, out = [];
const skip = (e) => e.closest(
      '.free-text, .ltr, bdi, .ag-aria-description-container, .maplibregl-canvas, script, style')
    || (e.closest('[lang]') && e.closest('[lang]').lang !== lang);
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const n = walker.currentNode, e = n.parentElement, s = n.nodeValue.trim();
  if (!s || !e || skip(e) || !e.getClientRects().length) continue;
  out.push({s: s, fd: getComputedStyle(e).fontFamily.startsWith('"Vazirmatn FD"')});
}
document.querySelectorAll('[title], [placeholder], [aria-label], [alt], [data-title]').forEach((e) => {
  if (skip(e)) return;
  ['title', 'placeholder', 'aria-label', 'alt', 'data-title'].forEach((a) => {
    const v = e.getAttribute(a); if (v) out.push({s: v, fd: false, attr: a});
  });
});
document.querySelectorAll('.js-plotly-plot').forEach((g) => {
  (g.data || []).forEach((tr) => ['text', 'hovertext', 'hovertemplate', 'name', 'customdata']
    .forEach((k) => { const v = tr[k]; if (v == null) return;
      (Array.isArray(v) ? v.flat(3) : [v]).forEach((x) => {
        if (typeof x === 'string') out.push({s: x, fd: true, figure: k}); }); }));
  const L = g.layout || {};
  [L.title, L.xaxis && L.xaxis.title, L.yaxis && L.yaxis.title, L.legend && L.legend.title]
    .forEach((x) => { if (x && x.text) out.push({s: x.text, fd: true, figure: 'title'}); });
  (L.annotations || []).forEach((a) => out.push({s: a.text, fd: true, figure: 'annotation'}));
});
return out;
"""


# Where each of the given pieces of the evidence cell's text is drawn (its left edge, in pixels).
ORDER = """
const cell = [...document.querySelectorAll('.ag-cell[col-id=evidence]')]
  .find((e) => e.textContent.includes(arguments[0]));
const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
let node; while ((node = walker.nextNode()) && !node.nodeValue.includes(arguments[0])) {}
return [...arguments].map((piece) => {
  const at = node.nodeValue.indexOf(piece), range = document.createRange();
  range.setStart(node, at); range.setEnd(node, at + 1);
  return range.getBoundingClientRect().left;
});
"""


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the dashboard over the fixture (and EXTRA), with a provincial account of Tehran."""
    with served_dashboard(pg_server, template_url, "regen_words", EXTRA, provincial=True) as url:
        yield url


def settled_words(driver, timeout: float = 40) -> list[dict]:
    """Gives the page's words once the view is drawn and they have stopped changing (grids loaded)."""
    loading = (t("g_loadingOoo", "fa"), t("g_loadingOoo", "en"))
    last, since, end = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < end:
        ready = driver.execute_script(
            "const p = document.getElementById('page');"
            "return p && p.children.length > 0 && document.getElementById('header').children.length > 0"
            " && !document.querySelector('.grid-waiting')"  # tables draw after the map (grid_after_map.js)
        )
        words = driver.execute_script(COLLECT) if ready else None
        if words != last or not ready or any(w["s"] in loading for w in words):
            last, since = words, time.monotonic()
        elif time.monotonic() - since > 1.5:
            return words
        time.sleep(0.4)
    raise AssertionError(f"{driver.current_url} did not settle in {timeout} s")


def foreign(words: list[dict], lang: str) -> list[str]:
    """Gives the words of the other script (and, in Persian, ASCII digits not drawn as Persian)."""
    bad = []
    for w in words:
        text = ALLOWED.sub("", w["s"]) if lang == "fa" else w["s"]
        where = w.get("attr") or w.get("figure") or "text"
        if w.get("figure"):  # a hover template's fields and markup are not words
            text = re.sub(r"%\{[^}]*\}|<[^>]*>", " ", text)
        if lang == "fa" and LATIN.search(text):
            bad.append(f"{where}: {w['s'][:160]}")
        elif lang == "fa" and not w["fd"] and DIGIT.search(text):
            bad.append(f"ASCII digits, {where}: {w['s'][:160]}")
        elif lang == "en" and PERSIAN.search(text):
            bad.append(f"{where}: {w['s'][:160]}")
    return sorted(set(bad))


def walk(driver, base_url: str, paths, lang: str, by: str) -> dict[str, list[str]]:
    """Opens each path in `lang` (chosen by the cookie, or by ?lang= with the cookie saying the other
    language); gives the foreign words of each."""
    other = "en" if lang == "fa" else "fa"
    found = {}
    for path in paths:
        driver.add_cookie({"name": "regen_lang", "value": lang if by == "cookie" else other})
        driver.get(base_url + path + (f"?lang={lang}" if by == "query" else ""))
        words = settled_words(driver)
        assert driver.execute_script("return document.getElementById('root').lang") == lang, path
        if path == "/city/TEH":  # the record form, and its refusal of an empty change
            driver.find_element(By.ID, "record-office-submit").click()
            WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "record-office-msg").text.strip())
            message = driver.find_element(By.ID, "record-office-msg").text
            expected = t("rf_not_recorded", lang).format(reason=t("rf_choose_office", lang))
            assert message == expected, (lang, by, message)
            words = settled_words(driver)
        found[path] = foreign(words, lang)
    return found


@pytest.mark.parametrize("by", ["cookie", "query"])
@pytest.mark.parametrize("lang", ["fa", "en"])
@pytest.mark.parametrize(
    "account",
    [(BROWSER_USER, BROWSER_PASSWORD), (PROVINCIAL, PROVINCIAL_PASSWORD)],
    ids=["national", "provincial"],
)
def test_every_view_in_one_language(browser, base_url, account, lang, by):  # noqa: F811
    sign_in(browser, base_url, *account)
    paths = VIEWS + MISSING + ((REFUSED,) if account[0] == PROVINCIAL else ())
    found = walk(browser, base_url, paths, lang, by)
    bad = {p: w for p, w in found.items() if w}
    assert bad == {}, "\n".join(f"{p}: {w}" for p, ws in bad.items() for w in ws)
    if account[0] == PROVINCIAL:  # the refusal, and a city of another province read as not found
        browser.get(base_url + REFUSED + f"?lang={lang}")
        settled_words(browser)
        assert browser.find_element(By.CSS_SELECTOR, "#page-error p").text == t("not_your_province", lang)
        browser.get(base_url + f"/city/ISF?lang={lang}")
        settled_words(browser)
        assert browser.find_element(By.CSS_SELECTOR, "#page-error p").text == t("no_city", lang).format(
            code="ISF"
        )


def test_persian_digits_times_and_order(browser, base_url):  # noqa: F811
    """The data view's times are Tehran's, in Persian digits; a letter number keeps its order."""
    sign_in(browser, base_url, BROWSER_USER, BROWSER_PASSWORD)
    browser.get(base_url + "/data?lang=fa")
    settled_words(browser)
    cells = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#data-runs .ag-cell[col-id='started']")]
    moment = re.compile(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}")
    assert cells and all(moment.fullmatch(c) for c in cells), cells
    kinds = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#data-runs .ag-cell[col-id='kind']")}
    assert kinds == {t("etl_offices", "fa"), f"{t('etl_boundaries', 'fa')} / {t('etl_neighborhood', 'fa')}"}
    browser.get(base_url + "/actions?lang=fa")
    settled_words(browser)
    evidence = browser.execute_script(
        "return [...document.querySelectorAll('.ag-cell[col-id=evidence]')].map(e => e.textContent)"
    )
    assert "نامه شماره \u2066۲۹۴۰/\u200eش/\u200e۱۴۰۳\u2069" in evidence  # left to right, Persian digits
    # drawn in that order, left to right: «۲۹۴۰», then «ش», then «۱۴۰۳» (not «۲۹۴۰/۱۴۰۳/ش»)
    lefts = browser.execute_script(ORDER, "۲۹۴۰", "ش/", "۱۴۰۳")
    assert lefts[0] < lefts[1] < lefts[2], lefts
    browser.save_screenshot(str(ARTIFACTS / "words-actions-fa.png"))
