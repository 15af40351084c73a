DROP TABLE login_throttle;

CREATE TABLE login_failures (
    username TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failed_at BIGINT NOT NULL
);
