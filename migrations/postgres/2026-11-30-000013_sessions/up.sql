-- Signed-in sessions, kept on the server so they can be revoked (logout, a
-- password reset, a disabled account, a role change) and expire when idle or
-- old. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database opens no session.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
