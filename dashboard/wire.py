"""What the dashboard sends over the wire: compressed responses and long-lived static files (issue 17).

Provincial offices may sit on slow links: every response is compressed (zstd, brotli or gzip, as the
browser accepts; Flask-Compress), and files whose URL changes with their content are cached by the
browser for a year, so that a repeat visit downloads none of them. Dash's JSON answers carry "/" as
itself, not plotly's `\\u002f` (`_plain_slashes`). Dash already gives its component
suites fingerprinted URLs and a year's max-age; the assets carry their modification time as `?m=`,
so an asset URL with that stamp is as good as a fingerprint. Static files are compressed once per
process. In brotli, every other response is kept compressed by its content's hash: a kept page sent
again, the common request, is not compressed again (the 20 clients' bench ran 135-192 views/s with
every response compressed, 229 without compression); in zstd or gzip it is compressed on every
response. In brotli, static files are compressed at its best
level (11: plotly.js 656 KB where level 5 gives 768 KB, AG Grid 277 KB for 316 KB), which takes
seconds per file: the result is kept on disk by the content's hash (`STORE`, shared by every process
and start of the same files), so each file is compressed once per machine and version, and
`regen serve` compresses what is missing before it listens (`warm`).

plotly.js: the dashboard draws scatter (the timelines), bar (the agencies' targets), scattermap and
choroplethmap (Jalali dates are written in Python and reach the axes as text: no world calendars): a
custom bundle of just those, built by esbuild from the npm package plotly.js (scripts/plotly_bundle.sh,
dashboard/vendor): 2.96 MB, 656 KB in brotli 11, where the full bundle is 4.8 MB, 1.29 MB. It is
served through Dash in place of the full one. A trace type not in the bundle is drawn as a scatter by
plotly.js, silently: a new kind of chart needs its line in scripts/plotly/entry.js.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib
import os
import re
import tempfile
import threading
from pathlib import Path

import brotli
from cachetools import LRUCache
from dash import Dash
from dash.fingerprint import build_fingerprint
from flask import Request, Response, request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
_STATIC = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
_COMPRESSED = (
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "image/svg+xml", "application/geo+json", "image/x-icon",
)  # fmt: skip
_NOT_KEPT = "-"


def _static(req: Request) -> bool:
    return req.path.startswith(_STATIC)


def _cache_key(req: Request) -> str:
    return req.full_path if _static(req) else _NOT_KEPT


class _StaticCache:
    """Keeps the compressed bytes of static files (keys other than theirs are never stored)."""

    def __init__(self):
        self._kept: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";" + _NOT_KEPT):
            with self._lock:
                self._kept[key] = value


# Static files in brotli at its best level, kept by their content's hash: per process, and on disk for
# every process and start (written whole, then renamed: a reader never sees half a file).
STORE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regen-atlas" / "br11"
_br_kept: dict[str, bytes] = {}
_br_lock = threading.Lock()


def best_brotli(body: bytes) -> bytes:
    """Gives `body` in brotli at level 11, from the store when it was compressed before."""
    digest = hashlib.sha256(body).hexdigest()
    with _br_lock:
        hit = _br_kept.get(digest)
    if hit is not None:
        return hit
    path = STORE / f"{digest}.br"
    try:
        packed = path.read_bytes()
    except OSError:
        packed = brotli.compress(body, quality=11)
        try:
            STORE.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=STORE, delete=False) as part:
                part.write(packed)
            os.replace(part.name, path)
        except OSError:  # a read-only home: kept in memory only, compressed again at the next start
            pass
    with _br_lock:
        _br_kept[digest] = packed
    return packed


# Other responses in brotli at level 5 (fast), kept in memory by their content's hash (the keys are
# the bytes' own digests: one user's response never answers another's request, only the same bytes).
_sent_kept: LRUCache = LRUCache(maxsize=32 * 2**20, getsizeof=len)  # 32 MB of compressed bytes
_sent_lock = threading.Lock()
MIN_SIZE = 500  # as Flask-Compress: smaller bodies are sent as they are


def kept_brotli(body: bytes) -> bytes:
    """Gives `body` in brotli at level 5, kept when it was compressed before in this process."""
    digest = hashlib.blake2b(body, digest_size=16).digest()
    with _sent_lock:
        hit = _sent_kept.get(digest)
    if hit is None:
        hit = brotli.compress(body, quality=5)
        with _sent_lock:
            _sent_kept[digest] = hit
    return hit


def _accepts_br() -> bool:
    return any(p.split(";")[0].strip() == "br" for p in request.headers.get("Accept-Encoding", "").split(","))


def _in_brotli(response: Response) -> Response:
    """Sends a response in brotli when the browser takes brotli: a static file at level 11 (best_brotli,
    with its ETag), any other one at level 5 (kept_brotli); Flask-Compress then leaves it (it compresses
    only what has no Content-Encoding: gzip and zstd stay its own). Streamed responses and files sent
    as they are (a download) stay Flask-Compress's too."""
    static = _static(request)
    if not (
        response.status_code == 200
        and "Content-Encoding" not in response.headers
        and response.mimetype in _COMPRESSED
        and (static or not (response.is_streamed or response.direct_passthrough))
        and _accepts_br()
    ):
        return response
    if static:
        response.direct_passthrough = False
    body = response.get_data()
    if not static and len(body) < MIN_SIZE:
        return response
    response.set_data(best_brotli(body) if static else kept_brotli(body))
    response.headers["Content-Encoding"] = "br"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag and not weak:  # a strong validator names one encoding's bytes (as Flask-Compress does)
        response.set_etag(f"{etag}:br")
    if request.method in ("GET", "HEAD"):
        response.make_conditional(request)
    return response


