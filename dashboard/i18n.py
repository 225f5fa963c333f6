"""The dashboard's words in Persian (default) and English; numbers and dates as each language reads them."""

from __future__ import annotations

import datetime as dt

from regen.jalali import to_jalali
from regen.text import fa_digits

RLE, PDF = "\u202b", "\u202c"  # embed right-to-left text so Persian, digits and % stay in order

_WORDS: dict[str, tuple[str, str]] = {
    "app": ("اطلس بازآفرینی", "Regen Atlas"),
    "national": ("کشور", "National"),
    "province": ("استان", "Province"),
    "agencies": ("دستگاه‌ها", "Agencies"),
    "city": ("شهر", "City"),
    "actions": ("مصوبات و اقدامات", "Resolutions and actions"),
    "data": ("داده‌ها", "Data"),
    "about": ("درباره", "About"),
    "switch_lang": ("English", "فارسی"),
    "audit_link": ("تغییرات", "Changes"),
    "sign_out": ("خروج", "Sign out"),
    "sign_out_all": ("خروج از همه دستگاه‌ها", "Sign out everywhere"),
    "all_provinces": ("همه استان‌ها", "All provinces"),
    "all_cities": ("همه شهرها", "All cities"),
    "all_kinds": ("همه انواع", "All kinds"),
    "all_agencies": ("همه دستگاه‌ها", "All agencies"),
    "kind": ("نوع محله", "Neighborhood kind"),
    "agency": ("دستگاه", "Agency"),
    "as_of": ("تاریخ (شمسی)", "As of (Jalali)"),
    "measure": ("شاخص", "Measure"),
    "m_count": ("پوشش (تعداد محله)", "Coverage (neighborhoods)"),
    "m_ha": ("پوشش (هکتار)", "Coverage (hectares)"),
    "m_population": ("پوشش (جمعیت)", "Coverage (population)"),
    "m_handover": ("نرخ واگذاری", "Handover rate"),
    "k_historic": ("بافت تاریخی", "Historic"),
    "k_inner_city": ("پهنه نابسامان میانی", "Inner-city"),
    "k_rural_core": ("روستای ادغام‌شده", "Rural core"),
    "k_informal": ("سکونتگاه غیررسمی", "Informal"),
    "s_none": ("بدون دفتر", "No office"),
    "s_planned": ("دفتر در برنامه", "Office planned"),
    "s_established": ("دفتر تأسیس‌شده", "Office established"),
    "s_active": ("دفتر فعال", "Office active"),
    "s_handed_over": ("واگذارشده به شهرداری", "Handed over"),
    "s_closed": ("بسته‌شده", "Closed"),
    "st_open": ("باز", "Open"),
    "st_in_progress": ("در جریان", "In progress"),
    "st_done": ("انجام‌شده", "Done"),
    "st_cancelled": ("لغوشده", "Cancelled"),
    "target_neighborhoods": ("محلات هدف", "Target neighborhoods"),
    "share_covered": ("سهم تحت پوشش", "Share covered"),
    "offices_active": ("دفاتر فعال", "Offices active"),
    "share_handed_over": ("سهم واگذارشده", "Share handed over"),
    "actions_overdue": ("اقدامات معوق", "Actions overdue"),
    "provinces_table": ("استان‌ها", "Provinces"),
    "cities_table": ("شهرها", "Cities"),
    "over_time": ("پوشش و واگذاری در طول زمان", "Coverage and handover over time"),
    "coverage": ("پوشش", "Coverage"),
    "handover": ("واگذاری", "Handover"),
    "name": ("نام", "Name"),
    "code": ("کد", "Code"),
    "neighborhoods": ("محلات", "Neighborhoods"),
    "covered": ("تحت پوشش", "Covered"),
    "cov_count": ("پوشش تعداد ٪", "Coverage by count %"),
    "cov_ha": ("پوشش هکتار ٪", "Coverage by ha %"),
    "cov_pop": ("پوشش جمعیت ٪", "Coverage by population %"),
    "active": ("فعال", "Active"),
    "handed_over": ("واگذارشده", "Handed over"),
    "handover_pct": ("واگذاری ٪", "Handover %"),
    "overdue": ("معوق", "Overdue"),
    "area_ha": ("مساحت (هکتار)", "Area (ha)"),
    "population": ("جمعیت", "Population"),
    "status": ("وضعیت", "Status"),
    "kinds": ("نوع", "Kinds"),
    "offices": ("دفاتر", "Offices"),
    "office": ("دفتر", "Office"),
    "state": ("وضعیت", "State"),
    "planned_on": ("برنامه", "Planned"),
    "established_on": ("تأسیس", "Established"),
    "active_on": ("فعال از", "Active since"),
    "handed_over_on": ("واگذاری", "Handed over"),
    "since": ("از", "Since"),
    "due_on": ("سررسید", "Due"),
    "uncovered": ("محلات بدون دفتر فعال", "Neighborhoods without an active office"),
    "due_handover": ("دفاتر در نوبت واگذاری", "Offices due for handover"),
    "history": ("سابقه", "History"),
    "click_for_history": (
        "برای دیدن سابقه، روی محله یا دفتر در نقشه یا جدول کلیک کنید.",
        "Click a neighborhood or office on the map or in a table to see its history.",
    ),
    "no_history": ("سابقه‌ای ثبت نشده است.", "No history recorded."),
    "event": ("رویداد", "Event"),
    "date": ("تاریخ", "Date"),
    "letter": ("شماره نامه", "Letter no."),
    "note": ("یادداشت", "Note"),
    "meeting": ("جلسه", "Meeting"),
    "resolution": ("مصوبه", "Resolution"),
    "title": ("عنوان", "Title"),
    "place": ("محل", "Place"),
    "evidence": ("مستند", "Evidence"),
    "national_action": ("ملی", "National"),
    "by_agency": ("به تفکیک دستگاه", "By agency"),
    "by_province": ("به تفکیک استان", "By province"),
    "total": ("کل", "Total"),
    "etl_runs": ("اجراهای بارگذاری داده", "ETL runs"),
    "rejects": ("ردیف‌های ردشده", "Rejected rows"),
    "pick_run": (
        "برای دیدن ردیف‌های ردشده، یک اجرا را در جدول انتخاب کنید.",
        "Pick a run in the table to see its rejected rows.",
    ),
    "download": ("دریافت آنچه روی صفحه است", "Download what is on screen"),
    "export_unavailable": ("خروجی هنوز در دسترس نیست.", "Export is not available yet."),
    "bad_date": ("تاریخ نامعتبر است؛ مانند ۱۴۰۳/۱۲/۳۰ بنویسید.", "Not a date: write it like 1403/12/30."),
    "db_down": (
        "پایگاه داده در دسترس نیست. چند ثانیه دیگر دوباره تلاش می‌شود.",
        "The database is not reachable right now. The page will retry in a few seconds.",
    ),
    "failed": (
        "خطایی رخ داد؛ جزئیات در گزارش سرور ثبت شد.",
        "Something went wrong; the details are in the server log.",
    ),
    "not_found": ("این صفحه وجود ندارد.", "There is no such page."),
    # an unknown code and one of another province read alike (dashboard/auth_seam.py NotFound)
    "no_city": ("شهری با کد «{code}» وجود ندارد.", "There is no city with the code «{code}»."),
    "no_neighborhood": (
        "محله‌ای با کد «{code}» وجود ندارد.",
        "There is no neighborhood with the code «{code}».",
    ),
    "no_office": ("دفتری با کد «{code}» وجود ندارد.", "There is no office with the code «{code}»."),
    "no_province": ("استانی با کد «{code}» وجود ندارد.", "There is no province with the code «{code}»."),
    "no_boundaries": (
        "مرز استان‌ها بارگذاری نشده است: نقشه، شهرها را روی مرز ایران نشان می‌دهد.",
        "Province boundaries are not loaded: the map shows cities over Iran's outline.",
    ),
    "no_boundaries_provinces": (
        "مرز استان‌ها بارگذاری نشده است: نقشه، استان‌ها را به صورت نقطه روی مرز ایران نشان می‌دهد.",
        "Province boundaries are not loaded: the map shows provinces as points over Iran's outline.",
    ),
    "no_outline": (
        "مرز ایران (data/geo/iran_outline.geojson) موجود نیست.",
        "Iran's outline (data/geo/iran_outline.geojson) is not there.",
    ),
    "sources": ("منابع و انتساب‌ها", "Sources and attributions"),
    "demo_line": ("داده نمایشی: محلات و دفاتر ساختگی", "demo data: synthetic neighborhoods and offices"),
    "source_minutes": (
        "صورتجلسه پنجاهمین جلسه ستاد ملی بازآفرینی شهری، ۱۳۹۷/۰۷/۱۰",
        "Minutes of the 50th meeting of the National Urban Regeneration HQ, 1397/07/10",
    ),
    "font_credit": (
        "قلم وزیرمتن، با پروانه SIL Open Font License 1.1",
        "Vazirmatn font, SIL Open Font License 1.1",
    ),
    "file": ("پرونده", "File"),
    "read": ("خوانده", "Read"),
    "inserted": ("درج", "Inserted"),
    "updated": ("به‌روزشده", "Updated"),
    "rejected": ("ردشده", "Rejected"),
    "started": ("آغاز", "Started"),
    "row": ("ردیف", "Row"),
    "field": ("فیلد", "Field"),
    "reason": ("علت", "Reason"),
    "cities": ("شهرها", "Cities"),
    "db_counts": ("آنچه در پایگاه داده است", "What the database holds"),
    # the tables' own words (AG Grid's localeText); in English its defaults are these
    "g_page": ("صفحه", "Page"),
    "g_of": ("از", "of"),
    "g_to": ("تا", "to"),
    "g_more": ("بیشتر", "more"),
    "g_firstPage": ("صفحه نخست", "First Page"),
    "g_previousPage": ("صفحه پیشین", "Previous Page"),
    "g_nextPage": ("صفحه بعد", "Next Page"),
    "g_lastPage": ("صفحه آخر", "Last Page"),
    "g_loadingOoo": ("در حال بارگذاری…", "Loading..."),
    "g_noRowsToShow": ("ردیفی نیست", "No Rows To Show"),
}
# The meeting brief's words (dashboard/brief, and its link and the agencies view): key "b_" + word.
_BRIEF_WORDS = {
    "title": (
        "گزارش برای جلسه ستاد ملی بازآفرینی شهری",
        "Brief for the meeting of the National Urban Regeneration HQ",
    ),
    "meeting": ("جلسه", "Meeting"),
    "meeting_no": ("شماره جلسه", "Meeting number"),
    "meeting_on": ("تاریخ جلسه", "Meeting date"),
    "not_set": ("هنوز تعیین نشده", "not yet set"),
    "as_of": ("آمار تا تاریخ", "Figures as of"),
    "made_on": ("تهیه‌شده در", "Prepared on"),
    "scope": ("محدوده", "Scope"),
    "nation": ("کل کشور", "The whole country"),
    "province": ("استان", "Province"),
    "city": ("شهر", "City"),
    "secretariat": ("دبیرخانه ستاد ملی بازآفرینی شهری", "Secretariat of the National Urban Regeneration HQ"),
    "headline": ("نمای کلی", "At a glance"),
    "target_nbhds": ("محله‌های هدف", "Target neighborhoods"),
    "covered": ("تحت پوشش دفتر فعال", "Covered by an active office"),
    "coverage": ("پوشش", "Coverage"),
    "offices_active": ("دفاتر فعال", "Offices active"),
    "handed_over": ("واگذارشده به شهرداری", "Handed over to municipalities"),
    "handover_rate": ("نرخ واگذاری", "Handover rate"),
    "overdue_actions": ("اقدامات معوق", "Overdue actions"),
    "map_nation": ("پوشش محله‌های هدف به تفکیک استان", "Coverage of target neighborhoods by province"),
    "map_province": ("پوشش محله‌های هدف به تفکیک شهر", "Coverage of target neighborhoods by city"),
    "legend": (
        "رنگ: سهم محله‌های هدف تحت پوشش دفتر فعال (خاکستری: بدون محله هدف)",
        "Colour: share of target neighborhoods covered by an active office (grey: no target neighborhood)",
    ),
    "no_map": ("مرزها بارگذاری نشده است؛ نقشه‌ای نیست.", "No boundaries are loaded: there is no map."),
    "table_provinces": ("استان‌ها", "Provinces"),
    "table_cities": ("شهرها", "Cities"),
    "neighborhoods": ("محله‌ها", "Neighborhoods"),
    "n_covered": ("تحت پوشش", "Covered"),
    "cov_pct": ("پوشش ٪", "Coverage %"),
    "active": ("فعال", "Active"),
    "handover_pct": ("واگذاری ٪", "Handover %"),
    "overdue": ("معوق", "Overdue"),
    "lagging_provinces": ("استان‌هایی که بیشتر عقب‌اند", "The provinces that lag most"),
    "lagging_cities": ("شهرهایی که بیشتر عقب‌اند", "The cities that lag most"),
    "lag_coverage": ("کمترین پوشش", "Lowest coverage"),
    "lag_handover": ("کمترین نرخ واگذاری", "Lowest handover rate"),
    "performance": (
        "عملکرد دستگاه‌ها در برابر اهداف کمی (مصوبه ۲ جلسه پنجاهم)",
        "The agencies' performance against their targets (resolution 2 of the 50th meeting)",
    ),
    "no_targets": ("هدفی ثبت نشده است.", "No targets are recorded."),
    "measure": ("شاخص", "Measure"),
    "place": ("محدوده", "Place"),
    "period": ("دوره", "Period"),
    "target": ("هدف", "Target"),
    "achieved": ("محقق‌شده", "Achieved"),
    "achieved_pct": ("تحقق ٪", "Achieved %"),
    "elapsed_pct": ("زمان سپری‌شده ٪", "Time elapsed %"),
    "state": ("وضعیت", "State"),
    "bar_note": (
        "نوار: سهم محقق‌شده از هدف؛ خط سیاه: سهم سپری‌شده از دوره",
        "Bar: share of the target achieved; black line: share of the period elapsed",
    ),
    "provincial_targets": ("اهداف استانی", "Provincial targets"),
    "provinces_n": ("استان‌ها", "Provinces"),
    "provinces_behind": ("استان‌های عقب", "Provinces behind"),
    "m_offices_established": ("دفاتر تأسیس‌شده", "Offices established"),
    "m_neighborhoods_covered": ("محله‌های تحت پوشش", "Neighborhoods covered"),
    "m_offices_handed_over": ("دفاتر واگذارشده", "Offices handed over"),
    "m_reports_submitted": ("گزارش‌های عملکرد ارسال‌شده", "Performance reports submitted"),
    "t_met": ("محقق شد", "Met"),
    "t_on_track": ("طبق برنامه", "On track"),
    "t_behind": ("عقب از برنامه", "Behind"),
    "t_missed": ("محقق نشد", "Missed"),
    "t_upcoming": ("آغاز نشده", "Not begun"),
    "actions": ("اقدامات مصوبات جلسات پیشین", "The actions of previous meetings' resolutions"),
    "no_actions": ("اقدامی ثبت نشده است.", "No actions are recorded."),
    "resolution": ("مصوبه", "Resolution"),
    "action": ("اقدام", "Action"),
    "due": ("مهلت", "Due"),
    "status": ("وضعیت", "Status"),
    "since": ("از", "Since"),
    "total": ("همه", "All"),
    "st_open": ("باز", "Open"),
    "st_in_progress": ("در جریان", "In progress"),
    "st_done": ("انجام‌شده", "Done"),
    "st_cancelled": ("لغوشده", "Cancelled"),
    "overdue_first": ("اقدامات معوق، قدیمی‌ترین مهلت نخست", "Overdue actions, oldest due date first"),
    "more": (
        "و {n} اقدام معوق دیگر (فهرست کامل در داشبورد)",
        "and {n} more overdue actions (the full list is in the dashboard)",
    ),
    "uncovered": ("محله‌های بدون دفتر فعال", "Neighborhoods without an active office"),
    "due_handover": ("دفاتر در انتظار واگذاری", "Offices due for handover"),
    "neighborhood": ("محله", "Neighborhood"),
    "area_ha": ("مساحت (هکتار)", "Area (ha)"),
    "office": ("دفتر", "Office"),
    "more_rows": ("و {n} ردیف دیگر", "and {n} more rows"),
    "page": ("صفحه", "Page"),
    "download_brief": ("دریافت گزارش جلسه (پی‌دی‌اف)", "Download the meeting brief (PDF)"),
}
_WORDS.update({f"b_{key}": pair for key, pair in _BRIEF_WORDS.items()})
GRID_WORDS = [k[2:] for k in _WORDS if k.startswith("g_")]
BRIEF_WORDS = list(_BRIEF_WORDS)


