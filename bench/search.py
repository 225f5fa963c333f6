"""Benchmark (not a test): the header's search box at the demo scale and at ×10.

For each scale K (the database `regen_bench_xK` that bench/dashboard.py builds with `regen demo
--boundaries … --scale K`, built here too when missing), someone types the names of 60 places drawn
at random (cities, neighborhoods, offices; half of them with Arabic ي and ك, as files bring them)
one letter at a time, from the second letter to the twelfth: each keystroke is one request of the
search box's callback (POST /_dash-update-component through Flask's test client, signed in as a
national user, who sees the most rows) and is timed from request to answer. The same texts are then
asked of the query layer alone (queries.search), national and as a Tehran officer (row-level
security as regen_app).

Prints, for scripts, `search scale=K p50_ms=… p95_ms=…` (the callback) and `search-sql scale=K
scope=… p50_ms=… p95_ms=…` (the query layer); writes bench/out/search.json.

Usage: .venv/bin/python bench/search.py [--scales 1,10] [--places 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import OUT, database_for, ensure_bench_account, post, sign_in_client  # noqa: E402


def typed_texts(db, places: int, seed: int = 1397) -> list[str]:
    """Gives what a user types letter by letter for `places` names drawn at random."""
    rows = db.query(
        "SELECT name_fa FROM cities UNION ALL SELECT name_fa FROM neighborhoods "
        "UNION ALL SELECT name_fa FROM offices"
    )
    rng = random.Random(seed)
    names = [r["name_fa"] for r in rng.sample(rows, min(places, len(rows)))]
    texts = []
    for i, name in enumerate(names):
        if i % 2:  # as a Windows-1256 file spells it
            name = name.replace("ی", "ي").replace("ک", "ك")
        # office names start with the same words: type from the distinctive part as well
        texts += [name[:n] for n in range(2, min(len(name), 12) + 1)]
    return texts


def percentiles(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def search_body(text: str) -> dict:
    return {
        "output": "search-results.children",
        "outputs": {"id": "search-results", "property": "children"},
        "inputs": [{"id": "search-box", "property": "value", "value": text}],
        "state": [
            {"id": "url", "property": "search", "value": ""},
            {"id": "root", "property": "lang", "value": "fa"},
        ],
        "changedPropIds": ["search-box.value"],
    }


def measure_scale(scale: int, places: int) -> dict:
    url = database_for(scale)
    os.environ["DATABASE_URL"] = url
    from dashboard import queries, results
    from dashboard.app import create_app
    from regen import settings
    from regen.db import Database
    from regen.scope import NATIONAL, Scope

    settings.reload()  # this scale's DATABASE_URL (a process reads its settings once)
    results.clear_cache()
    app = create_app()
    client = app.server.test_client()
    db = Database(url)
    ensure_bench_account(db)
    sign_in_client(client)
    counts = db.query(
        "SELECT (SELECT count(*) FROM neighborhoods) AS n, (SELECT count(*) FROM offices) AS o,"
        " (SELECT count(*) FROM cities) AS c"
    )[0]
    texts = typed_texts(db, places)
    for text in texts[:20]:  # warm the connections and the server's first requests
        post(client, search_body(text))
    answers = []
    for text in texts:
        elapsed, _ = post(client, search_body(text))
        answers.append(elapsed)
    result = {"scale": scale, **counts, "keystrokes": len(texts)}
    result["callback_p50_ms"], result["callback_p95_ms"] = percentiles(answers)
    tehran = Scope(user="bench-tehran", role="provincial", province="IR-23")
    for label, scope in (("national", NATIONAL), ("tehran", tehran)):
        times = []
        for text in texts:
            t = time.perf_counter()
            queries.search(db, scope, text)
            times.append(time.perf_counter() - t)
        result[f"sql_{label}_p50_ms"], result[f"sql_{label}_p95_ms"] = percentiles(times)
    db.close()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--places", type=int, default=60, help="names typed, one letter at a time")
    args = ap.parse_args()
    results = []
    for k in (int(x) for x in args.scales.split(",")):
        r = measure_scale(k, args.places)
        results.append(r)
        print(
            f"  ×{k}: {r['c']} cities, {r['n']} neighborhoods, {r['o']} offices; {r['keystrokes']} keystrokes"
        )
        print(
            f"search scale={k} p50_ms={r['callback_p50_ms']:.1f} p95_ms={r['callback_p95_ms']:.1f}",
            flush=True,
        )
        for label in ("national", "tehran"):
            print(f"search-sql scale={k} scope={label} p50_ms={r[f'sql_{label}_p50_ms']:.1f} "
                  f"p95_ms={r[f'sql_{label}_p95_ms']:.1f}", flush=True)  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search.json").write_text(json.dumps({"argv": " ".join(sys.argv), "scales": results}, indent=2))
    print(f"written {OUT / 'search.json'}")


if __name__ == "__main__":
    main()
