-- Questions mined from chat logs. Everything stored here is masked first
-- (domain::mining::mask): no phone, order, ID-card, address or e-mail survives.

-- One imported file; its content hash makes importing the same file again a no-op.
CREATE TABLE chat_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    bytes_total BIGINT NOT NULL,
    bytes_read BIGINT NOT NULL DEFAULT 0,
    report_json TEXT NOT NULL DEFAULT '{}',
    imported_by BIGINT REFERENCES users (id),
    started_at BIGINT NOT NULL,
    -- Moved on with the progress: a 'running' import whose heartbeat stopped died
    -- with its process, and the file may be imported again.
    heartbeat_at BIGINT NOT NULL,
    finished_at BIGINT
);

-- A group of questions asking the same thing. `representative` and the tags are
-- recomputed on every import; `title` and the `*_set` tags are a lead's decisions
-- and win over them. `asked` and the seen days sum up its questions.
CREATE TABLE mined_clusters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    representative TEXT NOT NULL,
    title TEXT,
    scene TEXT,
    category TEXT,
    department TEXT NOT NULL,
    scene_set TEXT,
    category_set TEXT,
    department_set TEXT,
    asked BIGINT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One distinct wording (one comparison key) and how often it was asked; days
-- are 'YYYY-MM-DD'.
CREATE TABLE mined_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cluster_id BIGINT NOT NULL REFERENCES mined_clusters (id),
    text TEXT NOT NULL,
    asked BIGINT NOT NULL,
    first_seen TEXT,
    last_seen TEXT
);
CREATE INDEX mined_questions_by_cluster ON mined_questions (cluster_id);

-- Questions per week, keyed by the week's Monday.
CREATE TABLE mined_weeks (
    question_id BIGINT NOT NULL REFERENCES mined_questions (id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    asked BIGINT NOT NULL,
    PRIMARY KEY (question_id, week)
);

-- Agent replies that followed a question in the log: the first references.
CREATE TABLE mined_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES mined_questions (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    UNIQUE (question_id, body)
);
