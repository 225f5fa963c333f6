"""Benchmark (not a test): the meeting brief, national and one province's, at the demo scale and ×10.

Each scale K uses the database `regen_bench_xK` of the embedded cluster (built once by bench/dashboard.py's
`database_for`: `regen demo --boundaries ../shared/data/iran-osm --scale K`). One line per brief:

    brief scope=<nation|province> scale=<K> seconds=<x> pages=<n>

seconds is the whole of `brief_pdf` (queries, the map drawn by kaleido, Chromium printing), in a process
whose query results are not kept yet. Usage: .venv/bin/python bench/brief.py [--scales 1,10]
[--province IR-10] [--boundaries DIR]. Writes bench/out/brief.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.dashboard as dash_bench  # noqa: E402
from dashboard.brief.render import brief_pdf  # noqa: E402
from etl.demo.calendar import as_of  # noqa: E402
from regen.db import Database  # noqa: E402
from regen.scope import NATIONAL  # noqa: E402

OUT = ROOT / "bench" / "out"


def pages(pdf: bytes) -> int:
    """Gives the number of pages of a PDF Chromium wrote (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--province", default="IR-10")
    ap.add_argument("--boundaries", type=Path, default=dash_bench.IRAN_OSM)
    args = ap.parse_args()
    dash_bench.IRAN_OSM = args.boundaries
    results = []
    for k in [int(x) for x in args.scales.split(",")]:
        db = Database(dash_bench.database_for(k))
        for scope, province in (("nation", None), ("province", args.province)):
            results.clear_cache()
            started = time.perf_counter()
            pdf = brief_pdf(db, NATIONAL, as_of=as_of(), province=province)
            seconds = time.perf_counter() - started
            row = {"scope": scope, "scale": k, "seconds": round(seconds, 1), "pages": pages(pdf)}
            results.append({**row, "bytes": len(pdf), "at": dt.datetime.now().isoformat(timespec="seconds")})
            print(f"brief scope={scope} scale={k} seconds={seconds:.1f} pages={row['pages']}", flush=True)
        db.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "brief.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
