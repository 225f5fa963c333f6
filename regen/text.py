"""Persian text: the name key (same rules as SQL `fa_normalize`), the search box's key (SQL
`fa_search_key`) and Persian digits for display."""

from __future__ import annotations

import re

_MAP = str.maketrans(
    "يىكۀةأإٱ۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "ییکههااا01234567890123456789",
)
_DROP = re.compile("[\u0640\u064b-\u065f\u0670\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"[\s\u200c\u00a0]+")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def fa_normalize(text: str | None) -> str | None:
    """Gives the search key of a name: the Python twin of SQL fa_normalize (see 0001_base.sql)."""
    if text is None:
        return None
    key = _SPACE.sub(" ", _DROP.sub("", text.translate(_MAP))).strip().lower()
    return key or None


_SEARCH_DROP = re.compile("[ '(),._،-]")


def search_key(text: str | None) -> str | None:
    """Gives what the search box compares: the Python twin of SQL fa_search_key (see 0125_search.sql):
    fa_normalize, آ→ا, no spaces (ZWNJ or not, one key) and none of - _ . , ' ( ) ،."""
    key = fa_normalize(text)
    if key is None:
        return None
    return _SEARCH_DROP.sub("", key.replace("آ", "ا")) or None


def fold_letters(text: str) -> str:
    """Gives text with the letter and digit variants fa_normalize folds (ي→ی, ك→ک, ۵→5 …) folded, one
    character for one: an index into the folded text is an index into the original."""
    return text.translate(_MAP)


def to_ascii_digits(text: str) -> str:
    """Gives text with Persian and Arabic-Indic digits replaced by ASCII ones."""
    return text.translate(_ASCII_DIGITS)


def fa_digits(text: object) -> str:
    """Gives str(text) with ASCII digits drawn as Persian ones (for display in Persian mode)."""
    return str(text).translate(_FA_DIGITS)
