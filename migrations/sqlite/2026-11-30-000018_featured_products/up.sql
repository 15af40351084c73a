-- The product of the week (每周主推): what the team steers undecided buyers
-- towards, its selling points, and the persuasion scripts for it, each tagged
-- with its technique. One per ISO week ("2026-W49"); set again, it is replaced.
CREATE TABLE featured_products (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    week TEXT NOT NULL UNIQUE,
    product TEXT NOT NULL,
    points_json TEXT NOT NULL,
    pitches_json TEXT NOT NULL,
    set_by BIGINT NOT NULL REFERENCES users (id),
    set_at BIGINT NOT NULL
);
