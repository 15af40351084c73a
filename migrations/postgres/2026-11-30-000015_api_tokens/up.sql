-- Tokens for chat tools calling /api/v1 with `Authorization: Bearer …`. Each
-- belongs to a user and acts with that user's role; only the token's SHA-256
-- is stored (the token is shown once, when made), so a copy of the database
-- calls nothing. `hint` is the token's first characters, to tell them apart.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
