-- New hires on a training program. A cohort freezes the program as it was
-- when the lead created it (plan_json), as an exam freezes its questions, so
-- editing exams/programs/*.toml later never moves anyone's gates. Each exam
-- of each week is a real exam (cohort_exams), opened for the cohort alone.
CREATE TABLE cohorts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    program_slug TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    -- The first day of week 1, as YYYY-MM-DD in the server's time zone.
    starts_on TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE cohort_exams (
    id BIGSERIAL PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    -- 0 for week 1.
    week INTEGER NOT NULL,
    exam_id BIGINT NOT NULL UNIQUE REFERENCES exams (id)
);
CREATE INDEX cohort_exams_by_cohort ON cohort_exams (cohort_id);

-- A new hire follows one cohort at a time.
CREATE TABLE enrolments (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    enrolled_by BIGINT NOT NULL REFERENCES users (id),
    enrolled_at BIGINT NOT NULL
);
CREATE INDEX enrolments_by_cohort ON enrolments (cohort_id);

-- A lead opening a week early for one new hire, and why.
CREATE TABLE week_exceptions (
    id BIGSERIAL PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    week INTEGER NOT NULL,
    reason TEXT NOT NULL,
    granted_by BIGINT NOT NULL REFERENCES users (id),
    granted_at BIGINT NOT NULL
);
CREATE INDEX week_exceptions_by_cohort ON week_exceptions (cohort_id, user_id);
