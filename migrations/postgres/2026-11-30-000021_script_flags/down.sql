ALTER TABLE scripts DROP COLUMN flagged_at;
