"""Dash callback requests built by hand, as a browser sends them: the bench posts them to time the
views and their filter changes, and tests post them to check what the server answers (and refuses)."""

from __future__ import annotations

import json


def outputs_of(key: str):
    if key.startswith(".."):
        parts = key[2:-2].split("...")
        return [{"id": _id(p.rsplit(".", 1)[0]), "property": p.rsplit(".", 1)[1]} for p in parts]
    i, p = key.rsplit(".", 1)
    return {"id": _id(i), "property": p}


def _id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _listens(spec: dict, changed: str) -> bool:
    i, p = changed.rsplit(".", 1)
    return any(x["property"] == p and x["id"] in (i, _id(i)) for x in spec["inputs"])


def payload(app, key_start: str, inputs: list, state: list, changed: str) -> dict:
    """Gives the body of a callback request: the callback whose outputs' key starts with `key_start`
    and that listens to `changed` (several may write one output)."""
    key = next(
        k for k in app.callback_map if k.startswith(key_start) and _listens(app.callback_map[k], changed)
    )
    spec = app.callback_map[key]
    return {
        "output": key,
        "outputs": outputs_of(key),
        "inputs": [{**i, "value": v} for i, v in zip(spec["inputs"], inputs, strict=True)],
        "state": [{**s, "value": v} for s, v in zip(spec["state"], state, strict=True)],
        "changedPropIds": [changed],
    }


def list_request(app, grid_id: dict, start: int, end: int, sort: list | None, search: str = "") -> dict:
    """Gives the body of a long list's request for rows `start` to `end` in the order `sort` (AG Grid's
    sortModel: [{"colId": ..., "sort": "asc" | "desc"}]) — what the grid `grid_id` sends the server, its
    store holding the view `search` (the URL query the rows are of)."""
    key = next(k for k in app.callback_map if k.endswith(".getRowsResponse"))
    request = {"startRow": start, "endRow": end, "sortModel": sort or [], "filterModel": {}}
    return {
        "output": key,
        "outputs": {"id": grid_id, "property": "getRowsResponse"},
        "inputs": [{"id": grid_id, "property": "getRowsRequest", "value": request}],
        "state": [{"id": {**grid_id, "of": "view"}, "property": "data", "value": search}],
        "changedPropIds": [json.dumps(grid_id, separators=(",", ":"), sort_keys=True) + ".getRowsRequest"],
    }


def view_payload(app, path: str, search: str = "") -> dict:
    return payload(app, "..root.dir", [path], [search], "url.pathname")
