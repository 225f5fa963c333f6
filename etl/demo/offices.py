"""Synthetic facilitation and renewal service offices with dated lifecycles, 1395–1405.

The story: some offices existed before the program (1395–1397, run by municipalities, the Urban
Regeneration Company or NGOs); after the 50th meeting (1397/07/10) a pilot of about 100 offices in
10 provincial capitals (1397/08–1398), then the spread to other cities (1398–1405), most offices run
by the Social Affairs Organization; handovers to the municipalities come after the meeting, years
after an office became active; a few offices closed. Renewal service offices (private operators
under municipal supervision) work in the bigger cities. Every date lies on or before `as_of()`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from etl.demo.calendar import MEETING_50, after, as_of, between, jalali, jalali_year
from etl.demo.neighborhoods import Neighborhood
from etl.demo.places import City

# Provincial capitals (GeoNames ids), for the pilot.
CAPITALS: dict[str, int] = {
    "IR-00": 143127,
    "IR-01": 118743,
    "IR-02": 116996,
    "IR-03": 113646,
    "IR-04": 121801,
    "IR-05": 128226,
    "IR-06": 144448,
    "IR-07": 115019,
    "IR-08": 128234,
    "IR-09": 124665,
    "IR-10": 418863,
    "IR-11": 1159301,
    "IR-12": 117574,
    "IR-13": 132144,
    "IR-14": 115770,
    "IR-15": 127349,
    "IR-16": 130802,
    "IR-17": 66093,
    "IR-18": 139817,
    "IR-19": 111453,
    "IR-20": 116402,
    "IR-21": 111822,
    "IR-22": 141681,
    "IR-23": 112931,
    "IR-24": 143083,
    "IR-25": 119208,
    "IR-26": 119505,
    "IR-27": 132892,
    "IR-28": 140380,
    "IR-29": 140463,
    "IR-30": 128747,
}
PRE_PROGRAM = 30
PILOT_CITIES = 10
PILOT_PER_CITY = 10
SPREAD = 270
RENEWAL_MIN_POPULATION = 250_000


@dataclass
class Office:
    code: str
    kind: str
    name_fa: str
    name_en: str
    operator: str
    city: City
    neighborhoods: list[Neighborhood]
    pre_program: bool = False
    supervisor: str | None = None
    planned_on: dt.date | None = None
    established_on: dt.date | None = None
    active_on: dt.date | None = None
    handed_over_on: dt.date | None = None
    handover_letter: str | None = None
    closed_on: dt.date | None = None
    pilot: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def location(self) -> tuple[float, float]:
        """Gives (lon, lat) of the office: a point inside its first neighborhood."""
        p = self.neighborhoods[0].polygon.point_on_surface()
        return round(p.x, 6), round(p.y, 6)

    def last_state_on(self) -> dt.date | None:
        days = [
            d
            for d in (
                self.planned_on,
                self.established_on,
                self.active_on,
                self.handed_over_on,
                self.closed_on,
            )
            if d
        ]
        return max(days) if days else None


def _lifecycle(
    rng: np.random.Generator,
    office: Office,
    planned: dt.date | None,
    established: dt.date,
    end: dt.date,
    handover_share: float,
    close_share: float,
) -> None:
    """Fills in the office's dates from `established` on, stopping at whatever has not happened by `end`."""
    office.planned_on = planned if planned and planned <= end else None
    if established > end:
        return
    office.established_on = established
    active = after(rng, established, 15, 90)
    if active > end:
        return
    office.active_on = active
    # Handovers to municipalities begin after the 50th meeting, one and a half to five years after activity.
    handover = max(after(rng, active, 540, 1800), after(rng, MEETING_50, 120, 400))
    if office.operator != "municipalities" and rng.random() < handover_share and handover <= end:
        office.handed_over_on = handover
        office.handover_letter = f"{int(rng.integers(1000, 9999))}/ش/{jalali_year(handover)}"
    if rng.random() < close_share:
        last = office.last_state_on()
        closed = after(rng, last, 60, 900)
        if closed <= end:
            office.closed_on = closed


def _group(rng: np.random.Generator, free: list[Neighborhood]) -> list[Neighborhood]:
    """Gives 1–3 neighborhoods of one city for one office: a free one and its nearest free neighbours."""
    first = free[int(rng.integers(len(free)))]
    size = 1 + int(rng.random() < 0.22) + int(rng.random() < 0.05)
    x, y = first.centre_m
    rest = sorted(
        (n for n in free if n is not first),
        key=lambda n: (math.hypot(n.centre_m[0] - x, n.centre_m[1] - y), n.code),
    )
    return [first] + rest[: size - 1]


