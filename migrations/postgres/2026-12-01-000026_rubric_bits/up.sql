-- An answer's rubric lines packed in one integer (scoring::pack_checks: two
-- bits per check, expected and met), so the dashboard reads a year of answers
-- without parsing every report. Answers scored before this have none; their
-- report is read instead.
ALTER TABLE answers ADD COLUMN rubric_bits INTEGER;
