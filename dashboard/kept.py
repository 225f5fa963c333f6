"""Built pages kept per process, already serialised: what carries the dashboard's throughput.

A page is kept under everything it depends on (`key`): the database, the scope (which names the user:
nothing is shared between accounts, let alone scopes), the route, the parsed filters, today (the
default as-of day), the data stamp of what the view shows (a page's `depends_on`: one province's, or
the whole country's; see queries.py) and the outline file. It is kept as JSON ready to send (an
orjson Fragment, which Dash's orjson serialiser inserts as it is): building a page is milliseconds,
serialising it again through plotly's walk of the tree as many more.
"""

from __future__ import annotations

import datetime as dt
import decimal
import threading

import orjson
from cachetools import LRUCache

from dashboard import queries, results, shapes
from dashboard.auth_seam import current_scope

_pages: LRUCache = LRUCache(maxsize=64)  # a page is 50-250 KB of JSON; the least recently used go first
_lock = threading.Lock()
# what plotly's serialiser escapes in JSON put in a page: no "</script>" closes it, no line separator
# breaks a script
_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("/", "\\u002f"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def clear() -> None:
    with _lock:
        _pages.clear()


def size() -> int:
    """Gives how many pages are kept."""
    with _lock:
        return len(_pages)


def key(module, view, path_vars: dict) -> tuple | None:
    """Gives what a page built by `module` depends on, or None when it cannot be known (the database
    down: the page itself will say so)."""
    db, scope = queries.database(), current_scope()
    try:
        on = module.depends_on(**path_vars) if hasattr(module, "depends_on") else None
        kinds = getattr(module, "DATA_KINDS", None)  # what kinds of writes the view reads (None: all)
        stamp = results.data_stamp(db, scope, on or results.EVERYTHING, kinds=kinds)
    except Exception:  # the database down, or a place the scope may not see: not kept
        return None
    path = tuple(sorted(path_vars.items()))
    return (db.url, scope, module.__name__, path, view, dt.date.today(), stamp, shapes.outline_stamp())


def get(key_: tuple):
    with _lock:
        return _pages.get(key_)


def keep(key_: tuple, page) -> orjson.Fragment:
    """Keeps `page`, serialised, under `key_` and gives it."""
    fragment = orjson.Fragment(page_json(page).encode("utf-8"))
    with _lock:
        _pages[key_] = fragment
    return fragment


def _plain(o):
    if hasattr(o, "to_plotly_json"):  # Dash components and plotly figures
        return o.to_plotly_json()
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return float(o)
    raise TypeError(f"cannot send {type(o).__name__} to the page")


def page_json(page) -> str:
    """Gives what plotly's `to_json_plotly` gives for a page, faster: there orjson meets Dash
    components inside the page and plotly walks the whole tree again in Python; here orjson asks
    `_plain` for each component as it meets it."""
    out = orjson.dumps(page, default=_plain, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    text = out.decode("utf-8")
    for char, escaped in _ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text
