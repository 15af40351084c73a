-- Failed logins were kept per submitted name, any length, forever. The throttle
-- is now per (well-formed username, client address): an attempt is counted
-- before its password is checked, and rows expire after a day.
DROP TABLE login_failures;

CREATE TABLE login_throttle (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    blocked_until BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);
