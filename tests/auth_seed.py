"""A small two-province world for the access tests: Tehran (IR-23) and Isfahan (IR-10), each with a
city, a neighborhood, a facilitation office (established 2020-01-01) and an action; one national
action; a national target and one per province; and four accounts (national, viewer, provincial
Tehran, provincial Isfahan)."""

from __future__ import annotations

from regen.accounts import add_user
from regen.db import Database
from regen.scope import Scope

PASSWORD = "correct horse battery"
NATIONAL = Scope("nat", "national")
VIEWER = Scope("view", "viewer")
TEHRAN = Scope("teh", "provincial", "IR-23")
ISFAHAN = Scope("isf", "provincial", "IR-10")

_SEED = """
INSERT INTO cities (code, province_code, name_fa, name_en, location) VALUES
 ('tehran', 'IR-23', 'تهران', 'Tehran', ST_SetSRID(ST_MakePoint(51.39, 35.69), 4326)),
 ('isfahan', 'IR-10', 'اصفهان', 'Isfahan', ST_SetSRID(ST_MakePoint(51.67, 32.65), 4326));
INSERT INTO neighborhoods (code, city_code, name_fa, boundary, population) VALUES
 ('nb-teh', 'tehran', 'نارمک', ST_Multi(ST_MakeEnvelope(51.50, 35.70, 51.51, 35.71, 4326)), 1000),
 ('nb-isf', 'isfahan', 'جلفا', ST_Multi(ST_MakeEnvelope(51.66, 32.63, 51.67, 32.64, 4326)), 2000);
INSERT INTO offices (code, kind, name_fa, city_code, location) VALUES
 ('of-teh', 'facilitation', 'دفتر نارمک', 'tehran', ST_SetSRID(ST_MakePoint(51.505, 35.705), 4326)),
 ('of-isf', 'facilitation', 'دفتر جلفا', 'isfahan', ST_SetSRID(ST_MakePoint(51.665, 32.635), 4326));
INSERT INTO office_neighborhoods VALUES ('of-teh', 'nb-teh'), ('of-isf', 'nb-isf');
INSERT INTO office_states (office_code, state, began_on) VALUES
 ('of-teh', 'established', '2020-01-01'), ('of-isf', 'established', '2020-01-01');
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, kind, city_code,
                     office_code) VALUES
 ('ac-teh', 50, 3, 'moi_social', 'واگذاری دفتر نارمک', 'handover_office', 'tehran', 'of-teh'),
 ('ac-isf', 50, 3, 'moi_social', 'واگذاری دفتر جلفا', 'handover_office', 'isfahan', 'of-isf');
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, kind) VALUES
 ('ac-nat', 50, 2, 'hq_secretariat', 'گزارش عملکرد', 'performance_report');
INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES
 ('ac-teh', 'open', '2018-10-02', 'resolution'), ('ac-isf', 'open', '2018-10-02', 'resolution'),
 ('ac-nat', 'open', '2018-10-02', 'resolution');
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target)
VALUES ('tg-nat', 'moi_social', 'offices_established', NULL, 1396, 1400, '2017-03-21', '2022-03-20', 100),
       ('tg-teh', 'moi_social', 'neighborhoods_covered', 'IR-23', 1402, 1402, '2023-03-21', '2024-03-19', 5),
       ('tg-isf', 'moi_social', 'neighborhoods_covered', 'IR-10', 1402, 1402, '2023-03-21', '2024-03-19', 4);
"""


def seed(db: Database) -> None:
    """Writes the world above as the owner."""
    with db.transaction() as cur:
        cur.execute(_SEED)
    for scope in (NATIONAL, VIEWER, TEHRAN, ISFAHAN):
        add_user(db, scope.user, scope.role, scope.province, PASSWORD)


def counts(db: Database) -> dict[str, int]:
    """Gives the row counts the write tests compare before and after (read as the owner)."""
    row = db.query(
        "SELECT (SELECT count(*) FROM office_states) AS office_states,"
        " (SELECT count(*) FROM action_statuses) AS action_statuses,"
        " (SELECT count(*) FROM audit_log) AS audit_log,"
        " (SELECT count(*) FROM offices) AS offices"
    )[0]
    return dict(row)
