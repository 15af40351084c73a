-- One counter that every change to the library's wordings moves on (a
-- publication, an alternate added or removed), so an instance can tell in one
-- primary-key read whether its in-memory matching index is still current.
CREATE TABLE library_version (
    id INTEGER PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO library_version (id, n) VALUES (1, 0);
