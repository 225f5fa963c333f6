"""Synthetic actions from the 50th meeting's resolutions, each with a due date, a status and evidence.

Resolution 3 → «establish an office» for each neighborhood that had none at the meeting (done when
an office was established there, in progress while one is planned) and «hand over to the
municipality» for each office that got established; resolution 2 → «submit a performance report» for
each member agency; resolution 6 → the TVTO's report on the next meeting's agenda. Actions whose due
date passed while still open or in progress are the overdue ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from etl.demo.calendar import MEETING_50, add_years, after, as_of, jalali, jalali_text, jalali_year
from etl.demo.neighborhoods import Neighborhood
from etl.demo.offices import CAPITALS, Office

REPORTING_AGENCIES = ("mrud", "urc", "moi_social", "social_council", "tvto")
AGENCY_FA = {
    "mrud": "وزارت راه و شهرسازی",
    "urc": "شرکت بازآفرینی شهری ایران",
    "moi_social": "سازمان امور اجتماعی کشور",
    "social_council": "شورای اجتماعی کشور",
    "tvto": "سازمان آموزش فنی و حرفه‌ای کشور",
}


@dataclass
class Action:
    code: str
    resolution: int
    agency: str
    title_fa: str
    title_en: str
    kind: str
    due_on: dt.date
    status: str
    status_on: dt.date
    evidence: str = ""
    province: str = ""
    city: str = ""
    neighborhood: str = ""
    office: str = ""
    meeting: int = 50


def _due_for_establishing(n: Neighborhood, pilot_city_codes: set[str], capital_ids: set[int]) -> dt.date:
    """Gives the due date of «establish an office» in the wave the neighborhood's city belongs to."""
    c = n.city
    if c.code in pilot_city_codes:
        return jalali(1398, 6, 31)
    if c.geonameid in capital_ids:
        return jalali(1401, 12, 29)
    if c.population >= 100_000:
        return jalali(1404, 6, 31)
    # the later waves are not due yet
    return jalali(1405, 12, 29) if c.population >= 30_000 else jalali(1406, 12, 29)


def generate(
    neighborhoods: list[Neighborhood], offices: list[Office], seed: int, scale: int = 1
) -> list[Action]:
    """Gives all actions: resolution 3 (establish, hand over), then 2 (reports), then 6."""
    rng = np.random.default_rng([seed, 50, scale])
    end = as_of()
    actions: list[Action] = []
    facilitation = [o for o in offices if o.kind == "facilitation"]
    serving: dict[str, Office] = {n.code: o for o in facilitation for n in o.neighborhoods}
    pilot_city_codes = {o.city.code for o in facilitation if o.pilot}
    capital_ids = set(CAPITALS.values())

    for n in neighborhoods:
        office = serving.get(n.code)
        if office is not None and office.pre_program:
            continue  # it had an office before the meeting: resolution 3 asks nothing here
        due = _due_for_establishing(n, pilot_city_codes, capital_ids)
        a = Action(
            code=f"demo-50-3-est-{len(actions) + 1:05d}",
            resolution=3,
            agency="moi_social",
            title_fa=f"راه‌اندازی دفتر تسهیلگری در محله {n.name_fa} ({n.city.name_fa})",
            title_en=f"Set up a facilitation office in {n.name_en} ({n.city.name_en})",
            kind="establish_office",
            due_on=due,
            status="open",
            status_on=MEETING_50,
            province=n.city.province,
            city=n.city.code,
            neighborhood=n.code,
        )
        if office is not None and office.established_on:
            a.status, a.status_on = "done", office.established_on
            a.evidence = f"دفتر {office.code} در {jalali_text(office.established_on)} تأسیس شد"
        elif office is not None and office.planned_on:
            a.status, a.status_on = "in_progress", office.planned_on
            a.evidence = f"دفتر {office.code} در دست راه‌اندازی است"
        elif rng.random() < 0.02:
            a.status, a.status_on = "cancelled", after(rng, MEETING_50, 200, 1500)
            a.evidence = "محدوده محله در بازنگری طرح ادغام شد"
            a.status_on = min(a.status_on, end)
        actions.append(a)

    for o in facilitation:
        if not o.established_on or o.operator == "municipalities":
            continue  # nothing to hand over: never established, or the municipality's own
        due = add_years(max(o.established_on, MEETING_50), 3)
        a = Action(
            code=f"demo-50-3-hnd-{len(actions) + 1:05d}",
            resolution=3,
            agency="moi_social",
            title_fa=f"واگذاری {o.name_fa} به شهرداری {o.city.name_fa}",
            title_en=f"Hand over the {o.name_en} to the municipality of {o.city.name_en}",
            kind="handover_office",
            due_on=due,
            status="open",
            status_on=o.established_on,
            province=o.city.province,
            city=o.city.code,
            office=o.code,
        )
        if o.handed_over_on:
            a.status, a.status_on, a.evidence = (
                "done",
                o.handed_over_on,
                f"نامه شهرداری شماره {o.handover_letter}",
            )
        elif o.closed_on:
            a.status, a.status_on, a.evidence = "cancelled", o.closed_on, "دفتر پیش از واگذاری بسته شد"
        elif o.active_on and add_years(o.active_on, 2) <= end:
            a.status, a.status_on = "in_progress", add_years(o.active_on, 2)
            a.evidence = "مذاکره با شهرداری برای واگذاری در جریان است"
        actions.append(a)

    # Resolution 2: each member agency reports to the secretariat; three did, one is at it, one is late.
    outcomes = ["done", "done", "done", "in_progress", "open"]
    for agency, status in zip(REPORTING_AGENCIES, rng.permutation(outcomes), strict=True):
        a = Action(
            code=f"demo-50-2-{agency}",
            resolution=2,
            agency=agency,
            title_fa=f"ارسال گزارش عملکرد {AGENCY_FA[agency]} در برنامه ملی بازآفرینی به دبیرخانه ستاد",
            title_en="Send the performance report on the national program to the HQ secretariat",
            kind="performance_report",
            due_on=jalali(1397, 10, 30),
            status=str(status),
            status_on=MEETING_50,
        )
        if status == "done":
            a.status_on = after(rng, jalali(1397, 9, 1), 0, 120)
            a.evidence = f"نامه شماره {int(rng.integers(1000, 9999))}/د/{jalali_year(a.status_on)}"
        elif status == "in_progress":
            a.status_on = after(rng, jalali(1397, 11, 1), 0, 60)
            a.evidence = "پیش‌نویس گزارش تهیه شده است"
        actions.append(a)

    # Resolution 6: the TVTO's report goes on the next meeting's agenda.
    actions.append(
        Action(
            code="demo-50-6-tvto",
            resolution=6,
            agency="tvto",
            title_fa="طرح گزارش عملکرد سازمان آموزش فنی و حرفه‌ای در محلات هدف در جلسه آینده ستاد",
            title_en="Put the TVTO's report on target neighborhoods on the next HQ meeting's agenda",
            kind="performance_report",
            due_on=jalali(1397, 9, 30),
            status="done",
            status_on=jalali(1397, 9, 20),
            evidence="در دستور جلسه پنجاه‌ویکم ستاد قرار گرفت",
        )
    )
    return actions
