-- How the team really answers a question that has an official script: each
-- import keeps a sample of the agents' replies to it (the same reply as often
-- as it was sent), so a script's page can tell when the newest replies drift
-- away from it. Only questions whose group has a script are sampled.
CREATE TABLE mined_replies (
    id BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES mined_questions (id) ON DELETE CASCADE,
    import_id BIGINT NOT NULL REFERENCES chat_imports (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE INDEX mined_replies_by_question ON mined_replies (question_id);
