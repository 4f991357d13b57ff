-- Core tables: key/value bot state and per-server settings.
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    reviews_channel_id INTEGER,
    reviewer_role_id  INTEGER,
    rating_role_id    INTEGER,
    min_votes         INTEGER NOT NULL DEFAULT 3 CHECK (min_votes BETWEEN 1 AND 1000),
    rating_cooldown   INTEGER NOT NULL DEFAULT 0 CHECK (rating_cooldown BETWEEN 0 AND 86400)
);
