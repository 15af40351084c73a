-- The team's review rubric, one row per version; the highest is current and
-- new rounds and leads' grades freeze a copy of it. A version nobody has
-- marked with yet is edited in place; once used, an edit adds a version.
CREATE TABLE review_rubrics (
    id BIGSERIAL PRIMARY KEY,
    version INTEGER NOT NULL UNIQUE,
    rubric_json TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
