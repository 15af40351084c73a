-- Comparative judgement: a reviewer sees two anonymous answers to the same
-- question and picks the one they would send.
CREATE TABLE review_comparisons (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id BIGINT NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    answer_a BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    answer_b BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    winner BIGINT,
    submitted_at BIGINT,
    UNIQUE (round_id, reviewer_id, answer_a, answer_b)
);
CREATE INDEX review_comparisons_by_reviewer ON review_comparisons (reviewer_id);
