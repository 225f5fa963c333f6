"""Benchmark (not a test): `regen load boundaries` against `ogr2ogr -f PostgreSQL` on the same files.

Builds synthetic copies of all OSM county files ×N (new codes, same shapes; Points included, as in the
source) into one GeoJSON, loads it once through each tool into the same throwaway database, and prints
one line per N:

    N=<n> ours=<s> ogr2ogr=<s> ratio=<ours/ogr2ogr> peak_rss_mb=<ours>

Ours is the real command (a subprocess: Python start-up included) doing everything a user gets:
reading, non-polygon skipping, validity checks and repair, parent province by overlap, matching,
history, run record. ogr2ogr is GDAL's plain copy into a new table with its default GIST index.
Peak RSS is that of our loader process (wait4 rusage). Writes bench/out/etl.json and its section of
bench/RESULTS.md (bench/results.py). Usage: .venv/bin/python bench/etl.py [N ...] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycopg2 import sql  # noqa: E402

from regen.db import Database  # noqa: E402
from regen.embedded import Cluster  # noqa: E402
from regen.migrate import migrate  # noqa: E402

OUT = ROOT / "bench" / "out"
COUNTIES = ROOT.parent / "shared" / "data" / "iran-osm" / "counties"
PROVINCES = COUNTIES.parent / "provinces.geojson"
REGEN = ROOT / ".venv" / "bin" / "regen"
# The OSM county files as cities, parents found by overlap (tests/test_load_boundaries.py uses these too).
COUNTY_ARGS = [
    "--level",
    "city",
    "--code-field",
    "id",
    "--name-field",
    "tags.name",
    "--name-en-field",
    "tags.name:en",
    "--strip-prefix",
    "شهرستان ",
]
OURS_ARGS = [*COUNTY_ARGS, "--json"]


def build(n: int, out: Path) -> int:
    """Writes all counties ×n as one GeoJSON (copy k gets ids k·10¹⁰ + id); gives the feature count."""
    features = []
    for f in sorted(COUNTIES.glob("IR-*.geojson")):
        features += json.loads(f.read_text(encoding="utf-8"))["features"]
    count = 0
    with open(out, "w", encoding="utf-8") as w:
        w.write('{"type":"FeatureCollection","features":[\n')
        for k in range(n):
            for feat in features:
                props = dict(feat["properties"])
                props["id"] = k * 10_000_000_000 + int(props["id"])
                w.write(
                    ("," if count else "") + json.dumps({**feat, "properties": props}, ensure_ascii=False)
                )
                w.write("\n")
                count += 1
        w.write("]}\n")
    return count


def run_ours(path: Path, env: dict) -> tuple[float, float, dict]:
    """Gives (seconds, peak RSS in MB, report) of one `regen load boundaries` subprocess."""
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(
            [str(REGEN), "load", "boundaries", str(path), *OURS_ARGS],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)  # this child's own rusage: its peak RSS
        seconds = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"regen load failed: {err.read().decode()}")
    return seconds, usage.ru_maxrss / 1024, json.loads(out)


# what `regen load boundaries` imports (the loader's own modules, which import pyogrio, only as it runs)
LOAD_IMPORTS = ("regen.cli", "etl.cli", "etl.load_boundaries", "etl.boundaries", "etl.sources")


def start_up() -> float:
    """Gives the seconds Python takes to import what `regen load boundaries` imports, before any work:
    the floor under our time at any N (ogr2ogr, in C, has next to none)."""
    t = time.perf_counter()
    subprocess.run(
        [str(REGEN.parent / "python"), "-c", f"import {', '.join(LOAD_IMPORTS)}"],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - t


def run_ogr2ogr(path: Path, url: str, table: str) -> float:
    u = urlsplit(url)
    pg = (
        f"PG:host={u.hostname} port={u.port} dbname={u.path.lstrip('/')} user={u.username} "
        f"password={u.password}"
    )
    t = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "-nln", table, "-lco", "OVERWRITE=YES"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t


def fresh_database(cluster_url: str, name: str) -> str:
    import psycopg2

    conn = psycopg2.connect(cluster_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    return urlsplit(cluster_url)._replace(path="/" + name).geturl()


_RESET = ("DELETE FROM cities", "DELETE FROM boundary_history", "VACUUM ANALYZE cities")


def reset(url: str) -> None:
    """Empties what our loader wrote, so that each repetition inserts everything again."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        for stmt in _RESET:
            cur.execute(stmt)
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="*", type=int, default=[1, 20])
    ap.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of each tool per N; the best time of each is shown (the machine is shared)",
    )
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="regen-bench-") as tmp:
        cluster = Cluster(Path(tmp) / "pg", fast=True)
        cluster.up()
        try:
            for n in args.n:
                path = Path(tmp) / f"counties_x{n}.geojson"
                count = build(n, path)
                url = fresh_database(cluster.url("postgres"), f"bench_{n}")
                db = Database(url)
                migrate(db)
                env = {**os.environ, "DATABASE_URL": url}
                # The provinces' boundaries are what parents are found in; loading them is not timed.
                subprocess.run(
                    [str(REGEN), "load", "boundaries", str(PROVINCES), "--level", "province"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                db.execute("ANALYZE provinces")
                ogr_times, our_times, rss, report = [], [], 0.0, {}
                for _ in range(args.repeat):
                    reset(url)
                    ogr_times.append(run_ogr2ogr(path, url, f"ogr_counties_x{n}"))
                    seconds, peak, rep = run_ours(path, env)
                    if not our_times or seconds < min(our_times):
                        report = rep  # the phase timings shown are those of the best run
                    our_times.append(seconds)
                    rss = max(rss, peak)
                    if rep["inserted"] != 478 * n:
                        raise SystemExit(f"N={n}: inserted {rep['inserted']}, expected {478 * n}: {rep}")
                ours, ogr = min(our_times), min(ogr_times)
                startup = min(start_up() for _ in range(args.repeat))
                size_mb = path.stat().st_size / 1e6
                timing = next(x for x in report["notes"] if x.startswith("time:"))
                results.append(
                    {
                        "n": n,
                        "features": count,
                        "mb": size_mb,
                        "ours_s": ours,
                        "ogr2ogr_s": ogr,
                        "peak_rss_mb": rss,
                        "startup_s": startup,
                        "phases": timing.removeprefix("time: "),
                    }
                )
                print(
                    f"N={n} ours={ours:.2f} ogr2ogr={ogr:.2f} ratio={ours / ogr:.2f} peak_rss_mb={rss:.0f}"
                    f"  ({count} features, {size_mb:.0f} MB; Python start-up {startup:.2f} s; {timing})",
                    flush=True,
                )
                db.close()
                path.unlink()
        finally:
            cluster.destroy()
    OUT.mkdir(parents=True, exist_ok=True)
    argv = " ".join(["bench/etl.py", *sys.argv[1:]])
    (OUT / "etl.json").write_text(json.dumps({"argv": argv, "results": results}, indent=2))
    from bench.results import write_etl

    print(f"written {OUT / 'etl.json'} and {write_etl(results, argv)}")


if __name__ == "__main__":
    main()
