"""Tables on dash-ag-grid. Python formats every cell; the browser shows what it is sent.

A short table (provinces, the actions' summaries) travels whole and sorts in the browser: each row
holds, column by column, the texts Python wrote (`s`), which the grid shows, and for numbers and dates
the values they sort by (`v`); `valueGetter` and `valueFormatter` pick them. Lists by column, not
objects keyed by field: a new day sends every row again, and the keys were half its bytes. A long list
(a province's cities, its neighborhoods without an office, its offices due for handover, a city's
neighborhoods and offices, a resolution's actions; rows of texts alone, `s`) is AG Grid's infinite
row model: the grid asks `list_page` for the page it shows, in the order clicked (`getRowsRequest`),
and the database sorts and pages the whole list. A filter change keeps the grid: it gives the list's
store the view the rows are of, and the grid asks again for the rows it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dash_ag_grid as dag
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback, clientside
from dashboard.i18n import t
from dashboard.urls import parse

PAGE_SIZE = 10  # rows of a page of a long list (a block the grid asks for), and of a short table's pager
# A header holds two lines of its words (they wrap, never cut to "Neighborho…"), and its column is at
# least as wide as they need on two lines (header_width): the same height on every screen, so a long
# list's height (list_height) holds it.
HEADER_HEIGHT = 56


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
    css: str | None = None  # the cells' class: "free-text" (words a person wrote), "ltr" (a file path)


def cell(col: Col, value, lang: str):
    """Gives (what the cell sorts by, what it shows) for a value of the column."""
    if col.decimals is not None:
        return value, i18n.num(value, lang, col.decimals)
    if col.link:  # markdown: shown, and sorted by, as it is (from `s` alone)
        return None, value
    if col.date:
        return (value.isoformat() if value else None), (i18n.date(value, lang) if value else "—")
    return value, value


def _sorted_by_value(col: Col) -> bool:
    return col.decimals is not None or col.date


def rows(cols: tuple[Col, ...], records: list[dict], lang: str) -> list[dict]:
    """Gives a short table's rowData: each record's `id`, the texts shown (`s`, column by column) and
    the values the numbers and dates sort by (`v`, theirs only); `f` when the row is overdue."""
    out = []
    for r in records:
        cells = [cell(c, r.get(c.field), lang) for c in cols]
        row = {"id": str(r["id"]), "s": [s for _, s in cells]}
        values = [v for c, (v, _) in zip(cols, cells, strict=True) if _sorted_by_value(c)]
        if values:
            row["v"] = values
        if r.get("overdue_flag"):
            row["f"] = 1
        out.append(row)
    return out


def text_rows(cols: tuple[Col, ...], records: list[dict], lang: str) -> list[dict]:
    """Gives a long list's rows: the texts shown (`s`, column by column: the database has sorted them)
    and each record's `id` unless it is the last text (a code: the grid's getRowId reads it there); `f` when
    overdue."""
    out = []
    for r in records:
        texts = [cell(c, r.get(c.field), lang)[1] for c in cols]
        row = {"s": texts} if texts[-1] == str(r["id"]) else {"id": str(r["id"]), "s": texts}
        if r.get("overdue_flag"):
            row["f"] = 1
        out.append(row)
    return out


def totals_row(cols: tuple[Col, ...], record: dict, lang: str) -> list[dict]:
    """Gives a short table's totals row, as AG Grid's pinned bottom row wants it (a list of one row):
    written as every row is, so that it lines up and reads the same."""
    return rows(cols, [{**record, "id": "totals"}], lang)


def _text_width(text: str) -> float:
    """Gives about how wide a header's text is drawn (Vazirmatn 14 px, weight 500), erring wide: 9 px a
    Persian letter, 8 px any other, 4 px a space."""
    return sum(4 if ch == " " else 9 if "\u0600" <= ch <= "\u06ff" else 8 for ch in text)


def header_width(label: str) -> int:
    """Gives the least width of a column whose header `label` fits on two lines (its words not cut):
    the widest line of its best break, plus the cell's padding (2 × 16 px) and room for the sort arrow."""
    words = label.split()
    breaks = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))] or [(label, "")]
    widest = min(max(_text_width(a), _text_width(b)) for a, b in breaks)
    return round(widest) + 32 + 20


def _col_defs(cols: tuple[Col, ...], lang: str, formatted: bool) -> list[dict]:
    defs = []
    valued = [c for c in cols if _sorted_by_value(c)]
    for i, c in enumerate(cols):
        name = t(c.label, lang)
        d = {"field": c.field, "headerName": name, "sortable": c.sortable, "wrapHeaderText": True}
        d["minWidth"] = max(90, header_width(name))
        if formatted and c in valued:  # a short table: sorted by its value, shown as its text (see rows)
            d["valueGetter"] = {"function": f"params.data.v[{valued.index(c)}]"}
            d["valueFormatter"] = {"function": f"params.data.s[{i}]"}
        elif formatted:
            d["valueGetter"] = {"function": f"params.data.s[{i}]"}
        else:  # a long list: a row not yet loaded has no data
            d["valueGetter"] = {"function": f"params.data && params.data.s[{i}]"}
        if c.link:
            d["cellRenderer"] = "markdown"
            d["linkTarget"] = "_self"
        if c.css:
            d["cellClass"] = c.css
        if c.flagged:
            d["cellClassRules"] = {"overdue": "params.data && params.data.f"}
        if i == 0:  # the name stays in sight when a phone scrolls the other columns
            d["pinned"] = "right" if lang == "fa" else "left"
            d["minWidth"] = max(140, d["minWidth"])
        defs.append(d)
    return defs


