"""Results (geometry and values: the rows of every named query) are kept per process until the data
they depend on changes: each request first reads the cheap "data stamps" (how many transactions that
wrote to the data have left a row in `data_changes`, and the newest of those rows: migration 0060),
and a stored result counts only for the same stamp, query, parameters and scope. A load, a recorded
state or an edit by hand therefore shows on the next request. The rows say which province a recorded
state touched (migration 0140), so a result depends on one of three stamps: EVERYTHING (every write:
the national picture), a province's code (the writes without a province and that province's
recorded states: a province's and its cities' figures), BASE (the writes without a province: places,
shapes, options, the attributions). A state recorded in Tehran leaves Isfahan's results kept. The rows
also say the first day a write's recorded states touched (migration 0180; none: every day), so a result
of days up to M (`upto`: the timeline's season starts) stays kept through writes dated after M. And
the kind of data written (0197; none: any): a result keeps through writes of kinds it does not `READS`.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from cachetools import LRUCache

from regen import queries as named
from regen.db import Database
from regen.scope import Scope

_lock = threading.Lock()
_values: LRUCache = LRUCache(maxsize=2000)  # results kept per process (least recently used go first)
# the search box asks for what is typed, a new text each key: kept, it would push out the views' results
_UNCACHED = {"dash_data_stamps", "dash_data_stamps_by_day", "dash_data_stamps_by_kind", "dash_ping",
             "dash_search"}  # fmt: skip
EVERYTHING = "*"  # a result that any write may change (see the module's docstring)
BASE = ""  # a result that only writes without a province change: no recorded state does
# The kinds of writes (data_changes.kind, 0197) a named query reads; a write of no kind changes all.
OFFICE, ACTION, PLACES = "office", "action", "places"
READS = {  # (an action's figures read its statuses and the places it is tied to)
    n: frozenset(kinds) for names, kinds in (
        ("dash_actions dash_action_group_counts dash_action_page "
         "dash_overdue_counts dash_overdue_by_province", (ACTION, PLACES)),
        ("dash_coverage_provinces dash_coverage_cities dash_timeline "
         "dash_first_office_date", (OFFICE, PLACES)),
        ("dash_province_shapes dash_neighborhood_shapes dash_city_shape dash_province_neighbours "
         "dash_nation_bounds dash_province_bounds dash_city_bounds dash_neighborhood_labels dash_place "
         "dash_province_options dash_city_options dash_agency_options dash_resolutions dash_sources "
         "dash_counts dash_etl_runs dash_etl_rejects picker_meetings", (PLACES,)),
    ) for n in names.split()
}  # fmt: skip


def clear_cache() -> None:
    """Drops every kept result and every kept page (dashboard/kept.py)."""
    from dashboard import kept

    with _lock:
        _values.clear()
    kept.clear()


def _stamps(db: Database, scope: Scope) -> list[tuple]:
    """Gives (province (None: none), first day touched (None: every day), kind (None: any), rows,
    newest id) of data_changes, read once per web request (or on every call outside one)."""
    from flask import g, has_request_context

    def read():
        rows = named.run("dash_data_stamps_by_kind", db, scope=scope)
        return [(r["province"], r["since"], r["kind"], r["changes"], r["newest"]) for r in rows]

    if has_request_context():
        stamps = g.setdefault("regen_stamps", {})
        if db.url not in stamps:
            stamps[db.url] = read()
        return stamps[db.url]
    return read()


def data_stamp(
    db: Database,
    scope: Scope,
    on: str = EVERYTHING,
    upto: dt.date | None = None,
    kinds: frozenset[str] | None = None,
) -> tuple[int, int]:
    """Gives the data stamp of what a result depends `on` (EVERYTHING, BASE or a province's code; see
    the module's docstring), of the days up to `upto` (None: every day), of the writes of `kinds` (None:
    every kind; a write of no kind counts always): equal stamps, equal data for every query that
    depends on it."""
    parts = [
        (n, newest)
        for province, since, kind, n, newest in _stamps(db, scope)
        if (on == EVERYTHING or province is None or (province == on and on != BASE))
        and (upto is None or since is None or since <= upto)
        and (kinds is None or kind is None or kind in kinds)
    ]
    return sum(n for n, _ in parts), max((newest for _, newest in parts), default=0)


def _frozen(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def cached(
    name: str, db: Database, scope: Scope, on: str = EVERYTHING, upto: dt.date | None = None, **params: Any
) -> list[dict]:
    """Gives the rows of the named query `name`, kept until the data it depends `on` changes (only a
    write touching a day up to `upto` counts, when the rows hold no later day)."""
    if name in _UNCACHED:
        return named.run(name, db, scope=scope, **params)
    key = (db.url, scope, name, _frozen(params), upto, data_stamp(db, scope, on, upto, READS.get(name)))
    with _lock:
        rows = _values.get(key)
    if rows is None:
        rows = named.run(name, db, scope=scope, **params)
        with _lock:
            _values[key] = rows
    return rows