# plotly's JSON writer, Dash's, escapes every "/" as \u002f (6 bytes for 1, in every link and date) so
# that JSON may sit inside an HTML <script>; Dash's JSON answers never do, and "<" stays escaped. An
# escape is one backslash of an odd run before "u002f" (an even run is the text's own backslashes).
_ESCAPED_SLASH = re.compile(rb"(\\+)u002f")


def _slash(m: re.Match) -> bytes:
    run = m.group(1)
    return run[:-1] + b"/" if len(run) % 2 else m.group(0)


def _plain_slashes(response: Response) -> Response:
    """Sends the "/" of Dash's JSON answers (`/_dash-layout`, `/_dash-update-component`) as itself."""
    if (
        request.path.startswith("/_dash-")
        and response.mimetype == "application/json"
        and not (response.is_streamed or response.direct_passthrough)
    ):
        body = response.get_data()
        if b"\\\\u002f" in body:  # a backslash before an escape: count each run (0.3 ms a hundred)
            response.set_data(_ESCAPED_SLASH.sub(_slash, body))
        elif b"\\u002f" in body:  # alone: replaced at once (a city view's 586: 0.2 ms, counted 1.6)
            response.set_data(body.replace(b"\\u002f", b"/"))
    return response


def warm() -> int:
    """Compresses the scripts every page loads (and the chunks a map needs first) that the store
    lacks: run before serving, so that no visitor waits for it. Gives how many files it read."""
    from dash import _dash_renderer
    from dash.development.base_component import ComponentRegistry

    files = [PLOTLY_FILE]
    resources = ComponentRegistry.get_resources("_js_dist") + _dash_renderer._js_dist_dependencies
    for r in [*resources, *_dash_renderer._js_dist]:
        rel = r.get("relative_package_path")
        rel = rel.get("prod") if isinstance(rel, dict) else rel
        if r.get("async") or r.get("dynamic") or not rel:
            continue  # a chunk a component asks for when drawn: compressed (once) when first asked
        root = Path(importlib.import_module(r["namespace"]).__file__).parent
        files += [root / p for p in ([rel] if isinstance(rel, str) else rel) if p.endswith(".js")]
    for namespace, rel_path in (*EARLY_CHUNKS, *AFTER_MAP_CHUNKS):
        files.append(Path(importlib.import_module(namespace).__file__).parent / rel_path)
    files = [f for f in dict.fromkeys(files) if f.is_file()]
    for f in files:
        best_brotli(f.read_bytes())
    return len(files)


# Dash's renderer asks for plotly.js at this one URL, without a fingerprint (dash-renderer,
# window._dashPlotlyJSURL): the partial bundle answers there, revalidated by its ETag on each visit
# (one round trip of a few hundred bytes), since an unversioned URL cannot be cached for good.
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_FILE = Path(__file__).parent / "vendor" / "plotly-regen.min.js"


@functools.cache
def _plotly_bytes() -> tuple[bytes, str]:
    body = PLOTLY_FILE.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


def _partial_plotly() -> Response | None:
    if request.path != PLOTLY_URL:
        return None
    body, tag = _plotly_bytes()
    response = Response(body, mimetype="application/javascript")
    response.set_etag(tag)  # compression appends its encoding and answers If-None-Match with 304
    # asked for with its fingerprint (`early_scripts`): a year; at the renderer's own URL: revalidated
    versioned = request.args.get("v") == tag
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if versioned else "no-cache"
    return response