def _options(lang: str, **extra) -> dict:
    return {
        "enableRtl": lang == "fa",
        "localeText": i18n.grid_words(lang),
        "accentedSort": True,  # the browser's collation: Persian letters in Persian order (پ after ب)
        "suppressCellFocus": False,
        "rowHeight": 34,
        "headerHeight": HEADER_HEIGHT,
        "suppressMovableColumns": True,
        **extra,
    }


# Each grid is drawn by the page's stand-in (dashboard/assets/grid_after_map.js, namespace
# regen_after_map), which keeps the grid's box until the page's map has drawn, then loads AG Grid's
# scripts (left out of the page: dashboard/wire.py) and draws dash_ag_grid.AgGrid with the same props.
AFTER_MAP = "regen_after_map"


def _after_map(**props) -> dag.AgGrid:
    g = dag.AgGrid(**props)
    g._namespace = AFTER_MAP  # the same component and props; Dash asks the stand-in to render it
    return g


def grid(
    id_,
    cols: tuple[Col, ...],
    records: list[dict],
    lang: str,
    page_size: int = PAGE_SIZE,
    totals: dict | None = None,
) -> dag.AgGrid:
    """Gives a short table, sorted and paged in the browser (it holds every row), in the order of
    `records` until a header is clicked; `totals`, a record of the sums, is pinned below the rows
    (it never sorts among them)."""
    paged = len(records) > page_size
    pinned = {"pinnedBottomRowData": totals_row(cols, totals, lang)} if totals else {}
    return _after_map(
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
            **pinned,
        ),
        className="ag-theme-quartz grid" + (" with-totals" if totals else ""),
        style={"height": None},
    )


def long_list(id_, cols: tuple[Col, ...], lang: str, total: int, totals: dict | None = None) -> dag.AgGrid:
    """Gives a long list of `total` rows: the grid asks the server for each page it shows, in the order
    asked, and is as tall as its first page (list_height); `totals`, a record of the sums, is pinned
    below the rows (it never sorts among them)."""
    pinned = {"pinnedBottomRowData": list_totals(cols, totals, lang)} if totals else {}
    return _after_map(
        id=id_,
        columnDefs=_col_defs(cols, lang, formatted=False),
        rowModelType="infinite",
        getRowId=f"params.data.id || params.data.s[{len(cols) - 1}]",  # see text_rows
        defaultColDef={"resizable": True, "flex": 1, "minWidth": 90},
        dashGridOptions=_options(
            lang,
            pagination=True,
            paginationPageSize=PAGE_SIZE,
            paginationPageSizeSelector=False,
            cacheBlockSize=PAGE_SIZE,
            # a block is a page: the grid asks for the page in sight, keeps that block alone, and on a
            # new view asks again for it only (tests/test_tables_browser.py)
            maxBlocksInCache=1,
            infiniteInitialRowCount=PAGE_SIZE,
            **pinned,
        ),
        className="ag-theme-quartz grid long-list" + (" with-totals" if totals else ""),
        style=list_height(total, bool(totals)),
    )


def list_totals(cols: tuple[Col, ...], record: dict, lang: str) -> list[dict]:
    """Gives a long list's totals row, as AG Grid's pinned bottom row wants it (a list of one row)."""
    return text_rows(cols, [{**record, "id": "totals"}], lang)


def _no_filters(_view) -> dict:
    return {}


@dataclass(frozen=True)
class Listing:
    """A long list: the query of a page of it, a row as shown, its columns, and the view's other
    filters the query takes (beside its day and kind)."""

    query: Callable[..., list[dict]]  # (db, scope, place, day, kind, **filters, **page) -> rows with `total`
    record: Callable[
        [dict, object], dict
    ]  # a row as the table shows it on a view (before its cells are written)
    cols: tuple[Col, ...]
    filters: Callable[[object], dict] = _no_filters  # the view -> the query's other filters by name
    totalled: bool = False  # a totals row pinned below its rows (list_panel's `totals`; its height)


LISTS: dict[str, Listing] = {}  # every view's long lists by name (the views add theirs)
LIST_ID = {"list": MATCH, "place": MATCH, "of": "grid"}
SHOWS_ID = {"list": MATCH, "place": MATCH, "of": "view"}


def list_ids(name: str, place: str) -> tuple[dict, dict]:
    """Gives the ids of long list `name` of a place: its grid's, and its store's, which holds the view
    the grid's rows are of (its URL query: day, kind, language when not the cookie's)."""
    return {"list": name, "place": place, "of": "grid"}, {"list": name, "place": place, "of": "view"}


