"""Table rows sent as what changed: a new date on a list of places sends its differences, not the list."""

from __future__ import annotations

from dash import Patch


def rows_patch(old: list[dict], new: list[dict]) -> Patch | list[dict]:
    """Gives the Patch that turns a DataTable's rows `old` into `new` (rows keyed by "id"): removed rows
    deleted, new rows inserted where they belong, changed cells assigned; or `new` itself when that is
    shorter (the rows that stay moved among themselves, or most rows changed)."""
    new_ids = {r["id"] for r in new}
    old_at = {r["id"]: r for r in old}
    kept_old = [r["id"] for r in old if r["id"] in new_ids]
    kept_new = [r["id"] for r in new if r["id"] in old_at]
    if kept_old != kept_new:
        return new
    patch = Patch()
    ops = 0
    for i in range(len(old) - 1, -1, -1):  # from the end, so each index still means what it did
        if old[i]["id"] not in new_ids:
            del patch[i]
            ops += 1
    for i, r in enumerate(new):  # in order: once row i is in place, rows before it are too
        before = old_at.get(r["id"])
        if before is None:
            patch.insert(i, r)
            ops += 1
            continue
        for k, v in r.items():
            if before.get(k) != v:
                patch[i][k] = v
                ops += 1
    return patch if ops < len(new) else new
