"""Synthetic targets (resolution 2): what the agencies aimed at, set against what the demo's offices did.

Each target is what happened in its period and place (counted from the generated offices, by the rules
the coverage functions apply) times a factor drawn around 1.25: most agencies fall somewhat short, a
few pass their goal. National goals for the Sixth Plan (1396–1400) and the years 1402–1405; each
province's goals for 1404 and 1405 (1405 is under way on the story day); one performance report a
year from each member agency for 1397, the year of the 50th meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from etl.demo.actions import REPORTING_AGENCIES
from etl.demo.calendar import as_of, jalali, jalali_year
from etl.demo.offices import Office

OFFICE_MEASURES = ("offices_established", "neighborhoods_covered", "offices_handed_over")
_ORDER = ("planned", "established", "active", "handed_over", "closed")


@dataclass
class Target:
    code: str
    agency: str
    measure: str
    province: str  # "" = national
    period: str  # 1402 or 1396-1400
    target: int
    note: str = ""


def _state_on(o: Office, day: dt.date) -> str | None:
    """Gives the office's state on `day`: the latest state begun by then (office_states_on)."""
    found = None
    for state in _ORDER:
        began = getattr(o, f"{state}_on")
        if began and began <= day and (found is None or began >= found[1]):
            found = (state, began)
    return found[0] if found else None


def _level(offices: list[Office], day: dt.date, measure: str, province: str | None) -> int:
    """Gives the measure's value on `day` as coverage_by_province counts it, in a province or the nation."""
    shown = [
        o for o in offices if o.kind == "facilitation" and (province is None or o.city.province == province)
    ]
    states = {o.code: _state_on(o, day) for o in shown}
    if measure == "offices_established":
        return sum(s in ("established", "active", "handed_over") for s in states.values())
    if measure == "offices_handed_over":
        return sum(s == "handed_over" for s in states.values())
    served = [o for o in shown if states[o.code] in ("active", "handed_over")]
    return len({n.code for o in served for n in o.neighborhoods})


def _achieved(offices: list[Office], years: tuple[int, int], measure: str, province: str | None) -> int:
    start, end = jalali(years[0], 1, 1), min(jalali(years[1] + 1, 1, 1) - dt.timedelta(days=1), as_of())
    whole = (jalali(years[1] + 1, 1, 1) - jalali(years[0], 1, 1)).days
    before = start - dt.timedelta(days=1)
    done = _level(offices, end, measure, province) - _level(offices, before, measure, province)
    # a period under way: the goal is for the whole of it, so the pace so far is stretched to its end
    return round(max(done, 0) * whole / max((end - start).days + 1, 1))


def generate(offices: list[Office], seed: int, scale: int = 1) -> list[Target]:
    """Gives every target of the demo."""
    rng = np.random.default_rng([seed, 2, scale])
    provinces = sorted({o.city.province for o in offices})
    story_year = jalali_year(as_of())
    periods = [((1396, 1400), "برنامه ششم توسعه")] + [((y, y), "") for y in range(1402, story_year + 1)]
    out: list[Target] = []

    def goal(achieved: int) -> int:
        return max(1, round(achieved * rng.uniform(0.85, 1.6)))

    for years, note in periods:
        text = f"{years[0]}" if years[0] == years[1] else f"{years[0]}-{years[1]}"
        for measure in OFFICE_MEASURES:
            agency = "urc" if measure == "neighborhoods_covered" else "moi_social"
            out.append(
                Target(
                    code=f"demo-{text}-{measure}",
                    agency=agency,
                    measure=measure,
                    province="",
                    period=text,
                    target=goal(_achieved(offices, years, measure, None)),
                    note=note,
                )
            )
    for year in (story_year - 1, story_year):
        for p in provinces:
            for measure in ("neighborhoods_covered", "offices_handed_over"):
                achieved = _achieved(offices, (year, year), measure, p)
                if achieved == 0 and rng.random() < 0.5:
                    continue  # nothing under way there: not every province set a goal
                out.append(
                    Target(
                        code=f"demo-{year}-{measure}-{p}",
                        agency="moi_social",
                        measure=measure,
                        province=p,
                        period=str(year),
                        target=goal(achieved),
                    )
                )
    for agency in REPORTING_AGENCIES:
        out.append(
            Target(
                code=f"demo-1397-report-{agency}",
                agency=agency,
                measure="reports_submitted",
                province="",
                period="1397",
                target=1,
                note="مصوبه ۲ جلسه پنجاهم",
            )
        )
    return out
