"""Which text encoding a file's bytes are in: UTF-8, or Windows-1256 (what Persian Windows writes).

One judgement for every loader (CSV tables, Shapefile attributes, GeoJSON): bytes that decode as
UTF-8 without C1 control characters are UTF-8; otherwise Windows-1256 when that gives Arabic-script
text; otherwise the file is in an encoding we cannot guess, and the loader asks for `--encoding`.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from etl.runs import LoadError

_C1 = re.compile(rb"\xc2[\x80-\x9f]")
UTF8, CP1256 = "utf-8", "windows-1256"
LABEL = {UTF8: "UTF-8", CP1256: "Windows-1256 (Arabic-script Windows)"}


def is_utf8(chunks: Iterable[bytes]) -> bool:
    """Gives True when the bytes decode as UTF-8 with no C1 control character (U+0080–U+009F)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = b""
    try:
        for chunk in chunks:
            decoder.decode(chunk)
            # Valid UTF-8 that holds C1 control characters is Windows-1256 (or Latin) text by accident.
            # Searched in the bytes (C2 80 … C2 9F), ten times faster than in the decoded text.
            if _C1.search(last + chunk[:1]) or _C1.search(chunk):
                return False
            last = chunk[-1:]
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


# -- boundary files: a Shapefile's attributes, a GeoJSON's text -------------------------------------
def shapefile_encoding(
    path: Path, shp: str, cpg: bytes | None, encoding: str | None, notes: list[str]
) -> tuple[str, str | None]:
    """Gives (encoding, encoding to pass to GDAL or None to let it read the .cpg) of a Shapefile's
    attributes: --encoding, else the .cpg when the .dbf decodes in it, else what the .dbf's bytes are."""

    def chunks():
        return dbf_records(path, shp)

    if encoding:
        enc = _checked(path, encoding, chunks, "the attributes")
        notes.append(f"attributes decoded as {enc} (--encoding)")
        return enc, encoding
    declared_text = cpg.decode("ascii", "replace").strip() if cpg is not None else None
    declared = codec_name(declared_text or "utf-8") if cpg is not None else None
    if declared is not None and decodes(chunks(), declared):
        notes.append(f"attributes decoded as {declared}, as the .cpg file declares")
        return declared, None
    found = guess(chunks)
    if found is None:
        raise LoadError(
            f"{path}: the Shapefile's attributes (.dbf) are neither UTF-8 nor Windows-1256 text"
            + (f", though its .cpg declares {declared_text}" if cpg is not None else "")
            + ": ask the sender which encoding it is and give it with --encoding (e.g. --encoding cp1252)"
        )
    if cpg is None:
        why = (
            "valid UTF-8"
            if found == UTF8
            else "not valid UTF-8, so read as Windows-1256 (Arabic-script Windows)"
        )
        notes.append(f"no .cpg file: attributes are {why}")
    else:
        notes.append(
            f"the .cpg file declares {declared_text!r}, but the attributes are not valid "
            f"{LABEL.get(declared, declared_text)}: they are {LABEL[found]} text "
            "and were read as such (give --encoding if that is wrong)"
        )
    return found, ("cp1256" if found == CP1256 else "UTF-8")


def geojson_encoding(path: Path, encoding: str | None, notes: list[str]) -> str:
    """Gives the encoding of a GeoJSON file: --encoding, else UTF-8 (as GeoJSON must be) when it
    decodes so, else Windows-1256 when that gives Persian text; refuses otherwise."""

    def chunks():
        return _file_chunks(path)

    if encoding:
        enc = _checked(path, encoding, chunks, "the file")
        if enc != UTF8:
            notes.append(f"text decoded as {enc} (--encoding)")
        return enc
    found = guess(chunks)
    if found is None:
        raise LoadError(
            f"{path}: the file is neither UTF-8 (as GeoJSON must be) nor Windows-1256 text: ask the sender "
            "which encoding it is and give it with --encoding, or export it again as UTF-8"
        )
    if found != UTF8:
        notes.append(
            "the file is not UTF-8 (as GeoJSON must be): its text is Windows-1256 (Arabic-script Windows), "
            "read as such (give --encoding if that is wrong)"
        )
    return found


def _checked(path: Path, encoding: str, chunks, what: str) -> str:
    enc = checked_codec(encoding)
    if not decodes(chunks(), enc):
        found = guess(chunks)
        hint = f"; they look like {LABEL[found]}: try --encoding {found}" if found else ""
        raise LoadError(f"{path}: {what} are not valid {enc} text (--encoding {encoding}){hint}")
    return enc


def recode(path: Path, enc: str, target: str) -> None:
    decoder = codecs.getincrementaldecoder(enc)()
    with open(target, "w", encoding="utf-8", newline="") as out:
        for chunk in _file_chunks(path):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


def _file_chunks(path: Path):
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            yield chunk


def dbf_records(path: Path, shp: str):
    """Yields the bytes of the .dbf's records (its header, with the field names, left out) in blocks."""
    stem = shp[: -len(".shp")]
    if path.suffix.lower() == ".zip":
        z = zipfile.ZipFile(path)
        names = {n.lower(): n for n in z.namelist()}
        f = z.open(names[(stem + ".dbf").lower()])
    else:
        dbf = path.with_suffix(".dbf") if path.with_suffix(".dbf").exists() else path.with_suffix(".DBF")
        f = open(dbf, "rb")  # noqa: SIM115 — closed below
    try:
        header = f.read(32)
        header_len = int.from_bytes(header[8:10], "little") if len(header) >= 10 else 32
        f.read(max(0, header_len - 32))
        # Read in blocks: a big .dbf is never held in memory whole.
        while chunk := f.read(1 << 20):
            yield chunk
    finally:
        f.close()


def checked_codec(name: str) -> str:
    found = codec_name(name)
    if found is None:
        raise LoadError(f"unknown encoding {name!r} (give e.g. --encoding windows-1256 or utf-8)")
    return found
