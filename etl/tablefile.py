"""Reading the tables agencies send: CSV (UTF-8, UTF-8 with BOM, Windows-1256) or XLSX, with English
or Persian headers, into rows of text keyed by the loader's column names.

Encoding of a CSV: a BOM means UTF-8 with BOM (or UTF-16, Excel's "Unicode Text"); bytes that are
valid UTF-8 are UTF-8; anything else is Windows-1256 (what Excel on a Persian Windows saves as "CSV"),
line by line, so that UTF-8 rows pasted into a Windows-1256 file are read right too; bytes that give
no Persian text either way are refused; `encoding=` overrides. Rows are numbered from 1 at the first
data row (the header row is not counted), as in `etl_rejects.row_no`.

A workbook with several sheets: the one whose header is this table's (the report says which), or
`sheet=`. A formula cell with no saved value (a workbook written by a program and never opened in
Excel) is a problem of its row, not an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl import encodings
from etl.columns import TableSpec, header_key
from etl.runs import LoadError

_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class TableFile:
    path: Path
    encoding: str  # utf-8, utf-8-sig, cp1256 … or "xlsx"
    columns: list[str]  # the loader's names of the file's columns, in file order
    rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)  # what was decided about the file, for the report
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)  # row → (column, message)

    def has(self, column: str) -> bool:
        return column in self.columns


def read_table(
    path: Path, spec: TableSpec, encoding: str | None = None, sheet: str | None = None
) -> TableFile:
    """Gives the file's rows as {column name: text or None}; raises LoadError for a file-level problem."""
    path = Path(path)
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json", ".shp", ".shx", ".dbf", ".gpkg", ".zip", ".kml"):
        raise LoadError(
            f"{path}: is a map file, not a table: load boundaries with `regen load boundaries FILE "
            "--level …`; the table loaders read CSV or XLSX"
        )
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(f"{path}: the file is empty: the export or the download did not finish")
    _check_not_a_page(path, data)
    if suffix == ".xls":
        raise LoadError(f"{path}: old Excel .xls files are not read; save it as .xlsx or as CSV (UTF-8)")
    notes: list[str] = []
    if data.startswith(_ZIP_MAGIC):
        raw_rows, used = _xlsx_rows(path, data, sheet, spec, notes), "xlsx"
    elif suffix in (".xlsx", ".xlsm"):
        text = b"\x00" not in data[:4096] and encodings.guess(lambda: [data]) is not None
        raise LoadError(
            f"{path}: is not an Excel workbook"
            + (
                " but a text file (a CSV named .xlsx?): rename it to .csv"
                if text
                else " (damaged or cut short): save it again from Excel"
            )
        )
    else:
        text, used = decode(path, data, encoding, notes)
        raw_rows = _csv_rows(text)
    table = _map_rows(path, spec, raw_rows, used)
    table.notes[:0] = notes
    return table


def _check_not_a_page(path: Path, data: bytes) -> None:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise LoadError(
            f"{path}: the file is a web page (HTML), not a table: a failed download saves the error "
            "page under the file's name. Download or export the file again."
        )


