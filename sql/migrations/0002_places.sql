-- Provinces (reference data, boundaries attached later by ETL) and cities / municipalities.
CREATE TABLE provinces (
    code        text PRIMARY KEY CHECK (code ~ '^IR-[0-9]{2}$'),
    name_fa     text NOT NULL,
    name_en     text NOT NULL,
    name_key    text GENERATED ALWAYS AS (fa_normalize(name_fa)) STORED,
    name_en_key text GENERATED ALWAYS AS (fa_normalize(name_en)) STORED,
    boundary    geometry(MultiPolygon, 4326) CHECK (is_sane_area(boundary)),
    area_ha     double precision GENERATED ALWAYS AS (area_ha(boundary)) STORED,
    label_point geometry(Point, 4326),
    boundary_source text,
    run_id      bigint
);
CREATE INDEX provinces_boundary_gist ON provinces USING gist (boundary);
CREATE INDEX provinces_label_point_gist ON provinces USING gist (label_point);
CREATE UNIQUE INDEX provinces_name_key ON provinces (name_key);

-- ISO 3166-2:IR as revised in 2020 (IR-00 … IR-30).
INSERT INTO provinces (code, name_fa, name_en) VALUES
 ('IR-00', 'مرکزی', 'Markazi'),
 ('IR-01', 'گیلان', 'Gilan'),
 ('IR-02', 'مازندران', 'Mazandaran'),
 ('IR-03', 'آذربایجان شرقی', 'East Azerbaijan'),
 ('IR-04', 'آذربایجان غربی', 'West Azerbaijan'),
 ('IR-05', 'کرمانشاه', 'Kermanshah'),
 ('IR-06', 'خوزستان', 'Khuzestan'),
 ('IR-07', 'فارس', 'Fars'),
 ('IR-08', 'کرمان', 'Kerman'),
 ('IR-09', 'خراسان رضوی', 'Razavi Khorasan'),
 ('IR-10', 'اصفهان', 'Isfahan'),
 ('IR-11', 'سیستان و بلوچستان', 'Sistan and Baluchestan'),
 ('IR-12', 'کردستان', 'Kurdistan'),
 ('IR-13', 'همدان', 'Hamadan'),
 ('IR-14', 'چهارمحال و بختیاری', 'Chaharmahal and Bakhtiari'),
 ('IR-15', 'لرستان', 'Lorestan'),
 ('IR-16', 'ایلام', 'Ilam'),
 ('IR-17', 'کهگیلویه و بویراحمد', 'Kohgiluyeh and Boyer-Ahmad'),
 ('IR-18', 'بوشهر', 'Bushehr'),
 ('IR-19', 'زنجان', 'Zanjan'),
 ('IR-20', 'سمنان', 'Semnan'),
 ('IR-21', 'یزد', 'Yazd'),
 ('IR-22', 'هرمزگان', 'Hormozgan'),
 ('IR-23', 'تهران', 'Tehran'),
 ('IR-24', 'اردبیل', 'Ardabil'),
 ('IR-25', 'قم', 'Qom'),
 ('IR-26', 'قزوین', 'Qazvin'),
 ('IR-27', 'گلستان', 'Golestan'),
 ('IR-28', 'خراسان شمالی', 'North Khorasan'),
 ('IR-29', 'خراسان جنوبی', 'South Khorasan'),
 ('IR-30', 'البرز', 'Alborz');

CREATE TABLE cities (
    code          text PRIMARY KEY CHECK (code <> ''),
    province_code text NOT NULL REFERENCES provinces (code),
    name_fa       text NOT NULL CHECK (name_fa <> ''),
    name_en       text,
    name_key      text GENERATED ALWAYS AS (fa_normalize(name_fa)) STORED,
    boundary      geometry(MultiPolygon, 4326) CHECK (is_sane_area(boundary)),
    area_ha       double precision GENERATED ALWAYS AS (area_ha(boundary)) STORED,
    location      geometry(Point, 4326) CHECK (location IS NULL OR NOT ST_IsEmpty(location)),
    population    integer CHECK (population >= 0),
    source        text NOT NULL DEFAULT 'manual',
    run_id        bigint,
    retired_at    timestamptz,           -- no longer current (an ETL --replace left it out); kept for history
    retired_run_id bigint,
    CHECK (boundary IS NOT NULL OR location IS NOT NULL)
);
CREATE INDEX cities_province ON cities (province_code);
CREATE INDEX cities_name_key ON cities (name_key);
CREATE INDEX cities_boundary_gist ON cities USING gist (boundary);
CREATE INDEX cities_location_gist ON cities USING gist (location);

-- Agencies: member bodies of the HQ, municipalities, NGOs, private operators.
CREATE TABLE agencies (
    code      text PRIMARY KEY CHECK (code ~ '^[a-z0-9_.-]+$'),
    name_fa   text NOT NULL,
    name_en   text NOT NULL,
    name_key  text GENERATED ALWAYS AS (fa_normalize(name_fa)) STORED,
    kind      text NOT NULL CHECK (kind IN ('member', 'municipality', 'ngo', 'private', 'other')),
    city_code text REFERENCES cities (code)   -- for a particular municipality
);

INSERT INTO agencies (code, name_fa, name_en, kind) VALUES
 ('hq_secretariat', 'دبیرخانه ستاد ملی بازآفرینی شهری', 'Secretariat of the National Urban Regeneration HQ', 'member'),
 ('mrud', 'وزارت راه و شهرسازی', 'Ministry of Roads and Urban Development', 'member'),
 ('urc', 'شرکت بازآفرینی شهری ایران', 'Iran Urban Regeneration Company', 'member'),
 ('moi_social', 'سازمان امور اجتماعی وزارت کشور', 'Social Affairs Organization, Ministry of Interior', 'member'),
 ('social_council', 'شورای اجتماعی کشور', 'Social Council of the Country', 'member'),
 ('tvto', 'سازمان آموزش فنی و حرفه‌ای کشور', 'Technical and Vocational Training Organization', 'member'),
 ('municipalities', 'شهرداری‌ها', 'Municipalities', 'municipality'),
 ('ngo', 'تشکل‌های مردم‌نهاد', 'Non-governmental organizations', 'ngo'),
 ('private_sector', 'بخش غیردولتی', 'Non-government sector (private operators)', 'private');
