ALTER TABLE review_assignments DROP COLUMN reassigned_from;
ALTER TABLE review_assignments DROP COLUMN due_at;
