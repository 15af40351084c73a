ALTER TABLE answers DROP COLUMN rubric_bits;
