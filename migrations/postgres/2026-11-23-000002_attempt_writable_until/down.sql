ALTER TABLE attempts DROP COLUMN writable_until;
