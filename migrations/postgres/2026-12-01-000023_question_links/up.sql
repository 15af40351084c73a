-- A lead's decisions on mined question groups, kept as what they say about
-- wordings: a merge says two wordings ask the same ('same', a must-link), a
-- split that they do not ('apart', a cannot-link). Stored groups are never
-- merged or split again by an import; these rows are what the product learns
-- from (synonym candidates), keyed by wording so they outlive the groups.
CREATE TABLE question_links (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('same', 'apart')),
    a_text TEXT NOT NULL,
    b_text TEXT NOT NULL,
    made_by BIGINT NOT NULL REFERENCES users (id),
    made_at BIGINT NOT NULL
);
