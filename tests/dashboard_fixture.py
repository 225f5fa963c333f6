# ruff: noqa: E501  (SQL rows of the fixture read best one per line)
"""A small hand-built world for the dashboard tests: two provinces with boundaries, three cities,
six neighborhoods, offices in several states on different dates, actions and an ETL run.

What it should give (worked out by hand, see the tests):
- on D1 = 2021-06-01: Tehran province 4 neighborhoods, 2 covered (N1, N2); Isfahan 2, 1 covered (N5);
  2 actions overdue (A3 national, A4 in Isfahan).
- on D2 = 2023-06-01: Tehran 3 covered (N1 handed over, N2, N4); Isfahan 1 covered (N6; O4 closed);
  Tehran city handover 1 of 2 = 50 %; 1 action overdue (A3).
"""

from __future__ import annotations

import datetime as dt

D1 = dt.date(2021, 6, 1)
D2 = dt.date(2023, 6, 1)

_SQL = """
UPDATE provinces SET boundary = ST_Multi(ST_MakeEnvelope(50.8, 35.0, 52.2, 36.2, 4326)), boundary_source = 'test'
 WHERE code = 'IR-23';
UPDATE provinces SET boundary = ST_Multi(ST_MakeEnvelope(50.5, 32.0, 52.5, 33.6, 4326)), boundary_source = 'test'
 WHERE code = 'IR-10';

INSERT INTO cities (code, province_code, name_fa, name_en, boundary, location, population, source) VALUES
 ('TEH', 'IR-23', 'تهران', 'Tehran', ST_Multi(ST_MakeEnvelope(51.2, 35.55, 51.6, 35.85, 4326)),
  ST_SetSRID(ST_MakePoint(51.39, 35.69), 4326), 8700000, 'test'),
 ('RAY', 'IR-23', 'ری', 'Rey', NULL, ST_SetSRID(ST_MakePoint(51.44, 35.59), 4326), 300000, 'test'),
 ('ISF', 'IR-10', 'اصفهان', 'Isfahan', NULL, ST_SetSRID(ST_MakePoint(51.67, 32.65), 4326), 2000000, 'test');

INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, kinds, population, source) VALUES
 ('N1', 'TEH', 'عودلاجان', 'Oudlajan', ST_Multi(ST_MakeEnvelope(51.40, 35.67, 51.41, 35.68, 4326)), '{historic}', 1000, 'test'),
 ('N2', 'TEH', 'نارمک', 'Narmak', ST_Multi(ST_MakeEnvelope(51.42, 35.67, 51.43, 35.68, 4326)), '{inner_city}', 2000, 'test'),
 ('N3', 'TEH', 'خاک سفید', 'Khak-e Sefid', ST_Multi(ST_MakeEnvelope(51.44, 35.67, 51.45, 35.68, 4326)),
  '{informal,inner_city}', 3000, 'test'),
 ('N4', 'RAY', 'شهر ری مرکزی', 'Central Rey', ST_Multi(ST_MakeEnvelope(51.43, 35.58, 51.44, 35.59, 4326)),
  '{inner_city}', 500, 'test'),
 ('N5', 'ISF', 'جلفا', 'Jolfa', ST_Multi(ST_MakeEnvelope(51.66, 32.63, 51.67, 32.64, 4326)), '{historic}', 4000, 'test'),
 ('N6', 'ISF', 'ارزنان', 'Arzanan', ST_Multi(ST_MakeEnvelope(51.70, 32.66, 51.71, 32.67, 4326)), '{informal}', NULL,
  'demo');

INSERT INTO boundary_history (level, code, name_fa, boundary, valid_until, reason) VALUES
 ('neighborhood', 'N1', 'عودلاجان', ST_Multi(ST_MakeEnvelope(51.40, 35.67, 51.405, 35.68, 4326)),
  '2020-01-01', 'redrawn');

INSERT INTO offices (code, kind, name_fa, name_en, city_code, location, operator_agency_code, pre_program, source)
VALUES
 ('O1', 'facilitation', 'دفتر عودلاجان', 'Oudlajan office', 'TEH', ST_SetSRID(ST_MakePoint(51.405, 35.675), 4326),
  'moi_social', false, 'test'),
 ('O2', 'facilitation', 'دفتر نارمک', 'Narmak office', 'TEH', ST_SetSRID(ST_MakePoint(51.425, 35.675), 4326),
  'moi_social', false, 'test'),
 ('O3', 'facilitation', 'دفتر ری', 'Rey office', 'RAY', ST_SetSRID(ST_MakePoint(51.435, 35.585), 4326),
  'municipalities', false, 'test'),
 ('O4', 'facilitation', 'دفتر جلفا', 'Jolfa office', 'ISF', ST_SetSRID(ST_MakePoint(51.665, 32.635), 4326),
  'ngo', true, 'test'),
 ('O5', 'facilitation', 'دفتر ارزنان', 'Arzanan office', 'ISF', ST_SetSRID(ST_MakePoint(51.705, 32.665), 4326),
  'moi_social', false, 'test'),
 ('R1', 'renewal_service', 'دفتر خدمات نوسازی خاک سفید', 'Khak-e Sefid renewal office', 'TEH',
  ST_SetSRID(ST_MakePoint(51.445, 35.675), 4326), 'private_sector', false, 'test');

INSERT INTO office_neighborhoods (office_code, neighborhood_code) VALUES
 ('O1', 'N1'), ('O2', 'N2'), ('O3', 'N4'), ('O4', 'N5'), ('O5', 'N6'), ('R1', 'N3');

INSERT INTO office_states (office_code, state, began_on, letter_no) VALUES
 ('O1', 'planned', '2019-01-01', NULL), ('O1', 'established', '2019-06-01', NULL),
 ('O1', 'active', '2019-09-01', NULL), ('O1', 'handed_over', '2023-03-01', '۱۲۳/ش'),
 ('O2', 'planned', '2020-01-01', NULL), ('O2', 'established', '2021-01-01', NULL), ('O2', 'active', '2021-02-01', NULL),
 ('O3', 'planned', '2022-01-01', NULL), ('O3', 'active', '2023-01-01', NULL),
 ('O4', 'established', '2018-01-01', NULL), ('O4', 'active', '2018-02-01', NULL), ('O4', 'closed', '2022-06-01', NULL),
 ('O5', 'planned', '2021-05-01', NULL), ('O5', 'active', '2022-08-01', NULL),
 ('R1', 'active', '2020-01-01', NULL);

INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, title_en, kind,
                     province_code, city_code, neighborhood_code, office_code, due_on) VALUES
 ('A1', 50, 3, 'moi_social', 'راه‌اندازی دفتر در ری', 'Set up an office in Rey', 'establish_office',
  NULL, 'RAY', NULL, NULL, '2022-12-31'),
 ('A2', 50, 3, 'moi_social', 'واگذاری دفتر نارمک', 'Hand over the Narmak office', 'handover_office',
  NULL, NULL, NULL, 'O2', '2022-06-30'),
 ('A3', 50, 2, 'mrud', 'ارسال گزارش عملکرد', 'Send the performance report', 'performance_report',
  NULL, NULL, NULL, NULL, '2019-03-01'),
 ('A4', 50, 3, 'moi_social', 'راه‌اندازی دفتر ارزنان', 'Set up an office in Arzanan', 'establish_office',
  NULL, NULL, 'N6', NULL, '2021-01-01');

INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES
 ('A1', 'done', '2023-01-01', 'نامه ۴۵'),
 ('A2', 'in_progress', '2022-01-01', NULL), ('A2', 'done', '2023-01-05', NULL),
 ('A3', 'in_progress', '2019-02-01', NULL),
 ('A4', 'done', '2022-08-01', NULL);

INSERT INTO etl_runs (kind, level, file, checksum, read, inserted, rejected)
VALUES ('offices', NULL, 'offices-1402.csv', 'abc', 7, 6, 1);
INSERT INTO etl_rejects (run_id, row_no, name, field, reason, reason_key, reason_values)
SELECT id, 5, 'دفتر بی‌نام', 'city', 'unknown city code «تهرون»: load the city first (`regen load cities`)',
       'unknown_city', '{"value": "تهرون"}' FROM etl_runs;
"""


def build(db) -> None:
    """Loads the fixture into a migrated database."""
    with db.transaction() as cur:
        cur.execute(_SQL)