def generate(
    cities: list[City], neighborhoods: list[Neighborhood], seed: int, scale: int = 1
) -> list[Office]:
    """Gives the offices (facilitation first, then renewal service), marking pilot neighborhoods."""
    rng = np.random.default_rng([seed, 7, scale])
    end = as_of()
    free: dict[str, list[Neighborhood]] = defaultdict(list)
    for n in neighborhoods:
        free[n.city.code].append(n)
    offices: list[Office] = []

    def new_office(city: City, operator: str, **kw) -> Office:
        group = _group(rng, free[city.code])
        for n in group:
            free[city.code].remove(n)
        nb = group[0]
        o = Office(
            code=f"demo-fo-{len(offices) + 1:05d}",
            kind="facilitation",
            name_fa=f"دفتر تسهیلگری و توسعه محله {nb.name_fa}",
            name_en=f"{nb.name_en} facilitation office",
            operator=operator,
            city=city,
            neighborhoods=group,
            **kw,
        )
        offices.append(o)
        return o

    def weighted_city(pool: list[City]) -> City | None:
        open_ = [c for c in pool if free[c.code]]
        if not open_:
            return None
        w = np.array([len(free[c.code]) for c in open_], dtype=float)
        return open_[int(rng.choice(len(open_), p=w / w.sum()))]

    # Before the program: municipalities' neighborhood offices, the URC's and NGOs' (cities of 100k+).
    big = [c for c in cities if c.population >= 100_000]
    for _ in range(PRE_PROGRAM * scale):
        city = weighted_city(big)
        if city is None:
            break
        operator = str(rng.choice(["municipalities", "urc", "ngo"], p=[0.5, 0.3, 0.2]))
        o = new_office(city, operator, pre_program=True)
        _lifecycle(rng, o, None, between(rng, jalali(1395, 1, 15), jalali(1397, 5, 31)), end, 0.5, 0.12)

    # The pilot: 10 provincial capitals, 10 offices each, planned within weeks of the meeting.
    by_id = {c.geonameid: c for c in cities}
    capitals = [by_id[g] for g in CAPITALS.values() if g in by_id]
    w = np.array([c.population for c in capitals], dtype=float) ** 0.5
    pilot_cities = [
        capitals[i] for i in sorted(rng.choice(len(capitals), PILOT_CITIES, replace=False, p=w / w.sum()))
    ]
    for city in pilot_cities:
        for _ in range(PILOT_PER_CITY * scale):
            if not free[city.code]:
                break
            o = new_office(city, "moi_social", pilot=True)
            planned = between(rng, jalali(1397, 8, 1), jalali(1397, 9, 30))
            _lifecycle(rng, o, planned, after(rng, planned, 30, 100), end, 0.6, 0.05)
            for n in o.neighborhoods:
                n.pilot = True

    # The spread: every city may get offices, more where more neighborhoods wait; later years busier.
    for _ in range(SPREAD * scale):
        city = weighted_city(cities)
        if city is None:
            break
        operator = str(rng.choice(["moi_social", "municipalities", "ngo"], p=[0.75, 0.15, 0.10]))
        o = new_office(city, operator)
        start, stop = jalali(1398, 6, 1), jalali(1405, 8, 15)
        planned = start + (stop - start) * float(rng.random() ** 0.8)
        _lifecycle(rng, o, planned, after(rng, planned, 45, 200), end, 0.55, 0.06)

    # Renewal service offices: private operators under municipal supervision, in the bigger cities.
    used: dict[str, set[str]] = defaultdict(set)
    renewal = 0
    for city in cities:
        if city.population < RENEWAL_MIN_POPULATION:
            continue
        pool = [n for n in neighborhoods if n.city is city]
        for _ in range(min(6, 1 + city.population // 600_000) * scale):
            choices = [n for n in pool if n.code not in used[city.code]]
            if not choices:
                break
            nb = choices[int(rng.integers(len(choices)))]
            used[city.code].add(nb.code)
            renewal += 1
            o = Office(
                code=f"demo-rs-{renewal:04d}",
                kind="renewal_service",
                name_fa=f"دفتر خدمات نوسازی محله {nb.name_fa}",
                name_en=f"{nb.name_en} renewal service office",
                operator="private_sector",
                supervisor="municipalities",
                city=city,
                neighborhoods=[nb],
            )
            _lifecycle(rng, o, None, between(rng, jalali(1396, 1, 15), jalali(1404, 6, 30)), end, 0.0, 0.05)
            offices.append(o)
    return offices
