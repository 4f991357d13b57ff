-- State that several kansou processes (the shards of one bot) must share, kept in the database
-- instead of in each process's memory. Times are seconds since the epoch (UTC).

-- The last accepted score of a member in a server, for the server's rating cooldown
-- (bot/storage/cooldowns.py). previous_at is the stamp before it, put back when the score
-- could not be stored, so that a failed write does not start the cooldown.
CREATE TABLE rating_cooldowns (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    rated_at    REAL    NOT NULL,
    previous_at REAL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX rating_cooldowns_by_time ON rating_cooldowns (rated_at);

-- When each review post may next be edited (at most one edit per post per interval across every
-- process), and whether a change is waiting for that edit (bot/storage/refreshes.py).
CREATE TABLE post_refreshes (
    message_id INTEGER PRIMARY KEY,
    next_at    REAL    NOT NULL,
    pending    INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1))
);
