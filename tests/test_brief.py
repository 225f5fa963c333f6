"""The meeting brief read back from its PDF (poppler's pdftotext / pdffonts / pdftoppm) on the demo with
real boundaries: its figures are the dashboard query layer's, Persian words come out whole (ZWNJ kept),
Vazirmatn is embedded, a province brief names no other province's city, an English brief no Persian
word but names, and the scope holds. Page images go to tests/artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard import i18n, performance, queries, results
from dashboard.auth_seam import NotAllowed
from dashboard.brief.content import gather
from dashboard.brief.render import MissingChromium, brief_pdf
from dashboard.brief.words import w
from dashboard.i18n import BRIEF_WORDS
from etl.demo.build import build_demo
from etl.demo.calendar import STORY_DAY
from regen.db import Database
from regen.scope import NATIONAL, Scope
from tests.conftest import drop_database, new_database

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ISFAHAN = "IR-10"
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # direction marks pdftotext adds


@pytest.fixture(scope="module")
def demo(pg_server, template_url, iran_osm):
    url = new_database(pg_server, "regen_brief", template_url)
    database = Database(url)
    build_demo(database, boundaries=iran_osm)
    results.clear_cache()
    yield database
    results.clear_cache()
    database.close()
    drop_database(pg_server, url)


def _pdf(tmp_path: Path, data: bytes, name: str) -> tuple[Path, str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    # NFKC: the lam-alef ligature comes out as one presentation form (U+FEFB), the word is the same
    return path, unicodedata.normalize("NFKC", _MARKS.sub("", text.stdout))


def _has(text: str, name: str) -> bool:
    """Gives whether `name` is in the text: poppler writes the lam-alef ligature's letters in reverse
    («گیلان» comes out «گیالن»), so that spelling counts too."""
    return name in text or name.replace("لا", "ال") in text


def _pages(path: Path, name: str) -> int:
    """Writes each page as tests/artifacts/<name>-N.png; gives the number of pages."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(ARTIFACTS / name)], check=True)
    return len(list(ARTIFACTS.glob(f"{name}-*.png")))


def _fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _headline_texts(h: dict, lang: str) -> list[str]:
    return [
        i18n.num(h["neighborhoods"], lang),
        i18n.pct(h["coverage_count_pct"], lang),
        i18n.num(h["covered"], lang),
        i18n.num(h["active"], lang),
        i18n.pct(h["handover_pct"], lang),
        i18n.num(h["overdue_actions"], lang),
    ]


def test_national_brief_figures_words_and_fonts(demo, tmp_path):
    path, text = _pdf(tmp_path, brief_pdf(demo, NATIONAL, as_of=STORY_DAY), "national")
    rows = queries.coverage_provinces(demo, NATIONAL, STORY_DAY)
    head = queries.headline(
        demo, NATIONAL, STORY_DAY, rows=rows, action_rows=queries.national_overdue(demo, NATIONAL, STORY_DAY)
    )
    for figure in _headline_texts(head, "fa"):
        assert figure in text, figure
    assert "محله‌های هدف" in text  # a whole word, its ZWNJ kept in the text layer
    assert "۱۴۰۵/۰۹/۰۵" in text and "۵۱" in text  # the as-of day in Jalali, the next meeting's number
    for r in rows:
        assert _has(text, r["name_fa"]), r["name_fa"]
    # each national target's achieved figure, as the performance query gives it
    for t in performance.targets(demo, NATIONAL, STORY_DAY):
        if t["province_code"] is None:
            assert i18n.pct(t["achieved_pct"], "fa") in text, t["code"]
    fonts = _fonts(path)
    assert re.search(r"Vazirmatn-Regular\s.*\byes\b", fonts) and re.search(
        r"Vazirmatn-Bold\s.*\byes\b", fonts
    ), fonts
    assert _pages(path, "brief-national-fa") >= 4


