"""A small hand-built world for the schema tests: two cities, five neighborhoods, offices in every state."""

from regen.db import Database

# Squares near Tehran (IR-23) and Karaj (IR-30); sizes differ so that area shares differ from counts.
_SQUARE = "ST_Multi(ST_MakeEnvelope(%(x)s, %(y)s, %(x)s + %(s)s, %(y)s + %(s)s, 4326))"

NEIGHBORHOODS = [
    # code, city, x, y, side (degrees), population
    ("N1", "C1", 51.30, 35.60, 0.004, 1000),
    ("N2", "C1", 51.31, 35.60, 0.006, 2000),
    ("N3", "C1", 51.32, 35.60, 0.008, None),
    ("N4", "C1", 51.33, 35.60, 0.010, 4000),
    ("N5", "C2", 50.95, 35.80, 0.005, 500),
]

# office, kind, city, neighborhoods, [(state, date)]
OFFICES = [
    (
        "O1",
        "facilitation",
        "C1",
        ["N1"],
        [
            ("planned", "2018-01-01"),
            ("established", "2018-06-01"),
            ("active", "2019-01-01"),
            ("handed_over", "2021-01-01"),
        ],
    ),
    (
        "O2",
        "facilitation",
        "C1",
        ["N2"],
        [("established", "2018-03-01"), ("active", "2018-05-01"), ("closed", "2020-01-01")],
    ),
    ("O3", "facilitation", "C1", ["N3"], [("planned", "2020-01-01")]),
    ("O4", "renewal_service", "C1", ["N4"], [("active", "2018-01-01")]),  # not a facilitation office
    ("O5", "facilitation", "C2", ["N5"], [("active", "2017-01-01")]),  # existed before the program
]


def build(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO cities (code, province_code, name_fa, location) VALUES "
            "('C1', 'IR-23', 'تهران', ST_SetSRID(ST_MakePoint(51.39, 35.69), 4326)),"
            "('C2', 'IR-30', 'کرج', ST_SetSRID(ST_MakePoint(50.99, 35.83), 4326))"
        )
        for code, city, x, y, side, pop in NEIGHBORHOODS:
            cur.execute(
                "INSERT INTO neighborhoods (code, city_code, name_fa, boundary, population, kinds) "
                f"VALUES (%(code)s, %(city)s, %(code)s, {_SQUARE}, %(pop)s, '{{informal}}')",
                {"code": code, "city": city, "x": x, "y": y, "s": side, "pop": pop},
            )
        for code, kind, city, nbhds, states in OFFICES:
            cur.execute(
                "INSERT INTO offices (code, kind, name_fa, city_code, location, operator_agency_code) "
                "SELECT %s, %s, %s, %s, ST_PointOnSurface(boundary), 'moi_social' "
                "FROM neighborhoods WHERE code = %s",
                (code, kind, "دفتر " + code, city, nbhds[0]),
            )
            for n in nbhds:
                cur.execute("INSERT INTO office_neighborhoods VALUES (%s, %s)", (code, n))
            for state, day in states:
                cur.execute(
                    "INSERT INTO office_states (office_code, state, began_on) VALUES (%s, %s, %s)",
                    (code, state, day),
                )
