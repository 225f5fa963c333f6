"""The dashboard's words in Persian (default) and English; numbers and dates as each language reads them."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from regen.jalali import to_jalali
from regen.text import fa_digits

TEHRAN = ZoneInfo("Asia/Tehran")  # the time people of the program live by
RLE, PDF = "\u202b", "\u202c"  # embed right-to-left text so Persian, digits and % stay in order
LRI, PDI = "\u2066", "\u2069"  # isolate a left-to-right run (a letter number) inside Persian text
LRM = "\u200e"  # after each "/" of a letter number: digits after a Persian letter stay left to right
_NUMBERED = re.compile(r"[0-9۰-۹]+(?:/[^\s/]+)+")  # a letter number «2940/ش/1403» or a date «1397/07/10»


def _read_words() -> dict[str, tuple[str, str]]:
    """Reads words.toml: every key with exactly its Persian and its English."""
    with (Path(__file__).with_name("words.toml")).open("rb") as f:
        words = tomllib.load(f)
    bad = [k for k, v in words.items() if not (isinstance(v, list) and len(v) == 2 and all(v))]
    if bad:
        raise ValueError(f"dashboard/words.toml: {', '.join(bad)} must each be [Persian, English]")
    return {k: (v[0], v[1]) for k, v in words.items()}


_WORDS = _read_words()
GRID_WORDS = [k[2:] for k in _WORDS if k.startswith("g_")]
PLOT_WORDS = [k for k in _WORDS if k.startswith("pl_")]
BRIEF_WORDS = [k[2:] for k in _WORDS if k.startswith("b_")]


def t(key: str, lang: str) -> str:
    """Gives the word for `key` in `lang` (the key itself when it has none: visible, never a crash)."""
    pair = _WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def num(value: float | int | None, lang: str, decimals: int = 0, persian_digits: bool = True) -> str:
    """Gives a number with thousands separators, in Persian digits for Persian; '—' for None.
    `persian_digits=False` keeps ASCII digits (with Persian separators) for text drawn in the
    Farsi-Digits font, which shows them as Persian digits."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    text = text.replace(",", "٬").replace(".", "٫")
    return fa_digits(text) if persian_digits else text


def pct(value: float | None, lang: str, persian_digits: bool = True) -> str:
    """Gives a share as '45.3%' / '۴۵٫۳٪'; '—' for None."""
    if value is None:
        return "—"
    return num(value, lang, 1, persian_digits) + ("%" if lang == "en" else "٪")


def date(day: dt.date | None, lang: str) -> str:
    """Gives a Jalali date, with Persian digits in Persian ('۱۴۰۳/۱۲/۳۰')."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return to_jalali(day, persian_digits=(lang != "en"))


def moment(at: dt.datetime | None, lang: str) -> str:
    """Gives a moment as its Jalali day and Tehran time ('۱۴۰۵/۰۹/۱۰ ۰۳:۱۹'); '—' for None."""
    if at is None:
        return "—"
    local = at.astimezone(TEHRAN) if at.tzinfo else at.replace(tzinfo=dt.UTC).astimezone(TEHRAN)
    clock = f"{local:%H:%M}"
    return f"{date(local.date(), lang)} {clock if lang == 'en' else fa_digits(clock)}"


def letter_no(text: str | None, lang: str) -> str:
    """Gives a letter number as written («2940/ش/1403»): Persian digits in Persian, kept left to right
    so its parts do not swap places in a right-to-left line."""
    if not text:
        return ""
    if lang == "en":
        return text
    # Digits after a Persian letter read as Arabic numbers, which run right to left with the letter
    # («۲۹۴۰/۱۴۰۳/ش» even inside the isolate): a left-to-right mark after each "/" keeps them in place.
    return LRI + fa_digits(text).replace("/", "/" + LRM) + PDI


def free_text(text: str | None, lang: str) -> str:
    """Gives words a person wrote (a note, an evidence text) for the page: in Persian with Persian
    digits and each letter number or date kept in its order. The words stay in the language written."""
    if not text or lang == "en":
        return text or ""
    return _NUMBERED.sub(lambda m: letter_no(m.group(0), lang), fa_digits(text))


def rtl(text: str) -> str:
    """Gives text wrapped in RLE…PDF, so mixed Persian, digits and % keep their order in Plotly hovers."""
    return f"{RLE}{text}{PDF}"


def name(row: dict, lang: str, prefix: str = "") -> str:
    """Gives a row's name in the language, falling back to Persian (then the code)."""
    fa, en = (
        row.get(f"{prefix}name_fa") or row.get(f"{prefix}fa"),
        row.get(f"{prefix}name_en") or row.get(f"{prefix}en"),
    )
    if lang == "en" and en:
        return en
    return fa or en or row.get("code") or ""


def kinds(codes: list[str], lang: str) -> str:
    """Gives a neighborhood's kinds as words, joined as the language joins a list."""
    return ("، " if lang == "fa" else ", ").join(t(f"k_{k}", lang) for k in codes)


def known(key: str) -> bool:
    """Says whether `key` has words (an event of a history may be a state or a boundary's reason)."""
    return key in _WORDS


def dropdown_words(lang: str) -> dict:
    """Gives the words a dcc.Dropdown writes itself (its `labels`: clear, search, none found), in the
    language."""
    keys = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection")
    return {k: t(f"dd_{k}", lang) for k in (*keys, "no_options_found")}


def grid_words(lang: str) -> dict:
    """Gives the words AG Grid writes itself (pager, loading, empty), in the language."""
    return {k: t(f"g_{k}", lang) for k in GRID_WORDS}


def plot_words(lang: str) -> dict:
    """Gives the words plotly.js writes itself (mode-bar tool tips, its notices) and MapLibre's control
    (assets/map_words.js reads them from the same dictionary), as plotly.js's `config.locales` entry:
    each keyed by the library's English text, which is each pl_ entry's English."""
    return {lang: {"dictionary": {_WORDS[k][1]: t(k, lang) for k in PLOT_WORDS}}}


def file_name(parts: tuple[str | None, ...], day: dt.date | None, lang: str, ext: str | None = None) -> str:
    """Gives a download's file name in the language: the parts (words or codes) and the day joined by
    '-' ('regen-actions-IR-23-2025-03-20.csv'; in Persian with the Jalali day, '…-۱۴۰۳-۱۲-۳۰.csv')."""
    when = None
    if day is not None:
        when = day.isoformat() if lang == "en" else date(day, lang).replace("/", "-")
    return "-".join(x for x in (*parts, when) if x) + (f".{ext}" if ext else "")
