-- Champion and challenger: when a round starts on an exam whose question
-- already has an official script, the script's current version enters the
-- round as one more anonymous answer (kept in an attempt of the library's own
-- account, never submitted, so it is nobody's result). This says which
-- answers are scripts, and which version each one is.
CREATE TABLE round_incumbents (
    answer_id BIGINT PRIMARY KEY REFERENCES answers (id) ON DELETE CASCADE,
    round_id BIGINT NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    script_id BIGINT NOT NULL REFERENCES scripts (id) ON DELETE CASCADE,
    version_n INTEGER NOT NULL
);
CREATE INDEX round_incumbents_by_round ON round_incumbents (round_id);
CREATE INDEX round_incumbents_by_script ON round_incumbents (script_id);
