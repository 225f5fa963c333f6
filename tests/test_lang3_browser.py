"""The last words of the other language (issue 16, item 2), in a real headless Chromium: Plotly's
mode-bar tool tips and MapLibre's control in the page's language, the figures' picture names, the
data view's rejection reasons, and the brief's file name (RFC 5987 `filename*` with an ASCII one)."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.brief.web import brief_name
from dashboard.i18n import t
from dashboard.pages.data import reason
from dashboard.urls import parse
from regen.db import Database
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    BROWSER_PASSWORD,
    BROWSER_USER,
    browser,
    served_dashboard,
    sign_in,
)
from tests.test_words_browser import foreign, settled_words

pytestmark = pytest.mark.browser
FILE = "/data/boundaries/neighborhoods-1403.geojson"
# A boundaries run whose rejects carry reason keys (as the loaders write them now), and one with a
# reason no key names (as an older loader may have written it).
EXTRA = f"""
INSERT INTO etl_runs (kind, level, file, checksum, read, inserted, rejected)
VALUES ('boundaries', 'neighborhood', '{FILE}', 'r3', 9, 5, 4);
INSERT INTO etl_rejects (run_id, row_no, name, field, reason, reason_key, reason_values)
SELECT id, n, name, field, reason, key, vals::jsonb FROM etl_runs,
 (VALUES (2, 'نارمک', NULL, 'it lies outside its city TEH', 'outside_parent',
          '{{"level": "city", "code": "TEH"}}'),
         (4, 'سیروس', 'kind', 'unknown kind ''99'' (known: …)', 'unknown_kind', '{{"value": "99"}}'),
         (7, 'جلفا', NULL, 'code «N-7» appears again (first on row 3)', 'code_again',
          '{{"code": "N-7", "first": 3}}'),
         (9, NULL, NULL, 'a reason no key names', NULL, NULL)) AS r (n, name, field, reason, key, vals)
 WHERE file = '{FILE}';
"""
# The buttons each figure keeps, by the words of their tool tips.
MAP_BUTTONS = ("pl_to_image", "pl_zoom_in", "pl_zoom_out", "pl_reset_view")
TIMELINE_BUTTONS = ("pl_to_image", "pl_zoom", "pl_reset_axes")
TOOLS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
if (!gd || !gd._context) return null;
const attrib = gd.querySelector('.maplibregl-ctrl-attrib-button');
return {buttons: [...gd.querySelectorAll('.modebar-btn')].map((b) => b.getAttribute('data-title')),
        attribution: attrib && [attrib.getAttribute('title'), attrib.getAttribute('aria-label')],
        file: gd._context.toImageButtonOptions.filename};
"""


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    with served_dashboard(pg_server, template_url, "regen_lang3", EXTRA) as url:
        yield url


def tools(driver, figure: str, with_map: bool) -> dict:
    """Gives the figure's mode-bar tool tips, its map's attribution button words, its picture's name."""

    def ready(d):
        got = d.execute_script(TOOLS, figure)
        return got if got and got["buttons"] and (got["attribution"] or not with_map) else None

    return WebDriverWait(driver, 30).until(ready)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_mode_bar_and_map_control_speak_the_page_language(browser, base_url, lang):  # noqa: F811
    sign_in(browser, base_url, BROWSER_USER, BROWSER_PASSWORD)
    for path, place, prefix in (("/", None, "nat"), ("/province/IR-23", "IR-23", "prov")):
        browser.get(base_url + path + f"?lang={lang}")
        figures = ((f"#{prefix}-map", MAP_BUTTONS, True), (f"#{prefix}-timeline", TIMELINE_BUTTONS, False))
        for figure, keys, with_map in figures:
            got = tools(browser, figure, with_map)
            assert sorted(got["buttons"]) == sorted(t(k, lang) for k in keys), (path, figure)
            if with_map:  # MapLibre's own button, named by the same dictionary
                assert got["attribution"] == [t("pl_attribution", lang)] * 2, (path, figure)
            what = t(f"fig_{figure[1:].replace('-', '_')}", lang)
            assert got["file"] == "-".join(x for x in (t("dl_app", lang), what, place) if x), figure
        words = [{"s": s, "fd": False} for s in got["buttons"]]
        assert foreign(words, lang) == [], path


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_rejection_reasons_in_the_page_language(browser, base_url, lang):  # noqa: F811
    sign_in(browser, base_url, BROWSER_USER, BROWSER_PASSWORD)
    browser.add_cookie({"name": "regen_lang", "value": lang})  # by the cookie: no ?lang= in the URL
    browser.get(base_url + "/data")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#data-runs .ag-row .ag-cell[col-id='file']"))
    cell = next(
        c
        for c in browser.find_elements(By.CSS_SELECTOR, "#data-runs .ag-row .ag-cell[col-id='file']")
        if c.text.replace("\n", "") == FILE
    )
    cell.click()
    cells = "#data-reject-table .ag-row .ag-cell[col-id='reason']"
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, cells)) == 4)
    db = Database(os.environ["DATABASE_URL"])
    rows = db.query(
        "SELECT j.* FROM etl_rejects j JOIN etl_runs r ON r.id = j.run_id WHERE r.file = %s ORDER BY row_no",
        (FILE,),
    )
    db.close()
    shown = sorted(c.text for c in browser.find_elements(By.CSS_SELECTOR, cells))
    assert shown == sorted(reason(r, lang) for r in rows)
    if lang == "fa":
        assert "کد «\u2066N-7\u2069» دوباره آمده است (نخستین بار در ردیف ۳): هر کد یک بار." in shown
        assert t("rj_other", "fa") in shown  # the reason no key names: a general sentence, not English
    else:
        assert "a reason no key names" in shown
    found = foreign(settled_words(browser), lang)
    assert found == [], found
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"lang3-data-rejects-{lang}.png"))


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_brief_downloads_under_a_name_in_the_page_language(browser, base_url, lang):  # noqa: F811
    sign_in(browser, base_url, BROWSER_USER, BROWSER_PASSWORD)
    browser.get(base_url + f"/?lang={lang}")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#header a.brief-link"))
    href = browser.find_element(By.CSS_SELECTOR, "#header a.brief-link").get_attribute("href")
    browser.set_script_timeout(180)
    status, disposition = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then((r) => done([r.status, r.headers.get('content-disposition')]))",
        href,
    )
    day = parse("?" + href.split("?", 1)[1]).day
    name, ascii_name = brief_name(None, day, lang), brief_name(None, day, "en")
    assert status == 200
    assert disposition == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    if lang == "fa":  # Persian words and a Jalali day in Persian digits
        assert name.startswith("اطلس-بازآفرینی-گزارش-جلسه-ایران-۱۴") and name.endswith(".pdf"), name
    else:
        assert name == f"regen-brief-iran-{day.isoformat()}.pdf"
