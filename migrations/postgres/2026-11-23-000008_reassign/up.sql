-- A lead hands an absent reviewer's open reviews to others with a new due
-- date. The assignment keeps whom it was taken from; a null due date means
-- the round's.
ALTER TABLE review_assignments ADD COLUMN due_at BIGINT;
ALTER TABLE review_assignments ADD COLUMN reassigned_from BIGINT REFERENCES users (id);