def _names_outside(db, province: str) -> set[str]:
    """Gives the Persian names of cities outside `province` that no place, agency or word of the brief
    of `province` shares."""
    inside = {
        r["name_fa"] for r in db.query("SELECT name_fa FROM cities WHERE province_code = %s", (province,))
    }
    places = db.query(
        "SELECT n.name_fa FROM neighborhoods n JOIN cities c ON c.code = n.city_code"
        " WHERE c.province_code = %(p)s"
        " UNION SELECT o.name_fa FROM offices o JOIN cities c ON c.code = o.city_code"
        " WHERE c.province_code = %(p)s"
        " UNION SELECT name_fa FROM provinces UNION SELECT name_fa FROM agencies",
        {"p": province},
    )
    inside |= {r["name_fa"] for r in places}
    inside |= {w(key, "fa") for key in BRIEF_WORDS}  # «پیشین» is a city in Sistan and a word of the brief
    outside = db.query("SELECT DISTINCT name_fa FROM cities WHERE province_code <> %s", (province,))
    return {r["name_fa"] for r in outside if not any(r["name_fa"] in name for name in inside)}


def test_province_brief_names_its_own_cities_only(demo, tmp_path):
    path, text = _pdf(tmp_path, brief_pdf(demo, NATIONAL, as_of=STORY_DAY, province=ISFAHAN), "isfahan")
    cities = queries.coverage_cities(demo, NATIONAL, STORY_DAY, province=ISFAHAN)
    head = queries.headline(demo, NATIONAL, STORY_DAY, province=ISFAHAN)
    for figure in _headline_texts(head, "fa"):
        assert figure in text, figure
    assert "اصفهان" in text
    for c in cities:
        if c["neighborhoods"]:
            assert _has(text, c["name_fa"]), c["name_fa"]
    words = set(re.findall(r"[\u0600-\u06ff\u200c]+", text))
    leaked = {
        n
        for n in _names_outside(demo, ISFAHAN)
        if {n, n.replace("لا", "ال")} & words or (" " in n and _has(text, n))
    }
    assert not leaked, leaked
    assert "Vazirmatn-Regular" in _fonts(path)
    assert _pages(path, "brief-isfahan-fa") >= 3


def test_english_brief_has_no_persian_word_but_names(demo, tmp_path):
    path, text = _pdf(tmp_path, brief_pdf(demo, NATIONAL, as_of=STORY_DAY, lang="en"), "english")
    head = queries.headline(demo, NATIONAL, STORY_DAY)
    for figure in _headline_texts(head, "en"):
        assert figure in text, figure
    assert "Figures as of" in text and "1405/09/05" in text  # Jalali dates in English too
    # names without an English form are shown in Persian: those alone may remain
    persian_only = [
        r["name_fa"]
        for r in demo.query(
            "SELECT name_fa FROM cities WHERE name_en IS NULL UNION SELECT name_fa FROM neighborhoods"
            " WHERE name_en IS NULL UNION SELECT name_fa FROM offices WHERE name_en IS NULL"
        )
    ]
    rest = text
    for name in sorted(persian_only, key=len, reverse=True):
        rest = rest.replace(name, "").replace(name.replace("لا", "ال"), "")
    assert not re.findall(r"[\u0600-\u06ff]+", rest), re.findall(r"[\u0600-\u06ff]+", rest)[:10]
    _pages(path, "brief-national-en")


def test_a_provincial_user_gets_its_own_province_only(demo):
    isfahan = Scope("isf", "provincial", ISFAHAN)
    b = gather(demo, isfahan, as_of=STORY_DAY)
    assert b.province["code"] == ISFAHAN
    assert b.places and all(r["province_code"] == ISFAHAN for r in b.places)
    assert all(t["province_code"] in (None, ISFAHAN) for t in b.targets)
    assert all(a["province_code"] in (None, ISFAHAN) for g in b.agencies for a in g["listed"])
    with pytest.raises(NotAllowed):
        gather(demo, isfahan, as_of=STORY_DAY, province="IR-23")
    with pytest.raises(NotAllowed):
        gather(demo, Scope(), as_of=STORY_DAY)


def test_without_chromium_a_clear_message(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(MissingChromium, match="apt-get install chromium"):
        brief_pdf(demo, NATIONAL, as_of=STORY_DAY)
    monkeypatch.setenv("DATABASE_URL", demo.url)
    from regen.cli import cli

    result = CliRunner().invoke(cli, ["brief", "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "headless Chromium, which is not installed" in result.output
    assert shutil.which("chromium")  # the machine itself has it: the message came from the check
