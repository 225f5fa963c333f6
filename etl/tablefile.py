"""Reading the tables agencies send: CSV (UTF-8, UTF-8 with BOM, Windows-1256) or XLSX, with English
or Persian headers, into rows of text keyed by the loader's column names.

Encoding of a CSV: a BOM means UTF-8 with BOM (or UTF-16, Excel's "Unicode Text"); bytes that are
valid UTF-8 are UTF-8; anything else is Windows-1256 (what Excel on a Persian Windows saves as "CSV");
`encoding=` overrides. Rows are numbered from 1 at the first data row (the header row is not counted),
as in `etl_rejects.row_no`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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

    def has(self, column: str) -> bool:
        return column in self.columns


def read_table(
    path: Path, spec: TableSpec, encoding: str | None = None, sheet: str | None = None
) -> TableFile:
    """Gives the file's rows as {column name: text or None}; raises LoadError for a file-level problem."""
    path = Path(path)
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise LoadError(f"{path}: old Excel .xls files are not read; save it as .xlsx or as CSV (UTF-8)")
    if suffix in (".xlsx", ".xlsm") or data.startswith(_ZIP_MAGIC):
        raw_rows, used = _xlsx_rows(path, data, sheet), "xlsx"
    else:
        text, used = decode(path, data, encoding)
        raw_rows = _csv_rows(text)
    return _map_rows(path, spec, raw_rows, used)


def decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Gives (text, encoding used) for a CSV file's bytes."""
    if encoding:
        try:
            return data.decode(encoding), encoding
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
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256"), "cp1256"
    except UnicodeDecodeError as e:  # cp1256 maps almost every byte; this is a binary file
        raise LoadError(
            f"{path}: neither UTF-8 nor Windows-1256 text (byte {e.start}); is it a CSV file?"
        ) from None


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


def _xlsx_rows(path: Path, data: bytes, sheet: str | None) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several types for a damaged or foreign file
        raise LoadError(f"{path}: not a readable XLSX workbook ({e.__class__.__name__}: {e})") from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise LoadError(f"{path}: no sheet «{sheet}»; the sheets are: {', '.join(wb.sheetnames)}")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for row in ws.iter_rows(values_only=True):
        yield [_cell_text(v) for v in row]


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
            text = cell.strip() if cell else ""
            if i >= len(names) or names[i] is None:
                if text:
                    raise LoadError(
                        f"{path}: row {row_no} has a value «{text}» in column {i + 1}, "
                        "which has no header; give the column a name or clear it"
                    )
                continue
            values[names[i]] = text or None
        if all(v is None for v in values.values()):
            table.blank_rows += 1
            continue
        table.rows.append((row_no, values))
    return table
