-- Other ways customers ask a script's question ("能开票吗" for "可以开发票吗"):
-- a pasted message is matched against them as against the question itself.
-- A script's quick-reply shortcut ("/kp") is what an agent types in a chat
-- workbench to insert it, carried by the quick-reply export.
CREATE TABLE script_alternates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    script_id BIGINT NOT NULL REFERENCES scripts (id),
    text TEXT NOT NULL,
    added_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (script_id, text)
);
ALTER TABLE scripts ADD COLUMN shortcut TEXT;