# What a view needs before its map can draw, asked for with the page (issue 17, repeat visit): Dash's
# renderer asks for these only once the layout and the view have arrived — the graph's and the
# dropdown's chunks, then plotly.js — each at an unversioned URL revalidated on every visit: round
# trips in turn before the map could start (at 150 ms latency, 0.3-0.5 s). As script tags at
# fingerprinted URLs (a year's cache) they come with the page's other scripts, and on a repeat visit
# from the cache with no request: webpack does not ask again for a chunk already run, nor dcc.Graph
# for plotly.js once window.Plotly is there.
EARLY_CHUNKS = (
    ("dash", "dcc/async-graph.js"),
    ("dash", "dcc/async-dropdown.js"),
)
# What the tables need, loaded by the grids' stand-in once the map has drawn (assets/grid_after_map.js):
# AG Grid's bundle (Dash's own script tag for it, taken out of the page) and its grid chunk, both at
# fingerprinted URLs, named in the page by tags the browser neither fetches nor runs.
AFTER_MAP_SUITE = "/_dash-component-suites/dash_ag_grid/"
AFTER_MAP_CHUNKS = (("dash_ag_grid", "async-community.js"),)
AFTER_MAP_TAG = '<script type="text/x-after-map" data-src="{}"></script>'


def _fingerprinted(chunks) -> list[str]:
    urls = []
    for namespace, rel_path in chunks:
        module = importlib.import_module(namespace)
        modified = int((Path(module.__file__).parent / rel_path).stat().st_mtime)
        urls.append(
            f"/_dash-component-suites/{namespace}/{build_fingerprint(rel_path, module.__version__, modified)}"
        )
    return urls


def early_scripts() -> list[str]:
    """Gives the fingerprinted URLs of the chunks and plotly.js a view with a map needs first."""
    return [*_fingerprinted(EARLY_CHUNKS), f"{PLOTLY_URL}?v={_plotly_bytes()[1]}"]


def after_map_scripts(scripts: str) -> list[str]:
    """Gives the URLs of AG Grid's scripts in the page's `scripts` (Dash's tags), then its chunks'."""
    return [*_SRC.findall("\n".join(line for line in scripts.split("\n") if AFTER_MAP_SUITE in line)),
            *_fingerprinted(AFTER_MAP_CHUNKS)]  # fmt: skip


# Scripts Dash puts in every page that no view draws with: the DataTable's loader (the tables are AG
# Grid, dashboard/grids.py). Left out of the page, nothing asks for them.
UNUSED_SCRIPTS = ("/_dash-component-suites/dash/dash_table/",)


_SRC = re.compile(r'<script src="([^"]+)"')


def _without_unused(scripts: str) -> str:
    """Leaves out the unused scripts, and names AG Grid's for the grids' stand-in in place of its tag."""
    later = "".join(AFTER_MAP_TAG.format(html.escape(u)) for u in after_map_scripts(scripts))
    kept = [
        line
        for line in scripts.split("\n")
        if not any(f'src="{u}' in line for u in (*UNUSED_SCRIPTS, AFTER_MAP_SUITE))
    ]
    return "\n".join([*kept, later])


def install(app: Dash) -> None:
    """Compresses the app's responses, gives stamped assets a year's cache lifetime, serves the
    partial plotly.js and asks for what a map needs with the page (`early_scripts`)."""
    server = app.server
    server.before_request(_partial_plotly)
    interpolate = app.interpolate_index
    app.interpolate_index = lambda **parts: interpolate(
        **(parts | {"scripts": _without_unused(parts["scripts"])})
    )
    app.config.external_scripts = [*app.config.external_scripts, *early_scripts()]
    server.config.update(
        COMPRESS_MIMETYPES=list(_COMPRESSED),
        COMPRESS_ALGORITHM=["br", "zstd", "gzip"],  # br first: plotly.js 766 KB, zstd-3 858 KB
        COMPRESS_BR_LEVEL=5,
        COMPRESS_CACHE_KEY=_cache_key,
        COMPRESS_CACHE_BACKEND=_StaticCache,
    )  # fmt: skip
    Compress(server)
    server.after_request(_in_brotli)  # registered after Flask-Compress's: runs before it

    @server.after_request  # registered after Compress, so it runs before it (Flask runs them in reverse)
    def _closes_its_file(response: Response) -> Response:
        # Flask-Compress puts the compressed bytes in place of a file's answer without closing the
        # file (on a kept copy it never reads it): the answer closes it when it is closed itself
        if hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        return response

    @server.after_request
    def _long_lived(response: Response) -> Response:
        stamped = request.args.get("m") or (request.path == "/_favicon.ico" and request.args.get("v"))
        if request.path.startswith(("/assets/", "/_favicon.ico")) and stamped and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        elif request.path.startswith("/_dash-component-suites/") and "max-age" in response.headers.get(
            "Cache-Control", ""
        ):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response

    server.after_request(_plain_slashes)  # registered last: runs first, on the bytes before compression
