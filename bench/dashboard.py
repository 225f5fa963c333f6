"""Benchmark (not a test): the dashboard at the demo scale and at ×10, in one run.

For each scale K (a database `regen_bench_xK` in the embedded cluster, filled once by
`regen demo --boundaries ../shared/data/iran-osm --scale K`; BENCH_IRAN_OSM names another folder):

1. each view's server time (the router callback that builds the page, through Flask's test client):
   warm (the page kept, the usual case; median of 7), built (results kept, the page built again:
   the first request for a URL in a scope and process; median of 7) and cold (every kept result
   dropped first: what the first request after a load of places pays; median of 7), after a state
   (one office state recorded in the city shown before each request, untimed: what the first request
   after the common write pays, when the written kind's results of its province are dropped; median of
   7), against the bare SQL of the same view (the named statements a cold request ran, replayed
   through the database layer, median of 7; cold and bare SQL run in turn, so that both meet the same
   load on a shared machine): cold/sql is the dashboard's overhead over its SQL;
2. bytes per view (the router response) and per filter change (measure switch and as-of change: the
   whole response of the view's callback — the map's Patch, cards, tables, timeline), and the
   change's share of its view's bytes;
3. 20 concurrent clients on loopback for 60 s against `regen serve` (gunicorn, REGEN_WORKERS workers),
   each asking for a random view (national, province, city) in a closed loop: p50/p95 and errors.

4. the same 20 clients while one more records an office state every second (record_office_state, as
   the dashboard's form does): every write makes the next request of every view cold;
5. in headless Chromium over an emulated 2 Mbit/s, 150 ms link (bench/wire.py, also a script of its
   own), the national, province and city views, first and repeat visit: bytes until the tables are
   drawn and time to the map drawn, as the page saw it (medians of --wire-rounds).

Besides the lines for people it prints, for scripts, one `cold view=… scale=… cold_ms=… built_ms=…
warm_ms=…` per view and scale, `load scale=… writer=1 p95_ms=… errors=…` per scale and
`wire view=… first_kb=… first_map_ms=… repeat_kb=… repeat_map_ms=…` per view.

Usage: .venv/bin/python bench/dashboard.py [--scales 1,10] [--seconds 60] [--clients 20] [--no-wire]
       [--wire-rounds 3]
Writes bench/out/dashboard.json and bench/RESULTS.md and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg2  # noqa: E402
import requests  # noqa: E402

from bench.dash_requests import list_request, payload, view_payload  # noqa: E402
from regen.jalali import to_jalali  # noqa: E402

REGEN = ROOT / ".venv" / "bin" / "regen"
# the OSM county files; BENCH_IRAN_OSM names them when the checkout is not beside ../shared
IRAN_OSM = Path(os.environ.get("BENCH_IRAN_OSM") or ROOT.parent / "shared" / "data" / "iran-osm")
OUT = ROOT / "bench" / "out"
REPEAT = 7


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_for(scale: int) -> str:
    """Gives the URL of the bench database of a scale, building the demo data into it the first time."""
    subprocess.run([REGEN, "db", "up"], check=True, capture_output=True)
    base = subprocess.run([REGEN, "db", "url"], check=True, capture_output=True, text=True).stdout.strip()
    name = f"regen_bench_x{scale}"
    conn = psycopg2.connect(with_dbname(base, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(f'CREATE DATABASE "{name}"')  # a fixed name made here, not user input
    conn.close()
    url = with_dbname(base, name)
    env = {**os.environ, "DATABASE_URL": url}
    filled = False
    if exists:
        c = psycopg2.connect(url)
        with c.cursor() as cur:
            # two statements: one naming a missing table fails to plan, whatever guards it
            cur.execute("SELECT to_regclass('neighborhoods') IS NOT NULL")
            if cur.fetchone()[0]:
                cur.execute("SELECT EXISTS (SELECT 1 FROM neighborhoods)")
                filled = cur.fetchone()[0]
        c.close()
    if not filled:
        t = time.perf_counter()
        demo = [REGEN, "demo", "--boundaries", str(IRAN_OSM), "--scale", str(scale)]
        subprocess.run(demo, env=env, check=True, capture_output=True)
        print(f"  built the demo ×{scale} in {time.perf_counter() - t:.0f} s", flush=True)
    else:  # built by an older tree: bring its schema up to this one's (e.g. the accounts tables)
        subprocess.run([REGEN, "db", "migrate"], env=env, check=True, capture_output=True)
    return url


BENCH_USER, BENCH_PASSWORD = "bench-national", "bench national password"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def ensure_bench_account(db) -> None:
    """Every view needs a session: a national account for the bench (added once per database)."""
    from regen.accounts import add_user

    if not db.query("SELECT 1 FROM users WHERE name = %s", (BENCH_USER,), owner=True):
        add_user(db, BENCH_USER, "national", None, BENCH_PASSWORD)


def sign_in_client(client) -> None:
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/login", data={"name": BENCH_USER, "password": BENCH_PASSWORD, "csrf": token})
    assert r.status_code == 302, "bench sign-in refused"


def signed_session(base: str) -> requests.Session:
    s = requests.Session()
    token = _CSRF.search(s.get(base + "/login", timeout=60).text).group(1)
    r = s.post(
        base + "/login",
        data={"name": BENCH_USER, "password": BENCH_PASSWORD, "csrf": token},
        allow_redirects=False,
        timeout=60,  # argon2 on a shared 2-core machine with 20 clients signing in at once
    )
    assert r.status_code == 302, "bench sign-in refused"
    s.headers["Origin"] = base  # Dash POSTs must carry it, as a browser's do
    return s


def post(client, body: dict) -> tuple[float, bytes]:
    t = time.perf_counter()
    r = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    elapsed = time.perf_counter() - t
    if r.status_code != 200:
        raise RuntimeError(f"{body['output'][:40]}: HTTP {r.status_code} {r.data[:300]!r}")
    return elapsed, r.data


def timed(fn, n: int = REPEAT) -> float:
    return timed_side_by_side(fn, n=n)[0]


def timed_side_by_side(*fns, n: int = REPEAT) -> list[float]:
    """Gives the median time of each of `fns`, run in turn n times (a, b, a, b, …): on a shared machine
    the load drifts, and two blocks timed one after the other would compare different machines."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for fn, own in zip(fns, times, strict=True):
            t = time.perf_counter()
            fn()
            own.append(time.perf_counter() - t)
    return [statistics.median(own) for own in times]


