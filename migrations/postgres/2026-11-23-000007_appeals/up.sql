-- The same schema as migrations/sqlite.
-- A trainee's appeal against an answer's final score, and the lead's decision.
-- A better answer proposed with it is kept as a candidate reference.
CREATE TABLE appeals (
    id BIGSERIAL PRIMARY KEY,
    answer_id BIGINT NOT NULL UNIQUE REFERENCES answers (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    better_answer TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
    decision TEXT,
    decided_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
