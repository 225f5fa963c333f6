"""Table rows sent as what changed: a new date on a list of places sends its differences, not the list."""

from __future__ import annotations

import json
from bisect import bisect_left

from dash import Patch


def rows_patch(old: list[dict], new: list[dict]) -> Patch | list[dict]:
    """Gives the Patch that turns a DataTable's rows `old` into `new` (rows keyed by "id"): rows that
    left, or moved, deleted; new and moved rows inserted where they belong; changed cells assigned —
    or `new` itself when that is shorter."""
    old_at = {r["id"]: i for i, r in enumerate(old)}
    stay = _in_order([old_at[r["id"]] for r in new if r["id"] in old_at])  # old indices that need not move
    patch = Patch()
    for i in range(len(old) - 1, -1, -1):  # from the end, so each index still means what it did
        if i not in stay:
            del patch[i]
    for i, r in enumerate(new):  # in order: once row i is in place, rows before it are too
        j = old_at.get(r["id"])
        if j is None or j not in stay:
            patch.insert(i, r)
            continue
        for k, v in r.items():
            if old[j].get(k) != v:
                patch[i][k] = v
    return patch if _size(patch.to_plotly_json()) < _size(new) else new


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