def list_height(total: int, pinned: bool = False) -> dict:
    """Gives the style of a long list as tall as its first page: `total` rows of at most a page (room
    for two for the "no rows" note), its totals row if `pinned`, 16 px for a phone's sideways
    scrollbar; so a list of three ends under its third row."""
    rows = (min(total, PAGE_SIZE) or 2) + (1 if pinned else 0)
    return {"height": f"{HEADER_HEIGHT + 34 * rows + 52 + 16}px"}


def _total(name: str, place: str, view) -> int:
    """Gives a list's length (its first page's query: the one the grid asks first)."""
    listing = LISTS[name]
    first = listing.query(
        queries.database(),
        current_scope(),
        place,
        view.day,
        view.kind,
        **listing.filters(view),
        lang=view.lang,
        limit=PAGE_SIZE,
    )
    return first[0]["total"] if first else 0


def _rows_of(view) -> str:
    """Gives the view a list's rows are of, as its store holds it: the filters, not the map's selection
    (which a list's rows never depend on, and which a URL may name out of the user's scope)."""
    return view.query(neighborhood=None, office=None)


def _note(total: int, lang: str) -> str:
    return f"{t('total', lang)}: {i18n.num(total, lang)}"


def list_panel(
    name: str, place: str, view, totals: dict | None = None, total: int | None = None, box: str | None = None
) -> html.Div:
    """Gives long list `name` of a place (a province, a city, a resolution) on the view's filters — its
    grid, which asks `list_page` for its rows, the store of the view they are of, and its length
    (`total` when the caller has counted it, else asked of the database) — in a box named `box` (its
    note `<box>-note`; `name` unless a view shows several of the list); `totals`, a record of the sums,
    pinned below the rows."""
    grid_id, shows_id = list_ids(name, place)
    if (totals is not None) != LISTS[name].totalled:  # its height after a filter change counts on it
        raise ValueError(f"list {name!r}: Listing.totalled is {LISTS[name].totalled}, totals given: {totals}")
    total = _total(name, place, view) if total is None else total
    box = box or name
    return html.Div(
        [
            long_list(grid_id, LISTS[name].cols, view.lang, total, totals),
            dcc.Store(id=shows_id, data=_rows_of(view)),
            html.P(_note(total, view.lang), id=f"{box}-note", className="notice"),
        ],
        id=box,
    )


def list_outputs(name: str) -> list[Output]:
    """Gives what a filter change writes of long list `name`: the view its rows are of (one store: the
    view's place), its length and the grid's height. The grid stays, with its columns, order and page,
    and asks again."""
    return [
        Output({"list": name, "place": ALL, "of": "view"}, "data"),
        Output(f"{name}-note", "children"),
        Output({"list": name, "place": ALL, "of": "grid"}, "style"),
    ]


def list_answer(name: str, place: str, view) -> tuple[list[str], str, list[dict]]:
    """Gives the values of list_outputs for the view `view` (what list_panel holds for it)."""
    total = _total(name, place, view)
    return [_rows_of(view)], _note(total, view.lang), [list_height(total, LISTS[name].totalled)]


# A new view for a list (its store changed): the grid asks the server again for the rows it shows.
clientside(
    """function(_shows, id) {
        if (window.dash_ag_grid) {  // else the grid is not drawn yet: it asks for its rows when it is
            dash_ag_grid.getApiAsync(id).then(function (api) { api.refreshInfiniteCache(); });
        }
        return window.dash_clientside.no_update;
    }""",
    Output(LIST_ID, "paginationGoTo"),
    Input(SHOWS_ID, "data"),
    State(LIST_ID, "id"),
    prevent_initial_call=True,
)


@callback(
    Output(LIST_ID, "getRowsResponse"),
    Input(LIST_ID, "getRowsRequest"),
    State(SHOWS_ID, "data"),
    prevent_initial_call=True,
)
def list_page(request, shows):
    """Gives the rows a long list's grid asks for (its page, in the order clicked) on the view its store
    holds, sorted and paged by the database over the whole list, and the list's length."""
    if not request:
        raise PreventUpdate
    which, view = ctx.triggered_id, parse(shows)
    listing = LISTS[which["list"]]
    sort, descending = sort_of(request, listing.cols)
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, int(request.get("endRow") or start + PAGE_SIZE))
    rows = listing.query(
        queries.database(),
        current_scope(),
        which["place"],
        view.day,
        view.kind,
        **listing.filters(view),
        sort=sort,
        descending=descending,
        lang=view.lang,
        offset=start,
        limit=min(end - start, 100),
    )
    total = rows[0]["total"] if rows else start
    return {
        "rowData": text_rows(listing.cols, [listing.record(r, view) for r in rows], view.lang),
        "rowCount": total,
    }


def sort_of(request: dict | None, cols: tuple[Col, ...]) -> tuple[str, bool]:
    """Gives (column, descending) of an infinite grid's request: its first sort that names a sortable
    column, else ('', False), the list's own order."""
    sortable = {c.field for c in cols if c.sortable}
    for s in (request or {}).get("sortModel") or []:
        if isinstance(s, dict) and isinstance(s.get("colId"), str) and s["colId"] in sortable:
            return s["colId"], s.get("sort") == "desc"
    return "", False
