"""The column headers each table loader accepts, in English and Persian, in one place.

A header is looked up after `header_key` (fa_normalize, then `_`/`-`/spaces as one space), so
«كد», «کد», «code», «Code» and «CODE» are the same. `derived` columns are what an export adds
(areas, current state …): accepted so that an export can be loaded back, and ignored.
docs/loading.md documents these tables; tests/test_load_tables.py checks that it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from regen.text import fa_normalize


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    table: str
    columns: tuple[Column, ...]
    derived: tuple[str, ...] = field(default=())

    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def lookup(self) -> dict[str, str]:
        """Gives header key → column name (derived columns map to themselves)."""
        found = {}
        for c in self.columns:
            for alias in (c.name, *c.aliases):
                found[header_key(alias)] = c.name
        for d in self.derived:
            found.setdefault(header_key(d), d)
        return found

    def describe(self) -> str:
        """Gives the accepted headers, one column a line, for error messages."""
        lines = []
        for c in self.columns:
            names = " / ".join((c.name, *c.aliases))
            lines.append(f"  {names}{' (required)' if c.required else ''}")
        return "\n".join(lines)


def header_key(text: str) -> str:
    """Gives the comparison key of a column header."""
    return re.sub(r"[\s_\-]+", " ", fa_normalize(str(text)) or "").strip()


CODE = Column("code", ("کد", "شناسه"), required=True)
NAME_FA = Column("name_fa", ("نام", "نام فارسی", "name"))
NAME_EN = Column("name_en", ("نام انگلیسی", "english name", "name english"))
LAT = Column("lat", ("latitude", "y", "عرض جغرافیایی", "عرض"))
LON = Column("lon", ("lng", "long", "longitude", "x", "طول جغرافیایی", "طول"))
POPULATION = Column("population", ("جمعیت",))

CITIES = TableSpec(
    "cities",
    (
        Column("code", ("کد", "کد شهر", "city code", "city_code"), required=True),
        Column("name_fa", NAME_FA.aliases + ("نام شهر", "شهر"), required=True),
        NAME_EN,
        Column(
            "province", ("province code", "province_code", "استان", "کد استان", "نام استان"), required=True
        ),
        LAT,
        LON,
        POPULATION,
    ),
    derived=("area_ha",),
)

OFFICES = TableSpec(
    "offices",
    (
        Column("code", ("کد", "کد دفتر", "office code", "شناسه دفتر"), required=True),
        Column("name_fa", NAME_FA.aliases + ("نام دفتر",), required=True),
        NAME_EN,
        Column("kind", ("نوع", "نوع دفتر", "type"), required=True),
        Column("operator", ("operator agency", "مجری", "دستگاه مجری", "راه اندازی کننده", "بهره بردار")),
        Column("supervisor", ("supervising agency", "ناظر", "دستگاه ناظر")),
        Column(
            "neighborhoods",
            (
                "neighborhood",
                "neighborhood codes",
                "محلات",
                "محله",
                "کد محله",
                "کد محلات",
                "کدهای محله",
                "محله های تحت پوشش",
            ),
            required=True,
        ),
        Column("city", ("city code", "شهر", "کد شهر")),
        LAT,
        LON,
        # true: lat/lon are an estimate (an export says so): the office is placed in its neighborhood again
        Column("location_estimated", ("location estimated", "موقعیت تقریبی")),
        Column(
            "pre_program",
            ("pre program", "existed before", "پیش از برنامه", "قبل از برنامه", "موجود پیش از برنامه"),
        ),
        Column("planned_on", ("planned", "تاریخ برنامه ریزی", "تاریخ تصویب")),
        Column("established_on", ("established", "تاریخ تاسیس", "تاریخ ایجاد", "تاریخ راه اندازی")),
        Column("active_on", ("active", "تاریخ فعال شدن", "تاریخ شروع فعالیت", "تاریخ فعالیت")),
        Column("handed_over_on", ("handed over", "handover date", "تاریخ واگذاری")),
        Column(
            "handover_letter",
            ("letter", "handover letter no", "شماره نامه واگذاری", "نامه واگذاری", "شماره نامه"),
        ),
        Column("closed_on", ("closed", "تاریخ تعطیلی", "تاریخ انحلال", "تاریخ بسته شدن")),
    ),
    derived=("province", "state", "state_since"),
)

NEIGHBORHOOD_FACTS = TableSpec(
    "neighborhood-facts",
    (
        Column("code", ("کد", "کد محله", "neighborhood code", "neighborhood"), required=True),
        POPULATION,
        Column("households", ("خانوار", "تعداد خانوار")),
        Column("kinds", ("kind", "نوع", "نوع بافت", "انواع بافت", "بافت")),
        Column("pilot", ("پایلوت", "محله پایلوت", "نمونه")),
    ),
    derived=(
        "name_fa",
        "name_en",
        "city",
        "province",
        "area_ha",
        "status",
        "covered",
        "lat",
        "lon",
        "نام",
        "نام محله",
        "شهر",
        "استان",
        "مساحت",
    ),
)

ACTIONS = TableSpec(
    "actions",
    (
        Column("code", ("کد", "کد اقدام", "action code"), required=True),
        Column("meeting", ("meeting number", "جلسه", "شماره جلسه"), required=True),
        Column(
            "resolution", ("resolution number", "مصوبه", "بند", "شماره مصوبه", "بند مصوبه"), required=True
        ),
        Column("agency", ("agency code", "دستگاه", "دستگاه مسئول", "مسئول"), required=True),
        Column("title_fa", ("title", "عنوان", "شرح اقدام", "اقدام"), required=True),
        Column("title_en", ("english title", "عنوان انگلیسی")),
        Column("kind", ("نوع", "نوع اقدام")),
        Column("province", ("province code", "استان", "کد استان")),
        Column("city", ("city code", "شهر", "کد شهر")),
        Column("neighborhood", ("neighborhood code", "محله", "کد محله")),
        Column("office", ("office code", "دفتر", "کد دفتر")),
        Column("due_on", ("due", "due date", "deadline", "مهلت", "تاریخ سررسید", "مهلت انجام")),
        Column("status", ("وضعیت",)),
        Column("status_on", ("status date", "تاریخ وضعیت")),
        Column("evidence", ("مستندات", "مستند", "شواهد")),
    ),
    derived=("effective_province", "effective_city", "overdue"),
)

TARGETS = TableSpec(
    "targets",
    (
        Column("code", ("کد", "کد هدف", "target code"), required=True),
        Column("agency", ("agency code", "دستگاه", "دستگاه مسئول", "دستگاه عضو"), required=True),
        Column("measure", ("indicator", "شاخص", "سنجه", "عنوان شاخص"), required=True),
        # empty (or «کشور», «ملی», national): a national target
        Column("province", ("province code", "place", "استان", "کد استان", "محدوده")),
        Column("period", ("year", "years", "دوره", "سال", "بازه", "دوره برنامه"), required=True),
        Column("target", ("goal", "target value", "هدف", "هدف کمی", "مقدار هدف"), required=True),
        Column("note", ("توضیح", "توضیحات", "notes")),
    ),
    derived=("starts_on", "ends_on"),
)

SPECS = {s.table: s for s in (CITIES, OFFICES, NEIGHBORHOOD_FACTS, ACTIONS, TARGETS)}

# Values: Persian (and English variants) → stored code. Keys are compared after header_key.
OFFICE_KINDS = {
    "facilitation": "facilitation",
    "facilitation office": "facilitation",
    "تسهیلگری": "facilitation",
    "دفتر تسهیلگری": "facilitation",
    "دفتر تسهیلگری و توسعه محله ای": "facilitation",
    "تسهیلگری اجتماعی": "facilitation",
    "دفتر تسهیلگری اجتماعی": "facilitation",
    "renewal service": "renewal_service",
    "renewal": "renewal_service",
    "خدمات نوسازی": "renewal_service",
    "دفتر خدمات نوسازی": "renewal_service",
    "تسهیل گری": "facilitation",
    "دفتر تسهیل گری": "facilitation",
}
NEIGHBORHOOD_KINDS = {
    "historic": "historic",
    "بافت تاریخی": "historic",
    "تاریخی": "historic",
    "inner city": "inner_city",
    "بافت فرسوده": "inner_city",
    "پهنه نابسامان میانی": "inner_city",
    "پهنه های نابسامان میانی": "inner_city",
    "فرسوده": "inner_city",
    "rural core": "rural_core",
    "روستای ادغام شده": "rural_core",
    "روستاهای ادغام شده": "rural_core",
    "informal": "informal",
    "سکونتگاه غیررسمی": "informal",
    "سکونتگاه های غیررسمی": "informal",
    "سکونتگاه غیر رسمی": "informal",
    "حاشیه نشینی": "informal",
}
ACTION_KINDS = {
    "establish office": "establish_office",
    "ایجاد دفتر": "establish_office",
    "راه اندازی دفتر": "establish_office",
    "handover office": "handover_office",
    "واگذاری دفتر": "handover_office",
    "واگذاری": "handover_office",
    "performance report": "performance_report",
    "گزارش عملکرد": "performance_report",
    "other": "other",
    "سایر": "other",
}
ACTION_STATUSES = {
    "open": "open",
    "باز": "open",
    "شروع نشده": "open",
    "جدید": "open",
    "in progress": "in_progress",
    "در حال انجام": "in_progress",
    "در دست اقدام": "in_progress",
    "done": "done",
    "انجام شده": "done",
    "انجام شد": "done",
    "تکمیل شده": "done",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "لغو شده": "cancelled",
    "لغو": "cancelled",
}
TARGET_MEASURES = {
    "offices established": "offices_established",
    "established offices": "offices_established",
    "دفاتر تاسیس شده": "offices_established",
    "تاسیس دفتر": "offices_established",
    "ایجاد دفتر": "offices_established",
    "راه اندازی دفتر": "offices_established",
    "neighborhoods covered": "neighborhoods_covered",
    "covered neighborhoods": "neighborhoods_covered",
    "محلات تحت پوشش": "neighborhoods_covered",
    "پوشش محلات": "neighborhoods_covered",
    "محله های تحت پوشش": "neighborhoods_covered",
    "offices handed over": "offices_handed_over",
    "handover": "offices_handed_over",
    "دفاتر واگذار شده": "offices_handed_over",
    "واگذاری دفتر": "offices_handed_over",
    "واگذاری به شهرداری": "offices_handed_over",
    "reports submitted": "reports_submitted",
    "performance reports": "reports_submitted",
    "گزارش عملکرد": "reports_submitted",
    "گزارش های عملکرد": "reports_submitted",
    "ارسال گزارش عملکرد": "reports_submitted",
}
# A target's place when it is the whole country (the province column empty or one of these).
NATIONAL_WORDS = {"national", "nation", "iran", "کشور", "ملی", "کل کشور", "سراسر کشور"}
# Development plans by name → their Jalali years (the Sixth: 1396–1400; the Seventh: 1403–1407).
PLANS = {
    "fifth plan": (1390, 1394),
    "sixth plan": (1396, 1400),
    "seventh plan": (1403, 1407),
    "برنامه پنجم": (1390, 1394),
    "برنامه پنجم توسعه": (1390, 1394),
    "برنامه ششم": (1396, 1400),
    "برنامه ششم توسعه": (1396, 1400),
    "برنامه هفتم": (1403, 1407),
    "برنامه هفتم توسعه": (1403, 1407),
}
BOOLEANS = {
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "y": True,
    "n": False,
    "بله": True,
    "خیر": False,
    "بلی": True,
    "آری": True,
    "نه": False,
    "دارد": True,
    "ندارد": False,
}
# Common ways agencies write each other's names, beyond their code and full names in `agencies`.
AGENCY_ALIASES = {
    "سازمان امور اجتماعی": "moi_social",
    "سازمان امور اجتماعی کشور": "moi_social",
    "وزارت کشور": "moi_social",
    "شهرداری": "municipalities",
    "شهرداری ها": "municipalities",
    "شرکت بازآفرینی شهری": "urc",
    "شرکت بازآفرینی": "urc",
    "وزارت راه": "mrud",
    "دبیرخانه ستاد": "hq_secretariat",
    "دبیرخانه": "hq_secretariat",
    "سمن": "ngo",
    "سمن ها": "ngo",
    "بخش خصوصی": "private_sector",
    "خصوصی": "private_sector",
    "فنی و حرفه ای": "tvto",
    "سازمان فنی و حرفه ای کشور": "tvto",
}
