-- When the chats imported last flagged a script for a new round (its
-- question's volume jumped, or the team's replies drift away from it); null
-- when they did not. Set or cleared after every import, cleared by a new
-- version. Its owner's inbox lists it.
ALTER TABLE scripts ADD COLUMN flagged_at BIGINT;
