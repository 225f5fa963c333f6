"""The dashboard's words in Persian (default) and English; numbers and dates as each language reads them."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from regen.jalali import to_jalali
from regen.text import fa_digits

RLE, PDF = "\u202b", "\u202c"  # embed right-to-left text so Persian, digits and % stay in order

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


def grid_words(lang: str) -> dict:
    """Gives the words AG Grid writes itself (pager, loading, empty), in the language."""
    return {k: t(f"g_{k}", lang) for k in GRID_WORDS}
