-- Posts and threads a failed publish or edit created on Discord and could not remove at once:
-- the next start deletes them (best effort) and forgets them.
CREATE TABLE discord_leftovers (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER,
    thread_id   INTEGER,
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
