"""Persian neighborhood names for the synthetic target neighborhoods, built from words that common
Iranian neighborhood names are made of (with a plain Latin spelling for the English column)."""

from __future__ import annotations

import numpy as np

# Heads: what a neighborhood is called after (places, landmarks, trades, old gardens and quarters).
HEADS: list[tuple[str, str]] = [
    ("سرچشمه", "Sarcheshmeh"),
    ("دروازه", "Darvazeh"),
    ("بازار", "Bazar"),
    ("قلعه", "Qaleh"),
    ("چهارباغ", "Chaharbagh"),
    ("امامزاده", "Emamzadeh"),
    ("سرآسیاب", "Sarasiab"),
    ("چاله‌میدان", "Chaleh Meydan"),
    ("حصار", "Hesar"),
    ("سرپل", "Sarpol"),
    ("پامنار", "Pamenar"),
    ("گذر", "Gozar"),
    ("باغ", "Bagh"),
    ("تپه", "Tappeh"),
    ("آب‌انبار", "Ab Anbar"),
    ("کاروانسرا", "Karvansara"),
    ("سنگلج", "Sanglaj"),
    ("چهارسو", "Chaharsu"),
    ("میدان", "Meydan"),
    ("مصلی", "Mosalla"),
    ("قنات", "Qanat"),
    ("کوره‌پزخانه", "Kureh Pazkhaneh"),
    ("آسیاب", "Asiab"),
    ("کشتارگاه", "Koshtargah"),
    ("ایستگاه", "Istgah"),
    ("فرودگاه", "Forudgah"),
    ("نخلستان", "Nakhlestan"),
    ("زیارت", "Ziarat"),
    ("درب", "Darb"),
    ("کوچه‌باغ", "Kucheh Bagh"),
    ("سه‌راه", "Serah"),
    ("چشمه", "Cheshmeh"),
    ("رودخانه", "Rudkhaneh"),
    ("جوی", "Juy"),
    ("برج", "Borj"),
    ("خندق", "Khandaq"),
    ("پشت‌بازار", "Posht Bazar"),
    ("سبزه‌میدان", "Sabzeh Meydan"),
    ("ده", "Deh"),
    ("کوی", "Kuy"),
]

# Qualifiers that follow a head: a family or saint's name, a plant, a direction, new/old.
TAILS: list[tuple[str, str]] = [
    ("نو", "No"),
    ("کهنه", "Kohneh"),
    ("بالا", "Bala"),
    ("پایین", "Payin"),
    ("شمالی", "Shomali"),
    ("جنوبی", "Jonubi"),
    ("شرقی", "Sharqi"),
    ("غربی", "Gharbi"),
    ("سید", "Seyyed"),
    ("حاجی", "Haji"),
    ("میرزا", "Mirza"),
    ("خان", "Khan"),
    ("شاه", "Shah"),
    ("انار", "Anar"),
    ("سیب", "Sib"),
    ("گلستان", "Golestan"),
    ("نسترن", "Nastaran"),
    ("ارغوان", "Arghavan"),
    ("چنار", "Chenar"),
    ("بید", "Bid"),
    ("زرد", "Zard"),
    ("سبز", "Sabz"),
    ("سنگی", "Sangi"),
    ("آهنگران", "Ahangaran"),
    ("مسگرها", "Mesgarha"),
    ("نجارها", "Najjarha"),
    ("کوزه‌گران", "Kuzehgaran"),
    ("علی‌آباد", "Aliabad"),
    ("حسن‌آباد", "Hasanabad"),
    ("محمدیه", "Mohammadiyeh"),
    ("زینبیه", "Zeynabiyeh"),
    ("فاطمیه", "Fatemiyeh"),
    ("رضوان", "Rezvan"),
    ("قائمیه", "Qaemiyeh"),
    ("اسلام‌آباد", "Eslamabad"),
    ("نصرآباد", "Nasrabad"),
    ("کریم‌خان", "Karim Khan"),
    ("امیریه", "Amiriyeh"),
]

# Informal settlements and rural cores are usually called after a village, a hill or a new township.
OUTSKIRT_HEADS: list[tuple[str, str]] = [
    ("شهرک", "Shahrak"),
    ("کوی", "Kuy"),
    ("ده", "Deh"),
    ("تپه", "Tappeh"),
    ("قلعه", "Qaleh"),
    ("آبادی", "Abadi"),
    ("اراضی", "Arazi"),
    ("حاشیه", "Hashiyeh"),
    ("کمربندی", "Kamarbandi"),
    ("دره", "Darreh"),
]


def neighborhood_name(rng: np.random.Generator, outskirts: bool, taken: set[str]) -> tuple[str, str]:
    """Gives a (Persian, Latin) name not yet in `taken` (names are unique within a city)."""
    heads = OUTSKIRT_HEADS if outskirts else HEADS
    for attempt in range(60):
        h_fa, h_en = heads[rng.integers(len(heads))]
        t_fa, t_en = TAILS[rng.integers(len(TAILS))]
        fa, en = f"{h_fa} {t_fa}", f"{h_en} {t_en}"
        if attempt >= 30:  # crowded cities: a third word, as real names do («باغ سید بالا»)
            x_fa, x_en = TAILS[rng.integers(len(TAILS))]
            fa, en = f"{fa} {x_fa}", f"{en} {x_en}"
        if fa not in taken:
            taken.add(fa)
            return fa, en
    n = len(taken) + 1
    fa, en = f"{h_fa} {t_fa} {n}", f"{h_en} {t_en} {n}"
    taken.add(fa)
    return fa, en