def t(key: str, lang: str) -> str:
    """Gives the word for `key` in `lang` (the key itself when it has none: visible, never a crash)."""
    pair = _WORDS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def num(value: float | int | None, lang: str, decimals: int = 0, persian_digits: bool = True) -> str:
    """Gives a number with thousands separators, in Persian digits for Persian; '—' for None.
    `persian_digits=False` keeps ASCII digits (with Persian separators) for text drawn in the
    Farsi-Digits font, which shows them as Persian digits."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    text = text.replace(",", "٬").replace(".", "٫")
    return fa_digits(text) if persian_digits else text


def pct(value: float | None, lang: str, persian_digits: bool = True) -> str:
    """Gives a share as '45.3%' / '۴۵٫۳٪'; '—' for None."""
    if value is None:
        return "—"
    return num(value, lang, 1, persian_digits) + ("%" if lang == "en" else "٪")


def date(day: dt.date | None, lang: str) -> str:
    """Gives a Jalali date, with Persian digits in Persian ('۱۴۰۳/۱۲/۳۰')."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return to_jalali(day, persian_digits=(lang != "en"))


def rtl(text: str) -> str:
    """Gives text wrapped in RLE…PDF, so mixed Persian, digits and % keep their order in Plotly hovers."""
    return f"{RLE}{text}{PDF}"


def name(row: dict, lang: str, prefix: str = "") -> str:
    """Gives a row's name in the language, falling back to Persian (then the code)."""
    fa, en = (
        row.get(f"{prefix}name_fa") or row.get(f"{prefix}fa"),
        row.get(f"{prefix}name_en") or row.get(f"{prefix}en"),
    )
    if lang == "en" and en:
        return en
    return fa or en or row.get("code") or ""


def kinds(codes: list[str], lang: str) -> str:
    """Gives a neighborhood's kinds as words, joined as the language joins a list."""
    return ("، " if lang == "fa" else ", ").join(t(f"k_{k}", lang) for k in codes)


def known(key: str) -> bool:
    """Says whether `key` has words (an event of a history may be a state or a boundary's reason)."""
    return key in _WORDS


def grid_words(lang: str) -> dict:
    """Gives the words AG Grid writes itself (pager, loading, empty), in the language."""
    return {k: t(f"g_{k}", lang) for k in GRID_WORDS}
