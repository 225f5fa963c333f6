"""Which text encoding a file's bytes are in: UTF-8, or Windows-1256 (what Persian Windows writes).

One judgement for every loader (CSV tables, Shapefile attributes, GeoJSON): bytes that decode as
UTF-8 without C1 control characters are UTF-8; otherwise Windows-1256 when that gives Arabic-script
text; otherwise the file is in an encoding we cannot guess, and the loader asks for `--encoding`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable

_C1 = re.compile("[\x80-\x9f]")
UTF8, CP1256 = "utf-8", "windows-1256"
LABEL = {UTF8: "UTF-8", CP1256: "Windows-1256 (Arabic-script Windows)"}


def is_utf8(chunks: Iterable[bytes]) -> bool:
    """Gives True when the bytes decode as UTF-8 with no C1 control character (U+0080–U+009F)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks:
            # Valid UTF-8 that holds C1 control characters is Windows-1256 (or Latin) text by accident.
            if _C1.search(decoder.decode(chunk)):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def arabic_script(text: str) -> bool:
    """Gives True when most non-ASCII letters of `text` are Arabic-script (Persian, Arabic)."""
    letters, arabic = _count_letters(text)
    return letters == 0 or arabic >= 0.8 * letters  # nothing but ASCII: any reading is the same


def _count_letters(text: str) -> tuple[int, int]:
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    return len(letters), sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff")


def guess(chunks: Callable[[], Iterable[bytes]]) -> str | None:
    """Gives UTF8 or CP1256 for the bytes `chunks()` yields (called once per pass, so a large file is
    never held whole), or None when neither reading gives Persian/Arabic text."""
    if is_utf8(chunks()):
        return UTF8
    decoder = codecs.getincrementaldecoder("cp1256")("replace")
    letters = arabic = 0
    for chunk in chunks():
        n, a = _count_letters(decoder.decode(chunk))
        letters, arabic = letters + n, arabic + a
    return CP1256 if letters == 0 or arabic >= 0.8 * letters else None


def decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    """Gives True when every byte decodes in `encoding` (UTF-8: without C1 characters, see is_utf8)."""
    if codecs.lookup(encoding).name == "utf-8":
        return is_utf8(chunks)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def codec_name(name: str) -> str | None:
    """Gives the canonical name of an encoding as GDAL's .cpg or a user writes it, or None if unknown."""
    try:
        n = codecs.lookup(name.strip().replace("ANSI ", "cp").replace("ANSI", "cp")).name
    except LookupError:
        return None
    return {"cp1256": CP1256, "cp1252": "windows-1252"}.get(n, n)
