DROP TABLE script_alternates;
ALTER TABLE scripts DROP COLUMN shortcut;
