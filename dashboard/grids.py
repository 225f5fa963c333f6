"""Tables on dash-ag-grid. Python formats every cell; the browser shows what it is sent.

A short table (a province's cities, a city's offices) travels whole: each row holds, column by column,
the values it sorts by (`v`: numbers, ISO dates, names) and the texts Python wrote for them (`s`),
which the grid shows (`valueGetter` and `valueFormatter` pick them; nothing is formatted in the
browser). Lists by column, not objects keyed by field: a new day sends every row again, and the keys
were half its bytes. A long list (a
province's neighborhoods without an office) is AG Grid's infinite row model: the grid asks the server
for the page it shows, in the order the user clicked (`getRowsRequest`), and the database sorts and
pages the whole list (`sql/queries/dashboard.sql`, `dash_*_page`).
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_ag_grid as dag

from dashboard import i18n
from dashboard.i18n import t

PAGE_SIZE = 15  # rows of a page of a long list, and of a short table's pager


@dataclass(frozen=True)
class Col:
    """A column: its field, the word of its header, and how its values read."""

    field: str
    label: str  # an i18n key
    decimals: int | None = None  # a number, written with this many decimals
    date: bool = False  # a day (datetime.date): sorted as ISO, shown in Jalali
    link: bool = False  # markdown, a link to the place's view
    sortable: bool = True
    flagged: bool = False  # red when the row's `overdue_flag` is set


def cell(col: Col, value, lang: str):
    """Gives (what the cell sorts by, what it shows) for a value of the column."""
    if col.decimals is not None:
        return value, i18n.num(value, lang, col.decimals)
    if col.link:  # markdown: shown, and sorted by, as it is (from `s` alone)
        return None, value
    if col.date:
        return (value.isoformat() if value else None), (i18n.date(value, lang) if value else "—")
    return value, value


def rows(cols: tuple[Col, ...], records: list[dict], lang: str) -> list[dict]:
    """Gives a short table's rowData: each record's `id`, its values (`v`) and the texts shown for
    them (`s`), column by column; `f` when the row is overdue."""
    out = []
    for r in records:
        cells = [cell(c, r.get(c.field), lang) for c in cols]
        row = {"id": str(r["id"]), "v": [v for v, _ in cells], "s": [s for _, s in cells]}
        if r.get("overdue_flag"):
            row["f"] = 1
        out.append(row)
    return out


def text_rows(cols: tuple[Col, ...], records: list[dict], lang: str) -> list[dict]:
    """Gives a long list's rows: the texts only (the database has sorted them)."""
    return [
        {"id": str(r["id"]), **{c.field: cell(c, r.get(c.field), lang)[1] for c in cols}} for r in records
    ]


def _col_defs(cols: tuple[Col, ...], lang: str, formatted: bool) -> list[dict]:
    defs = []
    for i, c in enumerate(cols):
        d = {"field": c.field, "headerName": t(c.label, lang), "sortable": c.sortable}
        if formatted:  # a short table: its values and texts by column (see rows)
            d["valueGetter"] = {"function": f"params.data.{'s' if c.link else 'v'}[{i}]"}
            if not c.link:
                d["valueFormatter"] = {"function": f"params.data.s[{i}]"}
        if c.link:
            d["cellRenderer"] = "markdown"
            d["linkTarget"] = "_self"
        if c.flagged:
            d["cellClassRules"] = {"overdue": "params.data && params.data.f"}
        if i == 0:  # the name stays in sight when a phone scrolls the other columns
            d["pinned"] = "right" if lang == "fa" else "left"
            d["minWidth"] = 140
        defs.append(d)
    return defs


def _options(lang: str, **extra) -> dict:
    return {
        "enableRtl": lang == "fa",
        "localeText": i18n.grid_words(lang),
        "accentedSort": True,  # the browser's collation: Persian letters in Persian order (پ after ب)
        "suppressCellFocus": False,
        "rowHeight": 34,
        "headerHeight": 36,
        "suppressMovableColumns": True,
        **extra,
    }


def grid(
    id_, cols: tuple[Col, ...], records: list[dict], lang: str, page_size: int = PAGE_SIZE
) -> dag.AgGrid:
    """Gives a short table, sorted and paged in the browser (it holds every row)."""
    paged = len(records) > page_size
    return dag.AgGrid(
        id=id_,
        columnDefs=_col_defs(cols, lang, formatted=True),
        rowData=rows(cols, records, lang),
        getRowId="params.data.id",
        defaultColDef={"resizable": True, "flex": 1, "minWidth": 90, "wrapText": True, "autoHeight": True},
        dashGridOptions=_options(
            lang,
            domLayout="autoHeight",
            pagination=paged,
            paginationPageSize=page_size,
            paginationPageSizeSelector=False,
        ),
        className="ag-theme-quartz grid",
        style={"height": None},
    )


def long_list(id_, cols: tuple[Col, ...], lang: str) -> dag.AgGrid:
    """Gives a long list: the grid asks the server for each page it shows, in the order asked."""
    return dag.AgGrid(
        id=id_,
        columnDefs=_col_defs(cols, lang, formatted=False),
        rowModelType="infinite",
        getRowId="params.data.id",
        defaultColDef={"resizable": True, "flex": 1, "minWidth": 90},
        dashGridOptions=_options(
            lang,
            pagination=True,
            paginationPageSize=PAGE_SIZE,
            paginationPageSizeSelector=False,
            cacheBlockSize=PAGE_SIZE,
            maxBlocksInCache=20,
            infiniteInitialRowCount=PAGE_SIZE,
        ),
        className="ag-theme-quartz grid",
        style={"height": f"{36 + 34 * PAGE_SIZE + 52}px"},
    )


def sort_of(request: dict | None, cols: tuple[Col, ...]) -> tuple[str, bool]:
    """Gives (column, descending) of an infinite grid's request: its first sort that names a sortable
    column, else ('', False), the list's own order."""
    sortable = {c.field for c in cols if c.sortable}
    for s in (request or {}).get("sortModel") or []:
        if s.get("colId") in sortable:
            return s["colId"], s.get("sort") == "desc"
    return "", False
