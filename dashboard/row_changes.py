"""A list's page sent as what changed: a new date or page sends the rows that differ, not the page.

Rows travel as lists of values, the row's id first (codes and numbers, not words: `Listing.wire` in
pages/province.py); the browser (assets/recolour.js applyRows) turns them into the table's rows."""

from __future__ import annotations

import json
from bisect import bisect_left


def rows_changes(old: list[list], new: list[list]) -> dict:
    """Gives what turns the page `old` into `new` (rows id first): `d`, the indices of the rows that
    left, changed or moved, from the last (so each still means what it did); `i`, [index, row] for
    the rows to insert, in order (once row i is in place the rows before it are too) — or `r`, the
    new page whole, when that is shorter. Rows that stay keep the longest run already in order."""
    old_at = {r[0]: i for i, r in enumerate(old)}
    same = [old_at[r[0]] for r in new if r[0] in old_at and old[old_at[r[0]]] == r]
    stay = _in_order(same)
    changes = {
        "d": [i for i in range(len(old) - 1, -1, -1) if i not in stay],
        "i": [[i, r] for i, r in enumerate(new) if old_at.get(r[0]) not in stay],
    }
    return changes if _size(changes) < _size({"r": new}) else {"r": new}


def _in_order(seq: list[int]) -> set[int]:
    """Gives the members of the longest increasing subsequence of `seq` (distinct ints)."""
    tails: list[int] = []  # tails[k]: index in seq of the smallest tail of an increasing run of k+1
    values: list[int] = []  # seq[tails[k]], for bisect
    prev = [-1] * len(seq)
    for i, x in enumerate(seq):
        k = bisect_left(values, x)
        if k:
            prev[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
            values.append(x)
        else:
            tails[k], values[k] = i, x
    out, i = set(), tails[-1] if tails else -1
    while i >= 0:
        out.add(seq[i])
        i = prev[i]
    return out


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
