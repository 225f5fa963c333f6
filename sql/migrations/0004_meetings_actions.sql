-- HQ meetings, their resolutions, and the trackable actions they become (with dated status history).

CREATE TABLE meetings (
    number   integer PRIMARY KEY CHECK (number > 0),
    held_on  date NOT NULL,
    title_fa text NOT NULL,
    title_en text NOT NULL,
    place_fa text
);

CREATE TABLE resolutions (
    meeting_number integer NOT NULL REFERENCES meetings (number),
    number         integer NOT NULL CHECK (number > 0),
    text_fa        text NOT NULL,
    summary_en     text NOT NULL,
    PRIMARY KEY (meeting_number, number)
);

CREATE TABLE resolution_agencies (
    meeting_number    integer NOT NULL,
    resolution_number integer NOT NULL,
    agency_code       text NOT NULL REFERENCES agencies (code),
    PRIMARY KEY (meeting_number, resolution_number, agency_code),
    FOREIGN KEY (meeting_number, resolution_number) REFERENCES resolutions (meeting_number, number)
);

CREATE TABLE actions (
    code              text PRIMARY KEY CHECK (code <> ''),
    meeting_number    integer NOT NULL,
    resolution_number integer NOT NULL,
    agency_code       text NOT NULL REFERENCES agencies (code),
    title_fa          text NOT NULL,
    title_en          text,
    kind              text NOT NULL DEFAULT 'other'
                      CHECK (kind IN ('establish_office', 'handover_office', 'performance_report', 'other')),
    province_code     text REFERENCES provinces (code),
    city_code         text REFERENCES cities (code),
    neighborhood_code text REFERENCES neighborhoods (code),
    office_code       text REFERENCES offices (code),
    due_on            date,
    source            text NOT NULL DEFAULT 'manual',
    run_id            bigint,
    FOREIGN KEY (meeting_number, resolution_number) REFERENCES resolutions (meeting_number, number)
);
CREATE INDEX actions_agency ON actions (agency_code);
CREATE INDEX actions_province ON actions (province_code);
CREATE INDEX actions_city ON actions (city_code);

CREATE TABLE action_statuses (
    id          bigserial PRIMARY KEY,
    action_code text NOT NULL REFERENCES actions (code) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    began_on    date NOT NULL,
    evidence    text,
    recorded_by text NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    run_id      bigint
);
CREATE INDEX action_statuses_action_date ON action_statuses (action_code, began_on);

-- An action's province, from the most specific place it is tied to (NULL: a national action).
CREATE OR REPLACE VIEW action_places AS
SELECT a.code AS action_code,
       COALESCE(a.province_code, c.province_code, nc.province_code, oc.province_code) AS province_code,
       COALESCE(a.city_code, n.city_code, o.city_code) AS city_code
FROM actions a
LEFT JOIN cities c ON c.code = a.city_code
LEFT JOIN neighborhoods n ON n.code = a.neighborhood_code
LEFT JOIN cities nc ON nc.code = n.city_code
LEFT JOIN offices o ON o.code = a.office_code
LEFT JOIN cities oc ON oc.code = o.city_code;

-- The source document: minutes of the 50th meeting of the National Urban Regeneration HQ,
-- Ministry of Roads and Urban Development, 1397/07/10 (2018-10-02).
INSERT INTO meetings (number, held_on, title_fa, title_en, place_fa) VALUES
 (50, DATE '2018-10-02',
  'پنجاهمین جلسه ستاد ملی بازآفرینی شهری: گزارش سازمان امور اجتماعی کشور درباره راه‌اندازی دفاتر تسهیلگری اجتماعی در محلات هدف',
  '50th meeting of the National Urban Regeneration HQ: report of the Social Affairs Organization on setting up social facilitation offices in target neighborhoods',
  'وزارت راه و شهرسازی');

INSERT INTO resolutions (meeting_number, number, text_fa, summary_en) VALUES
 (50, 1, 'کمیته راهبری مشترک برنامه تسهیلگری و توسعه محله‌ای با حضور نمایندگان شورای اجتماعی کشور، ستاد ملی بازآفرینی شهری و روسای کارگروه‌های ذیل آن‌ها تشکیل شود تا به الگو و رویه واحد و مورد توافق برسد.',
  'A joint steering committee for the facilitation and neighborhood development program is formed (Social Council, National HQ, heads of their working groups) to agree one model and a common procedure.'),
 (50, 2, 'دستگاه‌های عضو ستاد گزارش عملکرد خود در برنامه ملی بازآفرینی شهری را بر اساس اهداف کمی و برنامه عملیاتی در برنامه ششم توسعه به دبیرخانه ستاد ارسال کنند تا در دستور جلسات ستاد قرار گیرد.',
  'Every member agency sends its performance report on the national program (against its Sixth Development Plan goals and operational plan) to the HQ secretariat for the agendas of HQ meetings.'),
 (50, 3, 'تصدی‌گری دولت به‌تنهایی در محلات هدف موفق نبوده است؛ اجرا باید با محوریت شهرداری‌ها و مشارکت واقعی ساکنان باشد. سازمان امور اجتماعی کشور در محلات هدفی که دفتر تسهیلگری ندارند دفتر راه‌اندازی کرده و در نهایت آن‌ها را به شهرداری‌ها واگذار می‌کند.',
  'Municipalities lead execution with residents as real participants: the Social Affairs Organization sets up facilitation offices in target neighborhoods that have none yet and in the end hands them over to the municipalities.'),
 (50, 4, 'شورای اجتماعی کشور وظایف اجتماعی خود را از محل اعتبارات جاری انجام می‌دهد و تملک دارایی‌های سرمایه‌ای در حوزه کالبدی از طریق وزارت راه و شهرسازی (شرکت بازآفرینی شهری ایران) انجام می‌شود.',
  'The Social Council funds its social tasks from current budgets; capital assets in the physical domain go through the Ministry of Roads and Urban Development (Iran Urban Regeneration Company).'),
 (50, 5, 'دستگاه‌های عضو برنامه‌های خود را با وظایف قانونی هماهنگ کنند؛ از جمله ماده ۴ قانون حمایت از احیا، بهسازی و نوسازی بافت‌های فرسوده و ناکارآمد شهری و بند ۱ ماده ۴۲ آیین‌نامه اجرایی قانون ساماندهی و حمایت از تولید و عرضه مسکن درباره دفاتر خدمات نوسازی.',
  'Member agencies align programs with their legal duties: Article 4 of the distressed-fabric law (delegation to qualified non-government persons) and Article 42(1) of the housing bylaw (renewal service offices under municipal supervision).'),
 (50, 6, 'گزارش عملکرد سازمان آموزش فنی و حرفه‌ای کشور در محلات هدف در دستور جلسه آینده ستاد قرار گیرد.',
  'The Technical and Vocational Training Organization''s performance report in target neighborhoods goes on the agenda of the next HQ meeting.');

INSERT INTO resolution_agencies (meeting_number, resolution_number, agency_code) VALUES
 (50, 1, 'social_council'), (50, 1, 'hq_secretariat'),
 (50, 2, 'hq_secretariat'), (50, 2, 'mrud'), (50, 2, 'urc'), (50, 2, 'moi_social'),
 (50, 2, 'social_council'), (50, 2, 'tvto'),
 (50, 3, 'moi_social'), (50, 3, 'municipalities'),
 (50, 4, 'social_council'), (50, 4, 'mrud'), (50, 4, 'urc'),
 (50, 5, 'urc'), (50, 5, 'municipalities'), (50, 5, 'private_sector'),
 (50, 6, 'tvto'), (50, 6, 'hq_secretariat');
