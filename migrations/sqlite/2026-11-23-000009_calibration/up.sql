-- A reviewer's training on a round's calibration examples (answers a lead
-- graded with a reason) before their first review. The first try is kept:
-- it measures the reviewer against the lead. Later tries only count.
CREATE TABLE review_calibrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id BIGINT NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    answer_id BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    first_marks_json TEXT NOT NULL,
    first_score DOUBLE NOT NULL,
    tries INTEGER NOT NULL,
    passed_at BIGINT,
    UNIQUE (round_id, reviewer_id, answer_id)
);
