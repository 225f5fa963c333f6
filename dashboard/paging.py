"""Lists too long to send whole, sorted and paged on the server: the browser holds the page it shows.

A province can have thousands of neighborhoods without an office. Sending them all would make the page
heavy; sending the first few hundred (as the province view once did) made the rest unreachable and let
the table sort only what it had, so "largest population first" was wrong. Here the server keeps the
whole list (the query layer keeps the rows) and answers each page and each sort with one page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGE_SIZE = 15

SortKey = Callable[[dict, str], Any]  # (a query row, language) -> what it sorts by; None sorts last


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def ordered(rows: list[dict], sort_by: list[dict] | None, keys: dict[str, SortKey], lang: str) -> list[dict]:
    """Gives `rows` in the order DataTable's `sort_by` asks (its first column; the query's own order
    for ties and when it asks for nothing, or for a column that has no key); empty values last."""
    spec = (sort_by or [None])[0]
    key = keys.get(spec["column_id"]) if spec else None
    if key is None:
        return rows
    valued = [(key(r, lang), r) for r in rows]
    present = [(v, r) for v, r in valued if v is not None]
    present.sort(key=lambda vr: vr[0], reverse=spec.get("direction") == "desc")  # stable either way
    return [r for _, r in present] + [r for v, r in valued if v is None]


def page_of(
    rows: list[dict], page: int | None, sort_by: list[dict] | None, keys: dict[str, SortKey], lang: str
) -> tuple[list[dict], int]:
    """Gives the rows of page `page` (from 0; clamped to the pages there are) and that page's number."""
    page = min(max(int(page or 0), 0), page_count(len(rows)) - 1)
    return ordered(rows, sort_by, keys, lang)[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page
