-- The same schema as migrations/sqlite.
-- A lead's grade of an answer, on the review rubric. It decides the answer's
-- score whatever the peers said, and it is the truth the review model measures
-- reviewers against. A calibration example is shown to reviewers with its reason.
CREATE TABLE lead_grades (
    id BIGSERIAL PRIMARY KEY,
    answer_id BIGINT NOT NULL UNIQUE REFERENCES answers (id) ON DELETE CASCADE,
    grader_id BIGINT NOT NULL REFERENCES users (id),
    rubric_json TEXT NOT NULL,
    marks_json TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL,
    calibration BOOLEAN NOT NULL DEFAULT FALSE,
    graded_at BIGINT NOT NULL
);

-- How a round's final scores blend the parts (automatic, peer, comparative).
ALTER TABLE review_rounds ADD COLUMN weights_json TEXT NOT NULL DEFAULT '{"automatic":0.3,"peer":0.5,"comparative":0.2}';
