ALTER TABLE answers DROP COLUMN turns_json;
ALTER TABLE exam_items DROP COLUMN scenario_json;
ALTER TABLE questions DROP COLUMN scenario_json;