# -- one scale ------------------------------------------------------------------------------------------
def measure_scale(scale: int, seconds: int, clients: int) -> dict:
    url = database_for(scale)
    os.environ["DATABASE_URL"] = url
    from regen import settings

    settings.reload()  # a process reads its settings once: the second scale's app would query the first's
    from dashboard import kept, results
    from dashboard.app import create_app
    from regen import queries as named
    from regen.db import Database

    results.clear_cache()
    app = create_app()
    client = app.server.test_client()
    db = Database(url)
    ensure_bench_account(db)
    sign_in_client(client)
    counts = db.query(
        "SELECT (SELECT count(*) FROM neighborhoods) AS n, (SELECT count(*) FROM offices) AS o"
    )[0]
    city = db.query(
        "SELECT city_code FROM neighborhoods "
        "WHERE city_code IN (SELECT code FROM cities WHERE province_code = "
        "'IR-23') GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )[0]["city_code"]
    views = {
        "national": "/",
        "province": "/province/IR-23",
        f"city ({city})": f"/city/{city}",
        "actions": "/actions",
    }
    result = {
        "scale": scale,
        "neighborhoods": counts["n"],
        "offices": counts["o"],
        "views": {},
        "recolours": {},
    }

    real_run = named.run  # what results.cached calls on a miss: every statement a cold request runs
    state_db = Database(url)
    steps = next_steps(state_db, city)

    def statements_of(body) -> list[tuple]:
        ran: list[tuple] = []

        def spying(name, database, scope=None, **params):
            ran.append((name, scope, params))
            return real_run(name, database, scope=scope, **params)

        results.clear_cache()
        named.run = spying
        try:
            post(client, body)
        finally:
            named.run = real_run
        return ran

    def after_a_state(body) -> float:
        """The view's time after one office state recorded in the city shown (untimed, and deleted
        again after the request: the bench's data stay as they were): the common cold, when only the
        written kind's results of the city's province are dropped (0140, 0197)."""
        if not steps:
            raise SystemExit(
                f"bench: no office of {city} can take a next step any more (its writer has "
                f"recorded them all): drop the database regen_bench_x{scale} to rebuild it"
            )
        office, state = min(steps.items())
        times = []
        for _ in range(REPEAT):
            record_state(state_db, office, NEXT_STATE[state])
            t = time.perf_counter()
            post(client, body)
            times.append(time.perf_counter() - t)
            unrecord_state(state_db, office, NEXT_STATE[state])
        return statistics.median(times)

    for label, path in views.items():
        body = view_payload(app, path)
        post(client, body)  # first time: geometry into the cache
        _, data = post(client, body)
        statements = statements_of(body)
        server = timed(lambda body=body: post(client, body))
        built = timed(lambda body=body: (kept.clear(), post(client, body)))
        cold, bare = timed_side_by_side(
            lambda body=body: (results.clear_cache(), post(client, body)),
            lambda st=statements: [real_run(n, db, scope=s, **p) for n, s, p in st],
        )
        post(client, body)
        state = after_a_state(body)
        result["views"][label] = {"path": path, "warm_ms": server * 1000, "built_ms": built * 1000,
                                  "cold_ms": cold * 1000, "after_state_ms": state * 1000,
                                  "sql_ms": bare * 1000, "cold_ratio": cold / bare, "bytes": len(data),
                                  "statements": len(statements)}  # fmt: skip
        print(f"cold view={label.split()[0]} scale={scale} cold_ms={cold * 1000:.1f} "
              f"built_ms={built * 1000:.1f} warm_ms={server * 1000:.1f}", flush=True)  # fmt: skip
        print(f"  ×{scale} {label:22s} warm {server * 1000:6.1f} ms  built {built * 1000:6.1f} ms  "
              f"cold {cold * 1000:7.1f} ms  after a state {state * 1000:6.1f} ms  "
              f"sql {bare * 1000:7.1f} ms  cold/sql {cold / bare:4.2f}  {len(data) / 1024:7.1f} KB  "
              f"({len(statements)} statements)", flush=True)  # fmt: skip
    state_db.close()

    # filter changes: measure switch and as-of change on the national view, as-of change on the city
    # and province views (each the whole response of the view's one callback)
    today = to_jalali(dt.date.today(), persian_digits=False)
    month_ago = to_jalali(dt.date.today() - dt.timedelta(days=30), persian_digits=False)
    cases = {
        "national: measure → ha": payload(
            app, "..nat-map.figure", ["ha", today], [""], '{"f":"measure","page":"national"}.value'
        ),
        "national: as-of → 1400/01/01": payload(
            app, "..nat-map.figure", ["count", "1400/01/01"], [""], '{"f":"asof","page":"national"}.value'
        ),
        "city: as-of → 1400/01/01": payload(
            app,
            "..city-map.figure",
            ["1400/01/01", None],
            [f"/city/{city}", ""],
            '{"f":"asof","page":"city"}.value',
        ),
    }
    for label, day in (("1400/01/01", "1400/01/01"), ("a month ago", month_ago)):
        cases[f"province: as-of → {label}"] = payload(
            app,
            "..prov-map.figure",
            ["count", day, None],
            ["/province/IR-23", ""],
            '{"f":"asof","page":"province"}.value',
        )
    view_of = {"national": "national", "province": "province", "city": f"city ({city})"}
    from dashboard import grids
    from regen.jalali import parse_date

    # the pages a view's long lists ask for after it (their first), and after a change (again)
    lists_of = {"province": ("prov-", "IR-23"), "city": ("city-", city)}

    def pages(kind: str, search: str) -> int:
        prefix, place = lists_of.get(kind, ("-", ""))
        asks = [list_request(app, grids.list_ids(n, place)[0], 0, grids.PAGE_SIZE, None, search)
                for n in grids.LISTS if n.startswith(prefix)]  # fmt: skip
        return sum(len(post(client, body)[1]) for body in asks)

    for label, body in cases.items():
        post(client, body)
        server = timed(lambda body=body: post(client, body))
        _, data = post(client, body)
        kind = label.split(":")[0]
        view_bytes = result["views"][view_of[kind]]["bytes"]
        asof = [x["value"] for x in body["inputs"] if isinstance(x["id"], dict) and x["id"]["f"] == "asof"]
        day = (asof or [today])[0] or today
        view_pages, change_pages = pages(kind, ""), pages(kind, f"?as_of={parse_date(day).isoformat()}")
        # each output's share: the map's and the timeline's Patch, the cards, the tables
        parts = {
            f"{out}.{prop}": len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
            for out, props in json.loads(data)["response"].items()
            for prop, value in props.items()
        }
        result["recolours"][label] = {
            "server_ms": server * 1000, "bytes": len(data), "share_of_view": len(data) / view_bytes,
            "parts": parts, "pages_bytes": change_pages, "view_pages_bytes": view_pages,
            "share_with_pages": (len(data) + change_pages) / (view_bytes + view_pages),
        }  # fmt: skip
        print(f"  ×{scale} {label:30s} {server * 1000:7.1f} ms  {len(data) / 1024:7.1f} KB "
              f"= {100 * len(data) / view_bytes:5.1f}% of the view; with the pages its lists ask again "
              f"({change_pages / 1024:.1f} KB) {100 * result['recolours'][label]['share_with_pages']:5.1f}% "
              f"of the view with its lists' first pages "
              f"({', '.join(f'{k} {v / 1024:.1f} KB' for k, v in parts.items())})", flush=True)  # fmt: skip
    db.close()
    for key, writer in (("load", False), ("load_writer", True)):
        result[key] = lt = load_test(url, app, list(views.values())[:3], seconds, clients, writer=writer)
        print(
            f"  ×{scale} {clients} clients{' + 1 writer' if writer else ''} {seconds} s: "
            f"{lt['requests']} views, {lt['per_s']:.1f}/s, p50 {lt['p50_ms']:.0f} ms, "
            f"p95 {lt['p95_ms']:.0f} ms, errors {lt['errors']}"
            + (f", {lt['writes']} states recorded (p95 {lt['write_p95_ms']:.0f} ms)" if writer else ""),
            flush=True,
        )
        if writer:
            print(f"load scale={scale} writer=1 p95_ms={lt['p95_ms']:.0f} errors={lt['errors']}", flush=True)
    return result


NEXT_STATE = {"planned": "established", "established": "active", "active": "handed_over"}


def next_steps(db, city: str | None = None) -> dict[str, str]:
    """Gives the facilitation offices (of `city`; None: every city) whose latest state, begun by today,
    can take a next step, with that state: what record_next_step follows."""
    latest = db.query(
        "SELECT DISTINCT ON (s.office_code) s.office_code, s.state, s.began_on "
        "FROM office_states s "
        "JOIN offices o ON o.code = s.office_code AND o.kind = 'facilitation' "
        "AND (%(city)s IS NULL OR o.city_code = %(city)s) "
        "ORDER BY s.office_code, s.began_on DESC, office_state_rank(s.state) DESC",
        {"city": city},
        owner=True,
    )
    today = dt.date.today()
    return {
        r["office_code"]: r["state"] for r in latest if r["state"] in NEXT_STATE and r["began_on"] <= today
    }


def record_state(db, office: str, state: str) -> None:
    """Records `state` of `office`, dated today, as the bench's national account through
    record_office_state, as the dashboard's form does."""
    from regen.scope import Scope

    with db.transaction(scope=Scope(user=BENCH_USER, role="national")) as cur:
        cur.execute(
            "SELECT record_office_state(%s, %s, %s, %s, %s)",
            (office, state, dt.date.today(), "bench-1", "bench writer"),
        )


def unrecord_state(db, office: str, state: str) -> None:
    """Deletes what record_state recorded today (the bench's data stay as they were)."""
    db.execute(
        "DELETE FROM office_states WHERE office_code = %s AND state = %s AND began_on = %s",
        (office, state, dt.date.today()),
    )


def record_next_step(db, states: dict[str, str]) -> tuple[str, str]:
    """Records the next state of a random office of `states` (next_steps) and follows it there (an
    office that fails is dropped and the error raised); gives the office and the state recorded."""
    office = random.choice(list(states))
    nxt = NEXT_STATE[states.pop(office)]
    record_state(db, office, nxt)
    if nxt in NEXT_STATE:
        states[office] = nxt
    return office, nxt


def writer_loop(url: str, stop: float, done: list[float], errors: list[str], lock) -> None:
    """Records one office state a second (the next step of an office not yet handed over, dated today)
    as the bench's national account, through record_office_state like the dashboard's form: every
    write changes the data stamp, so the readers meet cold views all along. What it recorded is
    deleted again when the load ends, latest first: the next run finds the same offices to advance."""
    from regen.db import Database

    db = Database(url)
    states = next_steps(db)  # read once: the writer's own look-up is not the write (timed alone)
    recorded: list[tuple[str, str]] = []
    try:
        while time.perf_counter() < stop and states:
            t = time.perf_counter()
            try:
                recorded.append(record_next_step(db, states))
                with lock:
                    done.append(time.perf_counter() - t)
            except Exception as e:  # noqa: BLE001 — counted and reported, the load goes on
                with lock:
                    errors.append(f"writer: {type(e).__name__}: {str(e)[:80]}")
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - t)))
    finally:
        for office, state in reversed(recorded):
            unrecord_state(db, office, state)
        db.close()


