-- The official reply-script library: one script per customer question (a bank
-- question, or a mined group kept as a question), and every version of it ever
-- published. The current version is the one with the highest number; rolling
-- back publishes an older text again as a new version, so nothing is ever
-- overwritten. Each version records where its text came from (the answer, its
-- author and exam, its scores) and who approved it when.
CREATE TABLE scripts (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL UNIQUE REFERENCES questions (id),
    owner_id BIGINT REFERENCES users (id),
    review_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE script_versions (
    id BIGSERIAL PRIMARY KEY,
    script_id BIGINT NOT NULL REFERENCES scripts (id),
    n INTEGER NOT NULL,
    text TEXT NOT NULL,
    answer_id BIGINT REFERENCES answers (id) ON DELETE SET NULL,
    author_id BIGINT REFERENCES users (id),
    exam_id BIGINT REFERENCES exams (id) ON DELETE SET NULL,
    automatic_score DOUBLE PRECISION,
    final_score DOUBLE PRECISION,
    edited BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    approved_by BIGINT NOT NULL REFERENCES users (id),
    approved_at BIGINT NOT NULL,
    UNIQUE (script_id, n)
);
CREATE INDEX script_versions_author ON script_versions (author_id);
