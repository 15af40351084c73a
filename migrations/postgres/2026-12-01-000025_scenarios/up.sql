-- Scenario dialogues (domain::scenario): a question, and an exam's frozen copy
-- of it, may carry the turns of a conversation; an answer to one keeps the
-- time spent on each turn ([{"ms": …}, …]) beside its transcript (the body).
ALTER TABLE questions ADD COLUMN scenario_json TEXT;
ALTER TABLE exam_items ADD COLUMN scenario_json TEXT;
ALTER TABLE answers ADD COLUMN turns_json TEXT;
