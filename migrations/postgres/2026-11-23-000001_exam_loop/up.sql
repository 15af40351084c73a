-- The same schema as migrations/sqlite, in PostgreSQL's types. Times are Unix
-- milliseconds (BIGINT) on both backends.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('trainee', 'lead', 'admin')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    created_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failed_at BIGINT NOT NULL
);

CREATE TABLE questions (
    id BIGSERIAL PRIMARY KEY,
    bank_slug TEXT NOT NULL,
    bank_title TEXT NOT NULL,
    qkey TEXT NOT NULL,
    scene TEXT NOT NULL,
    category TEXT NOT NULL,
    prompt TEXT NOT NULL,
    references_json TEXT NOT NULL,
    tags_json TEXT NOT NULL,
    rubric_json TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (bank_slug, qkey)
);

CREATE TABLE exams (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    time_limit_min INTEGER NOT NULL,
    pass_mark INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    opened_at BIGINT,
    closed_at BIGINT
);

CREATE TABLE exam_items (
    id BIGSERIAL PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    scene TEXT NOT NULL,
    category TEXT NOT NULL,
    prompt TEXT NOT NULL,
    references_json TEXT NOT NULL,
    rubric_json TEXT NOT NULL,
    UNIQUE (exam_id, position)
);

CREATE TABLE attempts (
    id BIGSERIAL PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    submitted_at BIGINT,
    score DOUBLE PRECISION,
    UNIQUE (exam_id, user_id)
);

CREATE TABLE answers (
    id BIGSERIAL PRIMARY KEY,
    attempt_id BIGINT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES exam_items (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    time_spent_ms BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    score DOUBLE PRECISION,
    report_json TEXT,
    UNIQUE (attempt_id, item_id)
);

CREATE INDEX attempts_by_user ON attempts (user_id);
CREATE INDEX answers_by_item ON answers (item_id);