def load_test(url: str, app, paths: list[str], seconds: int, clients: int, writer: bool = False) -> dict:
    """Gives latencies of `clients` closed-loop clients asking gunicorn for random views for `seconds`
    (with `writer`, while one more thread records an office state every second)."""
    port = 18000 + random.randint(0, 999)
    # every client signs in from 127.0.0.1: more than one address's sign-ins a minute
    env = {**os.environ, "DATABASE_URL": url, "REGEN_PORT": str(port), "REGEN_LOGIN_PER_MINUTE": "1000"}
    server = subprocess.Popen([REGEN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=1)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        bodies = [view_payload(app, p) for p in paths]
        warm = signed_session(base)
        for b in bodies:  # warm both workers' caches
            for _ in range(4):
                warm.post(base + "/_dash-update-component", json=b, timeout=60)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        # signed in before the clock starts: 20 argon2 checks on a loaded 2-core machine take seconds
        sessions = [signed_session(base) for _ in range(clients)]
        stop = time.perf_counter() + seconds

        def client_loop(s):
            while time.perf_counter() < stop:
                body = random.choice(bodies)
                t = time.perf_counter()
                try:
                    r = s.post(base + "/_dash-update-component", json=body, timeout=60)
                    ok = r.status_code == 200 and b"error-banner" not in r.content
                    why = f"HTTP {r.status_code}" if r.status_code != 200 else "error message in the page"
                except requests.RequestException as e:
                    ok, why = False, type(e).__name__
                with lock:
                    (latencies.append(time.perf_counter() - t) if ok else errors.append(why))

        threads = [threading.Thread(target=client_loop, args=(s,)) for s in sessions]
        writes: list[float] = []
        if writer:
            threads.append(threading.Thread(target=writer_loop, args=(url, stop, writes, errors, lock)))
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    qs = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"clients": clients, "seconds": seconds, "requests": len(latencies),
            "per_s": len(latencies) / seconds,
            "p50_ms": qs[49] * 1000, "p95_ms": qs[94] * 1000, "errors": len(errors),
            "error_kinds": sorted(set(errors)), "writes": len(writes),
            "write_p95_ms": statistics.quantiles(writes, n=20)[18] * 1000 if len(writes) > 1 else 0,
            }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--no-wire", action="store_true", help="skip the browser over the emulated slow link")
    ap.add_argument("--wire-rounds", type=int, default=3, help="first and repeat visits per view (medians)")
    args = ap.parse_args()
    # every scale signs its clients in from this address (the in-process one too): not a brute force
    os.environ.setdefault("REGEN_LOGIN_PER_MINUTE", "1000")
    results = []
    scales = [int(x) for x in args.scales.split(",")]
    for k in scales:
        print(f"scale ×{k}", flush=True)
        results.append(measure_scale(k, args.seconds, args.clients))
    wire_result = None
    if not args.no_wire:
        from bench import wire

        url = database_for(scales[0])
        city_path = next(v["path"] for k, v in results[0]["views"].items() if k.startswith("city"))
        views = {"national": "/", "province": "/province/IR-23", "city": city_path}
        wire_result = {
            "scale": scales[0],
            "load": os.getloadavg(),
            "views": wire.run(str(REGEN), url, views, BENCH_USER, BENCH_PASSWORD, args.wire_rounds),
        }
        for name, w in wire_result["views"].items():
            print(wire.line(name, w), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    run = {"argv": " ".join(sys.argv), "ran_at": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
           "load": os.getloadavg(), "scales": results, "wire": wire_result}  # fmt: skip
    (OUT / "dashboard.json").write_text(json.dumps(run, indent=2))
    from bench.results import write

    print(f"written {OUT / 'dashboard.json'} and {write(run)}")


if __name__ == "__main__":
    main()