def decode(
    path: Path, data: bytes, encoding: str | None = None, notes: list | None = None
) -> tuple[str, str]:
    """Gives (text, encoding used) for a CSV file's bytes; notes what was decided about mixed lines."""
    if encoding:
        try:
            text = data.decode(encoding)
            utf8 = _utf8_lines(data) if encodings.codec_name(encoding) == encodings.CP1256 else []
            if utf8:  # forced to Windows-1256, these lines would be stored as mojibake
                raise LoadError(
                    f"{path}: line(s) {_shown(utf8)} of the file are UTF-8, not {encoding}: leave out "
                    "--encoding, and each line is read in its own encoding"
                )
            return text, encoding
        except LookupError:
            raise LoadError(f"unknown encoding «{encoding}»: use utf-8, utf-8-sig or cp1256") from None
        except UnicodeDecodeError as e:
            raise LoadError(
                f"{path}: not valid {encoding} at byte {e.start}; try without --encoding"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" (tab-separated)
        return data.decode("utf-16"), "utf-16"
    if encodings.is_utf8([data]):
        return data.decode("utf-8"), "utf-8"
    if b"\x00" in data:
        raise LoadError(f"{path}: the file is not text (binary content): is it a CSV or an XLSX file?")
    # Windows-1256, line by line: a line that is valid UTF-8 Persian was pasted from elsewhere and is
    # read as UTF-8 (read as Windows-1256 it would be stored as mojibake, e.g. «ظپط§ط±ط³» for «فارس»).
    utf8 = _utf8_lines(data)
    text = "\n".join(
        line.decode() if no in utf8 else line.decode("cp1256")
        for no, line in enumerate(data.split(b"\n"), start=1)
    )
    if not encodings.arabic_script(text):
        raise LoadError(
            f"{path}: the file is neither UTF-8 nor Windows-1256 (Persian) text: save it from Excel as "
            "«CSV UTF-8», or give its encoding with --encoding"
        )
    if utf8 and notes is not None:
        notes.append(
            f"mixed encodings: line(s) {_shown(utf8)} of the file are UTF-8, the others Windows-1256; "
            "each line was read in its own encoding"
        )
    return text, "cp1256+utf-8" if utf8 else "cp1256"


def _utf8_lines(data: bytes) -> set[int]:
    """Gives the numbers (from 1) of the lines that are valid UTF-8 Persian (not plain ASCII)."""
    return {
        no
        for no, line in enumerate(data.split(b"\n"), start=1)
        if not line.isascii() and encodings.is_utf8([line]) and encodings.arabic_script(line.decode())
    }


def _shown(numbers) -> str:
    numbers = sorted(numbers)
    return ", ".join(map(str, numbers[:20])) + (" …" if len(numbers) > 20 else "")


def _csv_rows(text: str) -> Iterator[list[str]]:
    first = text.split("\n", 1)[0]
    # Excel in some locales writes ';' or tab; the header line says which.
    delimiter = max((",", ";", "\t"), key=first.count)
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [csv_cell_text(c) for c in cells]


# A CSV cell a spreadsheet would run as a formula: text that begins with one of these (a tab or CR can
# hide a formula behind it). Exports write such text with one apostrophe before it, as Excel shows
# text; see csv_cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """Gives a text value as an export's CSV cell holds it: with one more apostrophe in front when it
    begins, after any apostrophes, with = + - @ tab or CR (so `'=x` becomes `''=x`: csv_cell_text
    gives back exactly what was written). Only text: numbers (-5) are written as they are."""
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def csv_cell_text(cell: str) -> str:
    """Gives the value of a CSV cell: undoes csv_cell (one leading apostrophe goes where apostrophes
    are followed by = + - @ tab or CR); any other cell is read as it is."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START) else cell


class Unsaved(str):
    """A formula cell whose value was never computed and saved: reads as empty, is a row problem."""

    formula: str

    def __new__(cls, formula: str) -> Unsaved:
        cell = super().__new__(cls, "")
        cell.formula = formula
        return cell


def _xlsx_rows(
    path: Path, data: bytes, sheet: str | None, spec: TableSpec, notes: list[str]
) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises several types for a damaged or foreign file
        raise LoadError(
            f"{path}: not a readable XLSX workbook ({e.__class__.__name__}: {e}); save it again from Excel"
        ) from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise LoadError(f"{path}: no sheet «{sheet}»; the sheets are: {', '.join(wb.sheetnames)}")
    name = sheet or _choose_sheet(path, wb, spec, notes)
    values, cells = wb[name].iter_rows(values_only=True), formulas[name].iter_rows(values_only=True)
    for row, raw in zip(values, cells, strict=False):
        yield [
            Unsaved(f) if v is None and isinstance(f, str) and f.startswith("=") else _cell_text(v)
            for v, f in zip(row, raw, strict=False)
        ]


def _choose_sheet(path: Path, wb, spec: TableSpec, notes: list[str]) -> str:
    """Gives the sheet to read: the only one, or the one whose header has this table's required columns."""
    if len(wb.worksheets) == 1:
        return wb.worksheets[0].title
    lookup, required = spec.lookup(), set(spec.required())
    fits = []
    for ws in wb.worksheets:
        header = next(
            (r for r in ws.iter_rows(values_only=True, max_row=20) if any(_cell_text(c) for c in r)), ()
        )
        if required <= {lookup.get(header_key(_cell_text(c))) for c in header}:
            fits.append(ws)
    listed = ", ".join(
        f"«{ws.title}»" + ("" if ws.sheet_state == "visible" else f" ({ws.sheet_state})")
        for ws in wb.worksheets
    )
    if len(fits) == 1:
        notes.append(
            f"sheet «{fits[0].title}» read: of the sheets {listed}, it has the {spec.table} table's header"
        )
        return fits[0].title
    if fits:
        raise LoadError(
            f"{path}: the sheets {', '.join(f'«{ws.title}»' for ws in fits)} all have the header of the "
            f"{spec.table} table; "
            "choose one with --sheet NAME"
        )
    raise LoadError(
        f"{path}: no sheet has the header of the {spec.table} table (the sheets are {listed}); give "
        f"the sheet with --sheet NAME, its header row holding (English or Persian):\n{spec.describe()}"
    )


def _cell_text(v) -> str:
    """Gives a spreadsheet cell as the text a CSV would hold (12 not 12.0, dates ISO)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _map_rows(path: Path, spec: TableSpec, raw_rows: Iterator[list], encoding: str) -> TableFile:
    header = None
    for cells in raw_rows:
        if any(c.strip() for c in cells):
            header = [c.strip().lstrip("\ufeff") for c in cells]
            break
    if header is None:
        raise LoadError(f"{path}: the file is empty (no header row)")
    lookup = spec.lookup()
    names: list[str | None] = []
    unknown, seen = [], {}
    for h in header:
        if not h:
            names.append(None)
            continue
        name = lookup.get(header_key(h))
        if name is None:
            unknown.append(h)
        elif name in seen:
            raise LoadError(f"{path}: columns «{seen[name]}» and «{h}» are both {name}; keep one of them")
        seen[name] = h
        names.append(name)
    if unknown:
        listed = ", ".join(f"«{u}»" for u in unknown)
        raise LoadError(
            f"{path}: unknown column(s) {listed} in a {spec.table} file. "
            f"The columns are (English or Persian header):\n{spec.describe()}"
        )
    missing = [c for c in spec.required() if c not in seen]
    if missing:
        raise LoadError(
            f"{path}: required column(s) missing: {', '.join(missing)}. "
            f"The columns are (English or Persian header):\n{spec.describe()}"
        )
    table = TableFile(path, encoding, [n for n in names if n is not None])
    for row_no, cells in enumerate(raw_rows, start=1):
        values = {n: None for n in table.columns}
        for i, cell in enumerate(cells):
            if isinstance(cell, Unsaved) and i < len(names) and names[i] is not None:
                table.problems.setdefault(
                    row_no,
                    (
                        names[i],
                        f"the cell holds the formula «{cell.formula}» but no saved value (the workbook "
                        "was written by a program, never opened in Excel): open it in Excel and save "
                        "it, or type the value",
                    ),
                )
            text = cell.strip() if cell else ""
            if i >= len(names) or names[i] is None:
                if text:
                    raise LoadError(
                        f"{path}: row {row_no} has a value «{text}» in column {i + 1}, "
                        "which has no header; give the column a name or clear it"
                    )
                continue
            values[names[i]] = text or None
        if all(v is None for v in values.values()) and row_no not in table.problems:
            table.blank_rows += 1
            continue
        table.rows.append((row_no, values))
    return table
