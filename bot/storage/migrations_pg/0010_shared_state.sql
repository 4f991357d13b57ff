-- State that several kansou processes (the shards of one bot) share (see the SQLite migration of the
-- same number). Times are seconds since the epoch (UTC), written by the processes' own clocks.

CREATE TABLE rating_cooldowns (
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    rated_at    DOUBLE PRECISION NOT NULL,
    previous_at DOUBLE PRECISION,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX rating_cooldowns_by_time ON rating_cooldowns (rated_at);

CREATE TABLE post_refreshes (
    message_id BIGINT PRIMARY KEY,
    next_at    DOUBLE PRECISION NOT NULL,
    pending    INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1))
);
