"""Static files answered through compression (dashboard/wire.py) leave no file open: Flask-Compress
replaces a file's answer with the compressed bytes, and on its kept copy never reads the file."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

import pytest
from dash import Dash, html

from dashboard import wire

ASSETS = Path(__file__).resolve().parent.parent / "dashboard" / "assets"


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
def test_a_static_file_answered_twice_is_closed_each_time(encoding):
    app = Dash(__name__, assets_folder=str(ASSETS))
    app.layout = html.Div("x")
    wire.install(app)
    client = app.server.test_client()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        bodies = []
        for _ in range(2):  # the second from the kept compressed copy
            with client.get("/assets/style.css", headers={"Accept-Encoding": encoding}) as r:
                assert r.status_code == 200
                bodies.append(r.data)
        gc.collect()
    assert bodies[0] == bodies[1] and bodies[0]
    unclosed = [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)]
    assert unclosed == []
