-- Service figures from imported chats: one row per conversation with a
-- conversation id and timed messages, its waits summed so any grouping can
-- average them, and the promises agents made in it. Times are the shop's
-- local time as exported, in seconds (read as if UTC); week is its Monday.
CREATE TABLE chat_conversations (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES chat_imports (id),
    conversation TEXT NOT NULL,
    -- The first agent who answered, as the export names them.
    agent TEXT,
    -- A hash of the customer's id: the figures only ask "the same customer?".
    customer TEXT,
    -- The question group of its first question (no key: groups merge).
    cluster_id BIGINT,
    started_at BIGINT NOT NULL,
    week TEXT NOT NULL,
    handling_s BIGINT NOT NULL,
    first_response_s BIGINT,
    waits BIGINT NOT NULL,
    waited_s BIGINT NOT NULL,
    -- The same customer asked the same group again within 3 days.
    repeated BOOLEAN NOT NULL,
    csat BIGINT,
    nps BIGINT,
    -- Two exports that overlap store a conversation once.
    UNIQUE (conversation, started_at)
);
CREATE INDEX chat_conversations_by_week ON chat_conversations (week, agent);
CREATE INDEX chat_conversations_by_customer ON chat_conversations (customer, started_at);

CREATE TABLE chat_promises (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES chat_imports (id),
    conversation TEXT NOT NULL,
    agent TEXT,
    said_at BIGINT NOT NULL,
    -- YYYY-MM-DD of said_at, for the day's checklist.
    day TEXT NOT NULL,
    -- The agent's message, masked.
    text TEXT NOT NULL,
    -- The words that make it a promise ("今天下午五点前").
    words TEXT NOT NULL,
    kept_by BIGINT REFERENCES users (id),
    kept_at BIGINT
);
CREATE INDEX chat_promises_by_day ON chat_promises (day, agent);
