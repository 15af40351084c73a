-- The same schema as migrations/sqlite. Peer review: a round per exam, and who
-- reviews which answer in it.

-- The rubric is copied into the round (a versioned rubric, frozen as used), so
-- marks keep their meaning when the rubric changes later.
CREATE TABLE review_rounds (
    id BIGSERIAL PRIMARY KEY,
    exam_id BIGINT NOT NULL UNIQUE REFERENCES exams (id) ON DELETE CASCADE,
    k INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    rubric_json TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- One reviewer on one answer; the marks (criterion → level), their total and the
-- comment arrive when the review is submitted.
CREATE TABLE review_assignments (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    answer_id BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    marks_json TEXT,
    score DOUBLE PRECISION,
    comment TEXT,
    submitted_at BIGINT,
    UNIQUE (round_id, answer_id, reviewer_id)
);
CREATE INDEX review_assignments_by_reviewer ON review_assignments (reviewer_id);
